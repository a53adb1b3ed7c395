"""Parallel uploads by one candidate never take their evidence past the storage allowance.

Real concurrent requests: ten threads, each with its own database connection,
released together by a barrier, each uploading 900 KB against a 3 MB allowance.
The check before storing sees only files already committed, so on its own it
lets every upload through; the check under the candidate's row lock counts them
one at a time. The race exists on PostgreSQL only (SQLite serializes writers),
so a developer's SQLite run passes over this test and CI (CI=true) never does.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from evidence import services
from evidence.models import EvidenceFile, EvidenceVersion
from evidence.uploads import UploadRefused
from tests.concurrency import race
from tests.evidence.evidence_factories import make_evidence

UPLOADS = 10
FILE_SIZE = 900_000
QUOTA = 3_000_000



@pytest.mark.skipif(connection.vendor != "postgresql" and not os.environ.get("CI"),
                    reason="the race needs concurrent writers: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_uploads_never_pass_the_quota(enrolment, settings, private_storage, stored_names) -> None:
    assert connection.vendor == "postgresql", "CI must run the tests on PostgreSQL (DATABASE_URL)"
    settings.EVIDENCE_QUOTA_PER_CANDIDATE = QUOTA
    drafts: list[EvidenceVersion] = []
    for n in range(UPLOADS):
        draft = make_evidence(enrolment, title=f"Upload {n}", with_file=False).current_version
        assert draft is not None
        drafts.append(draft)

    def upload(n: int) -> Callable[[], object]:
        content = (f"Notes {n}\n".encode() * FILE_SIZE)[:FILE_SIZE]
        uploaded = SimpleUploadedFile(f"notes {n}.txt", content)
        return lambda: services.file_add(version=drafts[n], uploaded=uploaded, by=enrolment.candidate)

    results = race([upload(n) for n in range(UPLOADS)], timeout=120)

    stored = [r for r in results if isinstance(r, EvidenceFile)]
    refused = [r for r in results if isinstance(r, UploadRefused)]
    assert len(stored) + len(refused) == UPLOADS, results
    assert len(stored) == QUOTA // FILE_SIZE, results
    assert all("storage allowance of 3 MB" in r.messages[0] for r in refused)
    assert services.bytes_used_by(enrolment.candidate_id) == len(stored) * FILE_SIZE <= QUOTA
    # Nothing half-saved: the refused uploads' bytes were deleted from storage.
    assert len(stored_names(default_storage)) == len(stored)
