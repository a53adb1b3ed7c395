"""Serving stored files: inline previews locked down, everything else downloaded; S3 by short presigned redirect."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path

from evidence.serving import FILE_CSP, PDF_CSP, content_disposition, file_response
from tests.evidence import generated as g
from tests.evidence.conftest import make_s3_storage

AUDIO = g.wav(seconds=0.5)


@pytest.fixture
def local(tmp_path) -> FileSystemStorage:
    return FileSystemStorage(location=tmp_path / "private", base_url=None)


def served(response) -> bytes:
    return b"".join(response.streaming_content)


def serve(storage, content: bytes, *, mime: str, original_name: str, request: HttpRequest | None = None):
    name = storage.save("evidence/2026/05/0123456789abcdef0123456789abcdef.bin", ContentFile(content))
    return file_response(storage=storage, name=name, mime=mime, original_name=original_name, request=request)


def test_photo_is_shown_inline_with_no_sniffing_and_no_scripts(local) -> None:
    content = g.photo("JPEG", gps=False)
    response = serve(local, content, mime="image/jpeg", original_name="site visit.jpg")

    assert response.status_code == 200
    assert served(response) == content
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == "inline; filename=\"site visit.jpg\"; filename*=UTF-8''site%20visit.jpg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == FILE_CSP
    assert "default-src 'none'" in FILE_CSP and FILE_CSP.endswith("sandbox")


def test_pdf_is_shown_inline_without_sandbox_but_without_scripts(local) -> None:
    response = serve(local, g.pdf(), mime="application/pdf", original_name="report.pdf")
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == PDF_CSP
    assert "default-src 'none'" in PDF_CSP and "script-src" not in PDF_CSP and "sandbox" not in PDF_CSP


@pytest.mark.parametrize(
    ("mime", "name"),
    [
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "statement.docx"),
        ("text/plain", "account.txt"),
        ("image/heic", "IMG_0042.heic"),  # most browsers cannot show HEIC: its JPEG preview is shown instead
        ("application/msword", "old.doc"),
    ],
)
def test_anything_else_downloads_as_an_attachment(local, mime: str, name: str) -> None:
    response = serve(local, b"content", mime=mime, original_name=name)
    assert response["Content-Disposition"].startswith(f'attachment; filename="{name}"')
    assert response["Content-Type"] == mime
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == FILE_CSP


def test_download_name_is_safe_and_exact_per_rfc_6266() -> None:
    header = content_disposition('Zeugenaussage – Müller";x=1\r\n.docx', inline=False)
    fallback, exact = header.split("; filename*=")
    assert fallback == 'attachment; filename="Zeugenaussage _ Muller__x_1__.docx"'
    assert exact == "UTF-8''Zeugenaussage%20%E2%80%93%20M%C3%BCller%22%3Bx%3D1%0D%0A.docx"
    assert header.isascii()


def test_audio_honours_a_byte_range(local) -> None:
    request = RequestFactory().get("/", headers={"Range": "bytes=10-19"})
    response = serve(local, AUDIO, mime="audio/wav", original_name="discussion.wav", request=request)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-19/{len(AUDIO)}"
    assert response["Content-Length"] == "10"
    assert served(response) == AUDIO[10:20]
    assert response["Content-Security-Policy"] == FILE_CSP


def test_audio_suffix_range_gives_the_last_bytes(local) -> None:
    request = RequestFactory().get("/", headers={"Range": "bytes=-5"})
    response = serve(local, AUDIO, mime="audio/wav", original_name="discussion.wav", request=request)
    assert served(response) == AUDIO[-5:]


def test_range_past_the_end_is_unsatisfiable(local) -> None:
    request = RequestFactory().get("/", headers={"Range": f"bytes={len(AUDIO)}-"})
    response = serve(local, AUDIO, mime="audio/wav", original_name="discussion.wav", request=request)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(AUDIO)}"


def test_audio_without_range_is_whole_and_advertises_ranges(local) -> None:
    request = RequestFactory().get("/")
    response = serve(local, AUDIO, mime="audio/wav", original_name="discussion.wav", request=request)
    assert response.status_code == 200 and response["Accept-Ranges"] == "bytes"
    assert served(response) == AUDIO


def test_s3_redirects_to_a_presigned_url_valid_five_minutes_at_most(s3_endpoint) -> None:
    storage = make_s3_storage(s3_endpoint)
    response = serve(storage, b"statement", mime="text/plain", original_name="Witness statement.txt")

    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert int(query["X-Amz-Expires"][0]) <= 300
    assert query["response-content-type"] == ["text/plain"]
    assert query["response-content-disposition"][0].startswith('attachment; filename="Witness statement.txt"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_s3_presigned_url_serves_the_bytes_with_the_forced_headers(s3_endpoint) -> None:
    storage = make_s3_storage(s3_endpoint)
    content = g.photo("JPEG", gps=False)
    response = serve(storage, content, mime="image/jpeg", original_name="site.jpg")

    with urllib.request.urlopen(response["Location"], timeout=10) as fetched:  # noqa: S310 - the local moto server
        assert fetched.read() == content
        assert fetched.headers["Content-Type"] == "image/jpeg"
        assert fetched.headers["Content-Disposition"].startswith("inline;")
        assert fetched.headers["Cache-Control"] == "private, no-store"


def test_s3_presigned_url_serves_anything_else_as_an_attachment_whatever_the_object_says(s3_endpoint) -> None:
    storage = make_s3_storage(s3_endpoint)
    # An object stored by other means, with a type a browser would render: the URL's overrides win.
    name = storage.save("evidence/2026/05/0123456789abcdef0123456789abcdef.txt", ContentFile(g.HTML))
    response = file_response(storage=storage, name=name, mime="text/plain", original_name="notes.txt")

    with urllib.request.urlopen(response["Location"], timeout=10) as fetched:  # noqa: S310 - the local moto server
        assert fetched.headers["Content-Type"] == "text/plain"
        assert fetched.headers["Content-Disposition"] == content_disposition("notes.txt", inline=False)
        assert fetched.headers["Cache-Control"] == "private, no-store"


# ------------------------------------------------------- through the middleware stack


def file_view(request: HttpRequest) -> HttpResponse:
    return serve(request.test_storage, g.photo("PNG", gps=False), mime="image/png", original_name="a.png")


def page_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<p>a page</p>")


urlpatterns = [path("file", file_view), path("page", page_view)]


@pytest.mark.urls(__name__)
def test_file_policy_overrides_the_site_policy(local, monkeypatch) -> None:
    monkeypatch.setattr(HttpRequest, "test_storage", local, raising=False)
    response = Client().get("/file")
    assert response["Content-Security-Policy"] == FILE_CSP
    assert response["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.urls(__name__)
def test_pages_get_the_strict_site_policy() -> None:
    policy = Client().get("/page")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # the nonce appears only when a template asks for one
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"


@pytest.mark.django_db
def test_real_pages_carry_the_policy_and_keep_htmx_from_injecting_styles() -> None:
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert b'<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in response.content
    assert b"style=" not in response.content  # inline style attributes would be refused by style-src 'self'


@pytest.mark.parametrize(
    ("environment", "origins"),
    [
        ({}, []),
        (
            {"AWS_STORAGE_BUCKET_NAME": "evidence", "AWS_S3_REGION_NAME": "eu-west-2"},
            ["https://evidence.s3.amazonaws.com", "https://evidence.s3.eu-west-2.amazonaws.com"],
        ),
        (
            {"AWS_STORAGE_BUCKET_NAME": "evidence", "AWS_S3_ENDPOINT_URL": "http://minio.local:9000"},
            ["http://minio.local:9000", "http://evidence.minio.local:9000"],
        ),
        (
            {"AWS_STORAGE_BUCKET_NAME": "evidence", "EVIDENCE_FILE_ORIGINS": "https://files.example.org"},
            ["https://files.example.org"],
        ),
    ],
)
def test_site_policy_lets_pages_show_previews_from_the_bucket(environment: dict, origins: list[str]) -> None:
    # Settings are read at import: a fresh interpreter reads them under this environment.
    program = (
        "import json; from portfolio_site import settings as s; d = s.CONTENT_SECURITY_POLICY['DIRECTIVES'];"
        "print(json.dumps([d['img-src'], d['media-src'], d['frame-src']]))"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "EVIDENCE_FILE_ORIGINS"))}
    done = subprocess.run(
        [sys.executable, "-c", program],
        env={**env, **environment},
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    img_src, media_src, frame_src = json.loads(done.stdout)
    assert img_src == ["'self'", "data:", *origins]
    # blob: plays back a recording made in the browser before it is uploaded
    assert media_src == ["'self'", "blob:", *origins] and frame_src == ["'self'", *origins]


def test_s3_uploads_keep_one_part_in_memory_at_a_time() -> None:
    from evidence.storage import EvidenceS3Storage

    config = EvidenceS3Storage(bucket_name="evidence").transfer_config
    assert (config.multipart_chunksize, config.max_concurrency, config.use_threads) == (8 * 1024 * 1024, 1, False)
