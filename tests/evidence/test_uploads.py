"""Storing uploads: each test runs on the local folder and on S3 (moto server), via the `storage` fixture."""

from __future__ import annotations

import hashlib
import io
import json
import re
import urllib.request

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from PIL import Image

from evidence.serving import content_disposition
from evidence.upload_handlers import refused_uploads
from evidence.uploads import StoredUpload, UploadRefused, clean_filename, discard_on_error, format_size, store_upload
from tests.evidence import generated as g
from tests.evidence.conftest import make_s3_storage

NAME_PATTERN = re.compile(r"^evidence/\d{4}/\d{2}/[0-9a-f]{32}\.[a-z0-9]+$")


def read(storage: Storage, name: str) -> bytes:
    with storage.open(name, "rb") as stored:
        return stored.read()


STORABLE = [
    ("report.pdf", g.pdf(), "pdf", "application/pdf", "pdf"),
    ("statement.docx", g.office("docx"), "document", None, "docx"),
    ("old.xls", g.compound_file("Workbook"), "document", "application/vnd.ms-excel", "xls"),
    ("letter.odt", g.opendocument(), "document", "application/vnd.oasis.opendocument.text", "odt"),
    ("account.txt", g.TEXT, "text", "text/plain", "txt"),
    ("screen.png", g.photo("PNG", gps=False), "image", "image/png", "png"),
    ("discussion.wav", g.wav(), "audio", "audio/wav", "wav"),
    ("observation.mp4", g.iso_media(b"isom", b"isom", b"avc1"), "video", "video/mp4", "mp4"),
]


@pytest.mark.parametrize(("name", "content", "kind", "mime", "extension"), STORABLE, ids=[s[0] for s in STORABLE])
def test_allowed_file_is_stored_under_a_generated_name_with_its_hash(
    storage, upload, name, content, kind, mime, extension
) -> None:
    stored = store_upload(upload(name, content), storage=storage)

    assert NAME_PATTERN.match(stored.name) and stored.name.endswith(f".{extension}")
    assert (stored.original_name, stored.kind, stored.size) == (name, kind, len(content))
    assert mime is None or stored.mime == mime
    assert read(storage, stored.name) == content
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.preview_name is None


def test_photo_is_stored_without_location_and_the_hash_is_of_the_stored_bytes(storage, upload) -> None:
    original = g.photo("JPEG", orientation=6)
    stored = store_upload(upload("site visit.jpg", original), storage=storage)

    kept = read(storage, stored.name)
    exif = Image.open(io.BytesIO(kept)).getexif()
    assert stored.location_removed is True
    assert exif.get_ifd(0x8825) == {} and g.GPS_DATE not in kept
    assert exif[0x0112] == 6
    assert stored.sha256 == hashlib.sha256(kept).hexdigest() != hashlib.sha256(original).hexdigest()
    assert stored.size == len(kept)


def test_heic_is_stored_with_a_jpeg_preview_beside_it(storage, upload, stored_names) -> None:
    stored = store_upload(upload("IMG_0042.HEIC", g.photo("HEIF")), storage=storage)

    assert stored.mime == "image/heic" and stored.name.endswith(".heic")
    assert stored.preview_name == stored.name.removesuffix(".heic") + ".preview.jpg"
    assert Image.open(io.BytesIO(read(storage, stored.preview_name))).format == "JPEG"
    assert g.GPS_DATE not in read(storage, stored.name)
    assert stored_names(storage) == sorted([stored.name, stored.preview_name])


def test_png_with_a_web_page_after_its_end_is_stored_without_it(storage, upload) -> None:
    picture = g.photo("PNG", gps=False)
    stored = store_upload(upload("screen.png", picture + g.HTML), storage=storage)

    kept = read(storage, stored.name)
    assert kept == picture and g.HTML not in kept
    assert (stored.size, stored.sha256) == (len(picture), hashlib.sha256(picture).hexdigest())


