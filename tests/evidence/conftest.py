"""Upload fixtures: every kind of file built in Python, and the two storages every upload test runs on.

`storage` is parametrized: a private local folder, and django-storages' S3Storage
against a real S3 endpoint (moto in server mode, started once per session).
The generated files themselves are built in `tests/evidence/generated.py`;
`upload(name, content)` turns bytes into the TemporaryUploadedFile Django's
upload handlers produce, and `stored_names(storage)` lists what a storage holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import boto3
import pytest
from django.core.files.storage import FileSystemStorage, Storage
from django.core.files.uploadedfile import TemporaryUploadedFile
from moto.server import ThreadedMotoServer

from evidence.storage import EvidenceS3Storage

S3_BUCKET = "evidence-tests"
S3_CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "eu-west-2"}

# ---------------------------------------------------------------- storages


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A local S3 endpoint (moto server) with an empty bucket; fails, never skips, if it cannot start."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_CREDENTIALS["access_key"],
        aws_secret_access_key=S3_CREDENTIALS["secret_key"],
        region_name=S3_CREDENTIALS["region_name"],
    )
    client.create_bucket(
        Bucket=S3_BUCKET, CreateBucketConfiguration={"LocationConstraint": S3_CREDENTIALS["region_name"]}
    )
    yield endpoint
    server.stop()


def make_s3_storage(endpoint: str) -> EvidenceS3Storage:
    """The S3 storage configured as settings.py configures production, in a fresh folder of the test bucket."""
    return EvidenceS3Storage(
        bucket_name=S3_BUCKET,
        endpoint_url=endpoint,
        location=f"run-{uuid.uuid4().hex}",
        default_acl="private",
        querystring_auth=True,
        querystring_expire=300,
        file_overwrite=False,
        **S3_CREDENTIALS,
    )


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path) -> Storage:
    """Each upload test runs twice: on a private local folder and on S3 (moto server)."""
    if request.param == "local":
        return FileSystemStorage(location=tmp_path / "private", base_url=None)
    return make_s3_storage(request.getfixturevalue("s3_endpoint"))


@pytest.fixture
def stored_names() -> Callable[[Storage], list[str]]:
    """Every file name a storage holds, found by walking it (works for the folder and the bucket)."""

    def walk(storage: Storage, folder: str = "") -> list[str]:
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            return []
        names = [f"{folder}/{name}" if folder else name for name in files]
        for sub in folders:
            names += walk(storage, f"{folder}/{sub}" if folder else sub)
        return sorted(names)

    return walk


@pytest.fixture
def upload() -> Iterator[Callable[[str, bytes], TemporaryUploadedFile]]:
    """Bytes as the TemporaryUploadedFile that Django's streaming upload handler hands a view."""
    made: list[TemporaryUploadedFile] = []

    def make(name: str, content: bytes) -> TemporaryUploadedFile:
        uploaded = TemporaryUploadedFile(name, "application/octet-stream", len(content), None)
        uploaded.write(content)
        uploaded.seek(0)
        made.append(uploaded)
        return uploaded

    yield make
    for uploaded in made:
        uploaded.close()
