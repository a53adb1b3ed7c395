"""Generated evidence files for the upload tests: every input is built here in Python, none is checked in.

Photos carry camera Exif with an orientation and (optionally) GPS; documents are
minimal but valid packages; the refused kinds (archives, programs, web pages, a
decompression bomb) are the smallest bytes that show what they are.
"""

from __future__ import annotations

import gzip
import io
import struct
import tarfile
import wave
import zipfile
import zlib

import pillow_heif
from PIL import Image

# A photo taken at 51°30'12.5"N 0°7'39"W: the numbers a test looks for in stored bytes.
# The GPS date stamp is stored out of line, so a test can look for its bytes.
GPS_DATE = b"1999:12:31"
GPS = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0), 0x1D: GPS_DATE.decode()}
XMP_WITH_GPS = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,30.208N" '
    b'exif:GPSLongitude="0,7.65W"><exif:GPSAltitude>12/1</exif:GPSAltitude></rdf:Description>'
    b"</rdf:RDF></x:xmpmeta>"
)


def exif_bytes(*, orientation: int | None = 6, gps: bool = True) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    if orientation:
        exif[0x0112] = orientation
    exif.get_ifd(0x8769)[0x9003] = "2026:05:04 10:11:12"
    if gps:
        exif.get_ifd(0x8825).update(GPS)
    return exif.tobytes()


def photo(
    fmt: str = "JPEG",
    *,
    size: tuple[int, int] = (64, 48),
    gps: bool = True,
    orientation: int | None = 6,
    **save: object,
) -> bytes:
    """A photo with a gradient (so encoders have real work), camera Exif, orientation and optionally GPS."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    out = io.BytesIO()
    if fmt == "HEIF":
        pillow_heif.register_heif_opener()
    image.save(out, fmt, exif=exif_bytes(orientation=orientation, gps=gps), **save)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A PNG that claims huge dimensions in a few hundred bytes: a decompression bomb."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 4096, 9))
        + png_chunk(b"IEND", b"")
    )


def pdf(*, catalog: bytes = b"", page: bytes = b"", extra: tuple[bytes, ...] = ()) -> bytes:
    """A minimal valid one-page PDF; `catalog` and `page` add entries to those dictionaries, `extra` adds
    objects numbered from 4 on (refer to them as `4 0 R`, ...)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R%s >>" % (b" " + catalog if catalog else b""),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]%s >>" % (b" " + page if page else b""),
        *extra,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_compressed(*, catalog: bytes = b"", extra: tuple[bytes, ...] = ()) -> bytes:
    """A PDF 1.5 whose catalog, pages and `extra` objects (numbered from 4) sit in a compressed object stream,
    listed by a compressed cross-reference stream: their names never appear in the file's bytes."""
    members = [
        b"<< /Type /Catalog /Pages 2 0 R%s >>" % (b" " + catalog if catalog else b""),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        *extra,
    ]
    header, body = b"", b""
    for number, member in enumerate(members, start=1):
        header += b"%d %d " % (number, len(body))
        body += member + b"\n"
    data = zlib.compress(header + body)
    stream_number, xref_number = len(members) + 1, len(members) + 2
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    stream_offset = out.tell()
    out.write(
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (stream_number, len(members), len(header), len(data))
        + data + b"\nendstream\nendobj\n"
    )
    xref_offset = out.tell()
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 2, stream_number, index) for index in range(len(members))]
    rows += [struct.pack(">BIH", 1, stream_offset, 0), struct.pack(">BIH", 1, xref_offset, 0)]
    xref = zlib.compress(b"".join(rows))
    out.write(
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n"
        % (xref_number, xref_number + 1, len(xref))
        + xref + b"\nendstream\nendobj\n"
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_offset)
    return out.getvalue()


_OOXML = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}


def office(kind: str = "docx") -> bytes:
    """A minimal Office Open XML package: [Content_Types].xml, the relationships and the main part."""
    main_part, main_type = _OOXML[kind]
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'officeDocument" Target="{main_part}"/></Relationships>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr(main_part, "<document>Witness statement</document>")
    return out.getvalue()


def opendocument(mimetype: str = "application/vnd.oasis.opendocument.text", *, mimetype_first: bool = True) -> bytes:
    """A minimal OpenDocument package: the stored `mimetype` entry first, then content.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if not mimetype_first:
            archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        if mimetype_first:
            archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("holiday/notes.txt", "Day one: beach.")
    return out.getvalue()


def compound_file(stream_name: str = "WordDocument") -> bytes:
    """A minimal OLE2 compound file (legacy .doc/.xls/.ppt) whose directory holds one named stream."""
    free, end_of_chain, fat_sector, no_entry = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<III", header, 44, 1, 1, 0)  # one FAT sector, directory at sector 1, no transactions
    struct.pack_into("<IIIII", header, 56, 4096, end_of_chain, 0, end_of_chain, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end_of_chain, *([free] * 126))

    def entry(name: str, kind: int, child: int) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\x00").encode("utf-16-le")
        raw[: len(encoded)] = encoded
        struct.pack_into("<HBBIII", raw, 64, len(encoded), kind, 1, no_entry, no_entry, child)
        struct.pack_into("<IQ", raw, 116, end_of_chain, 0)
        return bytes(raw)

    directory = entry("Root Entry", 5, 1) + entry(stream_name, 2, no_entry) + bytes(256)
    return bytes(header) + fat + directory


def wav(seconds: float = 0.1) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(b"\x00\x01" * int(8000 * seconds))
    return out.getvalue()


def mp3() -> bytes:
    frame = b"\xff\xfb\x90\x64" + bytes(413)  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz
    return frame * 4


def id3_mp3() -> bytes:
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + mp3()


def iso_media(major: bytes, *compatible: bytes) -> bytes:
    """An ISO base media file: an `ftyp` box with these brands, then an empty `mdat`."""
    brands = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    ftyp = struct.pack(">I", 8 + len(brands)) + b"ftyp" + brands
    return ftyp + struct.pack(">I", 16) + b"mdat" + bytes(8)


def ogg(codec_header: bytes = b"\x01vorbis") -> bytes:
    page = b"OggS\x00\x02" + bytes(8) + b"\x01\x00\x00\x00" + bytes(8) + b"\x01\x1e"
    return page + codec_header + bytes(30 - len(codec_header))


def _ebml(element_id: int, payload: bytes) -> bytes:
    id_bytes = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    return id_bytes + (0x01 << 56 | len(payload)).to_bytes(8, "big") + payload


def webm(*, track_types: tuple[int, ...] = (2,), doc_type: bytes = b"webm") -> bytes:
    """A WebM/Matroska header with these TrackType values (1 video, 2 audio)."""
    header = _ebml(0x1A45DFA3, _ebml(0x4282, doc_type))
    tracks = _ebml(0x1654AE6B, b"".join(_ebml(0xAE, _ebml(0x83, bytes([kind]))) for kind in track_types))
    return header + _ebml(0x18538067, tracks + _ebml(0x1F43B675, bytes(16)))


def gzipped() -> bytes:
    return gzip.compress(b"notes")


def tarball() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        info = tarfile.TarInfo("notes.txt")
        info.size = 5
        archive.addfile(info, io.BytesIO(b"notes"))
    return out.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(56)
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48) + b"PE\x00\x00"
MACHO = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(24)
RAR = b"Rar!\x1a\x07\x01\x00" + bytes(16)
SEVEN_ZIP = b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(24)
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html>\n<html><body><script>fetch('/steal')</script></body></html>"
TEXT = "Reflective account: I handled the complaint calmly — café customer, £12 refund.\n".encode()
