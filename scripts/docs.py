#!/usr/bin/python3
"""docs.py - keep the docs true to the code.

    scripts/docs.py counters          rewrite the counter table of docs/trace-and-pcap.md
                                      from STATS_TABLE in stack/stats.h
    scripts/docs.py check             check README.md, CONTRIBUTING.md and docs/*.md:
                                      the counter table is up to date, and every file,
                                      function, tapstack option and counter they name exists

`make docs` runs the first, `make test` the second (one check per page, "docs: N passed,
N failed"). What counts as a name, in `backticks` only:
  - a file: a token with a '/' or ending in .c .h .py .sh .md .gdb .pcap (relative to the
    repository or to the page), e.g. `stack/udp.c`; globs and placeholders (NAME, X, <..>)
    are skipped;
  - a function: `name()` or `name(args)`: a C definition (the name at the start of a line,
    followed by '('), a #define, or a Python/shell function in the repository;
  - a counter: `layer.name` whose layer is one of STATS_TABLE's layers;
  - an option: `--opt` at the start of a backticked token, or after `tapstack` in one,
    when the page speaks of tapstack's options (it must be in `tapstack --help`).
A name that is real but not ours (a libc call, another tool's option) goes in ALLOWED below.
"""
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATS_H = os.path.join(TOP, "stack", "stats.h")
TRACE_MD = os.path.join(TOP, "docs", "trace-and-pcap.md")
BEGIN, END = "<!-- counters:begin -->", "<!-- counters:end -->"

# Counters whose kind cannot be read off the code: they are incremented with STAT_INC where
# a packet is thrown away without a trace line, or where an ICMP error is not sent.
KIND_OVERRIDE = {
    "pkb.alloc_fail": "drop, no line",
    "netif.tx_err": "drop, no line",
    "netif.rx_too_big": "drop, no line",
    "ether.no_headroom": "drop, no line",
    "loop.queue_full": "drop, no line",
    "tcp.ooo_full": "drop, no line",
    "icmp.err_suppressed": "not sent",
    "icmp.rate_limited": "not sent",
}

# Real names that are not the project's: libc and kernel calls, other programs' options.
ALLOWED_FUNCS = {
    "poll", "read", "write", "select", "epoll_wait", "socket", "bind", "listen", "accept",
    "connect", "send", "recv", "sendto", "recvfrom", "close", "shutdown", "setsockopt",
    "getsockopt", "getsockname", "getpeername", "ioctl", "open", "openat", "openat2", "fstat",
    "malloc", "free", "printf", "fprintf", "snprintf", "strtol", "strtoul", "exit", "abort",
    "assert", "memcpy", "memset", "htons", "ntohs", "htonl", "ntohl", "rand", "time",
    "clock_gettime", "gettimeofday", "fork", "exec", "execve", "kill", "signal", "sigaction",
    "setuid", "setgid", "setgroups", "getpwnam", "prctl", "syscall", "memfd_create",
    "pcap_open_offline", "pcap_next_ex", "pcap_dump", "pcap_dump_open", "readlink", "faccessat",
    "srunner_run_all", "ck_assert", "ck_assert_int_eq", "ck_assert_uint_eq", "tcase_add_test",
    "suite_create", "main", "sendmsg", "recvmsg", "writev", "readv", "mmap", "usleep", "sleep",
    "nanosleep", "sendmmsg", "recvmmsg", "strerror", "perror", "getaddrinfo", "inet_pton",
    "inet_ntop", "accept4", "pipe", "dup2", "fcntl", "realpath", "stat", "lstat", "unlink",
    "ip_select_ident", "tcp_v4_connect", "secure_tcp_seq", "ip_idents_reserve",
    "RAND_bytes", "getrandom", "siphash", "sr", "sr1", "sniff", "sendp", "srp", "rdpcap",
    "wrpcap", "IP", "TCP", "UDP", "ICMP", "Ether", "ARP", "Raw",
    "LAB",                              # the lab-extension mark in comments: LAB(name)
}
# Files a page names on purpose although they do not exist (an example to create, a file
# that the design left out).
ALLOWED_FILES = {"apps/daytime.c", "timer.c"}


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def stats_table():
    """[(layer, name, desc, rfc)] from STATS_TABLE, in order."""
    rows = []
    for m in re.finditer(r'X\((\w+),\s*(\w+),\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"\)',
                         read(STATS_H)):
        rows.append(m.groups())
    return rows


