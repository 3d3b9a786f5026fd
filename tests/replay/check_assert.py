#!/usr/bin/python3
"""check_assert.py - check a capture of what the stack sent against pcap/NAME.assert.

    tests/replay/check_assert.py pcap/NAME.assert OUT.pcap [--in pcap/NAME.in.pcap] [-q]
    tests/replay/check_assert.py --dir DIR     every DIR/NAME.assert vs DIR/NAME.expected.pcap

An .assert file states, for each frame the stack must send, the fields that matter and why
(the format is described in pcap/README.md):

    seed 1                                   # optional: the --seed the vector runs with
    frames 3                                 # exactly 3 frames sent ... why
    frame 2: arp.op=2 arp.pdst=10.0.0.1      # RFC 826: reply to the asker ... why
    volatile 5 50:52 91:120                  # bytes of frame 5 that vecdiff may not compare ... why

Left of `=` is a field (below); right of it a value: a number (decimal or 0x..), an
address, `zeros` (every byte zero, any length), `hex:0a0b..`, `"text with spaces"`,
`ipid(SRC,DST,PROTO,N)` (the IP ID of the N-th datagram, 0 for the first, that the stack
sends through the counter (SRC, DST, PROTO) selects, for this seed: tests/replay/tsrand.py),
`isn(LIP:LPORT,RIP:RPORT,SECONDS)` (the ISS the stack's tcp_isn() picks for that connection
at that virtual time, tsrand.py), `in[N].FIELD` (the same field of input frame N, 1-based), or
`file:PATH` (the bytes of a file, PATH from the repository's root); bytes values may be sliced
`[a:b]`, and `isn(..)` and `in[N].FIELD` numbers may be followed by `+K` or `-K` (modulo 2^32
for the TCP sequence fields and isn).

Fields: `time` (seconds since the first input frame), `len` (frame bytes), `eth.*`,
`arp.*`, `ip.*`, `udp.*`, `tcp.*` (scapy field names: ip.ttl, ip.id, arp.hwsrc, udp.dport,
tcp.seq, tcp.ack, tcp.window, tcp.dataofs, tcp.urgptr ...), `icmp.type/code/chksum/id/seq`,
and computed ones: `ip.flags` (as a number: DF=2, MF=1), `ip.options` (the option bytes),
`ip.raw` (the datagram, ip.len bytes), `ip.chksum_ok`, `icmp.rest` (the 32 bits after the
checksum), `icmp.data` (the bytes after the 8-byte ICMP header), `icmp.chksum_ok`,
`udp.data`, `udp.chksum_ok`, `tcp.flags` (letters in the order FSRPAUEC, e.g. `SA`, `FA`,
`PA`, `R`), `tcp.options` (the option bytes), `tcp.data` (the segment's data, by the IP total
length), `tcp.len` (its length), `tcp.chksum_ok`, `pad` (frame bytes after the datagram or
the 28-byte ARP packet), and the HTTP response head at the start of a segment's data:
`http.version`, `http.status`, `http.reason`, `http.header.NAME` (the field value, a number
if it is all digits; names are case-insensitive) and `http.body` (the bytes after the head,
in this segment).
Text values compare case-insensitively.

`volatile K a:b ...` names byte ranges of expected frame K (offsets from the frame start)
that the stack cannot reproduce: run.sh's byte comparison (verify.py) copies the expected
bytes there before comparing. The `frame K:` assertions still see every real byte, so
they should check what can be checked in that frame (a checksum that verifies, the fields
around the volatile bytes).

Exit 0 when every line holds; otherwise prints each failing check with its reason, exit 1.
"""
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcapio  # noqa: E402
import tsrand  # noqa: E402

from scapy.layers.l2 import Ether, ARP  # noqa: E402
from scapy.layers.inet import IP, ICMP, UDP, TCP  # noqa: E402

LAYERS = {"eth": Ether, "arp": ARP, "ip": IP, "icmp": ICMP, "udp": UDP, "tcp": TCP}
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TCP_FLAG_LETTERS = "FSRPAUEC"          # bit 0 (FIN) .. bit 7 (CWR), scapy's order


class AssertError(Exception):
    pass


