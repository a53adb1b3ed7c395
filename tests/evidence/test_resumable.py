"""Resumable uploads (tus 1.0.0) through the test client, on a local folder and on S3 (moto server).

A file goes up in chunks, the connection drops mid-chunk, the client asks where the
upload stands (HEAD) and sends the rest from there; the stored file is the same bytes.
Every refusal says why and leaves nothing behind: no row, no partial bytes, no open
S3 multipart upload.
"""

from __future__ import annotations

import base64
import datetime
import io
import os
import socket
import uuid
from pathlib import Path

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from candidates.models import Enrolment, EnrolmentStatus
from evidence import resumable, tasks
from evidence.models import EvidenceFile, ResumableUpload
from evidence.sniff import sniff
from tests.evidence import generated
from tests.evidence.conftest import S3_BUCKET, S3_CREDENTIALS
from tests.evidence.evidence_factories import make_evidence

MiB = 1024 * 1024
TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}
CHUNK = "application/offset+octet-stream"


@pytest.fixture(params=["local", "s3"])
def site_storage(request, settings, tmp_path):
    """The site's default storage: a private local folder, then S3 (moto server)."""
    if request.param == "local":
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        }}
    else:
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "evidence.storage.EvidenceS3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET, "endpoint_url": request.getfixturevalue("s3_endpoint"),
                "location": f"run-{uuid.uuid4().hex}", "default_acl": "private", "querystring_auth": True,
                "querystring_expire": 300, "file_overwrite": False, **S3_CREDENTIALS,
            },
        }}
    return default_storage


@pytest.fixture
def draft(enrolment):
    return make_evidence(enrolment, with_file=False)


@pytest.fixture
def cara(client, candidate):
    client.force_login(candidate)
    return client


def open_multipart_uploads(storage) -> list[dict]:
    """The S3 multipart uploads begun and neither completed nor aborted (none on a local folder)."""
    if not hasattr(storage, "bucket_name"):
        return []
    client = boto3.client("s3", endpoint_url=storage.endpoint_url, aws_access_key_id=S3_CREDENTIALS["access_key"],
                          aws_secret_access_key=S3_CREDENTIALS["secret_key"],
                          region_name=S3_CREDENTIALS["region_name"])
    uploads = client.list_multipart_uploads(Bucket=S3_BUCKET, Prefix=storage.location + "/").get("Uploads", [])
    return list(uploads)


def _metadata(filename: str) -> str:
    return "filename " + base64.b64encode(filename.encode()).decode()


def start(client, item, filename: str, length: int):
    return client.post(reverse("evidence:tus_create", kwargs={"pk": item.pk}), HTTP_UPLOAD_LENGTH=str(length),
                       HTTP_UPLOAD_METADATA=_metadata(filename), **TUS)


def patch(client, url: str, offset: int, data: bytes, **extra):
    return client.generic("PATCH", url, data, content_type=CHUNK, HTTP_UPLOAD_OFFSET=str(offset), **TUS, **extra)


def head(client, url: str):
    return client.head(url, **TUS)


