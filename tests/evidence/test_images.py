"""Photos lose their location, keep their orientation and pixels; bombs and damaged images are refused."""

from __future__ import annotations

import io
import struct
import zlib

import pillow_heif
import pytest
from PIL import Image

from evidence.images import clean_image, open_image
from evidence.sniff import UploadRefused, file_type
from tests.evidence import generated as g

LIMIT = 80_000_000
FORMATS = [("JPEG", "jpeg"), ("PNG", "png"), ("WEBP", "webp"), ("HEIF", "heic")]


def exif_of(content: bytes, key: str) -> Image.Exif:
    """The Exif as written in the file (pillow-heif's own reader reports HEIC orientation unrotated)."""
    exif = Image.Exif()
    if key == "heic":
        exif.load(pillow_heif.open_heif(io.BytesIO(content)).info["exif"])
    else:
        exif.load(Image.open(io.BytesIO(content)).info["exif"])
    return exif


def cleaned_bytes(content: bytes, key: str) -> tuple[bytes, object]:
    cleaned = clean_image(io.BytesIO(content), filename=f"photo.{key}", file_type=file_type(key), max_pixels=LIMIT)
    data = cleaned.content.read()
    return data, cleaned


@pytest.mark.parametrize(("pil_format", "key"), FORMATS)
def test_location_is_removed_and_orientation_kept(pil_format: str, key: str) -> None:
    original = g.photo(pil_format, orientation=6)
    assert exif_of(original, key).get_ifd(0x8825), "the generated photo must carry GPS"
    assert g.GPS_DATE in original

    stored, cleaned = cleaned_bytes(original, key)

    exif = exif_of(stored, key)
    assert cleaned.location_removed is True
    assert exif.get_ifd(0x8825) == {}
    assert g.GPS_DATE not in stored
    assert exif[0x0112] == 6
    assert exif[0x010F] == "TestCam"
    assert exif.get_ifd(0x8769)[0x9003] == "2026:05:04 10:11:12"


@pytest.mark.parametrize(("pil_format", "key"), FORMATS)
def test_removing_location_does_not_re_encode_the_picture(pil_format: str, key: str) -> None:
    original = g.photo(pil_format, quality=70) if pil_format != "PNG" else g.photo(pil_format)
    stored, _ = cleaned_bytes(original, key)
    assert len(stored) == len(original)
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(stored)) as after:
        assert before.tobytes() == after.tobytes()


def test_png_chunks_changed_keep_valid_crcs() -> None:
    stored, _ = cleaned_bytes(g.photo("PNG"), "png")
    position = 8
    while position < len(stored):
        (length,) = struct.unpack_from(">I", stored, position)
        kind_and_data = stored[position + 4 : position + 8 + length]
        (crc,) = struct.unpack_from(">I", stored, position + 8 + length)
        assert zlib.crc32(kind_and_data) == crc, kind_and_data[:4]
        position += 12 + length


def test_gps_in_xmp_is_blanked_too() -> None:
    original = g.photo("JPEG", xmp=g.XMP_WITH_GPS)
    stored, _ = cleaned_bytes(original, "jpeg")
    assert b"51,30.208N" in original
    assert b"GPS" not in Image.open(io.BytesIO(stored)).info["xmp"]
    assert b"51,30.208N" not in stored and b"12/1" not in stored


def test_photo_without_location_is_stored_as_it_came() -> None:
    original = g.photo("JPEG", gps=False)
    source = io.BytesIO(original)
    cleaned = clean_image(source, filename="photo.jpg", file_type=file_type("jpeg"), max_pixels=LIMIT)
    assert cleaned.location_removed is False
    assert cleaned.content is source


def test_heic_gets_an_upright_jpeg_preview_without_metadata() -> None:
    original = g.photo("HEIF", size=(64, 48), orientation=6)
    cleaned = clean_image(io.BytesIO(original), filename="IMG_1.heic", file_type=file_type("heic"), max_pixels=LIMIT)
    preview = Image.open(cleaned.preview)
    assert preview.format == "JPEG"
    assert preview.size == (48, 64)  # rotated by the orientation, as the phone showed it
    assert not preview.getexif()
    assert g.GPS_DATE not in (cleaned.preview.seek(0) or cleaned.preview.read())


