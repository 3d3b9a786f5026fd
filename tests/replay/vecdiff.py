#!/usr/bin/python3
"""vecdiff.py - compare two captures frame by frame: bytes and timestamps.

    tests/replay/vecdiff.py OURS.pcap EXPECTED.pcap [--in IN.pcap] [--all]

Frame i of one is compared with frame i of the other: same bytes and the same timestamp
(microseconds; both captures are stamped T0 + virtual time). Prints the frames that match,
then the first frame that differs decoded field by field, ours beside expected, with a `*`
on each field that differs and the byte offsets that differ; then the fate of the frames
after it, and "ours has N more/fewer frames" when the counts differ.

With --in (the input capture) times are shown relative to its first frame (virtual time);
--all decodes every differing frame, not only the first; --labels new,committed names the
columns (make vectors uses it). Exit 0 if identical, 1 if not, 2 if a file cannot be read.
"""
import argparse
import difflib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcapio  # noqa: E402

from scapy.layers.l2 import Ether  # noqa: E402
from scapy.fields import ConditionalField  # noqa: E402
import scapy.layers.inet  # noqa: E402,F401  (binds IP, ICMP, UDP, TCP to Ether)

COL = 34


def ranges(nums):
    """[1,2,3,5] -> '1-3, 5'."""
    out, start, prev = [], None, None
    for n in nums:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append("%d" % start if start == prev else "%d-%d" % (start, prev))
            start = prev = n
    if start is not None:
        out.append("%d" % start if start == prev else "%d-%d" % (start, prev))
    return ", ".join(out)


def fmt_time(t_us, t0):
    if t0 is None:
        return "%d.%06d" % divmod(t_us, 10**6)
    d = t_us - t0
    return "%s%d.%06d" % ("-" if d < 0 else "+", *divmod(abs(d), 10**6))


def decode(data):
    """[(key, value text)] for every field of every layer, in order, like scapy's show()."""
    rows, seen = [], {}
    layer = Ether(data)
    while layer is not None and layer.__class__.__name__ != "NoPayload":
        name = layer.__class__.__name__
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = "%s#%d" % (name, seen[name])
        for f in layer.fields_desc:
            if isinstance(f, ConditionalField) and not f._evalcond(layer):
                continue
            v = layer.getfieldval(f.name)
            if isinstance(v, (bytes, bytearray)) and len(v) == 0:
                continue                     # e.g. ICMP.unused of an echo: not on the wire
            if isinstance(v, (bytes, bytearray)):
                text = "%d bytes %s%s" % (len(v), bytes(v[:12]).hex(), ".." if len(v) > 12 else "")
                rows.append(("%s.%s" % (name, f.name), text, bytes(v)))
                continue
            try:
                text = f.i2repr(layer, v)
            except Exception:  # a malformed field still shows as its raw value
                text = repr(v)
            text = str(text)
            if text == "":
                try:
                    text = str(int(v))       # scapy shows empty flags as nothing
                except (TypeError, ValueError):
                    pass
            elif text.isdigit() and int(text) > 255:
                text = "%s (0x%x)" % (text, int(text))   # IDs and ports: both readings
            rows.append(("%s.%s" % (name, f.name), text, v))
        layer = layer.payload if layer.payload else None
    return rows


def cut(s, n=COL - 2):
    return s if len(s) <= n else s[:n - 2] + ".."


def byte_diffs(a, b):
    n = min(len(a), len(b))
    offs = [i for i in range(n) if a[i] != b[i]]
    text = ranges(offs) if offs else ""
    if len(a) != len(b):
        text += ("; " if text else "") + "lengths %d vs %d" % (len(a), len(b))
    return text