def inet_csum(b):
    """RFC 1071 one's complement sum, folded and complemented (0 when b verifies)."""
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def _l3(frame):
    """(ethertype, bytes after the 14-byte Ethernet header)."""
    if len(frame) < 14:
        raise AssertError("frame of %d bytes has no Ethernet header" % len(frame))
    return struct.unpack("!H", frame[12:14])[0], frame[14:]


def _ip_parts(frame):
    """(header, datagram, payload) of an IPv4 frame, using IHL and total length."""
    et, b = _l3(frame)
    if et != 0x0800 or len(b) < 20:
        raise AssertError("not an IPv4 frame")
    hl = (b[0] & 0x0F) * 4
    tl = struct.unpack("!H", b[2:4])[0]
    return b[:hl], b[:tl], b[hl:tl]


def _udp_csum_ok(frame):
    hdr, dgram, pl = _ip_parts(frame)
    if len(pl) < 8:
        raise AssertError("no UDP header")
    if pl[6:8] == b"\0\0":
        return 0  # no checksum sent (RFC 768): "not verified", never "verified"
    pseudo = hdr[12:20] + struct.pack("!BBH", 0, 17, len(pl))
    return int(inet_csum(pseudo + pl) == 0)


def _tcp_parts(frame):
    """(TCP header, TCP data) of an IPv4/TCP frame, by data offset and IP total length."""
    hdr, dgram, pl = _ip_parts(frame)
    if hdr[9] != 6:
        raise AssertError("not a TCP segment (IP protocol %d)" % hdr[9])
    if len(pl) < 20:
        raise AssertError("TCP segment of %d bytes, shorter than its header" % len(pl))
    off = (pl[12] >> 4) * 4
    if off < 20 or off > len(pl):
        raise AssertError("TCP data offset %d does not fit the segment" % off)
    return pl[:off], pl[off:]


def _tcp_csum_ok(frame):
    hdr, dgram, pl = _ip_parts(frame)
    pseudo = hdr[12:20] + struct.pack("!BBH", 0, 6, len(pl))
    return int(inet_csum(pseudo + pl) == 0)


def tcp_flags_text(bits):
    """0x12 -> 'SA' (letters in bit order, FSRPAUEC)."""
    return "".join(c for i, c in enumerate(TCP_FLAG_LETTERS) if bits & (1 << i))


def _http_head(frame):
    """(version, status, reason, {lower-case name: value}, body) of the HTTP response head
    at the start of this frame's TCP data."""
    data = _tcp_parts(frame)[1]
    end = data.find(b"\r\n\r\n")
    if not data.startswith(b"HTTP/") or end < 0:
        raise AssertError("the segment's data does not start with a whole HTTP response head")
    lines = data[:end].decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise AssertError("bad status line %r" % lines[0])
    fields = {}
    for ln in lines[1:]:
        name, colon, value = ln.partition(":")
        if not colon:
            raise AssertError("bad header line %r" % ln)
        fields[name.strip().lower()] = value.strip(" \t")
    return parts[0], int(parts[1]), parts[2] if len(parts) > 2 else "", fields, data[end + 4:]


