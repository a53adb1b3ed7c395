"""Evidence pages through the test client: uploads (on a local folder and on S3), files, library, mapping, editing."""

from __future__ import annotations

import io
import re
import urllib.request
import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from PIL import Image
from storages.backends.s3 import S3Storage

from evidence import services
from evidence.models import EvidenceFile, EvidenceKind, Mapping, MappingStatus, VersionStatus
from tests.evidence import generated
from tests.evidence.conftest import S3_BUCKET, S3_CREDENTIALS
from tests.evidence.evidence_factories import make_evidence, pdf_upload, png_upload
from units.models import AssessableItem

JSON = {"HTTP_ACCEPT": "application/json"}


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


def _upload(client, item, *files, json=True):
    return client.post(reverse("evidence:upload", kwargs={"pk": item.pk}), {"files": list(files)},
                       **(JSON if json else {}))


def _results(response) -> list[dict]:
    return response.json()["results"]


# ---------------------------------------------------------------- uploads, on both storages


def test_an_image_and_a_pdf_are_stored(cara, draft, site_storage):
    response = _upload(cara, draft, png_upload("screen.png"), pdf_upload("report.pdf"))
    assert [(r["name"], r["ok"]) for r in _results(response)] == [("screen.png", True), ("report.pdf", True)]
    stored = list(draft.current_version.files.order_by("pk"))
    assert [(f.original_name, f.mime) for f in stored] == [
        ("screen.png", "image/png"), ("report.pdf", "application/pdf")]
    assert all(site_storage.exists(f.name) for f in stored)


def _refused_and_nothing_left(cara, draft, site_storage, stored_names, uploaded, reason: str) -> None:
    before = stored_names(site_storage)
    (result,) = _results(_upload(cara, draft, uploaded))
    assert not result["ok"]
    assert result["name"] == uploaded.name.rsplit("/", 1)[-1]
    assert reason in result["message"]
    assert not EvidenceFile.objects.exists()
    assert stored_names(site_storage) == before


def test_an_oversize_file_is_refused_by_name(cara, draft, site_storage, stored_names, settings):
    settings.EVIDENCE_MAX_FILE_SIZE = 2000
    _refused_and_nothing_left(cara, draft, site_storage, stored_names,
                              SimpleUploadedFile("big.pdf", generated.pdf() + b"%" * 5000), "limit")


def test_content_not_matching_the_name_is_refused(cara, draft, site_storage, stored_names):
    _refused_and_nothing_left(cara, draft, site_storage, stored_names,
                              SimpleUploadedFile("report.pdf", generated.photo("PNG", gps=False)),
                              "does not match its content")


def test_a_decompression_bomb_is_refused(cara, draft, site_storage, stored_names):
    _refused_and_nothing_left(cara, draft, site_storage, stored_names,
                              SimpleUploadedFile("huge.png", generated.png_bomb()), "pixels")


def test_an_svg_with_script_is_refused(cara, draft, site_storage, stored_names):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    _refused_and_nothing_left(cara, draft, site_storage, stored_names, SimpleUploadedFile("logo.svg", svg),
                              "web page or SVG drawing, which could run code")


def test_html_with_script_is_refused(cara, draft, site_storage, stored_names):
    html = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
    _refused_and_nothing_left(cara, draft, site_storage, stored_names, SimpleUploadedFile("page.html", html),
                              "web page or SVG drawing, which could run code")


def test_a_plain_zip_named_docx_is_refused(cara, draft, site_storage, stored_names):
    _refused_and_nothing_left(cara, draft, site_storage, stored_names,
                              SimpleUploadedFile("letter.docx", generated.plain_zip()), "plain ZIP")


def test_a_photo_loses_its_location_and_keeps_its_orientation(cara, draft, site_storage):
    (result,) = _results(_upload(cara, draft, SimpleUploadedFile("site-visit.jpg", generated.photo())))
    assert result["ok"], result
    stored = draft.current_version.files.get()
    with site_storage.open(stored.name, "rb") as handle:
        content = handle.read()
    assert generated.GPS_DATE not in content
    image = Image.open(io.BytesIO(content))
    assert 0x8825 not in image.getexif() or not image.getexif().get_ifd(0x8825)
    assert image.getexif().get(0x0112) == 6
    assert stored.location_removed


