# tapstack - one Makefile, explicit source lists, objects under build/<config>/.
#
#   make              optimised with debug info (-O2 -g), ./tapstack links to it
#   make debug        -O0 -g3 for stepping in gdb   (build/debug)
#   make SAN=1        ASan + UBSan                  (build/san)
#   make CC=clang     the same with clang           (build/clang, build/clang-san, ...)
#   make test         install what is missing, build, run every test (root for the lab part)
#   make run          install what is missing, build, bring up the lab, run the stack
#   make bench        the benchmarks (root)
#   make docs         regenerate the counter table in docs/trace-and-pcap.md
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
           -Wpointer-arith -Wvla -Wconversion
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
	stack/icmp.c stack/udp.c stack/socket.c stack/checksum.c stack/clock.c stack/trace.c \
	stack/stats.c stack/util.c stack/stack.c stack/tcp.c stack/tcp_in.c stack/tcp_out.c stack/tcp_timer.c stack/tcp_sack.c stack/impair.c
STACK_SRCS += stack/siphash.c
# Loopback is the stack's own interface, not a driver the stack depends on.
STACK_SRCS += stack/loopback.c
STACK_SRCS += stack/tcp_wire.c
DRIVER_SRCS := drivers/tap.c drivers/capture.c drivers/pcapfile.c
APP_SRCS    := apps/tapstack.c apps/app.c apps/echo.c apps/discard.c apps/udpclient.c \
	apps/stream.c apps/tcpclient.c \
	apps/http.c apps/http_parse.c
# Giving up root after set-up (--user).
APP_SRCS    += apps/privdrop.c
# The /status page: tapstack's HTTP app lays out what the stack's inspection functions return.
APP_SRCS    += apps/status_page.c
# The same sample apps on the host's own sockets (-DTS_HOST: apps/shim_host.h).
HOST_APP_SRCS := apps/hostmain.c apps/app.c apps/echo.c apps/discard.c apps/stream.c
# The HTTP server on the host's own sockets (apps/httphost.c).
HTTP_HOST_SRCS := apps/httphost.c apps/app.c apps/http.c apps/http_parse.c
# Request paths confined to the document root (openat2): linked alone by its tests and fuzzer.
APP_SRCS       += apps/http_path.c
HTTP_HOST_SRCS += apps/http_path.c
UNIT_SRCS   := tests/unit/main.c tests/unit/test_checksum.c tests/unit/test_parsers.c \
	tests/unit/test_arp.c tests/unit/test_ipv4.c tests/unit/test_icmp.c tests/unit/helpers.c \
	tests/unit/test_udp.c tests/unit/test_socket.c tests/unit/test_tcp.c tests/unit/test_impair.c
UNIT_SRCS   += tests/unit/tcp_peer.c tests/unit/test_tcp_sack.c
UNIT_SRCS   += tests/unit/test_tcp_hostile.c
# What test_ipv4.c and test_icmp.c both check.
UNIT_SRCS   += tests/unit/ip_expect.c
# The HTTP parser is a pure function set: its tests link it alone (apps/http_parse.c).
UNIT_SRCS   += tests/unit/test_http.c apps/http_parse.c
UNIT_SRCS   += tests/unit/test_http_path.c apps/http_path.c
# The capability parser and user lookup of apps/privdrop.c.
UNIT_SRCS   += tests/unit/test_privdrop.c apps/privdrop.c

LIB_OBJS  := $(patsubst %.c,$(B)/%.o,$(STACK_SRCS) $(DRIVER_SRCS))
APP_OBJS  := $(patsubst %.c,$(B)/%.o,$(APP_SRCS))
HOST_APP_OBJS := $(patsubst %.c,$(B)/host/%.o,$(HOST_APP_SRCS))
HTTP_HOST_OBJS := $(patsubst %.c,$(B)/host/%.o,$(HTTP_HOST_SRCS))
UNIT_OBJS := $(patsubst %.c,$(B)/%.o,$(UNIT_SRCS))

