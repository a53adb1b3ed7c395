"""Photos: opened only as the format they were sniffed as, bounded in pixels, stripped of location.

Location is removed without re-encoding: the GPS part of the Exif block (and
GPS fields in XMP) is overwritten with zero bytes / spaces of the same length,
in a copy of the file. Nothing else moves, so the pixels, the quality, the
orientation and every other tag stay exactly as the camera wrote them. PNG
chunks whose text changed get their CRC recomputed. HEIC/HEIF photos also get
a JPEG rendition for the browser preview (browsers other than Safari cannot
show HEIC); that rendition is upright and carries no metadata at all.

Whatever follows the image's own end (after PNG's IEND, JPEG's EOI, WebP's
RIFF size, HEIC's last box) is cut off, again without re-encoding: such bytes
are how a picture doubles as a web page (a polyglot), and how phones append
further pictures with their own location data. A PNG or JPEG whose end is
missing is refused as damaged.
"""

from __future__ import annotations

import re
import struct
import tempfile
import warnings
import zlib
from dataclasses import dataclass, field
from typing import IO, BinaryIO

import pillow_heif
from django.utils.translation import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

from evidence.sniff import FileType, UploadRefused

pillow_heif.register_heif_opener()

PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heic": "HEIF", "heif": "HEIF"}
GPS_IFD = 0x8825
ORIENTATION = 0x0112
PREVIEW_MAX_SIDE = 2560
PREVIEW_QUALITY = 85
COPY_CHUNK = 1024 * 1024

# Bytes per value of each TIFF field type, to find the out-of-line values of a GPS tag.
_TIFF_TYPE_SIZES = {
    1: 1,
    2: 1,
    3: 2,
    4: 4,
    5: 8,
    6: 1,
    7: 1,
    8: 2,
    9: 4,
    10: 8,
    11: 4,
    12: 8,
    13: 4,
    16: 8,
    17: 8,
    18: 8,
}
_XMP_GPS = re.compile(
    rb"""[\w.-]+:GPS\w*\s*=\s*(?:"[^"]*"|'[^']*')"""  # exif:GPSLatitude="51,30.2N"
    rb"|<([\w.-]+:GPS\w*)\b[^>]*/>"  # <exif:GPSLatitude .../>
    rb"|<([\w.-]+:GPS\w*)\b[^>]*>.*?</\2\s*>",  # <exif:GPSLatitude>51,30.2N</exif:GPSLatitude>
    re.DOTALL,
)


@dataclass
class CleanImage:
    """The bytes to store for a photo, and the preview to store beside it.

    `content` is the original file when it held no location, else a temporary
    copy without it; `preview` is a temporary JPEG for HEIC/HEIF, else None.
    Call `close()` when both have been stored.
    """

    content: BinaryIO
    location_removed: bool
    width: int
    height: int
    preview: IO[bytes] | None = None
    _owned: list[IO[bytes]] = field(default_factory=list, repr=False)

    def close(self) -> None:
        _close_all(self._owned)


def clean_image(src: BinaryIO, *, filename: str, file_type: FileType, max_pixels: int) -> CleanImage:
    """Open `src` as `file_type` only, refuse it if too many pixels or damaged, and strip its location.

    Raises `UploadRefused` for a decompression bomb, a damaged image, or
    location data that could not be removed safely.
    """
    owned: list[IO[bytes]] = []
    src = _without_trailing_data(src, filename=filename, file_type=file_type, owned=owned)
    try:
        image = open_image(src, filename=filename, file_type=file_type, max_pixels=max_pixels)
    except UploadRefused:
        _close_all(owned)
        raise
    with image:
        width, height = image.size
        tiff = _tiff_block(image.info.get("exif"))
        xmp = _xmp_block(image)
        has_gps = bool(image.getexif().get_ifd(GPS_IFD))
        preview = None
        if file_type.key in ("heic", "heif"):
            try:
                preview = _jpeg_preview(image)
            except (OSError, ValueError, SyntaxError):
                raise _damaged(filename, file_type) from None
            owned.append(preview)
    replacements: dict[bytes, bytes] = {}
    try:
        if has_gps:
            tiff = _exif_in_file(src, tiff)
            replacements[tiff] = _without_gps(tiff)
    except (ValueError, struct.error):
        _close_all(owned)
        raise _location_refusal(filename) from None
    if xmp and _XMP_GPS.search(xmp):
        replacements[xmp] = _XMP_GPS.sub(lambda match: b" " * len(match.group(0)), xmp)
    if not replacements:
        src.seek(0)
        return CleanImage(src, False, width, height, preview, owned)
    cleaned = tempfile.TemporaryFile()
    owned.append(cleaned)
    if _replace_in_copy(src, cleaned, replacements) != set(replacements):
        _close_all(owned)
        raise _location_refusal(filename)
    if file_type.key == "png":
        fixed = tempfile.TemporaryFile()
        owned.append(fixed)
        _fix_png_text_crcs(cleaned, fixed)
        cleaned = fixed
    cleaned.seek(0)
    src.seek(0)
    return CleanImage(cleaned, True, width, height, preview, owned)