def test_a_traversal_looking_name_is_stored_under_a_generated_name(cara, draft, site_storage):
    (result,) = _results(_upload(cara, draft, SimpleUploadedFile("../../../etc/passwd.png", generated.photo("PNG"))))
    assert result["ok"], result
    stored = draft.current_version.files.get()
    assert stored.original_name == "passwd.png"
    assert ".." not in stored.name and "passwd" not in stored.name
    assert stored.name.startswith("evidence/")


def test_a_failed_insert_after_the_bytes_were_stored_leaves_no_file(enrolment, draft, site_storage, stored_names,
                                                                    monkeypatch):
    before = stored_names(site_storage)

    def failing_create(**kwargs):
        raise IntegrityError("the database refused the row")

    monkeypatch.setattr(EvidenceFile.objects, "create", failing_create)
    with pytest.raises(IntegrityError):
        services.file_add(version=draft.current_version, uploaded=png_upload(), by=enrolment.candidate)
    assert stored_names(site_storage) == before


def test_the_quota_refusal_says_what_to_do(cara, draft, site_storage, settings):
    settings.EVIDENCE_QUOTA_PER_CANDIDATE = 100
    (result,) = _results(_upload(cara, draft, pdf_upload()))
    assert not result["ok"]
    assert "storage allowance" in result["message"] and "Remove files" in result["message"]


def test_the_same_file_twice_is_flagged_with_the_earlier_title(cara, enrolment, site_storage):
    make_evidence(enrolment, title="Rota for March")
    second = make_evidence(enrolment, title="Another", with_file=False)
    (result,) = _results(_upload(cara, second, png_upload()))
    assert result["ok"]
    assert "already uploaded in 'Rota for March'" in result["message"]


def test_good_and_refused_files_of_one_request_each_get_their_result(cara, draft, site_storage):
    response = _upload(cara, draft, png_upload("good.png"), SimpleUploadedFile("bad.docx", generated.plain_zip()))
    assert [(r["name"], r["ok"]) for r in _results(response)] == [("good.png", True), ("bad.docx", False)]
    assert list(draft.current_version.files.values_list("original_name", flat=True)) == ["good.png"]


def test_without_javascript_the_results_come_back_as_messages(cara, draft, site_storage):
    response = _upload(cara, draft, png_upload("good.png"), SimpleUploadedFile("bad.docx", generated.plain_zip()),
                       json=False)
    assert response.status_code == 302
    page = cara.get(response["Location"]).content.decode()
    assert "good.png: saved." in page
    assert "bad.docx:" in page


def test_an_upload_to_a_submitted_version_is_refused(cara, enrolment, site_storage):
    item = make_evidence(enrolment)
    services.version_submit(version=item.current_version, by=enrolment.candidate)
    (result,) = _results(_upload(cara, item, pdf_upload()))
    assert not result["ok"] and "submitted" in result["message"]


def test_the_eqa_may_not_upload(client, eqa, draft, site_storage):
    client.force_login(eqa)
    assert _upload(client, draft, png_upload()).status_code == 403


# ---------------------------------------------------------------- files are served through the gate


def test_an_image_is_served_inline_with_nosniff_to_the_assessor(client, assessor, enrolment, site_storage):
    item = make_evidence(enrolment)
    client.force_login(assessor)
    response = client.get(reverse("evidence:file_download", kwargs={"pk": item.current_version.files.get().pk}))
    if isinstance(site_storage, S3Storage):  # a short-lived presigned URL that forces type and disposition
        assert response.status_code == 302
        assert "X-Amz-Expires=300" in response["Location"] and "response-content-disposition=inline" in response[
            "Location"]
    else:
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_png_hiding_a_web_page_is_stored_and_served_without_it(client, assessor, enrolment, site_storage):
    picture = generated.photo("PNG", gps=False)
    item = make_evidence(enrolment, with_file=False)
    services.file_add(version=item.current_version, uploaded=SimpleUploadedFile("site.png", picture + generated.HTML),
                      by=enrolment.candidate)
    client.force_login(assessor)
    response = client.get(reverse("evidence:file_download", kwargs={"pk": item.current_version.files.get().pk}))
    if isinstance(site_storage, S3Storage):
        with urllib.request.urlopen(response["Location"], timeout=10) as fetched:  # noqa: S310 - local moto server
            served, headers = fetched.read(), fetched.headers
    else:
        served, headers = b"".join(response.streaming_content), response
    assert served == picture and generated.HTML not in served
    assert headers["Content-Type"] == "image/png" and headers["Content-Disposition"].startswith("inline;")


