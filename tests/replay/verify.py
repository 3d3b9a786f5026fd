#!/usr/bin/python3
"""verify.py - the verdict on each replayed vector (called by tests/replay/run.sh).

    tests/replay/verify.py DIR NAME...

For each NAME, run.sh has left DIR/NAME.out.pcap (what the stack sent), DIR/NAME.rc (its
exit status) and DIR/NAME.log (its output). A vector passes when the stack exited 0, its
output is identical to pcap/NAME.expected.pcap (vecdiff.py: bytes and timestamps, frame by
frame; the byte ranges a `volatile` line of the .assert names are not compared) and every
line of pcap/NAME.assert holds (check_assert.py). Prints `PASS replay NAME`
or `FAIL replay NAME` with the decoded difference and the failed assertions; writes the
failed names to DIR/failed. One process for all vectors: scapy loads once.
"""
import io
import os
import sys
from contextlib import redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vecdiff  # noqa: E402
import check_assert  # noqa: E402
import pcapio  # noqa: E402


def verdict(d, name):
    """(ok, [lines of explanation])."""
    why = []
    out = os.path.join(d, name + ".out.pcap")
    inp, exp, asrt = ("pcap/%s.%s" % (name, ext) for ext in ("in.pcap", "expected.pcap", "assert"))
    try:
        with open(os.path.join(d, name + ".rc")) as f:
            rc = int(f.read().strip() or "1")
    except (OSError, ValueError):
        rc = -1
    if rc != 0:
        why.append("the stack exited with status %d%s" % (rc, " (timeout)" if rc == 124 else ""))
        try:
            with open(os.path.join(d, name + ".log")) as f:
                why += ["  " + ln.rstrip() for ln in f.readlines()[-5:]]
        except OSError:
            pass
    if not os.path.exists(out) or os.path.getsize(out) < 24:
        why.append("no output capture was written")
        return False, why
    try:
        cmp_path, notes = out, []
        vol = check_assert.parse_volatile(asrt)
        if vol:
            # Bytes the stack cannot reproduce (the .assert says which and why): compare a copy
            # of the output that holds the expected bytes there. The assertions below still
            # read the real output.
            masked, notes = check_assert.mask_volatile(pcapio.read_pcap(out),
                                                       pcapio.read_pcap(exp), vol)
            cmp_path = os.path.join(d, name + ".masked.pcap")
            pcapio.write_pcap(cmp_path, masked)
        same, lines = vecdiff.vecdiff(cmp_path, exp, inp)
        buf = io.StringIO()
        with redirect_stdout(buf):
            fails = check_assert.check(asrt, out, inp, quiet=True)
    except (OSError, ValueError) as e:
        return False, why + ["cannot compare: %s" % e]
    if not same:
        why += lines
    if notes and (not same or fails):
        why += notes
    why += ["assert " + m for m in fails]
    return rc == 0 and same and not fails, why


def main(argv):
    if len(argv) < 1:
        print(__doc__)
        return 2
    d, names = argv[0], argv[1:]
    failed = []
    for name in names:
        ok, why = verdict(d, name)
        print("%s replay %s" % ("PASS" if ok else "FAIL", name))
        for ln in why:
            print("  " + ln)
        if not ok:
            failed.append(name)
        sys.stdout.flush()
    with open(os.path.join(d, "failed"), "w") as f:
        f.write("".join(n + "\n" for n in failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