class DroppedConnection(io.BytesIO):
    """A request body that ends early: the client's connection went away mid-chunk."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read(size if size is not None and size >= 0 else -1)


def wav_of(size: int) -> bytes:
    """A WAV recording padded to `size` bytes (random samples, so no two chunks are alike)."""
    header = generated.wav(0.01)
    return header + os.urandom(size - len(header))


# ---------------------------------------------------------------- the journey: chunks, a drop, a resume


def test_a_dropped_upload_resumes_from_the_servers_offset_and_stores_the_same_bytes(
    cara, draft, site_storage, stored_names
):
    content = wav_of(11 * MiB)
    created = start(cara, draft, "discussion.wav", len(content))
    assert created.status_code == 201, created.content
    url = created["Location"]
    assert created["Tus-Resumable"] == "1.0.0"

    first = patch(cara, url, 0, content[: 5 * MiB])
    assert first.status_code == 204 and first["Upload-Offset"] == str(5 * MiB)
    assert first["Upload-Expires"].endswith(" GMT")  # each part puts the expiry off again

    # The second chunk: the connection drops after 1 MiB of its 5. Nothing of it is kept.
    dropped = patch(cara, url, 5 * MiB, b"", CONTENT_LENGTH=str(5 * MiB), CONTENT_TYPE=CHUNK,
                    **{"wsgi.input": DroppedConnection(content[5 * MiB: 6 * MiB])})
    assert dropped.status_code == 400
    assert "nothing of it was kept" in dropped.content.decode()

    where = head(cara, url)
    assert where.status_code == 200
    assert (where["Upload-Offset"], where["Upload-Length"]) == (str(5 * MiB), str(len(content)))
    assert where["Cache-Control"] == "no-store"

    resumed = patch(cara, url, 5 * MiB, content[5 * MiB: 10 * MiB])
    assert resumed.status_code == 204 and resumed["Upload-Offset"] == str(10 * MiB)
    last = patch(cara, url, 10 * MiB, content[10 * MiB:])
    assert last.status_code == 204, last.content
    assert last["Upload-Offset"] == str(len(content))

    stored = EvidenceFile.objects.get()
    assert last["Evidence-File"] == str(stored.pk)
    assert "saved" in last["Evidence-Message"]
    assert (stored.version_id, stored.original_name, stored.mime, stored.size) == (
        draft.current_version.pk, "discussion.wav", "audio/wav", len(content))
    with site_storage.open(stored.name, "rb") as fp:
        assert fp.read() == content
    assert not ResumableUpload.objects.exists()
    assert stored_names(site_storage) == [stored.name]  # the partial bytes are gone
    assert open_multipart_uploads(site_storage) == []
    assert head(cara, url).status_code == 404


def test_a_small_file_goes_up_in_one_chunk(cara, draft, site_storage):
    content = generated.pdf()
    url = start(cara, draft, "report.pdf", len(content))["Location"]
    response = patch(cara, url, 0, content)
    assert response.status_code == 204
    assert EvidenceFile.objects.get().mime == "application/pdf"


def test_options_names_the_version_and_extensions(cara, draft):
    response = cara.options(reverse("evidence:tus_create", kwargs={"pk": draft.pk}))
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) >= {"creation", "termination"}


# ---------------------------------------------------------------- bad input: a clear answer, nothing half-saved


def test_a_chunk_at_the_wrong_offset_is_refused_and_changes_nothing(cara, draft, site_storage):
    content = wav_of(6 * MiB)
    url = start(cara, draft, "discussion.wav", len(content))["Location"]
    patch(cara, url, 0, content[: 5 * MiB])
    response = patch(cara, url, 4 * MiB, content[4 * MiB:])
    assert response.status_code == 409
    assert f"{5 * MiB} bytes have arrived" in response.content.decode()
    assert head(cara, url)["Upload-Offset"] == str(5 * MiB)
    assert not EvidenceFile.objects.exists()


def test_an_oversize_file_is_refused_before_a_byte_is_sent(cara, draft, site_storage, stored_names, settings):
    settings.EVIDENCE_MAX_FILE_SIZE = 10 * MiB
    response = start(cara, draft, "film.mov", 11 * MiB)
    assert response.status_code == 413
    assert "film.mov: this file is 11.5 MB, more than the 10.5 MB limit" in response.content.decode()
    assert not ResumableUpload.objects.exists()
    assert stored_names(site_storage) == []
    assert open_multipart_uploads(site_storage) == []


def test_a_file_past_the_quota_is_refused_before_a_byte_is_sent(cara, draft, site_storage, settings):
    settings.EVIDENCE_QUOTA_PER_CANDIDATE = 8 * MiB
    assert start(cara, draft, "one.wav", 5 * MiB).status_code == 201
    response = start(cara, draft, "two.wav", 5 * MiB)  # the first, still arriving, counts
    assert response.status_code == 413
    assert "storage allowance" in response.content.decode()
    assert ResumableUpload.objects.count() == 1


def test_more_bytes_than_declared_are_refused(cara, draft, site_storage):
    url = start(cara, draft, "notes.txt", 10)["Location"]
    response = patch(cara, url, 0, b"x" * 11)
    assert response.status_code == 413
    assert "past the 10 bytes declared" in response.content.decode()
    assert head(cara, url)["Upload-Offset"] == "0"


def test_the_wrong_type_found_on_completion_is_refused_and_nothing_is_kept(
    cara, draft, site_storage, stored_names
):
    content = generated.photo("PNG", gps=False)
    url = start(cara, draft, "report.pdf", len(content))["Location"]
    response = patch(cara, url, 0, content)
    assert response.status_code == 422
    assert "report.pdf: this is a PNG image, not a PDF document" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert not ResumableUpload.objects.exists()
    assert stored_names(site_storage) == []
    assert open_multipart_uploads(site_storage) == []


def test_someone_elses_upload_address_is_404_and_the_upload_is_untouched(
    client, candidate, assessor, draft, site_storage
):
    client.force_login(candidate)
    url = start(client, draft, "notes.txt", 20)["Location"]
    client.force_login(assessor)  # may write this candidate's evidence, but this upload is not theirs
    assert head(client, url).status_code == 404
    assert patch(client, url, 0, b"twenty bytes of text").status_code == 404
    assert client.delete(url, **TUS).status_code == 404
    assert ResumableUpload.objects.get().offset == 0
    assert not EvidenceFile.objects.exists()


def test_a_stranger_cannot_start_an_upload(client, stranger_assessor, draft):
    client.force_login(stranger_assessor)
    assert start(client, draft, "notes.txt", 20).status_code == 404


def test_a_paused_enrolment_takes_no_more_chunks(cara, draft, site_storage):
    url = start(cara, draft, "notes.txt", 20)["Location"]
    Enrolment.objects.filter(pk=draft.enrolment_id).update(status=EnrolmentStatus.PAUSED)
    assert patch(cara, url, 0, b"x" * 20).status_code == 403
    assert not EvidenceFile.objects.exists()


def test_a_request_without_the_protocol_version_is_refused(cara, draft):
    response = cara.post(reverse("evidence:tus_create", kwargs={"pk": draft.pk}), HTTP_UPLOAD_LENGTH="10",
                         HTTP_UPLOAD_METADATA=_metadata("notes.txt"))
    assert response.status_code == 412
    assert "Tus-Resumable: 1.0.0" in response.content.decode()


def test_a_chunk_of_the_wrong_content_type_is_refused(cara, draft):
    url = start(cara, draft, "notes.txt", 10)["Location"]
    response = cara.generic("PATCH", url, b"x" * 10, content_type="text/plain", HTTP_UPLOAD_OFFSET="0", **TUS)
    assert response.status_code == 415


def test_an_upload_without_a_file_name_is_refused(cara, draft):
    response = cara.post(reverse("evidence:tus_create", kwargs={"pk": draft.pk}), HTTP_UPLOAD_LENGTH="10", **TUS)
    assert response.status_code == 400
    assert "filename" in response.content.decode()


def test_on_s3_a_part_under_5_mib_that_is_not_the_last_is_refused(cara, draft, s3_endpoint, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "evidence.storage.EvidenceS3Storage",
        "OPTIONS": {"bucket_name": S3_BUCKET, "endpoint_url": s3_endpoint, "location": f"run-{uuid.uuid4().hex}",
                    **S3_CREDENTIALS},
    }}
    url = start(cara, draft, "discussion.wav", 6 * MiB)["Location"]
    response = patch(cara, url, 0, wav_of(1 * MiB))
    assert response.status_code == 400
    assert "at least 5.2 MB" in response.content.decode()
    assert head(cara, url)["Upload-Offset"] == "0"


# ---------------------------------------------------------------- cancelling and expiry


def test_a_cancelled_upload_leaves_nothing(cara, draft, site_storage, stored_names):
    url = start(cara, draft, "discussion.wav", 6 * MiB)["Location"]
    patch(cara, url, 0, wav_of(5 * MiB))
    assert cara.delete(url, **TUS).status_code == 204
    assert not ResumableUpload.objects.exists()
    assert stored_names(site_storage) == []
    assert open_multipart_uploads(site_storage) == []


def test_an_upload_left_unfinished_expires_with_its_bytes(cara, draft, site_storage, stored_names):
    url = start(cara, draft, "discussion.wav", 6 * MiB)["Location"]
    patch(cara, url, 0, wav_of(5 * MiB))
    assert stored_names(site_storage) or open_multipart_uploads(site_storage)
    ResumableUpload.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert tasks.expire_resumable_uploads() == 1
    assert not ResumableUpload.objects.exists()
    assert stored_names(site_storage) == []
    assert open_multipart_uploads(site_storage) == []
    assert head(cara, url).status_code == 404


def test_an_expired_upload_takes_no_more_chunks(cara, draft, site_storage):
    url = start(cara, draft, "notes.txt", 20)["Location"]
    ResumableUpload.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = patch(cara, url, 0, b"x" * 20)
    assert response.status_code == 410
    assert "waited too long" in response.content.decode()


def test_an_s3_multipart_upload_no_row_knows_is_aborted_by_the_sweep(draft, candidate, s3_endpoint, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "evidence.storage.EvidenceS3Storage",
        "OPTIONS": {"bucket_name": S3_BUCKET, "endpoint_url": s3_endpoint, "location": f"run-{uuid.uuid4().hex}",
                    **S3_CREDENTIALS},
    }}
    upload = resumable.resumable_start(version=draft.current_version, by=candidate, original_name="a.wav",
                                       length=10)
    ResumableUpload.objects.filter(pk=upload.pk).delete()  # as if the process died before saving it
    later = timezone.now() + resumable.expiry_delay() + datetime.timedelta(minutes=1)
    assert resumable.resumable_expire(now=later) == 1
    assert open_multipart_uploads(default_storage) == []


def test_the_expiry_runs_every_hour_on_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["evidence-expire-resumable-uploads"]
    assert entry["task"] == tasks.expire_resumable_uploads.name == "evidence.tasks.expire_resumable_uploads"
    assert entry["schedule"] <= 3600


# ---------------------------------------------------------------- the protocol's headers


@pytest.mark.parametrize(("headers", "status", "says"), [
    ({"HTTP_UPLOAD_LENGTH": "ten", "HTTP_UPLOAD_METADATA": _metadata("a.txt")}, 400, "Upload-Length as a whole"),
    ({"HTTP_UPLOAD_LENGTH": "-1", "HTTP_UPLOAD_METADATA": _metadata("a.txt")}, 400, "Upload-Length as a whole"),
    ({"HTTP_UPLOAD_LENGTH": "10", "HTTP_UPLOAD_METADATA": "filename !!!"}, 400, "not base64"),
    ({"HTTP_UPLOAD_DEFER_LENGTH": "1", "HTTP_UPLOAD_METADATA": _metadata("a.txt")}, 400, "unknown length"),
])
def test_a_malformed_start_is_refused_with_what_to_send(cara, draft, headers, status, says):
    response = cara.post(reverse("evidence:tus_create", kwargs={"pk": draft.pk}), **headers, **TUS)
    assert response.status_code == status
    assert says in response.content.decode()
    assert not ResumableUpload.objects.exists()


def test_a_chunk_with_a_malformed_offset_is_refused(cara, draft):
    url = start(cara, draft, "notes.txt", 10)["Location"]
    response = cara.generic("PATCH", url, b"x" * 10, content_type=CHUNK, HTTP_UPLOAD_OFFSET="0x0", **TUS)
    assert response.status_code == 400
    assert "Upload-Offset as a whole number" in response.content.decode()


# ---------------------------------------------------------------- a real connection dropped mid-chunk


def test_a_connection_dropped_mid_chunk_on_a_real_server_keeps_nothing_of_that_chunk(
    live_server, client, candidate, draft, private_storage
):
    """The bytes of a chunk whose connection closed before its end never reach the partial file."""
    client.force_login(candidate)
    content = wav_of(6 * MiB)
    path = start(client, draft, "discussion.wav", len(content))["Location"]
    assert patch(client, path, 0, content[: 1 * MiB]).status_code == 204
    csrf = "c" * 32  # a CSRF secret of our own, as cookie and header
    session = django_settings.SESSION_COOKIE_NAME
    cookies = f"{session}={client.cookies[session].value}; {django_settings.CSRF_COOKIE_NAME}={csrf}"
    host, port = live_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall((
            f"PATCH {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookies}\r\nX-CSRFToken: {csrf}\r\n"
            f"Tus-Resumable: 1.0.0\r\nUpload-Offset: {MiB}\r\nContent-Type: {CHUNK}\r\n"
            f"Content-Length: {5 * MiB}\r\n\r\n"
        ).encode() + content[MiB: 2 * MiB])
        connection.shutdown(socket.SHUT_WR)  # the phone lost its signal: no more bytes will come
        connection.recv(65536)  # the server's answer, or the connection closing
    upload = ResumableUpload.objects.get()
    assert upload.offset == MiB
    with open(default_storage.path(upload.partial_name), "rb") as partial:
        assert partial.read() == content[:MiB]
    assert head(client, path)["Upload-Offset"] == str(MiB)
    # The rest from where the server stands: the same bytes stored.
    assert patch(client, path, MiB, content[MiB:]).status_code == 204
    with default_storage.open(EvidenceFile.objects.get().name, "rb") as stored:
        assert stored.read() == content


# ---------------------------------------------------------------- what the browser's recorder makes


SAMPLES = Path(__file__).parent / "samples"


def test_a_recording_from_chromiums_mediarecorder_is_sniffed_as_webm_audio() -> None:
    """13 KB of a tone recorded by Chromium 156's MediaRecorder (audio/webm;codecs=opus): a Segment of unknown size."""
    with (SAMPLES / "chromium-mediarecorder.webm").open("rb") as recording:
        file_type = sniff(recording, filename="Recording 2026-11-30 10-15-02.webm")
    assert (file_type.mime, file_type.kind) == ("audio/webm", "audio")


def test_a_browser_recording_uploaded_resumably_is_stored_as_audio(cara, draft, site_storage):
    content = (SAMPLES / "chromium-mediarecorder.webm").read_bytes()
    url = start(cara, draft, "Recording 2026-11-30 10-15-02.webm", len(content))["Location"]
    assert patch(cara, url, 0, content).status_code == 204
    stored = EvidenceFile.objects.get()
    assert (stored.original_name, stored.mime, stored.kind, stored.size) == (
        "Recording 2026-11-30 10-15-02.webm", "audio/webm", "audio", len(content))


def test_signed_out_the_script_is_told_to_sign_in_not_redirected(client, candidate, draft):
    client.force_login(candidate)
    url = start(client, draft, "notes.txt", 10)["Location"]
    client.logout()
    for response in (start(client, draft, "notes.txt", 10), head(client, url), patch(client, url, 0, b"x" * 10)):
        assert response.status_code == 401
    assert "Sign in again" in patch(client, url, 0, b"x" * 10).content.decode()
    assert ResumableUpload.objects.get().offset == 0