def test_decompression_bomb_is_refused_with_a_clear_message() -> None:
    with pytest.raises(UploadRefused) as refused:
        clean_image(io.BytesIO(g.png_bomb()), filename="bomb.png", file_type=file_type("png"), max_pixels=LIMIT)
    assert refused.value.filename == "bomb.png"
    assert "too many pixels" in refused.value.reason and "80 megapixels" in refused.value.reason


def test_image_just_over_the_pixel_limit_is_refused_not_warned_about() -> None:
    # Pillow only warns between 1x and 2x its limit; the warning is turned into a refusal.
    just_over = g.photo("PNG", size=(1100, 1000), gps=False)
    with pytest.raises(UploadRefused, match="too many pixels"):
        open_image(io.BytesIO(just_over), filename="big.png", file_type=file_type("png"), max_pixels=1_000_000)


def test_image_is_opened_only_as_its_sniffed_format() -> None:
    with pytest.raises(UploadRefused, match="damaged"):
        open_image(io.BytesIO(g.photo("PNG")), filename="x.jpg", file_type=file_type("jpeg"), max_pixels=LIMIT)


def test_damaged_image_is_refused() -> None:
    broken = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"garbage" * 10
    with pytest.raises(UploadRefused, match="damaged"):
        clean_image(io.BytesIO(broken), filename="broken.png", file_type=file_type("png"), max_pixels=LIMIT)


def test_the_pixel_limit_does_not_leak_to_other_pillow_users() -> None:
    before = Image.MAX_IMAGE_PIXELS
    with pytest.raises(UploadRefused):
        open_image(io.BytesIO(g.png_bomb()), filename="bomb.png", file_type=file_type("png"), max_pixels=1_000)
    open_image(io.BytesIO(g.photo("PNG")), filename="ok.png", file_type=file_type("png"), max_pixels=LIMIT).close()
    assert Image.MAX_IMAGE_PIXELS == before


# ------------------------------------------------------- bytes after the image's end

HTML_PAGE = b"<!doctype html><html><body><script>alert(document.domain)</script></body></html>"


@pytest.mark.parametrize(("pil_format", "key"), FORMATS)
@pytest.mark.parametrize("gps", [False, True], ids=["no-location", "location"])
def test_bytes_after_the_image_end_are_cut_off(pil_format: str, key: str, gps: bool) -> None:
    picture = g.photo(pil_format, gps=gps)
    stored, _ = cleaned_bytes(picture + HTML_PAGE, key)
    assert HTML_PAGE not in stored and b"<script" not in stored
    assert len(stored) == len(picture)
    with Image.open(io.BytesIO(picture)) as before, Image.open(io.BytesIO(stored)) as after:
        assert before.tobytes() == after.tobytes()


def test_progressive_jpeg_with_restart_markers_keeps_every_scan() -> None:
    for options in ({"progressive": True}, {"restart_marker_blocks": 1}):
        picture = g.photo("JPEG", gps=False, size=(640, 480), **options)
        stored, _ = cleaned_bytes(picture + HTML_PAGE, "jpeg")
        assert stored == picture


def test_further_pictures_after_the_first_jpeg_end_go_with_their_location() -> None:
    # A multi-picture JPEG (MPO): phones and stereo cameras append more JPEGs, each with its own Exif and GPS.
    first = Image.linear_gradient("L").convert("RGB")
    second = first.rotate(90)
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second], exif=g.exif_bytes(gps=False))
    mpo = out.getvalue() + g.photo("JPEG", gps=True)
    stored, _ = cleaned_bytes(mpo, "jpeg")
    assert g.GPS_DATE in mpo and g.GPS_DATE not in stored
    assert stored.count(b"\xff\xd9") >= 1 and stored.endswith(b"\xff\xd9")
    with Image.open(io.BytesIO(stored)) as kept:
        kept.load()


@pytest.mark.parametrize(("pil_format", "key", "cut"), [("JPEG", "jpeg", 2), ("PNG", "png", 12)])
def test_image_without_its_end_marker_is_refused_as_damaged(pil_format: str, key: str, cut: int) -> None:
    truncated = g.photo(pil_format, gps=False)[:-cut]
    with pytest.raises(UploadRefused, match="damaged"):
        cleaned_bytes(truncated + HTML_PAGE, key)