.PHONY: all debug clean test unit run bench deps lab-down help docs
all: $(B)/tapstack $(B)/unit_tests $(B)/reflector $(B)/echo-host $(B)/udp_rr $(B)/http-host
	@ln -sfn $(B)/tapstack tapstack

debug:
	@$(MAKE) --no-print-directory DEBUG=1

help:
	@sed -n '2,13p' Makefile

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

$(B)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DTS_HOST -c $< -o $@

# echo/discard on the Linux kernel's sockets, for comparison (apps/hostmain.c).
$(B)/echo-host: $(HOST_APP_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^

# The HTTP server on the Linux kernel's sockets, for comparison (apps/httphost.c).
$(B)/http-host: $(HTTP_HOST_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^

# The default document root is the repo's apps/www, wherever the binary is started.
$(B)/apps/http.o $(B)/host/apps/http.o: CFLAGS += -DHTTP_ROOT_DEFAULT='"$(CURDIR)/apps/www"'

$(B)/unit_tests: $(UNIT_OBJS) $(B)/libtapstack.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PCAP_LIBS)

# The do-nothing tap reflector: the floor for the benchmarks (bench/README.md).
$(B)/reflector: bench/reflector.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(OPT) $(WARN) $(LDFLAGS) -o $@ $<

# UDP request/response client: echo round trips per second (bench/udp_rr.c).
$(B)/udp_rr: bench/udp_rr.c
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

# The counter table of docs/trace-and-pcap.md, from STATS_TABLE (scripts/docs.py; `make test`
# checks that it and every name the docs use are current).
docs:
	@scripts/docs.py counters

# Fuzz targets (tests/fuzz/README.md): libFuzzer + ASan + UBSan, always built with clang
# into build/fuzz/. `make fuzz FUZZ_SECONDS=N` builds and runs each target N seconds.
FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 60
FUZZ_B        := build/fuzz
FUZZ_TARGETS  := fuzz_frames fuzz_parsers fuzz_http
FUZZ_TARGETS  += fuzz_http_path
FUZZ_FLAGS    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                 -fno-sanitize-recover=all
FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_B)/%.o,$(STACK_SRCS) $(DRIVER_SRCS))

.PHONY: fuzz fuzz-build
fuzz:
	@scripts/fuzz.sh $(FUZZ_SECONDS)

fuzz-build: $(addprefix $(FUZZ_B)/,$(FUZZ_TARGETS))

# Objects made through the fuzz_% pattern are not intermediate: keep them between builds.
.SECONDARY: $(FUZZ_LIB_OBJS) $(patsubst %,$(FUZZ_B)/tests/fuzz/%.o,$(FUZZ_TARGETS))

$(FUZZ_B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(WARN) -MMD -MP \
		-c $< -o $@

$(FUZZ_B)/fuzz_%: $(FUZZ_B)/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(PCAP_LIBS)

# The HTTP request parser is a pure function set: its fuzzer links it alone (as the unit tests).
.SECONDARY: $(FUZZ_B)/apps/http_parse.o
$(FUZZ_B)/fuzz_http: $(FUZZ_B)/tests/fuzz/fuzz_http.o $(FUZZ_B)/apps/http_parse.o
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^

# Request paths beneath a root (apps/http_path.c), behind the parser: linked alone too.
.SECONDARY: $(FUZZ_B)/apps/http_path.o
$(FUZZ_B)/fuzz_http_path: $(FUZZ_B)/tests/fuzz/fuzz_http_path.o $(FUZZ_B)/apps/http_parse.o \
		$(FUZZ_B)/apps/http_path.o
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^

# Replay vectors (pcap/README.md, docs/replay.md). replay-check: every pcap/NAME.in.pcap
# through ./tapstack --replay, compared with NAME.expected.pcap and NAME.assert.
# vectors: regenerate them into a temp dir and show what changed; FORCE=1 overwrites pcap/.
.PHONY: replay-check vectors
replay-check: all
	@tests/replay/run.sh

vectors:
	@FORCE=$(FORCE) tests/replay/vectors.sh

clean:
	rm -rf build tapstack

-include $(shell find build -name '*.d' 2>/dev/null)