def extract(frame, name):
    """The value of field `name` in the frame's bytes: int, str (lower case) or bytes."""
    if name == "len":
        return len(frame)
    if name == "pad":
        et, b = _l3(frame)
        if et == 0x0806:
            return b[28:]
        if et == 0x0800:
            return b[len(_ip_parts(frame)[1]):]
        return b""
    if name == "ip.chksum_ok":
        return int(inet_csum(_ip_parts(frame)[0]) == 0)
    if name == "ip.options":
        return _ip_parts(frame)[0][20:]
    if name == "ip.raw":
        return _ip_parts(frame)[1]
    if name == "ip.flags":
        return _ip_parts(frame)[0][6] >> 5
    if name.startswith("icmp."):
        pl = _ip_parts(frame)[2]
        if len(pl) < 8 and name != "icmp.chksum_ok":
            raise AssertError("ICMP message of %d bytes, shorter than its 8-byte header" % len(pl))
        simple = {"icmp.type": lambda: pl[0], "icmp.code": lambda: pl[1],
                  "icmp.chksum": lambda: struct.unpack("!H", pl[2:4])[0],
                  "icmp.id": lambda: struct.unpack("!H", pl[4:6])[0],
                  "icmp.seq": lambda: struct.unpack("!H", pl[6:8])[0],
                  "icmp.rest": lambda: struct.unpack("!I", pl[4:8])[0],
                  "icmp.data": lambda: pl[8:],
                  "icmp.chksum_ok": lambda: int(inet_csum(pl) == 0)}
        if name not in simple:
            raise AssertError("unknown field %s" % name)
        return simple[name]()
    if name == "tcp.flags":
        return tcp_flags_text(_tcp_parts(frame)[0][13]).lower()
    if name == "tcp.options":
        return _tcp_parts(frame)[0][20:]
    if name == "tcp.data":
        return _tcp_parts(frame)[1]
    if name == "tcp.len":
        return len(_tcp_parts(frame)[1])
    if name == "tcp.chksum_ok":
        _tcp_parts(frame)
        return _tcp_csum_ok(frame)
    if name.startswith("http."):
        version, status, reason, fields, body = _http_head(frame)
        if name == "http.version":
            return version.lower()
        if name == "http.status":
            return status
        if name == "http.reason":
            return reason.lower()
        if name == "http.body":
            return body
        if name.startswith("http.header."):
            key = name[len("http.header."):].lower()
            if key not in fields:
                raise AssertError("the response head has no %s field" % key)
            val = fields[key]
            return int(val) if val.isdigit() else val.lower()
        raise AssertError("unknown field %s" % name)
    if name == "udp.data":
        return _ip_parts(frame)[2][8:]
    if name == "udp.chksum_ok":
        return _udp_csum_ok(frame)
    layer, _, field = name.partition(".")
    if layer not in LAYERS or not field:
        raise AssertError("unknown field %s" % name)
    pkt = Ether(frame)
    if not pkt.haslayer(LAYERS[layer]):
        raise AssertError("no %s layer (frame is %s)" % (layer, pkt.summary()))
    lay = pkt.getlayer(LAYERS[layer])
    if field not in [f.name for f in lay.fields_desc]:
        raise AssertError("%s has no field %s" % (LAYERS[layer].__name__, field))
    v = getattr(lay, field)
    if isinstance(v, str):
        return v.lower()
    if isinstance(v, (bytes, bytearray)):
        return bytes(v)
    return int(v)


REF = re.compile(r"^in\[(\d+)\]\.([a-z_.]+)(?:\[(-?\d*):(-?\d*)\])?([+-]\d+)?$")
IPID = re.compile(r"^ipid\(([\d.]+),([\d.]+),(\d+),(\d+)\)$")
ISN = re.compile(r"^isn\(([\d.]+):(\d+),([\d.]+):(\d+),(\d+(?:\.\d{1,6})?)\)([+-]\d+)?$")
FILE = re.compile(r"^file:([^\[\]]+)(?:\[(-?\d*):(-?\d*)\])?$")
SLICE = re.compile(r"^([a-z_.-]+)\[(-?\d*):(-?\d*)\]$")
SEQ_FIELDS = ("tcp.seq", "tcp.ack")


def _slice(v, a, b):
    if not isinstance(v, bytes):
        raise AssertError("only byte fields can be sliced")
    return v[int(a) if a else None:int(b) if b else None]


def evaluate(text, ctx):
    """The value written right of `=`, in the types extract() returns (or 'zeros')."""
    m = REF.match(text)
    if m:
        n = int(m.group(1))
        if not 1 <= n <= len(ctx["inputs"]):
            raise AssertError("in[%d]: the input has %d frames" % (n, len(ctx["inputs"])))
        v = extract(ctx["inputs"][n - 1].data, m.group(2))
        if m.group(3) is not None or m.group(4) is not None:
            v = _slice(v, m.group(3), m.group(4))
        if m.group(5):
            if not isinstance(v, int):
                raise AssertError("only numbers take +K/-K")
            v += int(m.group(5))
            if m.group(2) in SEQ_FIELDS:
                v &= 0xFFFFFFFF                  # sequence space is modulo 2^32 (RFC 9293 3.4)
        return v
    m = IPID.match(text)
    if m:
        return tsrand.ip_id(ctx["seed"], m.group(1), m.group(2), int(m.group(3)), int(m.group(4)))
    m = ISN.match(text)
    if m:
        isn = tsrand.tcp_isn(ctx["seed"], parse_time_us(m.group(5)), m.group(1), int(m.group(2)),
                             m.group(3), int(m.group(4)))
        return (isn + int(m.group(6) or 0)) & 0xFFFFFFFF
    m = FILE.match(text)
    if m:
        try:
            with open(os.path.join(ROOT, m.group(1)), "rb") as f:
                v = f.read()
        except OSError as e:
            raise AssertError("file:%s: %s" % (m.group(1), e.strerror))
        if m.group(2) is not None or m.group(3) is not None:
            v = _slice(v, m.group(2), m.group(3))
        return v
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].lower()
    if text == "zeros":
        return "zeros"
    if text.startswith("hex:"):
        return bytes.fromhex(text[4:])
    if re.match(r"^(0x[0-9a-fA-F]+|\d+)$", text):
        return int(text, 0)
    return text.lower()


