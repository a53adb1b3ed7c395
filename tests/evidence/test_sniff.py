"""Sniffing decides the type from the bytes; the name only has to agree. No database, no storage."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from evidence.sniff import UploadRefused, sniff
from tests.evidence import generated as g

ACCEPTED = [
    ("report.pdf", g.pdf(), "pdf", "application/pdf", "pdf"),
    ("scanned.pdf", b"\r\n\r\n" + g.pdf(), "pdf", "application/pdf", "pdf"),  # junk before the header is allowed
    ("statement.docx", g.office("docx"), "docx", None, "document"),
    ("figures.xlsx", g.office("xlsx"), "xlsx", None, "document"),
    ("slides.pptx", g.office("pptx"), "pptx", None, "document"),
    ("old.doc", g.compound_file("WordDocument"), "doc", "application/msword", "document"),
    ("old.xls", g.compound_file("Workbook"), "xls", "application/vnd.ms-excel", "document"),
    ("old.ppt", g.compound_file("PowerPoint Document"), "ppt", "application/vnd.ms-powerpoint", "document"),
    ("letter.odt", g.opendocument(), "odt", "application/vnd.oasis.opendocument.text", "document"),
    ("sheet.ods", g.opendocument("application/vnd.oasis.opendocument.spreadsheet"), "ods", None, "document"),
    ("talk.odp", g.opendocument("application/vnd.oasis.opendocument.presentation"), "odp", None, "document"),
    ("account.txt", g.TEXT, "text", "text/plain", "text"),
    ("windows.txt", "Café menu – £3\r\n".encode("cp1252"), "text", "text/plain", "text"),
    ("log.csv", b"date,task\n2026-05-04,till\n", "text", "text/plain", "text"),
    ("site.jpg", g.photo("JPEG"), "jpeg", "image/jpeg", "image"),
    ("site.jpeg", g.photo("JPEG"), "jpeg", "image/jpeg", "image"),
    ("screen.png", g.photo("PNG"), "png", "image/png", "image"),
    ("web.webp", g.photo("WEBP"), "webp", "image/webp", "image"),
    ("phone.heic", g.photo("HEIF"), "heic", "image/heic", "image"),
    ("phone.heif", g.iso_media(b"mif1", b"heic"), "heic", "image/heic", "image"),
    ("still.heif", g.iso_media(b"mif1", b"miaf"), "heif", "image/heif", "image"),
    ("discussion.mp3", g.mp3(), "mp3", "audio/mpeg", "audio"),
    ("tagged.mp3", g.id3_mp3(), "mp3", "audio/mpeg", "audio"),
    ("memo.m4a", g.iso_media(b"M4A ", b"M4A ", b"mp42", b"isom"), "m4a", "audio/mp4", "audio"),
    ("memo.wav", g.wav(), "wav", "audio/wav", "audio"),
    ("memo.ogg", g.ogg(), "ogg", "audio/ogg", "audio"),
    ("memo.opus", g.ogg(b"OpusHead"), "ogg", "audio/ogg", "audio"),
    ("memo.webm", g.webm(track_types=(2,)), "webm", "audio/webm", "audio"),
    ("observation.mp4", g.iso_media(b"isom", b"isom", b"iso2", b"avc1", b"mp41"), "mp4", "video/mp4", "video"),
    ("observation.mp4", g.iso_media(b"mp42", b"mp42", b"isom"), "mp4", "video/mp4", "video"),
    ("iphone.mov", g.iso_media(b"qt  ", b"qt  "), "mov", "video/quicktime", "video"),
]


@pytest.mark.parametrize(("name", "content", "key", "mime", "kind"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_allowed_content_is_recognised_by_its_bytes(name: str, content: bytes, key: str, mime: str, kind: str) -> None:
    detected = sniff(io.BytesIO(content), filename=name)
    assert (detected.key, detected.kind) == (key, kind)
    if mime:
        assert detected.mime == mime


REFUSED = [
    ("empty.pdf", b"", "empty"),
    ("holiday.docx", g.plain_zip(), "plain ZIP archive, not a Word document. Save it from Word as .docx"),
    ("archive.zip", g.plain_zip(), "archives are not accepted"),
    ("notes.odt", g.opendocument(mimetype_first=False), "plain ZIP archive, not an OpenDocument text"),
    ("photos.rar", g.RAR, "RAR archive"),
    ("photos.7z", g.SEVEN_ZIP, "7-Zip archive"),
    ("notes.txt.gz", g.gzipped(), "gzip archive"),
    ("notes.tar", g.tarball(), "tar archive"),
    ("report.pdf", g.ELF, "program (a Linux executable)"),
    ("setup.pdf", g.PE, "program (a Windows executable)"),
    ("app.pdf", g.MACHO, "program (a macOS executable)"),
    ("drawing.svg", g.SVG, "web page or SVG drawing"),
    ("drawing.txt", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "web page or SVG drawing"),
    ("page.html", g.HTML, "web page"),
    ("page.txt", b"  <html><body>hello</body></html>", "web page"),
    ("notes.txt", b"Meeting notes\n<p>hi</p><SCRIPT src=x></SCRIPT>", "<script>"),
    ("run.txt", b"#!/bin/sh\nrm -rf ~\n", "script"),
    ("photo.pdf", g.photo("PNG"), "this is a PNG image, not a PDF document"),
    ("report.jpg", g.pdf(), "this is a PDF document, not a JPEG photo"),
    ("memo.mp3", g.wav(), "this is a WAV recording, not an MP3 recording"),
    ("report.exe", g.pdf(), "“.exe” files are not accepted"),
    ("report", g.pdf(), "this is a PDF document, but files without an extension"),
    ("page.pdf", b"<html><script>alert(1)</script></html>\n" + g.pdf(), "web page"),
    ("page.pdf", b"<!doctype html><p>hi</p>\n" + g.pdf(), "web page"),
    ("binary.txt", b"abc\x00def", "cannot tell what kind of file"),
    ("clip.webm", g.webm(track_types=(1, 2)), "WebM video"),
    ("clip.webm", g.webm(doc_type=b"matroska"), "Matroska"),
    ("clip.ogg", g.ogg(b"\x80theora"), "only Ogg audio"),
    ("picture.avif", g.iso_media(b"avif", b"mif1"), "AVIF"),
    ("message.doc", g.compound_file("__substg1.0_0037001F"), "not a Word, Excel or PowerPoint"),
    ("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "GIF image"),
]


@pytest.mark.parametrize(("name", "content", "phrase"), REFUSED, ids=[f"{r[0]}-{i}" for i, r in enumerate(REFUSED)])
def test_refused_content_names_the_file_and_says_why(name: str, content: bytes, phrase: str) -> None:
    with pytest.raises(UploadRefused) as refused:
        sniff(io.BytesIO(content), filename=name)
    assert refused.value.filename == name
    assert phrase in refused.value.reason
    assert refused.value.messages == [f"{name}: {refused.value.reason}"]


def test_refusal_is_a_validation_error_forms_can_show() -> None:
    with pytest.raises(ValidationError) as refused:
        sniff(io.BytesIO(b""), filename="blank.txt")
    assert refused.value.code == "upload_refused"


def test_the_browser_supplied_name_never_makes_an_executable_acceptable() -> None:
    for name in ("evidence.pdf", "evidence.txt", "evidence.jpg", "evidence.docx"):
        with pytest.raises(UploadRefused, match="program"):
            sniff(io.BytesIO(g.ELF), filename=name)


def test_script_tag_split_across_read_chunks_is_still_found() -> None:
    from evidence.sniff import CHUNK_SIZE

    content = b"a" * (CHUNK_SIZE - 3) + b"<script>alert(1)</script>"
    with pytest.raises(UploadRefused, match="script"):
        sniff(io.BytesIO(content), filename="long.txt")


def test_text_that_merely_starts_with_mz_or_bm_is_text() -> None:
    for content in (b"MZ Patel: witness statement\n", b"BM Ltd monthly report\n"):
        assert sniff(io.BytesIO(content), filename="statement.txt").key == "text"


def test_heic_and_heif_names_accept_either_brand() -> None:
    assert sniff(io.BytesIO(g.photo("HEIF")), filename="IMG_0001.HEIF").key == "heic"
    assert sniff(io.BytesIO(g.iso_media(b"mif1", b"miaf")), filename="IMG_0002.heic").key == "heif"


def test_file_is_left_at_the_start_for_the_next_reader() -> None:
    fp = io.BytesIO(g.office("docx"))
    sniff(fp, filename="statement.docx")
    assert fp.tell() == 0


def test_avif_behind_a_generic_brand_is_refused() -> None:
    with pytest.raises(UploadRefused, match="AVIF"):
        sniff(io.BytesIO(g.iso_media(b"mif1", b"mif1", b"avif", b"miaf")), filename="photo.heif")


def test_any_doctype_is_markup_not_text() -> None:
    content = b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">\n<svg/>'
    with pytest.raises(UploadRefused, match="web page or SVG"):
        sniff(io.BytesIO(content), filename="drawing.txt")


def test_zip_with_a_huge_directory_is_refused_before_it_is_listed() -> None:
    from evidence.sniff import ZIP_MAX_ENTRIES

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "")
        for number in range(ZIP_MAX_ENTRIES):
            archive.writestr(f"{number}", "")
    with pytest.raises(UploadRefused, match="more parts"):
        sniff(io.BytesIO(out.getvalue()), filename="huge.docx")


def test_phone_recording_with_generic_mp4_brands_named_m4a_is_audio() -> None:
    detected = sniff(io.BytesIO(g.iso_media(b"mp42", b"isom", b"mp42")), filename="Voice 001.m4a")
    assert (detected.key, detected.kind, detected.mime) == ("m4a", "audio", "audio/mp4")


def test_m4a_audio_named_mp4_is_a_mismatch() -> None:
    with pytest.raises(UploadRefused, match="not an MP4 video"):
        sniff(io.BytesIO(g.iso_media(b"M4A ", b"M4A ", b"isom")), filename="memo.mp4")