@pytest.mark.parametrize(
    ("name", "content", "mime", "disposition"),
    [
        ("site visit.png", g.photo("PNG", gps=False), "image/png", "inline"),
        ("report.pdf", g.pdf(), "application/pdf", "inline"),
        ("account.txt", g.TEXT, "text/plain", "attachment"),
        ("statement.docx", g.office("docx"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "attachment"),
    ],
)
def test_s3_object_is_stored_with_the_type_and_disposition_it_is_served_with(
    s3_endpoint, upload, name, content, mime, disposition
) -> None:
    storage = make_s3_storage(s3_endpoint)
    uploaded = upload(name, content)
    uploaded.content_type = "text/html"  # what the browser claimed: never the object's type
    stored = store_upload(uploaded, storage=storage)

    # A presigned URL without response overrides: S3 answers with the object's own headers.
    with urllib.request.urlopen(storage.url(stored.name), timeout=10) as fetched:  # noqa: S310 - local moto server
        assert fetched.headers["Content-Type"] == mime
        assert fetched.headers["Content-Disposition"] == content_disposition(name, inline=disposition == "inline")
        assert fetched.headers["Cache-Control"] == "private, no-store"


def test_s3_heic_preview_is_stored_as_an_inline_jpeg(s3_endpoint, upload) -> None:
    storage = make_s3_storage(s3_endpoint)
    stored = store_upload(upload("IMG_0042.heic", g.photo("HEIF")), storage=storage)
    with urllib.request.urlopen(storage.url(stored.name), timeout=10) as fetched:  # noqa: S310 - local moto server
        assert fetched.headers["Content-Type"] == "image/heic"
        assert fetched.headers["Content-Disposition"].startswith('attachment; filename="IMG_0042.heic"')
    with urllib.request.urlopen(storage.url(stored.preview_name), timeout=10) as fetched:  # noqa: S310
        assert fetched.headers["Content-Type"] == "image/jpeg"
        assert fetched.headers["Content-Disposition"].startswith('inline; filename="IMG_0042.jpg"')


REFUSED = [
    ("holiday.docx", g.plain_zip(), "plain ZIP archive, not a Word document"),
    ("photo.pdf", g.photo("PNG"), "not a PDF document"),
    ("invoice.pdf", g.ELF, "program"),
    ("drawing.svg", g.SVG, "SVG"),
    ("page.html", g.HTML, "web page"),
    ("empty.txt", b"", "empty"),
    ("bomb.png", g.png_bomb(), "too many pixels"),
    ("report.pdf", g.pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "Print it to PDF again"),
]


@pytest.mark.parametrize(("name", "content", "phrase"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_file_leaves_nothing_in_storage(storage, upload, stored_names, name, content, phrase) -> None:
    with pytest.raises(UploadRefused) as refused:
        store_upload(upload(name, content), storage=storage)
    assert refused.value.filename == name and phrase in refused.value.reason
    assert stored_names(storage) == []


def test_file_over_the_size_limit_is_refused_naming_the_limit(storage, upload, stored_names) -> None:
    with pytest.raises(UploadRefused) as refused:
        store_upload(upload("film.mp4", g.iso_media(b"isom") + bytes(5000)), storage=storage, max_size=2000)
    assert refused.value.filename == "film.mp4"
    assert "more than the 2 KB limit" in refused.value.reason
    assert stored_names(storage) == []


def test_quota_reached_is_refused_with_what_is_used(storage, upload, stored_names) -> None:
    with pytest.raises(UploadRefused) as refused:
        store_upload(upload("report.pdf", g.pdf()), storage=storage, used_bytes=4_999_999_800, quota=5_000_000_000)
    assert "storage allowance of 5 GB (you have used 5 GB)" in refused.value.reason
    assert stored_names(storage) == []


def test_quota_counts_the_stored_size_exactly(storage, upload) -> None:
    content = g.pdf()
    stored = store_upload(upload("report.pdf", content), storage=storage, used_bytes=100, quota=100 + len(content))
    assert stored.size == len(content)


def test_traversal_name_is_kept_only_as_its_last_part(storage, upload) -> None:
    stored = store_upload(upload("../../etc/passwd.pdf", g.pdf()), storage=storage)
    assert stored.original_name == "passwd.pdf"
    assert NAME_PATTERN.match(stored.name)


@pytest.mark.django_db(transaction=True)
def test_failed_database_insert_after_storing_discards_the_file(storage, upload, stored_names) -> None:
    stored = store_upload(upload("report.pdf", g.pdf()), storage=storage)
    assert stored_names(storage) == [stored.name]

    ContentType.objects.create(app_label="evidence", model="simulated")
    with pytest.raises(IntegrityError), discard_on_error(stored), transaction.atomic():
        # The row that should record the file violates a unique constraint, as a real insert can.
        ContentType.objects.create(app_label="evidence", model="simulated")

    assert stored_names(storage) == []


def test_discard_removes_the_file_and_its_preview(storage, upload, stored_names) -> None:
    stored = store_upload(upload("IMG_1.heic", g.photo("HEIF")), storage=storage)
    stored.discard()
    stored.discard()  # twice is harmless
    assert stored_names(storage) == []


def test_preview_that_fails_to_store_takes_the_main_file_with_it(storage, upload, stored_names, monkeypatch) -> None:
    real_save = storage.save

    def save(name: str, content: object, **kwargs: object) -> str:
        if name.endswith(".preview.jpg"):
            raise OSError("simulated: storage unavailable")
        return real_save(name, content, **kwargs)

    monkeypatch.setattr(storage, "save", save)
    with pytest.raises(OSError):
        store_upload(upload("IMG_2.heic", g.photo("HEIF")), storage=storage)
    assert stored_names(storage) == []


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\sam\\Desktop\\notes.txt", "notes.txt"),
        ("report\x00.pdf", "report.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # the right-to-left override that disguises extensions
        ("Cafe\u0301 notes.txt", "Café notes.txt"),
        ("  ..hidden. ", "hidden"),
        ("..", "file"),
        ('a<b>:"c"|?*.txt', "a_b___c____.txt"),
        ("line\nbreak.txt", "linebreak.txt"),
    ],
)
def test_clean_filename(raw: str, clean: str) -> None:
    assert clean_filename(raw) == clean


def test_clean_filename_shortens_long_names_keeping_the_extension() -> None:
    cleaned = clean_filename("x" * 400 + ".docx")
    assert len(cleaned) == 150 and cleaned.endswith("x.docx")


@pytest.mark.parametrize(
    ("size", "shown"), [(812, "812 bytes"), (2000, "2 KB"), (4_200_000, "4.2 MB"), (500_000_000, "500 MB")]
)
def test_format_size(size: int, shown: str) -> None:
    assert format_size(size) == shown


# ------------------------------------------------------- through Django's upload handlers


@csrf_exempt
def upload_view(request: HttpRequest) -> JsonResponse:
    """What an evidence view does: ask for the size refusals, then store each file that arrived."""
    refusals = [refusal.messages[0] for refusal in refused_uploads(request)]
    stored: list[StoredUpload] = []
    for uploaded in request.FILES.getlist("file"):
        try:
            stored.append(store_upload(uploaded, storage=request.test_storage))
        except UploadRefused as refusal:
            refusals.append(refusal.messages[0])
    return JsonResponse({"stored": [s.original_name for s in stored], "refused": refusals})


urlpatterns = [path("upload", upload_view)]


@pytest.fixture
def post_files(storage, monkeypatch):
    """POST files as multipart through the real handler chain, with `storage` given to the view."""
    monkeypatch.setattr(HttpRequest, "test_storage", storage, raising=False)

    def post(*files: tuple[str, bytes]) -> dict:
        body = {"file": [_named(name, content) for name, content in files]}
        return json.loads(Client().post("/upload", body).content)

    return post


def _named(name: str, content: bytes) -> io.BytesIO:
    buffer = io.BytesIO(content)
    buffer.name = name
    return buffer


@pytest.mark.urls(__name__)
def test_handler_drops_a_file_over_the_limit_and_the_view_names_it(post_files, settings, stored_names, storage):
    settings.EVIDENCE_MAX_FILE_SIZE = 300_000
    big = g.iso_media(b"isom", b"avc1") + bytes(400_000)  # past the in-memory size: streams to a temporary file

    answer = post_files(("small.pdf", g.pdf()), ("observation.mp4", big), ("notes.txt", g.TEXT))

    assert answer["stored"] == ["small.pdf", "notes.txt"]
    assert answer["refused"] == [
        "observation.mp4: this file is more than the 300 KB limit for one file. Make it smaller "
        "(a video can be recorded at a lower resolution or split in parts) and upload it again."
    ]
    assert len(stored_names(storage)) == 2


@pytest.mark.urls(__name__)
def test_handler_refuses_even_a_small_file_over_a_small_limit(post_files, settings, stored_names, storage):
    # A request this small is held in memory by Django; the limit still applies: our handler runs first.
    settings.EVIDENCE_MAX_FILE_SIZE = 100
    answer = post_files(("report.pdf", g.pdf()))
    assert answer["stored"] == [] and answer["refused"][0].startswith("report.pdf: this file is more than")
    assert stored_names(storage) == []


@pytest.mark.urls(__name__)
def test_large_upload_streams_through_a_temporary_file_to_storage(post_files, stored_names, storage):
    big = g.wav(seconds=60)  # about 1 MB: more than FILE_UPLOAD_MAX_MEMORY_SIZE
    answer = post_files(("discussion.wav", big))
    assert answer == {"stored": ["discussion.wav"], "refused": []}
    [name] = stored_names(storage)
    assert read(storage, name) == big


@pytest.mark.urls(__name__)
def test_mismatched_upload_is_refused_through_the_view(post_files, stored_names, storage):
    answer = post_files(("photo.pdf", g.photo("PNG")), ("../../etc/passwd.pdf", g.ELF))
    assert answer["stored"] == []
    assert answer["refused"][0].startswith("photo.pdf: this is a PNG image, not a PDF document")
    assert answer["refused"][1].startswith("passwd.pdf: this is a program")
    assert stored_names(storage) == []
