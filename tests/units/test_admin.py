"""The catalogue admin: every staff user views it, only platform admins (superusers) edit it."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from units.models import (
    AssessableItem,
    Criterion,
    Duty,
    GatewayRequirement,
    Group,
    Outcome,
    Pathway,
    Qualification,
    Rule,
    Unit,
)

pytestmark = pytest.mark.django_db

CATALOGUE_MODELS = [Qualification, Pathway, Group, Unit, Outcome, Criterion, AssessableItem, Rule, Duty,
                    GatewayRequirement]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:units_{model._meta.model_name}_{view}", args=args)


def model_admins():
    return [admin.site._registry[model] for model in CATALOGUE_MODELS]


def inline_admins(model_admin):
    return [inline(model_admin.model, admin.site) for inline in model_admin.inlines]


def request_for(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_the_whole_catalogue_is_registered() -> None:
    assert all(model in admin.site._registry for model in CATALOGUE_MODELS)
    inlines = {inline.model for model_admin in model_admins() for inline in model_admin.inlines}
    assert inlines == {Group, Unit, Pathway, Rule, Outcome, AssessableItem, Criterion}


def test_staff_view_everything_but_change_nothing(staff_viewer, all_specs) -> None:
    request = request_for(staff_viewer)
    qualification = Qualification.objects.get(code="ocr-l3-customer-service")
    for model_admin in model_admins():
        obj = model_admin.model.objects.first()
        for target in (None, obj):
            assert model_admin.has_view_permission(request, target), model_admin
            assert not model_admin.has_change_permission(request, target), model_admin
            assert not model_admin.has_delete_permission(request, target), model_admin
        assert model_admin.has_module_permission(request)
        assert not model_admin.has_add_permission(request)
        for inline in inline_admins(model_admin):
            assert inline.has_view_permission(request, qualification)
            assert not inline.has_add_permission(request, qualification)
            assert not inline.has_change_permission(request, qualification)
            assert not inline.has_delete_permission(request, qualification)


def test_superusers_may_do_everything(superuser, all_specs) -> None:
    request = request_for(superuser)
    for model_admin in model_admins():
        obj = model_admin.model.objects.first()
        assert model_admin.has_view_permission(request, obj)
        assert model_admin.has_add_permission(request)
        assert model_admin.has_change_permission(request, obj)
        assert model_admin.has_delete_permission(request, obj)
        for inline in inline_admins(model_admin):
            assert inline.has_add_permission(request, None)
            assert inline.has_change_permission(request, None)


def test_inactive_staff_and_non_staff_see_nothing(make_user, reader) -> None:
    inactive = make_user("gone@example.org", is_staff=True, is_active=False)
    for user in (inactive, reader):
        request = request_for(user)
        for model_admin in model_admins():
            assert not model_admin.has_view_permission(request)
            assert not model_admin.has_module_permission(request)
            assert not model_admin.has_change_permission(request)


def test_non_staff_are_sent_to_the_admin_sign_in(client, reader) -> None:
    client.force_login(reader)
    response = client.get(admin_url(Qualification, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_browse_the_catalogue_read_only(client, staff_viewer, all_specs) -> None:
    Pathway.objects.create(qualification=Qualification.objects.get(code="sfia-csmg"), name="Service desk")
    Duty.objects.create(qualification=Qualification.objects.get(kind="standard", level=2), code="D1", title="Serve")
    client.force_login(staff_viewer)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert admin_url(Qualification, "changelist") in index.content.decode()

    for model in CATALOGUE_MODELS:
        assert client.get(admin_url(model, "changelist")).status_code == 200, model
        obj = model.objects.first()
        page = client.get(admin_url(model, "change", obj.pk))
        assert page.status_code == 200, model
        assert 'name="_save"' not in page.content.decode(), model

    qualification = Qualification.objects.get(code="cs-standards-l3")
    page = client.get(admin_url(Qualification, "change", qualification.pk))
    html = page.content.decode()
    assert "Organise, deliver and maintain reliable customer service" in html  # the unit inline
    assert "one-optional-unit" in html  # the rule inline

    assert client.get(admin_url(Qualification, "add")).status_code == 403
    assert client.post(admin_url(Qualification, "change", qualification.pk), {"title": "Changed"}).status_code == 403
    unit = Unit.objects.get(qualification=qualification, code="1")
    assert client.post(admin_url(Unit, "delete", unit.pk), {"post": "yes"}).status_code == 403
    qualification.refresh_from_db()
    assert qualification.title == "Customer Service National Standards, Level 3"
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_changelists_search_and_filter(client, staff_viewer, all_specs) -> None:
    client.force_login(staff_viewer)
    response = client.get(admin_url(Unit, "changelist"), {"q": "A13"})
    units = list(response.context["cl"].result_list)
    assert [u.code for u in units] == ["A13"]

    ocr = Qualification.objects.get(code="ocr-l3-customer-service")
    response = client.get(admin_url(Unit, "changelist"), {"qualification__id__exact": ocr.pk, "level": 2})
    assert sorted(u.code for u in response.context["cl"].result_list) == ["A3", "D6"]

    response = client.get(admin_url(Criterion, "changelist"), {"kind__exact": "knowledge"})
    # 9 in the business admin spec, and the practitioner standard's 7 knowledge KSBs.
    assert response.context["cl"].result_count == 9 + 7

    response = client.get(admin_url(Qualification, "changelist"), {"kind__exact": "framework"})
    assert [q.code for q in response.context["cl"].result_list] == ["sfia-csmg"]

    response = client.get(admin_url(Rule, "changelist"), {"q": "restricted"})
    assert [r.identifier for r in response.context["cl"].result_list] == ["restricted-at-most-2"]


def form_data(response) -> dict:
    """The POST data of an admin change form as rendered: the main form, every inline and its management form."""
    data: dict = {}

    def add(form) -> None:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def test_superusers_edit_a_spec_with_its_inlines(client, superuser, all_specs) -> None:
    client.force_login(superuser)
    qualification = Qualification.objects.get(code="ocr-l3-customer-service")
    url = admin_url(Qualification, "change", qualification.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' in page.content.decode()
    rules_before = {
        r.identifier: (sorted(r.groups.values_list("code", flat=True)), sorted(r.units.values_list("code", flat=True)))
        for r in qualification.rules.all()
    }

    data = form_data(page)
    data["title"] = "OCR Level 3 NVQ Diploma in Customer Service (edited)"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    qualification.refresh_from_db()
    assert qualification.title.endswith("(edited)")
    assert qualification.units.count() == 7
    assert {
        r.identifier: (sorted(r.groups.values_list("code", flat=True)), sorted(r.units.values_list("code", flat=True)))
        for r in qualification.rules.all()
    } == rules_before


def test_inline_choices_stay_inside_the_qualification(client, superuser, all_specs) -> None:
    client.force_login(superuser)
    qualification = Qualification.objects.get(code="cs-standards-l3")
    page = client.get(admin_url(Qualification, "change", qualification.pk))
    for inline in page.context["inline_admin_formsets"]:
        form = inline.formset.forms[0] if inline.formset.forms else inline.formset.empty_form
        for name in ("group", "parent", "groups", "units", "pathway"):
            if name in form.fields:
                assert {row.qualification_id for row in form.fields[name].queryset} <= {qualification.pk}, name


def test_superusers_edit_and_delete_rows(client, superuser, all_specs) -> None:
    client.force_login(superuser)
    group = Group.objects.get(qualification__code="contact-centre-operations", code="restricted")
    response = client.post(
        admin_url(Group, "change", group.pk),
        {"qualification": group.qualification_id, "code": "restricted", "title": "Restricted IT units",
         "parent": "", "description": group.description, "order": group.order},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.title == "Restricted IT units"

    other = Group.objects.get(qualification__code="ocr-l3-customer-service", code="B")
    response = client.post(
        admin_url(Group, "change", group.pk),
        {"qualification": group.qualification_id, "code": "restricted", "title": "x", "parent": other.pk,
         "description": "", "order": 2},
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors

    criterion = Criterion.objects.get(outcome__unit__qualification__code=(
        "nvq-business-admin-internal-customer-service"), code="6.3")
    response = client.post(admin_url(Criterion, "delete", criterion.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Criterion.objects.filter(pk=criterion.pk).exists()
    assert not AssessableItem.objects.filter(code="6.3", unit__code="ICS").exists()  # its item went with it


def test_a_centre_admin_reads_the_catalogue_in_the_admin_but_changes_nothing(client, centre_admin, all_specs) -> None:
    assert not centre_admin.is_staff
    client.force_login(centre_admin)
    qualification = Qualification.objects.get(code="ocr-l3-customer-service")
    assert client.get("/admin/").status_code == 200
    assert client.get(admin_url(Qualification, "changelist")).status_code == 200
    page = client.get(admin_url(Qualification, "change", qualification.pk))
    assert page.status_code == 200 and "F3" in page.content.decode()
    assert client.get(admin_url(Qualification, "add")).status_code == 403
    assert client.post(admin_url(Qualification, "delete", qualification.pk), {"post": "yes"}).status_code == 403
    assert Qualification.objects.filter(pk=qualification.pk).exists()


def test_a_centre_admin_sees_no_other_app_in_the_admin(client, centre_admin) -> None:
    client.force_login(centre_admin)
    assert client.get("/admin/candidates/user/").status_code == 403
    assert client.get("/admin/audit/auditrecord/").status_code == 403


def grow(qualification: Qualification, extra: int) -> None:
    """`extra` more sub-groups and rules, each rule over a group and a unit in a pathway."""
    group_a = qualification.groups.get(code="A")
    pathway = qualification.pathways.first()
    unit = qualification.units.first()
    for n in range(extra):
        group = Group.objects.create(qualification=qualification, code=f"S{n}", title=f"Sub-group {n}", parent=group_a)
        rule = Rule.objects.create(qualification=qualification, pathway=pathway, identifier=f"extra-{n}",
                                   kind="total", minimum=1, message=f"Extra rule {n}.", order=20 + n)
        rule.groups.set([group])
        rule.units.set([unit])


@pytest.mark.parametrize("who", ["superuser", "staff_viewer"])
def test_the_qualification_admin_page_costs_the_same_whatever_the_size(client, make_spec, request, who) -> None:
    client.force_login(request.getfixturevalue(who))
    specs = []
    for size, extra in ((3, 0), (14, 6)):
        specs.append((size, make_spec(f"size-{size}", size=size)))
        grow(specs[-1][1], extra)
    client.get(admin_url(Qualification, "change", specs[0][1].pk))  # warm: the first request reads a few caches
    counts = []
    for size, qualification in specs:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(admin_url(Qualification, "change", qualification.pk))
        assert response.status_code == 200
        assert f"Synthetic unit {size}" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