def _without_trailing_data(src: BinaryIO, *, filename: str, file_type: FileType, owned: list[IO[bytes]]) -> BinaryIO:
    """`src` itself if the image ends where the file does, else a temporary copy cut at the image's end.

    Bytes after the end (PNG IEND, JPEG EOI, the RIFF size of WebP, the last
    ISO box of HEIC) are no part of the picture; they could hide a web page or
    another file (a polyglot), or more photos with their own location data.
    """
    try:
        end = image_end(src, file_type.key)
    except (ValueError, struct.error):
        raise _damaged(filename, file_type) from None
    src.seek(0, 2)
    if end >= src.tell():
        src.seek(0)
        return src
    trimmed = tempfile.TemporaryFile()
    owned.append(trimmed)
    src.seek(0)
    remaining = end
    while remaining and (piece := src.read(min(remaining, COPY_CHUNK))):
        trimmed.write(piece)
        remaining -= len(piece)
    trimmed.flush()
    trimmed.seek(0)
    src.seek(0)
    return trimmed


def image_end(src: BinaryIO, key: str) -> int:
    """The offset just past the image's last byte, by its own structure; ValueError if the end is missing."""
    finders = {"png": _png_end, "jpeg": _jpeg_end, "webp": _webp_end, "heic": _iso_end, "heif": _iso_end}
    try:
        return finders[key](src)
    finally:
        src.seek(0)


def _png_end(src: BinaryIO) -> int:
    src.seek(8)
    while len(header := src.read(8)) == 8:
        length, chunk_type = struct.unpack(">I4s", header)
        after = src.tell() + length + 4  # the data and its CRC
        if chunk_type == b"IEND":
            return after
        src.seek(after)
    raise ValueError("no IEND chunk")


# Markers without a length: TEM and the restart markers RST0-RST7.
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


def _jpeg_end(src: BinaryIO) -> int:
    src.seek(2)  # past SOI
    while True:
        marker = _jpeg_marker(src)
        if marker == 0xD9:  # EOI
            return src.tell()
        if marker in _JPEG_STANDALONE:
            continue
        (length,) = struct.unpack(">H", src.read(2))
        if length < 2:
            raise ValueError("bad segment length")
        src.seek(length - 2, 1)
        if marker == 0xDA:  # SOS: entropy-coded data follows, up to the next real marker
            _skip_entropy_coded_data(src)


def _jpeg_marker(src: BinaryIO) -> int:
    if src.read(1) != b"\xff":
        raise ValueError("marker expected")
    while (byte := src.read(1)) == b"\xff":
        pass  # fill bytes
    if not byte:
        raise ValueError("no EOI marker")
    return byte[0]


def _skip_entropy_coded_data(src: BinaryIO) -> None:
    """Leave `src` at the next marker: 0xFF followed by neither a stuffed 0x00, a restart marker nor fill."""
    while chunk := src.read(COPY_CHUNK):
        base = src.tell() - len(chunk)
        at = chunk.find(b"\xff")
        while at >= 0:
            if at + 1 == len(chunk):
                chunk += src.read(1)
                if at + 1 == len(chunk):
                    break
            follower = chunk[at + 1]
            if follower != 0xFF and follower != 0 and not 0xD0 <= follower <= 0xD7:
                src.seek(base + at)
                return
            at = chunk.find(b"\xff", at + 1)
    raise ValueError("no EOI marker")


