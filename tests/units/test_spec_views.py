"""The spec editors' pages: who may use them, problems shown, the preview, publish / discard, retire, delete."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django import forms
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditRecord as Entry
from candidates.forms.enrolment import EnrolmentForm
from candidates.models import Enrolment, User
from units.models import Qualification

from .small_spec import small_spec

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def upload(client, content: bytes, name: str = "mini.json"):
    return client.post(reverse("units:spec_upload"), {"file": SimpleUploadedFile(name, content, "application/json")})


@pytest.fixture
def admin_client(client, platform_admin):
    client.force_login(platform_admin)
    return client


def test_signed_in_people_without_the_permission_get_403_and_the_anonymous_sign_in(client, centre_admin) -> None:
    url = reverse("units:spec_list")
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(centre_admin)
    assert client.get(url).status_code == 403
    assert upload(client, small_spec()).status_code == 403
    assert not Qualification.objects.filter(code="mini-cs").exists()


def test_the_spec_editor_permission_opens_the_area(client, centre_admin) -> None:
    centre_admin.user_permissions.add(Permission.objects.get(codename="edit_specs", content_type__app_label="units"))
    editor = User.objects.get(pk=centre_admin.pk)  # a fresh object: permissions are cached on the instance
    client.force_login(editor)
    assert client.get(reverse("units:spec_list")).status_code == 200
    assert upload(client, small_spec()).status_code == 200


def test_problems_are_listed_one_a_line_with_the_form_again(admin_client) -> None:
    response = upload(admin_client, b'[{"model": "units.qualification", "fields": {"code": "x"}}]', "bad.json")
    assert response.status_code == 400
    problems = re.findall(r"<li>(.*?)</li>", response.content.decode().split('data-testid="spec-problems"')[1]
                          .split("</div>")[0], re.S)
    assert problems and all(unescape(p).startswith("bad.json: ") for p in problems), problems
    assert 'type="file"' in response.content.decode()
    assert not Qualification.objects.filter(code="x").exists()


def test_junk_and_oversized_files_are_refused_in_words(admin_client) -> None:
    assert upload(admin_client, b"\x00\xff junk").status_code == 400
    response = upload(admin_client, b" " * (2 * 1024 * 1024 + 1))
    assert response.status_code == 400
    assert "larger than 2 MB" in text_of(response)


def test_the_preview_shows_the_spec_the_smallest_plan_and_every_rule_and_writes_nothing(admin_client) -> None:
    response = upload(admin_client, small_spec())
    assert response.status_code == 200
    text = text_of(response)
    assert "Preview: Mini Certificate in Customer Service" in text
    assert "A new version" in text
    for shown in ("Mandatory units", "Optional units", "M1 Greet customers", "O2 Take payments"):
        assert shown in text, shown
    assert "Smallest valid plan: M1, O1 (total 10)." in text
    assert "Met: Mandatory unit M1 chosen" in text
    assert "Met: 10 credits in total" in text
    assert "Rule total: At least 10 credits in total." in text
    assert not Qualification.objects.filter(code="mini-cs").exists()


def test_the_preview_lists_the_changes_against_the_version_it_replaces(admin_client) -> None:
    publish(admin_client, small_spec())
    text = text_of(upload(admin_client, small_spec(extra_unit=True)))
    assert "Changes against the loaded version" in text
    assert "added unit O3" in text


def test_a_spec_nobody_can_complete_is_refused_with_the_reason(admin_client) -> None:
    response = upload(admin_client, small_spec(minimum=100))
    assert response.status_code == 400
    assert "no combination of units satisfies the rules" in text_of(response)


def publish(client, content: bytes):
    preview = upload(client, content)
    found = re.search(r'name="digest" value="([0-9a-f]+)"', preview.content.decode())
    assert found is not None, "no publish form on the preview"
    digest = found.group(1)
    return client.post(reverse("units:spec_publish"), {"digest": digest})


def test_publish_writes_the_version_audited_and_shows_its_catalogue_page(admin_client, platform_admin) -> None:
    response = publish(admin_client, small_spec())
    assert response["Location"] == reverse("units:qualification_detail", kwargs={"code": "mini-cs", "version": "1"})
    qualification = Qualification.objects.get(code="mini-cs", version="1")
    assert qualification.units.count() == 3
    assert Entry.objects.filter(action="spec published", actor_id=platform_admin.pk).exists()
    assert admin_client.get(response["Location"]).status_code == 200
    # The file was used up: publishing the same page again publishes nothing more.
    again = admin_client.post(reverse("units:spec_publish"), {"digest": "0" * 64})
    assert again["Location"] == reverse("units:spec_upload")


def test_publish_needs_the_digest_the_preview_showed(admin_client) -> None:
    upload(admin_client, small_spec())
    response = admin_client.post(reverse("units:spec_publish"), {"digest": "f" * 64})
    assert response["Location"] == reverse("units:spec_upload")
    assert not Qualification.objects.filter(code="mini-cs").exists()


def test_discard_writes_nothing(admin_client) -> None:
    upload(admin_client, small_spec())
    assert admin_client.post(reverse("units:spec_discard")).status_code == 302
    assert not Qualification.objects.filter(code="mini-cs").exists()
    assert not Entry.objects.filter(action="spec published").exists()
    assert admin_client.post(reverse("units:spec_publish"), {"digest": "x"})["Location"] == reverse("units:spec_upload")


def enrolment_choices(centre) -> list[Qualification]:
    field = EnrolmentForm(centre=centre).fields["qualification"]
    assert isinstance(field, forms.ModelChoiceField) and field.queryset is not None
    return list(field.queryset)


def test_retire_hides_the_version_from_the_enrolment_form_and_reopen_brings_it_back(
    admin_client, qualification, centre,
) -> None:
    kwargs = {"code": qualification.code, "version": qualification.version}
    assert qualification in enrolment_choices(centre)
    assert "no longer be able to enrol" in text_of(admin_client.get(reverse("units:spec_retire", kwargs=kwargs)))
    assert admin_client.post(reverse("units:spec_retire", kwargs=kwargs)).status_code == 302
    assert qualification not in Qualification.objects.open_for_enrolment()
    assert qualification not in enrolment_choices(centre)
    assert "Retired: no new enrolments" in text_of(admin_client.get(reverse("units:spec_list")))
    admin_client.post(reverse("units:spec_reopen", kwargs=kwargs))
    assert qualification in enrolment_choices(centre)


def test_delete_is_refused_with_enrolments_and_done_without(admin_client, enrolment, make_qualification) -> None:
    enrolled = enrolment.qualification
    kwargs = {"code": enrolled.code, "version": enrolled.version}
    assert "cannot be deleted" in text_of(admin_client.get(reverse("units:spec_delete", kwargs=kwargs)))
    response = admin_client.post(reverse("units:spec_delete", kwargs=kwargs))
    assert response.status_code == 400 and "retire it instead" in text_of(response)
    assert Qualification.objects.filter(pk=enrolled.pk).exists()
    spare = make_qualification("spare")
    response = admin_client.post(reverse("units:spec_delete", kwargs={"code": "spare", "version": "1"}))
    assert response.status_code == 302
    assert not Qualification.objects.filter(pk=spare.pk).exists()


def test_the_list_counts_enrolments_and_offers_delete_only_without_them(admin_client, enrolment, make_qualification):
    make_qualification("spare")
    text = admin_client.get(reverse("units:spec_list")).content.decode()
    assert reverse("units:spec_delete", kwargs={"code": "spare", "version": "1"}) in text
    q = enrolment.qualification
    assert reverse("units:spec_delete", kwargs={"code": q.code, "version": q.version}) not in text


def test_an_enrolment_made_on_a_published_spec_survives_retirement(admin_client, candidate, centre, assessor) -> None:
    publish(admin_client, small_spec())
    qualification = Qualification.objects.get(code="mini-cs")
    today = timezone.localdate()
    Enrolment.objects.create(candidate=candidate, centre=centre, qualification=qualification, assessor=assessor,
                             start_date=today, planned_end_date=today + datetime.timedelta(days=300))
    admin_client.post(reverse("units:spec_retire", kwargs={"code": "mini-cs", "version": "1"}))
    assert Enrolment.objects.filter(qualification=qualification).count() == 1