def code_text(dirs=("stack", "drivers")):
    out = []
    for d in dirs:
        for root, _, files in os.walk(os.path.join(TOP, d)):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    out.append(read(os.path.join(root, f)))
    return "\n".join(out)


def counter_kind(layer, name, code):
    key = "%s.%s" % (layer, name)
    if key in KIND_OVERRIDE:
        return KIND_OVERRIDE[key]
    st = "ST_%s_%s" % (layer, name)
    inward = re.search(r"\bDROP\(\s*\w+\s*,\s*%s\s*,\s*%s\s*\)" % (layer, name), code) or \
        re.search(r"\bstats_drop\([^;]*\b%s\b" % st, code)
    outward = re.search(r"\bstats_drop_out\([^;]*\b%s\b" % st, code)
    if inward and outward:
        return "drop `<` or `>`"
    if inward:
        return "drop"
    if outward:
        return "drop `>`"
    return ""


def counter_table():
    code = code_text()
    lines = [BEGIN, "| counter | meaning | RFC | kind |", "|---|---|---|---|"]
    for layer, name, desc, rfc in stats_table():
        lines.append("| `%s.%s` | %s | %s | %s |" % (layer, name, desc, rfc,
                                                       counter_kind(layer, name, code)))
    lines.append(END)
    return "\n".join(lines)


def with_table(text):
    a, b = text.index(BEGIN), text.index(END) + len(END)
    return text[:a] + counter_table() + text[b:]


# The checks -----------------------------------------------------------------------------

FILE_EXT = (".c", ".h", ".py", ".sh", ".md", ".gdb", ".pcap", ".html")
PLACEHOLDER = re.compile(r"[*?<>{}$]|\bNAME\b|\bN\b|\.\.\.|\bX\b|\bFILE\b|\bDIR\b|\bPID\b")


def tapstack_options():
    exe = os.path.join(TOP, "tapstack")
    try:
        out = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=10)
    except OSError:
        return None
    return set(re.findall(r"--[a-z][a-z0-9-]*", out.stdout + out.stderr))


def code_functions():
    names = set()
    for d in ("stack", "drivers", "apps", "tests", "bench", "scripts"):
        for root, _, files in os.walk(os.path.join(TOP, d)):
            for f in files:
                p = os.path.join(root, f)
                if f.endswith((".c", ".h")):
                    t = read(p)
                    names.update(re.findall(r"^(\w+)\(", t, re.M))
                    names.update(re.findall(r"^static inline [\w\s*]*?\b(\w+)\(", t, re.M))
                    names.update(re.findall(r"^#\s*define\s+(\w+)", t, re.M))
                    names.update(re.findall(r"\b(\w+)\s*\([^;{]*\)\s*;", t))  # prototypes
                elif f.endswith(".py"):
                    names.update(re.findall(r"^\s*def\s+(\w+)", read(p), re.M))
                elif f.endswith(".sh"):
                    names.update(re.findall(r"^\s*(\w+)\s*\(\)\s*\{", read(p), re.M))
    return names


def gauges():
    """Values printed beside the counters that are not in STATS_TABLE (pkb.in_use ...)."""
    names = set()
    for d in ("stack", "apps"):
        for f in os.listdir(os.path.join(TOP, d)):
            if f.endswith(".c"):
                names.update(re.findall(r'"([a-z0-9]+\.[a-z0-9_]+) %', read(os.path.join(TOP, d, f))))
    return names


def repo_files():
    out = subprocess.run(["git", "-C", TOP, "ls-files"], capture_output=True, text=True)
    return {os.path.basename(p) for p in out.stdout.split()}


def tool_options():
    """Options of the project's own scripts and tools (they appear in their sources)."""
    opts = set()
    for d in ("tests", "scripts", "bench"):
        for root, _, files in os.walk(os.path.join(TOP, d)):
            for f in files:
                if f.endswith((".py", ".sh", ".c")):
                    opts.update(re.findall(r"--[a-z][a-z0-9-]*", read(os.path.join(root, f))))
    return opts