def parse_time_us(text):
    m = re.match(r"^(\d+)(?:\.(\d{1,6}))?$", text)
    if not m:
        raise AssertError("time must be seconds with up to 6 decimals, not %r" % text)
    return int(m.group(1)) * 10**6 + int((m.group(2) or "0").ljust(6, "0"))


def show(v):
    if isinstance(v, bytes):
        return "%d bytes %s%s" % (len(v), v[:24].hex(), ".." if len(v) > 24 else "")
    if isinstance(v, int) and v > 9:
        return "%d (0x%x)" % (v, v)
    return str(v)


WORD = re.compile(r'(?:[^\s"]+|"[^"]*")+')


def parse_assert_file(path):
    """(seed or None, frames count or None, [(lineno, frame_no, [(field, value)], why)])."""
    seed, count, checks = None, None, []
    with open(path) as f:
        for no, line in enumerate(f, 1):
            body, _, why = line.partition("#")
            body, why = body.strip(), why.strip()
            if not body:
                continue
            words = WORD.findall(body)
            if words[0] == "volatile":
                parse_volatile_line(path, no, words)
            elif words[0] == "seed" and len(words) == 2:
                seed = int(words[1], 0)
            elif words[0] == "frames" and len(words) == 2:
                count = (no, int(words[1]), why)
            elif words[0] == "frame" and len(words) >= 2 and words[1].endswith(":"):
                pairs = []
                for w in words[2:]:
                    k, eq, v = w.partition("=")
                    if not eq:
                        raise SystemExit("%s:%d: expected field=value, got %r" % (path, no, w))
                    pairs.append((k, v))
                checks.append((no, int(words[1][:-1]), pairs, why))
            else:
                raise SystemExit("%s:%d: cannot read %r" % (path, no, body))
    return seed, count, checks


def parse_volatile_line(path, no, words):
    """`volatile K a:b [c:d ...]` -> (K, [(a, b), ...])."""
    if len(words) < 3 or not words[1].isdigit():
        raise SystemExit("%s:%d: expected volatile FRAME a:b ..." % (path, no))
    ranges = []
    for w in words[2:]:
        m = re.match(r"^(\d+):(\d+)$", w)
        if not m or int(m.group(1)) >= int(m.group(2)):
            raise SystemExit("%s:%d: expected a byte range a:b with a < b, got %r" % (path, no, w))
        ranges.append((int(m.group(1)), int(m.group(2))))
    return int(words[1]), ranges


def parse_volatile(path):
    """{frame number: [(a, b), ...]} from the `volatile` lines of an .assert file."""
    vol = {}
    with open(path) as f:
        for no, line in enumerate(f, 1):
            words = WORD.findall(line.partition("#")[0])
            if words and words[0] == "volatile":
                k, ranges = parse_volatile_line(path, no, words)
                vol.setdefault(k, []).extend(ranges)
    return vol


def mask_volatile(ours, expected, vol):
    """A copy of the frames `ours` in which the volatile byte ranges of each frame K hold
    expected frame K's bytes (only where both frames have those bytes), and the list of
    notes saying what was not compared."""
    out, notes = list(ours), []
    for k, ranges in sorted(vol.items()):
        if not (1 <= k <= len(ours) and k <= len(expected)):
            continue
        a_fr, e_fr = bytearray(ours[k - 1].data), expected[k - 1].data
        for a, b in ranges:
            if b <= len(a_fr) and b <= len(e_fr):
                a_fr[a:b] = e_fr[a:b]
        out[k - 1] = pcapio.Frame(ours[k - 1].t_us, bytes(a_fr), ours[k - 1].wire_len)
        notes.append("frame %d: bytes %s not compared (volatile)"
                     % (k, ", ".join("%d-%d" % (a, b - 1) for a, b in ranges)))
    return out, notes


