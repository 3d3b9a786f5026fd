"""pcapio.py - read and write classic pcap files exactly (integer seconds and microseconds).

scapy's rdpcap/wrpcap turn timestamps into floats; the vectors need exact microseconds, so
the replay tools read and write the file format themselves (it is 40 lines):

    file header:   magic a1b2c3d4, version 2.4, thiszone 0, sigfigs 0, snaplen, linktype 1
    each record:   ts_sec, ts_usec, caplen, len (u32 each), then caplen bytes
"""
import struct

LINKTYPE_ETHERNET = 1
MAGIC_US = 0xA1B2C3D4
MAGIC_NS = 0xA1B23C4D


class Frame:
    """One captured frame: time in integer microseconds since the epoch, and its bytes."""

    def __init__(self, t_us, data, wire_len=None):
        self.t_us = t_us
        self.data = bytes(data)
        self.wire_len = len(self.data) if wire_len is None else wire_len

    def __repr__(self):
        return "Frame(%d.%06d, %d bytes)" % (self.t_us // 10**6, self.t_us % 10**6, len(self.data))


def read_pcap(path):
    """All frames of a classic pcap file (either byte order, us or ns resolution)."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 24:
        raise ValueError("%s: not a pcap file (%d bytes)" % (path, len(raw)))
    for endian in "<>":
        magic, = struct.unpack(endian + "I", raw[:4])
        if magic in (MAGIC_US, MAGIC_NS):
            break
    else:
        raise ValueError("%s: not a classic pcap file (pcapng? convert with editcap -F pcap)" % path)
    _, _, _, _, _, linktype = struct.unpack(endian + "HHiIII", raw[4:24])
    if linktype != LINKTYPE_ETHERNET:
        raise ValueError("%s: link type %d, not Ethernet" % (path, linktype))
    frames, off = [], 24
    while off + 16 <= len(raw):
        sec, frac, caplen, wlen = struct.unpack(endian + "IIII", raw[off:off + 16])
        off += 16
        usec = frac if magic == MAGIC_US else frac // 1000
        frames.append(Frame(sec * 10**6 + usec, raw[off:off + caplen], wlen))
        off += caplen
    return frames


def write_pcap(path, frames, snaplen=65535):
    """Write frames (a list of Frame) as a little-endian microsecond pcap, like libpcap does."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", MAGIC_US, 2, 4, 0, 0, snaplen, LINKTYPE_ETHERNET))
        for fr in frames:
            f.write(struct.pack("<IIII", fr.t_us // 10**6, fr.t_us % 10**6, len(fr.data),
                                fr.wire_len))
            f.write(fr.data)
