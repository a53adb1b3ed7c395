"""The export pages: ask (POST), follow the progress fragment, download, retry. 404 for strangers."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from exports.models import ExportStatus, PortfolioExport

from ..conftest import PASSWORD
from .portfolio_factory import make_export


def _client(client, user):
    client.login(username=user.email, password=PASSWORD)
    return client


def test_the_eqa_who_only_reads_may_ask_for_an_export(client, eqa, enrolment, sent,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(client, eqa).post(reverse("exports:export_create", args=[enrolment.pk]),
                                             {"format": "zip", "include_pdf_evidence": "on"})
    assert response.status_code == 302
    export = PortfolioExport.objects.get()
    assert (export.format, export.include_pdf_evidence, export.requested_by) == ("zip", True, eqa)
    assert sent == [(export.pk,)]


def test_a_stranger_gets_404_everywhere(client, stranger_assessor, enrolment, private_storage):
    done = make_export(enrolment, status="done")
    browser = _client(client, stranger_assessor)
    assert browser.get(reverse("exports:export_list", args=[enrolment.pk])).status_code == 404
    assert browser.post(reverse("exports:export_create", args=[enrolment.pk]), {"format": "pdf"}).status_code == 404
    for name in ("export_status", "export_download"):
        assert browser.get(reverse(f"exports:{name}", args=[done.pk])).status_code == 404
    assert browser.post(reverse("exports:export_retry", args=[done.pk])).status_code == 404
    assert PortfolioExport.objects.count() == 1


def test_the_status_fragment_polls_and_shows_an_accessible_progress_bar(client, candidate, enrolment):
    export = make_export(enrolment)
    PortfolioExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, stage="rendering",
                                                        pages_done=12, progress=40)
    html = _client(client, candidate).get(reverse("exports:export_status", args=[export.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert 'role="progressbar"' in html and 'aria-valuenow="40"' in html
    assert "Rendering page 12" in html
    assert "style=" not in html  # the site's CSP (style-src 'self') would drop an inline style


def test_a_finished_export_stops_polling_and_offers_the_download(client, candidate, enrolment, private_storage):
    export = make_export(enrolment, status="done")
    html = _client(client, candidate).get(reverse("exports:export_status", args=[export.pk])).content.decode()
    assert "hx-trigger" not in html
    assert reverse("exports:export_download", args=[export.pk]) in html


def test_a_failure_shows_its_reason_and_a_retry_button(client, candidate, enrolment, sent,
                                                       django_capture_on_commit_callbacks):
    export = make_export(enrolment, status="failed")
    browser = _client(client, candidate)
    html = browser.get(reverse("exports:export_status", args=[export.pk])).content.decode()
    assert "hx-trigger" not in html and "The renderer stopped unexpectedly." in html
    assert reverse("exports:export_retry", args=[export.pk]) in html
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("exports:export_retry", args=[export.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in response.content.decode()
    assert sent == [(export.pk,)]


def test_the_download_is_an_attachment_from_our_storage(client, iqa, enrolment, private_storage):
    export = make_export(enrolment, status="done")
    response = _client(client, iqa).get(reverse("exports:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_an_unfinished_export_has_nothing_to_download(client, candidate, enrolment):
    export = make_export(enrolment)
    assert _client(client, candidate).get(reverse("exports:export_download", args=[export.pk])).status_code == 404


def test_the_page_lists_earlier_exports(client, candidate, enrolment, private_storage):
    make_export(enrolment, status="done")
    make_export(enrolment, status="failed")
    html = _client(client, candidate).get(reverse("exports:export_list", args=[enrolment.pk])).content.decode()
    assert html.count('class="export-status"') == 2
    assert "Export the portfolio" in html


def test_the_export_list_costs_the_same_queries_for_one_export_or_many(client, candidate, enrolment, private_storage,
                                                                       django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = _client(client, candidate)
    url = reverse("exports:export_list", args=[enrolment.pk])
    make_export(enrolment, status="done")
    PortfolioExport.objects.update(requested_by=candidate)
    with CaptureQueriesContext(connection) as one:
        browser.get(url)
    for status in ("done", "failed", "queued", "done"):
        make_export(enrolment, status=status)
    PortfolioExport.objects.update(requested_by=candidate)
    with django_assert_num_queries(len(one.captured_queries)):
        html = browser.get(url).content.decode()
    assert html.count('class="export-status"') == 5


@pytest.mark.parametrize("role", ["candidate", "assessor", "iqa", "eqa", "centre_admin"])
def test_everyone_who_may_read_the_enrolment_may_ask_for_and_download_its_export(
    role, request, client, enrolment, sent, private_storage, django_capture_on_commit_callbacks
):
    browser = _client(client, request.getfixturevalue(role))
    assert browser.get(reverse("exports:export_list", args=[enrolment.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("exports:export_create", args=[enrolment.pk]), {"format": "pdf"})
    assert response.status_code == 302 and len(sent) == 1
    done = make_export(enrolment, status="done")
    assert browser.get(reverse("exports:export_download", args=[done.pk])).status_code == 200


def test_another_candidate_of_the_same_centre_gets_404(client, other_candidate, enrolment, private_storage):
    done = make_export(enrolment, status="done")
    browser = _client(client, other_candidate)
    assert browser.get(reverse("exports:export_list", args=[enrolment.pk])).status_code == 404
    assert browser.get(reverse("exports:export_download", args=[done.pk])).status_code == 404


def test_the_state_column_is_a_live_region_that_does_not_read_out_every_progress_step(
    client, candidate, enrolment, private_storage
):
    export = make_export(enrolment)
    PortfolioExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, stage="rendering",
                                                        pages_done=3, progress=20)
    html = _client(client, candidate).get(reverse("exports:export_list", args=[enrolment.pk])).content.decode()
    assert re.search(r'<td class="w-50" data-label="State" aria-live="polite">\s*<div id="export-', html)
    fragment = _client(client, candidate).get(reverse("exports:export_status", args=[export.pk])).content.decode()
    assert '<p class="small mb-1 mt-1" aria-hidden="true"><span class="export-stage">Rendering page 3' in fragment