def _webp_end(src: BinaryIO) -> int:
    src.seek(4)
    (size,) = struct.unpack("<I", src.read(4))
    return 8 + size + (size & 1)


def _iso_end(src: BinaryIO) -> int:
    """The end of the last whole top-level box (HEIC/HEIF): what follows is not part of the file's structure."""
    src.seek(0, 2)
    file_size = src.tell()
    position = 0
    while position + 8 <= file_size:
        src.seek(position)
        header = src.read(16)
        (box_size,) = struct.unpack(">I", header[:4])
        if box_size == 0:  # the last box runs to the end of the file
            return file_size
        if box_size == 1 and len(header) == 16:
            (box_size,) = struct.unpack(">Q", header[8:16])
        if box_size < 8 or position + box_size > file_size:
            break
        position += box_size
    if position == 0:
        raise ValueError("no whole box")
    return position


def open_image(src: BinaryIO, *, filename: str, file_type: FileType, max_pixels: int) -> Image.Image:
    """`src` opened by Pillow as its sniffed format only, within `max_pixels`; else `UploadRefused`."""
    src.seek(0)
    # Pillow reads its limit at open time from a process-wide variable: set it for this open only,
    # so other Pillow users (the PDF export) keep theirs. The explicit check below does not depend on it.
    previous_limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(src, formats=[PIL_FORMATS[file_type.key]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(filename, max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error):
        raise _damaged(filename, file_type) from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous_limit
    if image.width * image.height > max_pixels:
        image.close()
        raise _too_many_pixels(filename, max_pixels)
    return image


def _close_all(temporaries: list[IO[bytes]]) -> None:
    for temporary in temporaries:
        temporary.close()


def _damaged(filename: str, file_type: FileType) -> UploadRefused:
    return UploadRefused(
        filename,
        gettext("this is %(label)s that is damaged and cannot be opened. Save it again and upload it again.")
        % {"label": file_type.label},
    )


def _too_many_pixels(filename: str, max_pixels: int) -> UploadRefused:
    return UploadRefused(
        filename,
        gettext(
            "this image has too many pixels to handle safely (the limit is %(count)s megapixels). "
            "Resize it to a smaller image and upload it again."
        ) % {"count": max_pixels // 1_000_000},
    )


def _location_refusal(filename: str) -> UploadRefused:
    return UploadRefused(
        filename,
        gettext(
            "this photo holds location (GPS) data in a form we cannot remove safely. "
            "Turn off location in the photo's details (or export it without location) and upload it again."
        ),
    )


def _tiff_block(exif: bytes | None) -> bytes:
    """The TIFF structure inside Pillow's Exif bytes, as it appears in the file."""
    if not exif:
        return b""
    return exif[6:] if exif.startswith(b"Exif\x00\x00") else exif


def _xmp_block(image: Image.Image) -> bytes:
    xmp = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp") or b""
    return xmp.encode("utf-8") if isinstance(xmp, str) else bytes(xmp)


def _exif_in_file(src: BinaryIO, tiff: bytes) -> bytes:
    """The Exif TIFF block as stored in the file.

    Usually Pillow's bytes verbatim; pillow-heif hands back a copy with the
    orientation reset (it rotates the pixels itself), so then the block is
    found by its header and recognised by having a GPS directory.
    """
    if len(tiff) < 8:
        raise ValueError("no Exif block")
    if _offsets(src, tiff, limit=1):
        return tiff
    for offset in _offsets(src, tiff[:8], limit=16):
        src.seek(offset)
        candidate = src.read(len(tiff))
        try:
            _without_gps(candidate)
        except (ValueError, struct.error):
            continue
        return candidate
    raise ValueError("Exif block not found in the file")


def _offsets(src: BinaryIO, needle: bytes, *, limit: int) -> list[int]:
    """Where `needle` occurs in the file (at most `limit` places), read in chunks."""
    src.seek(0)
    offsets: list[int] = []
    carry, consumed = b"", 0
    while len(offsets) < limit and (chunk := src.read(COPY_CHUNK)):
        buffer = carry + chunk
        start = 0
        while len(offsets) < limit and (position := buffer.find(needle, start)) >= 0:
            offsets.append(consumed - len(carry) + position)
            start = position + 1
        consumed += len(chunk)
        # Shorter than the needle, so a match is never counted twice.
        carry = buffer[len(buffer) - len(needle) + 1 :] if len(needle) > 1 else b""
    src.seek(0)
    return offsets


def _without_gps(tiff: bytes) -> bytes:
    """The same TIFF block, same length, with the GPS directory emptied and its values zeroed."""
    if tiff[:4] == b"II*\x00":
        order = "<"
    elif tiff[:4] == b"MM\x00*":
        order = ">"
    else:
        raise ValueError("not a TIFF block")
    out = bytearray(tiff)
    (ifd0,) = struct.unpack_from(order + "I", tiff, 4)
    (count,) = struct.unpack_from(order + "H", tiff, ifd0)
    gps_offset = None
    for index in range(count):
        tag, _, _, value = struct.unpack_from(order + "HHII", tiff, ifd0 + 2 + 12 * index)
        if tag == GPS_IFD:
            gps_offset = value
    if gps_offset is None:
        raise ValueError("no GPS directory")
    (gps_count,) = struct.unpack_from(order + "H", tiff, gps_offset)
    for index in range(gps_count):
        _, kind, number, value = struct.unpack_from(order + "HHII", tiff, gps_offset + 2 + 12 * index)
        size = _TIFF_TYPE_SIZES.get(kind, 1) * number
        if size > 4:
            if value + size > len(tiff):
                raise ValueError("GPS value outside the block")
            out[value : value + size] = bytes(size)
    end = gps_offset + 2 + 12 * gps_count + 4
    if end > len(tiff):
        raise ValueError("GPS directory outside the block")
    # Zeroes read as an empty directory with no next directory: the pointer in IFD0 stays valid.
    out[gps_offset:end] = bytes(end - gps_offset)
    return bytes(out)


def _replace_in_copy(src: BinaryIO, dst: IO[bytes], replacements: dict[bytes, bytes]) -> set[bytes]:
    """Copy src to dst in chunks, replacing the first occurrence of each key by its same-length value.

    Returns the keys that were found.
    """
    src.seek(0)
    overlap = max(len(old) for old in replacements) - 1
    pending = dict(replacements)
    found: set[bytes] = set()
    buffer = bytearray()
    while True:
        chunk = src.read(COPY_CHUNK)
        buffer += chunk
        for old in list(pending):
            position = buffer.find(old)
            if position >= 0:
                buffer[position : position + len(old)] = pending.pop(old)
                found.add(old)
        if not chunk:
            dst.write(buffer)
            break
        keep = min(overlap, len(buffer))
        dst.write(buffer[: len(buffer) - keep])
        del buffer[: len(buffer) - keep]
    dst.flush()
    return found


def _fix_png_text_crcs(src: IO[bytes], dst: IO[bytes]) -> None:
    """Copy a PNG, recomputing the CRC of the metadata chunks whose bytes we changed."""
    src.seek(0)
    dst.write(src.read(8))
    while header := src.read(8):
        length, chunk_type = struct.unpack(">I4s", header)
        dst.write(header)
        if chunk_type in (b"eXIf", b"iTXt", b"tEXt", b"zTXt"):
            data = src.read(length)
            src.read(4)
            dst.write(data + struct.pack(">I", zlib.crc32(chunk_type + data)))
            continue
        remaining = length + 4
        while remaining:
            piece = src.read(min(remaining, COPY_CHUNK))
            if not piece:
                break
            dst.write(piece)
            remaining -= len(piece)
    dst.flush()


def _jpeg_preview(image: Image.Image) -> IO[bytes]:
    """An upright JPEG no larger than PREVIEW_MAX_SIDE, with no metadata, in a temporary file."""
    upright = ImageOps.exif_transpose(image).convert("RGB")
    upright.thumbnail((PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE))
    preview = tempfile.TemporaryFile()
    upright.save(preview, "JPEG", quality=PREVIEW_QUALITY, optimize=True)
    preview.seek(0)
    return preview