def test_a_stranger_gets_404_for_a_file(client, stranger_assessor, enrolment, site_storage):
    item = make_evidence(enrolment)
    client.force_login(stranger_assessor)
    response = client.get(reverse("evidence:file_download", kwargs={"pk": item.current_version.files.get().pk}))
    assert response.status_code == 404


def test_files_have_no_public_url(enrolment, site_storage):
    item = make_evidence(enrolment)
    stored = item.current_version.files.get()
    page_url = reverse("evidence:file_download", kwargs={"pk": stored.pk})
    assert stored.name not in page_url


# ---------------------------------------------------------------- pages


def test_creating_evidence_saves_a_draft(cara, enrolment):
    response = cara.post(reverse("evidence:create", kwargs={"pk": enrolment.pk}), {
        "kind": EvidenceKind.PERSONAL_STATEMENT, "title": "How I handle complaints", "date": "2026-03-01",
        "text": "I listen, I apologise, I act.",
    })
    assert response.status_code == 302
    version = enrolment.evidence_items.get().current_version
    assert (version.title, version.status) == ("How I handle complaints", VersionStatus.DRAFT)


def test_the_candidate_is_not_offered_observation_records(cara, enrolment):
    page = cara.get(reverse("evidence:create", kwargs={"pk": enrolment.pk})).content.decode()
    assert 'value="personal_statement"' in page
    assert 'value="observation"' not in page


def test_a_witness_testimony_needs_the_witness(cara, enrolment):
    response = cara.post(reverse("evidence:create", kwargs={"pk": enrolment.pk}), {
        "kind": EvidenceKind.WITNESS_TESTIMONY, "title": "Angry caller", "date": "2026-03-01", "text": "Saw it.",
    })
    assert response.status_code == 200
    assert "Give the witness&#x27;s name." in response.content.decode()
    assert not enrolment.evidence_items.exists()


def test_editing_a_submitted_version_is_refused(cara, enrolment):
    item = make_evidence(enrolment)
    services.version_submit(version=item.current_version, by=enrolment.candidate)
    response = cara.post(reverse("evidence:edit", kwargs={"pk": item.pk}),
                         {"title": "Changed", "date": "2026-03-01", "text": "x"})
    assert response.status_code == 200
    assert "can no longer be changed" in response.content.decode()
    item.current_version.refresh_from_db()
    assert item.current_version.title == "Reply to a complaint"


def test_the_mapping_page_shows_the_units_as_a_tree(cara, enrolment):
    item = make_evidence(enrolment)
    page = cara.get(reverse("evidence:mapping", kwargs={"pk": item.pk})).content.decode()
    assert page.count("<fieldset") >= 5
    assert "A1 Understand customer service</legend>" in page
    assert "Criterion 1.2 of A1" in page
    item_ids = AssessableItem.objects.filter(unit__qualification=enrolment.qualification).values_list("pk", flat=True)
    assert all(f'id="item-{pk}"' in page for pk in item_ids)


def test_mapping_is_saved_from_the_checkboxes(cara, enrolment):
    item = make_evidence(enrolment)
    chosen = AssessableItem.objects.filter(unit__qualification=enrolment.qualification, unit__code__in=["A1", "B1"])
    response = cara.post(reverse("evidence:mapping", kwargs={"pk": item.pk}), {"items": [i.pk for i in chosen]})
    assert response.status_code == 302
    assert set(Mapping.objects.values_list("assessable_item_id", flat=True)) == {i.pk for i in chosen}


def test_mapping_an_item_not_listed_keeps_the_ticks_and_says_why_on_the_field(cara, enrolment):
    item = make_evidence(enrolment)
    ticked = AssessableItem.objects.filter(unit__qualification=enrolment.qualification).first()
    response = cara.post(reverse("evidence:mapping", kwargs={"pk": item.pk}), {"items": [ticked.pk, "abc"]})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Tick only the items listed on this page" in page and 'data-testid="items-errors"' in page
    assert re.search(rf'value="{ticked.pk}" id="item-{ticked.pk}" checked', page)
    assert not Mapping.objects.exists()


