"""Minimal OLE2 compound files (MS-CFB, version 3) for tests: the container of .doc, .xls
and older .wps/.et files, with the streams a test names — e.g. ``WordDocument`` and a
``\\x05SummaryInformation`` property set holding the author, as Word writes one.

Every stream is padded with zeros to at least 4 096 bytes so that it lives in regular
sectors (no mini stream); the directory is one sector, so at most three streams."""
from __future__ import annotations

import struct

SECTOR = 512
FREE, END, FAT_SECTOR, NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
SUMMARY_FMTID = bytes.fromhex("e0859ff2f94f6810ab9108002b27b3d9")
PIDSI_TITLE, PIDSI_AUTHOR, PIDSI_LASTAUTHOR = 2, 4, 8


def summary_information(author: str, title: str = "") -> bytes:
    """A SummaryInformation property set (MS-OLEPS) with the author and the last editor in
    code page 936 (GBK), as Chinese Word writes it."""
    props = [(1, struct.pack("<HHh", 2, 0, 936) + b"\0\0")]  # PID_CODEPAGE, VT_I2
    for pid, text in ((PIDSI_TITLE, title), (PIDSI_AUTHOR, author),
                      (PIDSI_LASTAUTHOR, author)):
        raw = text.encode("gbk") + b"\0"
        raw += b"\0" * (-len(raw) % 4)
        props.append((pid, struct.pack("<II", 0x1E, len(raw)) + raw))  # VT_LPSTR
    table_size = 8 + 8 * len(props)
    offsets, body, at = [], b"", table_size
    for pid, value in props:
        offsets.append(struct.pack("<II", pid, at))
        body += value
        at += len(value)
    section = struct.pack("<II", table_size + len(body), len(props)) + b"".join(offsets) + body
    header = struct.pack("<HHI", 0xFFFE, 0, 0x00020006) + b"\0" * 16 + struct.pack("<I", 1)
    return header + SUMMARY_FMTID + struct.pack("<I", len(header) + 20) + section


def _entry(name: str, kind: int, *, child=NONE, right=NONE, start=END, size=0) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", NONE, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
            + struct.pack("<IQ", start, size))


def compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE2 file holding ``streams`` (name → content) under its root."""
    assert 0 < len(streams) <= 3
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    padded = {n: streams[n].ljust(max(4096, len(streams[n])), b"\0") for n in names}
    chunks = {n: -(-len(padded[n]) // SECTOR) for n in names}
    fat = [FAT_SECTOR, END]  # sector 0: the FAT, sector 1: the directory
    starts = {}
    for n in names:
        starts[n] = len(fat)
        fat += list(range(len(fat) + 1, len(fat) + chunks[n])) + [END]
    assert len(fat) <= SECTOR // 4
    fat += [FREE] * (SECTOR // 4 - len(fat))
    entries = [_entry("Root Entry", 5, child=1)]
    for i, n in enumerate(names, 1):
        entries.append(_entry(n, 2, right=i + 1 if i < len(names) else NONE, start=starts[n],
                              size=len(padded[n])))
    directory = b"".join(entries).ljust(SECTOR, b"\0")
    header = (bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREE) * 108)
    assert len(header) == SECTOR
    return (header + struct.pack(f"<{SECTOR // 4}I", *fat) + directory
            + b"".join(padded[n].ljust(chunks[n] * SECTOR, b"\0") for n in names))


def word_97(author: str = "何磊") -> bytes:
    """A .doc as Word 97–2003 writes one, as far as the container goes."""
    return compound_file({"WordDocument": b"\xec\xa5" + b"\0" * 1000,
                          "\x05SummaryInformation": summary_information(author, "周报")})


def excel_97(author: str = "何磊") -> bytes:
    return compound_file({"Workbook": b"\x09\x08" + b"\0" * 1000,
                          "\x05SummaryInformation": summary_information(author, "报表")})
