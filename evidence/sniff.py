"""What kind of file is this? Decided by its bytes, never by its name or the browser's word.

A pure module: it reads an open, seekable binary file and returns a `FileType`
from the allow-list, or raises `UploadRefused` with a reason a candidate can act
on. The name is used only afterwards, to check that the extension agrees with
the content (a PNG named .pdf is refused).

    from evidence.sniff import sniff, UploadRefused
    with open(path, "rb") as fp:
        file_type = sniff(fp, filename="holiday.docx")   # or UploadRefused
    file_type.mime, file_type.kind, file_type.extension
"""

from __future__ import annotations

import codecs
import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO, Literal

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

Kind = Literal["image", "pdf", "audio", "video", "document", "text"]

HEAD_SIZE = 64 * 1024
CHUNK_SIZE = 1024 * 1024
# A [Content_Types].xml or an ODF `mimetype` entry is a few KB: read no more, so a ZIP bomb can't bite.
ZIP_PART_LIMIT = 256 * 1024
# Office files have hundreds of parts; a directory of millions would cost memory just to list.
ZIP_MAX_ENTRIES = 20_000


class UploadRefused(ValidationError):
    """A file that will not be stored, with the reason in words a candidate understands.

    `str(error)` and `error.messages[0]` read "<filename>: <reason>".
    """

    def __init__(self, filename: str, reason: str) -> None:
        self.filename = filename
        self.reason = reason
        # Translators: a refused upload, e.g. "report.exe: this is a program ...".
        super().__init__(gettext("%(filename)s: %(reason)s") % {"filename": filename, "reason": reason},
                         code="upload_refused")


@dataclass(frozen=True)
class FileType:
    """One allowed type: what it is called, its MIME type, its kind and its usual extension."""

    key: str
    label: str | Promise  # "a PDF document", translated when shown
    mime: str
    kind: Kind
    extension: str