def check(assert_path, out_path, in_path, quiet=False):
    """Returns the list of failure messages (empty: every check holds)."""
    seed, count, checks = parse_assert_file(assert_path)
    inputs = pcapio.read_pcap(in_path)
    outputs = pcapio.read_pcap(out_path)
    ctx = {"inputs": inputs, "seed": 1 if seed is None else seed}
    t0 = inputs[0].t_us if inputs else 0
    fails, n_ok = [], 0
    if count is not None and count[1] != len(outputs):
        fails.append("line %d: the stack sent %d frames, the assertion says %d  # %s"
                     % (count[0], len(outputs), count[1], count[2]))
    elif count is not None:
        n_ok += 1
    for no, fno, pairs, why in checks:
        if not 1 <= fno <= len(outputs):
            fails.append("line %d: frame %d: missing (the capture has %d frames)  # %s"
                         % (no, fno, len(outputs), why))
            continue
        fr = outputs[fno - 1]
        bad = []
        for field, text in pairs:
            try:
                if field == "time":
                    got, want = fr.t_us - t0, parse_time_us(text)
                    ok = got == want
                    got_s = "%d.%06d" % divmod(got, 10**6) if got >= 0 else str(got)
                    want_s = text
                else:
                    fld, a, b = field, None, None
                    m = SLICE.match(field)
                    if m:
                        fld, a, b = m.group(1), m.group(2), m.group(3)
                    got = extract(fr.data, fld)
                    if m:
                        got = _slice(got, a, b)
                    want = evaluate(text, ctx)
                    if want == "zeros":
                        ok = isinstance(got, bytes) and not any(got)
                    else:
                        ok = got == want
                    got_s, want_s = show(got), show(want)
            except AssertError as e:
                ok, got_s, want_s = False, "error: %s" % e, text
            if ok:
                n_ok += 1
            else:
                bad.append("%s is %s, expected %s%s" % (field, got_s, want_s,
                                                        "" if text == want_s else " (%s)" % text))
        if bad:
            fails.append("line %d: frame %d (%s):\n      %s" % (no, fno, why, "\n      ".join(bad)))
    if not quiet:
        for msg in fails:
            print("  assert " + msg)
        print("  assertions: %d held, %d failed (%s)" % (n_ok, len(fails),
                                                         os.path.basename(assert_path)))
    return fails


def check_dir(d):
    """Every d/NAME.assert against d/NAME.expected.pcap (make vectors). Exit status."""
    bad = 0
    names = sorted(f[:-len(".assert")] for f in os.listdir(d) if f.endswith(".assert"))
    for name in names:
        base = os.path.join(d, name)
        fails = check(base + ".assert", base + ".expected.pcap", base + ".in.pcap", quiet=True)
        print("%s %s: expected capture vs assertions" % ("ok  " if not fails else "FAIL", name))
        for msg in fails:
            print("  assert " + msg)
        bad += bool(fails)
    print("assertions: %d vectors hold, %d do not" % (len(names) - bad, bad))
    return 1 if bad else 0


def main(argv):
    import argparse
    if argv[:1] == ["--dir"] and len(argv) == 2:
        return check_dir(argv[1])
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1],
                                 epilog="or: check_assert.py --dir DIR (every NAME.assert "
                                 "there against NAME.expected.pcap)")
    ap.add_argument("assert_file")
    ap.add_argument("capture")
    ap.add_argument("--in", dest="inp", help="input pcap (default: NAME.in.pcap beside the .assert)")
    ap.add_argument("-q", "--quiet", action="store_true", help="print only failures")
    a = ap.parse_args(argv)
    inp = a.inp or re.sub(r"\.assert$", ".in.pcap", a.assert_file)
    fails = check(a.assert_file, a.capture, inp, quiet=a.quiet)
    if a.quiet:
        for msg in fails:
            print("  assert " + msg)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