def side_by_side(i, ours, exp, t0, out, labels=("ours", "expected")):
    """Print frame i of both captures, field by field, differing fields marked with *."""
    ra, rb = decode(ours.data), decode(exp.data)
    ka, kb = [r[0] for r in ra], [r[0] for r in rb]
    da, db = {r[0]: r for r in ra}, {r[0]: r for r in rb}
    diff_fields = []
    out.append("frame %d differs%s:" % (i, "" if ours.data != exp.data else " (time only)"))
    out.append("   %-24s %-*s %s" % ("field", COL, labels[0], labels[1]))
    ta, tb = fmt_time(ours.t_us, t0), fmt_time(exp.t_us, t0)
    mark = "*" if ours.t_us != exp.t_us else " "
    if mark == "*":
        diff_fields.append("time")
    out.append(" %s %-24s %-*s %s" % (mark, "time", COL, ta, tb))
    out.append(" %s %-24s %-*s %s" % ("*" if len(ours.data) != len(exp.data) else " ", "frame length",
                                      COL, len(ours.data), len(exp.data)))
    sm = difflib.SequenceMatcher(a=ka, b=kb, autojunk=False)
    for op, a1, a2, b1, b2 in sm.get_opcodes():
        keys = []
        if op == "equal":
            keys = [(k, k) for k in ka[a1:a2]]
        else:
            keys = [(k, None) for k in ka[a1:a2]] + [(None, k) for k in kb[b1:b2]]
        for k1, k2 in keys:
            key = k1 or k2
            va = da[k1][1] if k1 else "-"
            vb = db[k2][1] if k2 else "-"
            same = k1 and k2 and da[k1][2] == db[k2][2]
            if not same:
                diff_fields.append(key)
            out.append(" %s %-24s %-*s %s" % (" " if same else "*", cut(key, 24), COL, cut(va), cut(vb)))
    bd = byte_diffs(ours.data, exp.data)
    if bd:
        out.append("   bytes that differ (offsets from the frame start): %s" % bd)
    out.append("   differing: %s" % (", ".join(diff_fields) or "nothing decoded differs"))


def summary(fr, t0):
    try:
        s = Ether(fr.data).summary()
    except Exception:
        s = "%d bytes" % len(fr.data)
    return "%s  %s" % (fmt_time(fr.t_us, t0), s)


def vecdiff(ours_path, exp_path, in_path=None, show_all=False, out=None, labels=("ours", "expected")):
    """Returns (identical, lines)."""
    out = [] if out is None else out
    ours = pcapio.read_pcap(ours_path)
    exp = pcapio.read_pcap(exp_path)
    t0 = None
    if in_path:
        ins = pcapio.read_pcap(in_path)
        t0 = ins[0].t_us if ins else None
    n = min(len(ours), len(exp))
    same = [i + 1 for i in range(n) if ours[i].data == exp[i].data and ours[i].t_us == exp[i].t_us]
    differ = [i + 1 for i in range(n) if i + 1 not in same]
    out.append("%s %s: %d frames; %s %s: %d frames"
               % (labels[0], ours_path, len(ours), labels[1], exp_path, len(exp)))
    out.append("match: %s" % (ranges(same) if same else "none"))
    if differ:
        out.append("differ: %s" % ranges(differ))
        for i in differ if show_all else differ[:1]:
            out.append("")
            side_by_side(i, ours[i - 1], exp[i - 1], t0, out, labels)
    if len(ours) != len(exp):
        out.append("")
        more = len(ours) > len(exp)
        k = abs(len(ours) - len(exp))
        out.append("%s has %d %s frame%s than %s:" % (labels[0], k, "more" if more else "fewer",
                                                     "" if k == 1 else "s", labels[1]))
        extra = ours[n:] if more else exp[n:]
        for j, fr in enumerate(extra[:20], n + 1):
            out.append("  %s frame %d: %s" % (labels[0] if more else labels[1], j, summary(fr, t0)))
        if len(extra) > 20:
            out.append("  ... and %d more" % (len(extra) - 20))
    identical = not differ and len(ours) == len(exp)
    if identical:
        out.append("identical")
    return identical, out


def main(argv):
    ap = argparse.ArgumentParser(description="compare two captures frame by frame")
    ap.add_argument("ours")
    ap.add_argument("expected")
    ap.add_argument("--in", dest="inp", help="the input capture: times relative to its first frame")
    ap.add_argument("--all", action="store_true", help="decode every differing frame")
    ap.add_argument("--labels", default="ours,expected", help="names of the two columns")
    a = ap.parse_args(argv)
    try:
        identical, lines = vecdiff(a.ours, a.expected, a.inp, a.all, labels=tuple(a.labels.split(",", 1)))
    except (OSError, ValueError) as e:
        print("vecdiff: %s" % e, file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