def test_the_assessor_maps_submitted_evidence_from_the_page(client, assessor, enrolment):
    item = make_evidence(enrolment)
    services.version_submit(version=item.current_version, by=enrolment.candidate)
    client.force_login(assessor)
    target = AssessableItem.objects.filter(unit__qualification=enrolment.qualification).first()
    client.post(reverse("evidence:mapping", kwargs={"pk": item.pk}), {"items": [target.pk]})
    assert Mapping.objects.get().mapped_by == assessor


def test_an_old_version_stays_readable(cara, enrolment):
    item = make_evidence(enrolment)
    services.version_submit(version=item.current_version, by=enrolment.candidate)
    cara.post(reverse("evidence:revise", kwargs={"pk": item.pk}))
    cara.post(reverse("evidence:edit", kwargs={"pk": item.pk}),
              {"title": "Second attempt", "date": "2026-03-01", "text": "Better."})
    old = cara.get(reverse("evidence:version_detail", kwargs={"pk": item.pk, "number": 1})).content.decode()
    current = cara.get(reverse("evidence:detail", kwargs={"pk": item.pk})).content.decode()
    assert "Reply to a complaint" in old and "an earlier version" in old
    assert "Second attempt" in current


# ---------------------------------------------------------------- the library


def _fill(enrolment, count: int) -> None:
    items = list(AssessableItem.objects.filter(unit__qualification=enrolment.qualification))
    for number in range(count):
        item = make_evidence(enrolment, title=f"Evidence {number}", with_file=number % 3 == 0)
        services.mappings_set(version=item.current_version, by=enrolment.candidate,
                              assessable_item_ids=[items[number % len(items)].pk, items[(number + 3) % len(items)].pk])


@pytest.mark.parametrize("count", [5, 50])
def test_the_library_costs_the_same_queries_whatever_the_size(cara, enrolment, count, django_assert_num_queries):
    _fill(enrolment, count)
    url = reverse("evidence:library", kwargs={"pk": enrolment.pk})
    # session, user, roles (read once: the gate's and the navbar's admin check), enrolment (gate), the chosen units
    # (the qualification's units and their items are kept in units.cache since _fill mapped evidence to them),
    # count, the page of items, their mappings, the header's unread count
    with django_assert_num_queries(9):
        response = cara.get(url)
    assert response.status_code == 200
    assert f"{count} pieces of evidence" in response.content.decode()


def test_the_library_filters_by_unit_kind_status_and_text(cara, enrolment):
    _fill(enrolment, 6)
    statement = make_evidence(enrolment, kind=EvidenceKind.PERSONAL_STATEMENT, title="About the phone queue",
                              text="The queue was long on Monday.", with_file=False)
    services.version_submit(version=statement.current_version, by=enrolment.candidate)
    url = reverse("evidence:library", kwargs={"pk": enrolment.pk})
    unit_b3 = enrolment.qualification.units.get(code="B3")

    def titles(**query) -> set[str]:
        return {item.current_version.title for item in cara.get(url, query).context["page"].object_list}

    assert titles(kind="personal_statement") == {"About the phone queue"}
    assert titles(status="submitted") == {"About the phone queue"}
    assert titles(q="queue was long") == {"About the phone queue"}
    mapped_to_b3 = set(Mapping.objects.filter(assessable_item__unit=unit_b3).values_list("version__title", flat=True))
    assert titles(unit=unit_b3.pk) == mapped_to_b3 and mapped_to_b3
    assert titles(status="unmapped") == {"About the phone queue"}


@pytest.mark.parametrize("junk", ["99999999999999999999999999999", "-1", "abc"])
def test_the_library_ignores_an_item_filter_that_is_no_id(cara, enrolment, junk):
    _fill(enrolment, 2)
    response = cara.get(reverse("evidence:library", kwargs={"pk": enrolment.pk}), {"item": junk})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2


def test_the_library_filters_by_referred_mappings(cara, enrolment):
    _fill(enrolment, 3)
    Mapping.objects.filter(version__title="Evidence 1").update(status=MappingStatus.REFERRED)
    page = cara.get(reverse("evidence:library", kwargs={"pk": enrolment.pk}), {"status": "referred"}).context["page"]
    assert [item.current_version.title for item in page.object_list] == ["Evidence 1"]


