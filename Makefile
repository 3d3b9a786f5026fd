# tapstack - one Makefile, explicit source lists, objects under build/<config>/.
#
#   make              optimised with debug info (-O2 -g), ./tapstack links to it
#   make debug        -O0 -g3 for stepping in gdb   (build/debug)
#   make SAN=1        ASan + UBSan                  (build/san)
#   make CC=clang     the same with clang           (build/clang, build/clang-san, ...)
#   make test         install what is missing, build, run every test (root for the lab part)
#   make run          install what is missing, build, bring up the lab, run the stack
#   make bench        the benchmarks (root)
#   make clean
#
# `make` alone needs neither root nor the network.

CC      ?= cc
SAN     ?=
DEBUG   ?=

ifeq ($(origin CC),default)
CC := cc
endif

CONF := release
ifeq ($(DEBUG),1)
CONF := debug
endif
ifeq ($(SAN),1)
CONF := san
endif
ifneq ($(findstring clang,$(CC)),)
CONF := $(if $(filter release,$(CONF)),clang,clang-$(CONF))
endif
B := build/$(CONF)

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wvla
CSTD    := -std=gnu11
SANFLAGS := -fsanitize=address,undefined
OPT     := -O2 -g
ifeq ($(DEBUG),1)
OPT     := -O0 -g3
endif
ifeq ($(SAN),1)
OPT     := -O1 -g -fno-omit-frame-pointer $(SANFLAGS) -fno-sanitize-recover=all
endif
CFLAGS  ?=
CFLAGS  += $(CSTD) $(OPT) $(WARN) -MMD -MP
LDFLAGS += $(if $(filter 1,$(SAN)),$(SANFLAGS))

PCAP_LIBS  := $(shell pkg-config --libs libpcap 2>/dev/null || echo -lpcap)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

STACK_SRCS := \
	stack/pkb.c stack/netif.c stack/ether.c stack/arp.c stack/ipv4.c stack/route.c \
	stack/icmp.c stack/checksum.c stack/clock.c stack/trace.c stack/stats.c stack/util.c \
	stack/stack.c
DRIVER_SRCS := drivers/tap.c drivers/loopback.c drivers/capture.c drivers/pcapfile.c
APP_SRCS    := apps/tapstack.c
UNIT_SRCS   := tests/unit/main.c tests/unit/test_checksum.c tests/unit/test_parsers.c \
	tests/unit/test_arp.c tests/unit/test_ipv4_icmp.c tests/unit/helpers.c

LIB_OBJS  := $(patsubst %.c,$(B)/%.o,$(STACK_SRCS) $(DRIVER_SRCS))
APP_OBJS  := $(patsubst %.c,$(B)/%.o,$(APP_SRCS))
UNIT_OBJS := $(patsubst %.c,$(B)/%.o,$(UNIT_SRCS))

.PHONY: all debug clean test unit run bench deps lab-down help
all: $(B)/tapstack $(B)/unit_tests $(B)/reflector
	@ln -sfn $(B)/tapstack tapstack

debug:
	@$(MAKE) --no-print-directory DEBUG=1

help:
	@sed -n '2,12p' Makefile

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(B)/libtapstack.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/tapstack: $(APP_OBJS) $(B)/libtapstack.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PCAP_LIBS)

$(B)/unit_tests: $(UNIT_OBJS) $(B)/libtapstack.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PCAP_LIBS)

# The do-nothing tap reflector: the floor for the benchmarks (bench/README.md).
$(B)/reflector: bench/reflector.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(OPT) $(WARN) $(LDFLAGS) -o $@ $<

deps:
	@scripts/deps.sh

unit: all
	$(B)/unit_tests

test: deps
	@$(MAKE) --no-print-directory all
	@tests/run_all.sh

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run.sh $(ARGS)

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/bench.sh $(B)/tapstack $(B)/reflector

lab-down:
	@scripts/lab.sh down

clean:
	rm -rf build tapstack

-include $(shell find build -name '*.d' 2>/dev/null)