def check_page(path, funcs, opts, counters, layers, basenames=frozenset(), others=frozenset()):
    """Problems found on one page: a list of strings."""
    text = read(path)
    rel = os.path.relpath(path, TOP)
    problems = []
    tops = set(os.listdir(TOP))             # a path naming none of these is not the repo's
    # Code blocks hold sample output and commands; only backticked names in prose count.
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    speaks_of_options = rel in ("README.md", "docs/limits.md") or "tapstack" in prose
    for tok in re.findall(r"`([^`\n]+)`", prose):
        t = tok.strip()
        # files
        if (("/" in t and not t.startswith(("/", "http", "--"))) or t.endswith(FILE_EXT)) \
                and " " not in t and not PLACEHOLDER.search(t):
            path_part = t.split(":")[0].rstrip("/")
            first = path_part.split("/")[0]
            ours = "/" not in path_part or first in tops or first == ".."
            if ours and (path_part.endswith(FILE_EXT) or "/" in path_part) and \
                    not path_part.startswith("build/") and path_part not in ALLOWED_FILES:
                cands = [os.path.join(TOP, path_part),
                         os.path.join(os.path.dirname(path), path_part)]
                found = any(os.path.exists(c) for c in cands) or \
                    ("/" not in path_part and path_part in basenames)
                if re.match(r"^[\w./-]+$", path_part) and not found:
                    problems.append("%s: no such file `%s`" % (rel, t))
            continue
        # functions
        m = re.match(r"^(\w+)\((.*)\)$", t)
        if m and m.group(1).startswith("X_"):
            continue                        # a pattern: X_parse() is every protocol's parse
        if m and m.group(1) not in ALLOWED_FUNCS and m.group(1) not in funcs:
            problems.append("%s: no such function `%s`" % (rel, t))
            continue
        # counters
        m = re.match(r"^([a-z0-9]+)\.([a-z0-9_]+)$", t)
        if m and m.group(1) in layers and t not in counters:
            problems.append("%s: no such counter `%s`" % (rel, t))
            continue
        # options of tapstack
        if opts is not None and speaks_of_options:
            m = re.match(r"^(?:\./tapstack\s+|tapstack\s+)?(--[a-z][a-z0-9-]*)", t)
            if m and (t.startswith("--") or "tapstack" in t):
                for o in re.findall(r"(?:^|\s)(--[a-z][a-z0-9-]*)", t):
                    if o not in opts and o not in others and not o.endswith("-") and \
                            not any(x.startswith(o.rstrip("*")) for x in opts if o.endswith("*")):
                        problems.append("%s: tapstack has no option `%s`" % (rel, o))
    return problems


def check():
    pages = [os.path.join(TOP, "README.md"), os.path.join(TOP, "CONTRIBUTING.md")]
    pages += sorted(os.path.join(TOP, "docs", f) for f in os.listdir(os.path.join(TOP, "docs"))
                    if f.endswith(".md"))
    rows = stats_table()
    counters = {"%s.%s" % (l, n) for l, n, _, _ in rows}
    counters |= gauges()
    layers = {l for l, _, _, _ in rows}
    funcs = code_functions()
    opts = tapstack_options()
    basenames = repo_files()
    others = tool_options()
    passed = failed = 0
    text = read(TRACE_MD)
    if with_table(text) == text:
        print("PASS docs.counter-table")
        passed += 1
    else:
        print("FAIL docs.counter-table")
        print("    docs/trace-and-pcap.md's counter table is not STATS_TABLE's: run `make docs`")
        failed += 1
    if opts is None:
        print("FAIL docs.options")
        print("    ./tapstack --help did not run: build first (make)")
        failed += 1
    for p in pages:
        probs = check_page(p, funcs, opts, counters, layers, basenames, others)
        name = "docs." + os.path.relpath(p, TOP)
        if probs:
            print("FAIL " + name)
            for x in probs:
                print("    " + x)
            failed += 1
        else:
            print("PASS " + name)
            passed += 1
    print("docs: %d passed, %d failed" % (passed, failed))
    return failed == 0


def main():
    if sys.argv[1:] == ["counters"]:
        text = read(TRACE_MD)
        new = with_table(text)
        if new != text:
            with open(TRACE_MD, "w", encoding="utf-8") as f:
                f.write(new)
            print("docs.py: docs/trace-and-pcap.md counter table rewritten")
        return 0
    if sys.argv[1:] == ["check"]:
        return 0 if check() else 1
    print(__doc__.strip().split("\n\n")[0], file=sys.stderr)
    print("usage: scripts/docs.py counters|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