def test_the_library_says_each_mappings_decision_in_words_not_only_a_symbol(cara, enrolment):
    _fill(enrolment, 2)
    Mapping.objects.filter(version__title="Evidence 0").update(status=MappingStatus.ACCEPTED)
    Mapping.objects.filter(version__title="Evidence 1").update(status=MappingStatus.REFERRED)
    page = cara.get(reverse("evidence:library", kwargs={"pk": enrolment.pk})).content.decode()
    # A screen reader ignores aria-label on a plain span: the words must be text (hidden visually).
    assert page.count('<span class="visually-hidden"> (accepted)</span>') == 2
    assert page.count('<span class="visually-hidden"> (referred)</span>') == 2
    assert 'data-testid="library-key"' in page


def test_the_library_is_paginated(cara, enrolment):
    _fill(enrolment, 25)
    url = reverse("evidence:library", kwargs={"pk": enrolment.pk})
    first, second = cara.get(url).context["page"], cara.get(url, {"page": 2}).context["page"]
    assert (len(first.object_list), len(second.object_list)) == (20, 5)


def test_the_library_pages_keep_the_filters_and_say_what_matches(cara, enrolment):
    _fill(enrolment, 25)
    url = reverse("evidence:library", kwargs={"pk": enrolment.pk})
    page = cara.get(url, {"q": "Evidence", "page": 2}).content.decode()
    assert "25 pieces of evidence match, page 2 of 2." in page
    assert 'aria-current="page" href="?q=Evidence&amp;page=2"' in page
    assert 'href="?q=Evidence&amp;page=1"' in page
    empty = cara.get(url, {"q": "nothing like it"}).content.decode()
    assert "No evidence matches this search." in empty
    assert f'href="{url}" data-testid="clear-filters"' in empty


def test_a_stranger_gets_404_for_the_library(client, stranger_assessor, enrolment):
    client.force_login(stranger_assessor)
    assert client.get(reverse("evidence:library", kwargs={"pk": enrolment.pk})).status_code == 404


# ---------------------------------------------------------------- the home page's evidence block


def test_the_candidates_home_shows_progress_per_unit_and_recent_activity(cara, enrolment):
    item = make_evidence(enrolment, title="Handover notes")
    covered = AssessableItem.objects.filter(unit__qualification=enrolment.qualification, unit__code="A1")[:2]
    services.mappings_set(version=item.current_version, assessable_item_ids=[i.pk for i in covered],
                          by=enrolment.candidate)
    page = cara.get(reverse("home")).content.decode()
    row = page[page.index('data-testid="unit-progress-A1"'):]
    assert "2 of 4" in row[:row.index("</tr>")]
    assert "Handover notes" in page[page.index('data-testid="recent-evidence"'):]


def test_the_mapping_page_costs_the_same_queries_whatever_the_spec(cara, enrolment, django_assert_max_num_queries):
    item = make_evidence(enrolment)
    with django_assert_max_num_queries(14):
        assert cara.get(reverse("evidence:mapping", kwargs={"pk": item.pk})).status_code == 200


def test_the_upload_script_carries_the_pages_csp_nonce(cara, draft):
    response = cara.get(reverse("evidence:detail", kwargs={"pk": draft.pk}))
    page = response.content.decode()
    nonce = re.search(r'<script src="[^"]*js/upload\.js" nonce="([^"]+)"', page).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert 'onclick' not in page and ' style="' not in page


def test_suggest_a_completion_prefers_units_that_already_have_evidence(client, candidate, enrolment) -> None:
    from units.models import Unit

    # B2 and B3 both complete the plan at 18 credits; without a preference the earlier, B2, would win.
    Unit.objects.filter(qualification=enrolment.qualification, code="B2").update(value=6)
    item = make_evidence(enrolment)
    services.mappings_set(
        version=item.current_version,
        assessable_item_ids=AssessableItem.objects.filter(unit__qualification=enrolment.qualification,
                                                          unit__code="B3").values_list("pk", flat=True),
        by=candidate,
    )
    client.force_login(candidate)
    response = client.post(reverse("candidates:unit_choice_suggest", kwargs={"pk": enrolment.pk}), {"units": []})
    assert "it adds B3." in response.content.decode()
