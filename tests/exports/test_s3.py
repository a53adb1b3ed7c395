"""On S3 (moto server): the export is stored in the bucket and downloaded through a presigned URL of <= 5 minutes."""

from __future__ import annotations

import urllib.request
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.urls import reverse
from moto.server import ThreadedMotoServer

from exports import services
from exports.models import PortfolioExport

from ..conftest import PASSWORD

BUCKET = "exports-tests"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "eu-west-2"}


@pytest.fixture
def s3_storage(settings) -> Iterator[None]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing",
                 region_name="eu-west-2").create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": endpoint, "location": f"run-{uuid.uuid4().hex}",
                    "default_acl": "private", "querystring_auth": True, "querystring_expire": 300,
                    "file_overwrite": False, **CREDENTIALS},
    }}
    yield
    server.stop()


def test_an_export_on_s3_is_stored_once_and_downloaded_by_a_short_presigned_url(
    s3_storage, make_portfolio, candidate, client
):
    enrolment = make_portfolio(with_pdf=False)
    export = PortfolioExport.objects.create(enrolment=enrolment, requested_by=candidate)
    assert services.export_build(export_id=export.pk) == "done"
    export.refresh_from_db()
    client.login(username=candidate.email, password=PASSWORD)
    response = client.get(reverse("exports:export_download", args=[export.pk]))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert int(query["X-Amz-Expires"][0]) <= 300
    with urllib.request.urlopen(response["Location"]) as download:
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert download.read(5) == b"%PDF-"