_TYPES: dict[str, FileType] = {
    t.key: t
    for t in [
        FileType("pdf", gettext_lazy("a PDF document"), "application/pdf", "pdf", "pdf"),
        FileType(
            "docx",
            gettext_lazy("a Word document"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "document",
            "docx",
        ),
        FileType(
            "xlsx",
            gettext_lazy("an Excel spreadsheet"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "document",
            "xlsx",
        ),
        FileType(
            "pptx",
            gettext_lazy("a PowerPoint presentation"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "document",
            "pptx",
        ),
        FileType("doc", gettext_lazy("a Word 97-2003 document"), "application/msword", "document", "doc"),
        FileType("xls", gettext_lazy("an Excel 97-2003 spreadsheet"), "application/vnd.ms-excel", "document", "xls"),
        FileType(
            "ppt", gettext_lazy("a PowerPoint 97-2003 presentation"), "application/vnd.ms-powerpoint",
            "document", "ppt",
        ),
        FileType(
            "odt", gettext_lazy("an OpenDocument text"), "application/vnd.oasis.opendocument.text", "document", "odt",
        ),
        FileType(
            "ods", gettext_lazy("an OpenDocument spreadsheet"),
            "application/vnd.oasis.opendocument.spreadsheet", "document", "ods"
        ),
        FileType(
            "odp", gettext_lazy("an OpenDocument presentation"),
            "application/vnd.oasis.opendocument.presentation", "document", "odp"
        ),
        FileType("text", gettext_lazy("a plain text file"), "text/plain", "text", "txt"),
        FileType("jpeg", gettext_lazy("a JPEG photo"), "image/jpeg", "image", "jpg"),
        FileType("png", gettext_lazy("a PNG image"), "image/png", "image", "png"),
        FileType("webp", gettext_lazy("a WebP image"), "image/webp", "image", "webp"),
        FileType("heic", gettext_lazy("a HEIC photo"), "image/heic", "image", "heic"),
        FileType("heif", gettext_lazy("a HEIF photo"), "image/heif", "image", "heif"),
        FileType("mp3", gettext_lazy("an MP3 recording"), "audio/mpeg", "audio", "mp3"),
        FileType("m4a", gettext_lazy("an M4A recording"), "audio/mp4", "audio", "m4a"),
        FileType("wav", gettext_lazy("a WAV recording"), "audio/wav", "audio", "wav"),
        FileType("ogg", gettext_lazy("an Ogg recording"), "audio/ogg", "audio", "ogg"),
        FileType("webm", gettext_lazy("a WebM recording"), "audio/webm", "audio", "webm"),
        FileType("mp4", gettext_lazy("an MP4 video"), "video/mp4", "video", "mp4"),
        FileType("mov", gettext_lazy("a QuickTime (MOV) video"), "video/quicktime", "video", "mov"),
    ]
}

# Which contents each extension may hold: the "does the name match" table.
EXTENSIONS: dict[str, frozenset[str]] = {
    "pdf": frozenset({"pdf"}),
    "docx": frozenset({"docx"}),
    "xlsx": frozenset({"xlsx"}),
    "pptx": frozenset({"pptx"}),
    "doc": frozenset({"doc"}),
    "xls": frozenset({"xls"}),
    "ppt": frozenset({"ppt"}),
    "odt": frozenset({"odt"}),
    "ods": frozenset({"ods"}),
    "odp": frozenset({"odp"}),
    "txt": frozenset({"text"}),
    "csv": frozenset({"text"}),
    "md": frozenset({"text"}),
    "jpg": frozenset({"jpeg"}),
    "jpeg": frozenset({"jpeg"}),
    "png": frozenset({"png"}),
    "webp": frozenset({"webp"}),
    # Phones and converters use the two names loosely.
    "heic": frozenset({"heic", "heif"}),
    "heif": frozenset({"heic", "heif"}),
    "mp3": frozenset({"mp3"}),
    # Many phone recorders write M4A audio with only the generic MP4 brands.
    "m4a": frozenset({"m4a", "mp4"}),
    "wav": frozenset({"wav"}),
    "ogg": frozenset({"ogg"}),
    "oga": frozenset({"ogg"}),
    "opus": frozenset({"ogg"}),
    "webm": frozenset({"webm"}),
    "weba": frozenset({"webm"}),
    "mp4": frozenset({"mp4"}),
    "m4v": frozenset({"mp4"}),
    "mov": frozenset({"mov"}),
}

ACCEPTED_SUMMARY = gettext_lazy(
    "PDF, Word, Excel, PowerPoint, OpenDocument, plain text, JPEG, PNG, WebP and HEIC photos, "
    "MP3, M4A, WAV, Ogg and WebM recordings, and MP4 or MOV videos"
)


def file_type(key: str) -> FileType:
    """The allowed type with this key (as stored in `FileType.key`)."""
    return _TYPES[key]


class _Refuse(Exception):
    """Raised inside detection with a reason that does not need the filename yet."""

    def __init__(self, reason: str | Promise) -> None:
        super().__init__(reason)
        self.reason = str(reason)


class _PlainZip(_Refuse):
    """A ZIP that is no Office or OpenDocument file: the reason depends on what its name claims."""


_SAVED_FROM = {
    "docx": "Word",
    "xlsx": "Excel",
    "pptx": "PowerPoint",
    "odt": "LibreOffice Writer",
    "ods": "LibreOffice Calc",
    "odp": "LibreOffice Impress",
}


def sniff(fp: BinaryIO, *, filename: str) -> FileType:
    """The allowed type of this file's content, if its name's extension agrees; else `UploadRefused`.

    `fp` must be seekable; it is left at position 0. `filename` should already
    be cleaned (see `evidence.uploads.clean_filename`); it is named in every reason.
    """
    extension = filename.rsplit(".", 1)[1].lower() if "." in filename else ""
    try:
        detected = _detect(fp)
    except _PlainZip as refusal:
        claimed = next(iter(EXTENSIONS.get(extension, ())), "")
        if claimed in _SAVED_FROM:
            raise UploadRefused(
                filename,
                gettext(
                    "this is a plain ZIP archive, not %(label)s. "
                    "Save it from %(program)s as .%(extension)s and upload it again."
                ) % {"label": _TYPES[claimed].label, "program": _SAVED_FROM[claimed], "extension": extension},
            ) from None
        raise UploadRefused(filename, refusal.reason) from None
    except _Refuse as refusal:
        raise UploadRefused(filename, refusal.reason) from None
    finally:
        fp.seek(0)
    allowed = EXTENSIONS.get(extension)
    if allowed is None:
        values = {"label": detected.label, "extension": extension, "wanted": detected.extension}
        if extension:
            reason = gettext(
                "this is %(label)s, but “.%(extension)s” files are not accepted. "
                "Rename it to end in .%(wanted)s and upload it again."
            )
        else:
            reason = gettext(
                "this is %(label)s, but files without an extension such as .pdf or .jpg are not accepted. "
                "Rename it to end in .%(wanted)s and upload it again."
            )
        raise UploadRefused(filename, reason % values)
    if extension == "m4a" and detected.key == "mp4":
        return _TYPES["m4a"]
    if detected.key not in allowed:
        expected = _TYPES[next(iter(sorted(allowed)))]
        stem = filename.rsplit(".", 1)[0]
        raise UploadRefused(
            filename,
            gettext(
                "this is %(label)s, not %(expected)s, so its name does not match its content. "
                "Rename it to %(stem)s.%(extension)s, or save it again as %(expected)s, and upload it again."
            ) % {"label": detected.label, "expected": expected.label, "stem": stem, "extension": detected.extension},
        )
    return detected


def _detect(fp: BinaryIO) -> FileType:
    fp.seek(0)
    head = fp.read(HEAD_SIZE)
    if not head:
        raise _Refuse(gettext("the file is empty. Check that it saved properly and upload it again."))
    _refuse_programs_and_archives(head)
    detected = _document_or_image(head) or _audio_or_video(head) or _office(fp, head)
    if detected is not None:
        return detected
    _refuse_unsupported(head)
    return _text(fp, head)


def _refuse_programs_and_archives(head: bytes) -> None:
    for magic, offset, reason in _REFUSED_MAGIC:
        if head[offset : offset + len(magic)] == magic:
            raise _Refuse(reason)
    # "MZ" alone could start a sentence; an executable's header has NUL bytes right after it.
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        raise _Refuse(gettext("this is a program (a Windows executable), and programs are not accepted as evidence."))


def _document_or_image(head: bytes) -> FileType | None:
    # Readers allow a little junk before the header, but markup there would make an HTML/PDF polyglot.
    pdf_at = head.find(b"%PDF-", 0, 1024)
    if pdf_at == 0 or (pdf_at > 0 and b"<" not in head[:pdf_at]):
        return _TYPES["pdf"]
    if head.startswith(b"\xff\xd8\xff"):
        return _TYPES["jpeg"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _TYPES["png"]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _TYPES["webp"]
    return None


def _audio_or_video(head: bytes) -> FileType | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return _TYPES["wav"]
    if head[4:8] == b"ftyp":
        return _iso_bmff(head)
    if head.startswith(b"OggS"):
        return _ogg(head)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _webm(head)
    if (head.startswith(b"ID3") and head[3:4] in (b"\x02", b"\x03", b"\x04")) or _is_mp3_frame(head):
        return _TYPES["mp3"]
    return None


def _office(fp: BinaryIO, head: bytes) -> FileType | None:
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole2(fp)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip(fp)
    return None


def _refuse_unsupported(head: bytes) -> None:
    """Formats we recognise and do not take, named so the candidate knows what to convert."""
    for magic, name in _UNSUPPORTED_MAGIC:
        if head.startswith(magic):
            raise _Refuse(name % {"accepted": ACCEPTED_SUMMARY})
    # "BM" alone could start a sentence; a bitmap's header has four reserved zero bytes.
    if head.startswith(b"BM") and head[6:10] == bytes(4):
        raise _Refuse(
            gettext("BMP image files are not accepted. Accepted are %(accepted)s.") % {"accepted": ACCEPTED_SUMMARY}
        )



# (magic, offset, reason): contents refused whatever the name.
_MACOS_PROGRAM = gettext_lazy("this is a program (a macOS executable), and programs are not accepted as evidence.")
_REFUSED_MAGIC: list[tuple[bytes, int, Promise]] = [
    (b"\x7fELF", 0,
     gettext_lazy("this is a program (a Linux executable), and programs are not accepted as evidence.")),
    (b"\xfe\xed\xfa\xce", 0, _MACOS_PROGRAM),
    (b"\xfe\xed\xfa\xcf", 0, _MACOS_PROGRAM),
    (b"\xce\xfa\xed\xfe", 0, _MACOS_PROGRAM),
    (b"\xcf\xfa\xed\xfe", 0, _MACOS_PROGRAM),
    (b"\xca\xfe\xba\xbe", 0,
     gettext_lazy("this is a program (a macOS or Java program), and programs are not accepted as evidence.")),
    (b"Rar!\x1a\x07", 0, gettext_lazy(
        "this is a RAR archive, and archives are not accepted. Upload the files inside it one by one.")),
    (b"7z\xbc\xaf\x27\x1c", 0, gettext_lazy(
        "this is a 7-Zip archive, and archives are not accepted. Upload the files inside it one by one.")),
    (b"\x1f\x8b", 0, gettext_lazy(
        "this is a gzip archive, and archives are not accepted. Upload the files inside it one by one.")),
    (b"1AY&SY", 4, gettext_lazy(
        "this is a bzip2 archive, and archives are not accepted. Upload the files inside it one by one.")),
    (b"\xfd7zXZ\x00", 0, gettext_lazy(
        "this is an xz archive, and archives are not accepted. Upload the files inside it one by one.")),
    (b"ustar", 257, gettext_lazy(
        "this is a tar archive, and archives are not accepted. Upload the files inside it one by one.")),
]

# Real formats we do not take, named so the candidate knows what to convert.
_TIFF = gettext_lazy("TIFF image files are not accepted. Accepted are %(accepted)s.")
_UNSUPPORTED_MAGIC: list[tuple[bytes, Promise]] = [
    (b"GIF8", gettext_lazy("GIF image files are not accepted. Accepted are %(accepted)s.")),
    (b"II*\x00", _TIFF),
    (b"MM\x00*", _TIFF),
    (b"{\\rtf", gettext_lazy("Rich Text Format (RTF) files are not accepted. Accepted are %(accepted)s.")),
    (b"fLaC", gettext_lazy("FLAC audio files are not accepted. Accepted are %(accepted)s.")),
]

_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
_HEIF_BRANDS = {b"mif1", b"msf1", b"heif"}
_M4A_BRANDS = {b"M4A ", b"M4B "}
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash", b"mp4v", b"MSNV"}
_QT_BRANDS = {b"qt  "}


def _iso_bmff(head: bytes) -> FileType:
    """ISO base media files (HEIC, M4A, MP4, MOV) told apart by their `ftyp` brands."""
    (box_size,) = struct.unpack(">I", head[:4])
    major = head[8:12]
    compatible = [head[i : i + 4] for i in range(16, min(box_size, len(head)), 4)]
    if major in {b"avif", b"avis"} or (b"avif" in compatible and not _HEIC_BRANDS.intersection(compatible)):
        raise _Refuse(
            gettext("AVIF images are not accepted. Accepted are %(accepted)s.") % {"accepted": ACCEPTED_SUMMARY}
        )
    # HEVC-coded stills are HEIC whatever brand leads (some writers lead with the generic mif1);
    # otherwise the major brand decides first, then the compatible ones.
    if any(b in _HEIC_BRANDS for b in [major, *compatible]):
        return _TYPES["heic"]
    for brands in (major,), compatible:
        if any(b in _M4A_BRANDS for b in brands):
            return _TYPES["m4a"]
        if any(b in _QT_BRANDS for b in brands):
            return _TYPES["mov"]
        if any(b in _HEIF_BRANDS for b in brands):
            return _TYPES["heif"]
        if any(b in _MP4_BRANDS for b in brands):
            return _TYPES["mp4"]
    raise _Refuse(gettext(
        "this is a media file of a kind we do not take (ISO brand “%(brand)s”). "
        "Save it as MP4, M4A or JPEG and upload it again."
    ) % {"brand": major.decode("latin-1").strip()})


def _ogg(head: bytes) -> FileType:
    # The first page carries the codec's identification header at byte 28.
    codec = head[28:36]
    if codec.startswith((b"\x01vorbis", b"OpusHead", b"\x7fFLAC", b"Speex   ")):
        return _TYPES["ogg"]
    raise _Refuse(gettext("this Ogg file holds video or an unknown codec; only Ogg audio is accepted."))


def _webm(head: bytes) -> FileType:
    """WebM audio only: a Matroska-family file whose DocType is webm and whose tracks are all audio."""
    doc_type, track_types = _ebml_summary(head)
    if doc_type != b"webm":
        raise _Refuse(
            gettext("this is a Matroska (MKV) file, which is not accepted. Save it as MP4 and upload it again.")
        )
    if 1 in track_types:
        raise _Refuse(gettext(
            "this is a WebM video; WebM is accepted for audio only. Save the video as MP4 and upload it again."
        ))
    return _TYPES["webm"]


def _read_vint(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int, int]:
    first = data[pos]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8 or pos + length > len(data):
        raise IndexError
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[pos + 1 : pos + length]:
        value = (value << 8) | byte
    return value, pos + length


def _ebml_summary(head: bytes) -> tuple[bytes, set[int]]:
    """The DocType and the TrackType values found in the first bytes of an EBML file."""
    containers = {0x1A45DFA3, 0x18538067, 0x1654AE6B, 0xAE}  # EBML, Segment, Tracks, TrackEntry
    doc_type = b""
    track_types: set[int] = set()
    pos = 0
    try:
        while pos < len(head):
            element_id, pos = _read_vint(head, pos, keep_marker=True)
            size, pos = _read_vint(head, pos, keep_marker=False)
            if element_id in containers:
                continue  # descend: the children follow directly
            value = head[pos : pos + size]
            if element_id == 0x4282:
                doc_type = value
            elif element_id == 0x83 and value:
                track_types.add(value[0])
            elif element_id == 0x1F43B675:  # Cluster: the media data begins, the tracks are behind us
                break
            pos += size
    except IndexError:
        pass
    return doc_type, track_types


def _is_mp3_frame(head: bytes) -> bool:
    """An MPEG audio layer III frame header: sync bits, a real bitrate and sample rate."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    bitrate, sample_rate = head[2] >> 4, (head[2] >> 2) & 0b11
    return version != 0b01 and layer == 0b01 and bitrate not in (0, 0b1111) and sample_rate != 0b11


def _ole2(fp: BinaryIO) -> FileType:
    """Legacy Office: an OLE2 compound file whose directory names the main stream."""
    names = _ole2_directory_names(fp)
    if "WordDocument" in names:
        return _TYPES["doc"]
    if "Workbook" in names or "Book" in names:
        return _TYPES["xls"]
    if "PowerPoint Document" in names:
        return _TYPES["ppt"]
    raise _Refuse(gettext(
        "this is an old-style Office file that is not a Word, Excel or PowerPoint document "
        "(perhaps an Outlook message or an installer). Save it as PDF and upload it again."
    ))


def _ole2_directory_names(fp: BinaryIO) -> set[str]:
    """Stream names in a compound file's directory, following its sector chain through the FAT."""
    fp.seek(0)
    header = fp.read(512)
    if len(header) < 512:
        raise _Refuse(
            gettext("this old-style Office file is damaged. Open it in Office, save it again and upload it again.")
        )
    sector_shift, first_dir_sector = struct.unpack_from("<H", header, 30)[0], struct.unpack_from("<I", header, 48)[0]
    if sector_shift not in (9, 12):
        raise _Refuse(
            gettext("this old-style Office file is damaged. Open it in Office, save it again and upload it again.")
        )
    sector_size = 1 << sector_shift
    difat = [s for s in struct.unpack_from("<109I", header, 76) if s < 0xFFFFFFFA]

    def read_sector(number: int) -> bytes:
        fp.seek((number + 1) * sector_size)
        return fp.read(sector_size)

    entries_per_fat_sector = sector_size // 4
    names: set[str] = set()
    sector, seen = first_dir_sector, 0
    # A loop bound keeps a crafted, circular chain from running forever.
    while sector < 0xFFFFFFFA and seen < 4096:
        seen += 1
        data = read_sector(sector)
        for offset in range(0, len(data) - 127, 128):
            name_length = struct.unpack_from("<H", data, offset + 64)[0]
            if 2 <= name_length <= 64:
                names.add(data[offset : offset + name_length - 2].decode("utf-16-le", "replace"))
        fat_index, slot = divmod(sector, entries_per_fat_sector)
        if fat_index >= len(difat):
            break  # the directory continues past the header's FAT list: what we read is enough to decide
        fat_sector = read_sector(difat[fat_index])
        if len(fat_sector) < (slot + 1) * 4:
            break
        sector = struct.unpack_from("<I", fat_sector, slot * 4)[0]
    return names


_OOXML_MAIN = {
    "docx": ("word/document.xml", b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": (
        "ppt/presentation.xml",
        b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_PLAIN_ZIP = gettext_lazy(
    "this is a ZIP archive, and archives are not accepted. Upload the files inside it one by one."
)


def _zip(fp: BinaryIO) -> FileType:
    """Office Open XML or OpenDocument, recognised by their required parts; any other ZIP is refused."""
    if _zip_entry_count(fp) > ZIP_MAX_ENTRIES:
        raise _Refuse(gettext(
            "this file is made of more parts than any document we accept. Save it again as PDF and upload it again."
        ))
    fp.seek(0)
    try:
        with zipfile.ZipFile(fp) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if infos and infos[0].filename == "mimetype":
                with archive.open(infos[0]) as part:
                    key = _ODF_MIMETYPES.get(part.read(ZIP_PART_LIMIT).strip())
                if key:
                    return _TYPES[key]
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as part:
                    content_types = part.read(ZIP_PART_LIMIT)
                for key, (main_part, main_type) in _OOXML_MAIN.items():
                    if main_part in names and main_type in content_types:
                        return _TYPES[key]
                if b"macroEnabled" in content_types:
                    raise _Refuse(gettext(
                        "this Office file contains macros, which are not accepted. "
                        "Save it without macros (.docx, .xlsx or .pptx) and upload it again."
                    ))
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        raise _Refuse(gettext("this looks like a damaged ZIP-based file. Save it again and upload it again.")) from None
    raise _PlainZip(_PLAIN_ZIP)


def _zip_entry_count(fp: BinaryIO) -> int:
    """The entry count in the ZIP's end record, read before zipfile loads the whole directory into memory."""
    fp.seek(0, 2)
    size = fp.tell()
    fp.seek(max(0, size - 66_000))  # the end record sits in the last 22 bytes + a comment of at most 64 KB
    tail = fp.read()
    position = tail.rfind(b"PK\x05\x06")
    if position < 0 or position + 22 > len(tail):
        return 0  # no end record: zipfile will call it damaged
    return struct.unpack_from("<H", tail, position + 10)[0]


_UNKNOWN = gettext_lazy("we cannot tell what kind of file this is, so it is not accepted. Accepted are %(accepted)s.")
_MARKUP_STARTS = (b"<!doctype", b"<html", b"<svg", b"<head", b"<body", b"<iframe")


def _text(fp: BinaryIO, head: bytes) -> FileType:
    """Plain text: UTF-8 (or Windows-1252) without NUL bytes that does not look like a web page or script."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"#!"):
        raise _Refuse(gettext("this is a script, and scripts are not accepted as evidence."))
    if start.startswith(_MARKUP_STARTS) or (start.startswith(b"<?xml") and (b"<svg" in start or b"<html" in start)):
        raise _Refuse(gettext(
            "this is a web page or SVG drawing, which could run code in the browser, so it is not accepted. "
            "Save it as PDF (or the drawing as PNG) and upload it again."
        ))
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    fp.seek(0)
    tail = b""
    while chunk := fp.read(CHUNK_SIZE):
        if b"\x00" in chunk:
            raise _Refuse(_UNKNOWN % {"accepted": ACCEPTED_SUMMARY})
        # The overlap finds "<script" split across two chunks.
        if b"<script" in (tail + chunk).lower():
            raise _Refuse(gettext("this text contains a web page script (<script>), so it is not accepted."))
        tail = chunk[-8:]
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
        if not utf8 and not _is_windows_text(chunk):
            raise _Refuse(_UNKNOWN % {"accepted": ACCEPTED_SUMMARY})
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            pass  # a cut-off last character: still text, as Windows-1252 below decides
    return _TYPES["text"]


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


def _is_windows_text(chunk: bytes) -> bool:
    try:
        chunk.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return not any(b in _CONTROL_BYTES for b in chunk)
