"""The off-the-job pages: the log with its chart and table, the forms, the plan page, the caseload flag."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.forms import ModelMultipleChoiceField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import EntryStatus, OtjEntry, OtjPlan
from apprenticeships.services import entry_query, entry_verify
from tests.apprenticeships.factories import make_entry, make_plan
from tests.assessments.factories import items_of
from tests.evidence.evidence_factories import make_evidence

pytestmark = pytest.mark.django_db

#: The log page's queries whatever the log's size (pinned: a change must be a constant one). The person's roles
#: are read once a request (the gate's and the navigation's).
LOG_QUERIES = 11


def _log(enrolment) -> str:
    return reverse("apprenticeships:otj_log", kwargs={"pk": enrolment.pk})


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _fill(enrolment, entries: int) -> None:
    evidence = make_evidence(enrolment)
    for n in range(entries):
        entry = make_entry(enrolment, minutes=30 + n, days_ago=n % 20)
        entry.items.set(items_of(enrolment, "A1")[:2])
        entry.evidence.set([evidence])
        if n % 3 == 0:
            entry_verify(entry=entry, by=enrolment.assessor)
        elif n % 3 == 1:
            entry_query(entry=entry, by=enrolment.assessor, comment="Which day?")


@pytest.mark.parametrize("who", ["candidate", "assessor"])
def test_the_log_costs_the_same_queries_for_more_entries(client, private_storage, enrolment, who) -> None:
    make_plan(enrolment)
    client.force_login(getattr(enrolment, who))
    _fill(enrolment, 2)
    small = _count(client, _log(enrolment))
    _fill(enrolment, 9)
    assert _count(client, _log(enrolment)) == small
    if who == "candidate":
        assert small == LOG_QUERIES


def test_the_chart_and_table_show_the_totals_in_words(client, enrolment) -> None:
    make_plan(enrolment, contracted="37.5")
    verified = make_entry(enrolment, minutes=150)
    entry_verify(entry=verified, by=enrolment.assessor)
    make_entry(enrolment, minutes=45)
    client.force_login(enrolment.candidate)
    page = client.get(_log(enrolment)).content.decode()
    assert 'role="img"' in page and 'aria-labelledby="otj-chart-title otj-chart-desc"' in page
    # Minimum 279.2 h (see test_services), expected by today 22.9 h, recorded 3.2 h (195 min), verified 2.5 h.
    assert "Minimum over the plan: 279.2 hours; Expected by today: 22.9 hours; Recorded: 3.2 hours; " \
           "Verified: 2.5 hours." in page
    assert '<tr data-testid="otj-row-verified"><th scope="row">Verified</th><td class="text-end">2.5</td>' in page
    assert 'data-testid="otj-behind"' in page  # 22.9 expected, 2.5 verified: more than 10.7 h short


def test_the_candidate_logs_through_the_form_and_bad_input_says_what_to_fix(client, enrolment) -> None:
    client.force_login(enrolment.candidate)
    url = reverse("apprenticeships:otj_entry_add", kwargs={"pk": enrolment.pk})
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    bad = client.post(url, {"date": str(tomorrow), "hours": "0", "minutes": "0", "activity": "taught",
                            "learned": ""})
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "Give how long the training took" in text and "Say what you learned." in text
    future = client.post(url, {"date": str(tomorrow), "hours": "1", "minutes": "0", "activity": "taught",
                               "learned": "Refunds"})
    assert "The date is in the future" in future.content.decode()
    assert not OtjEntry.objects.exists()
    item = items_of(enrolment, "A1")[0]
    good = client.post(url, {"date": str(timezone.localdate()), "hours": "1", "minutes": "30",
                             "activity": "taught", "learned": "Refunds", "items": [str(item.pk)]})
    assert good.status_code == 302
    entry = OtjEntry.objects.get()
    assert (entry.minutes, list(entry.items.all())) == (90, [item])


def test_the_assessor_verifies_and_queries_in_place_and_the_candidate_resubmits(client, enrolment) -> None:
    first, second = make_entry(enrolment), make_entry(enrolment, minutes=60)
    client.force_login(enrolment.assessor)
    kwargs = {"pk": enrolment.pk}
    client.post(reverse("apprenticeships:otj_entry_verify", kwargs={**kwargs, "entry_pk": first.pk}))
    empty = client.post(reverse("apprenticeships:otj_entry_query", kwargs={**kwargs, "entry_pk": second.pk}),
                        {"comment": ""}, follow=True)
    assert "Say what the candidate should check or correct." in empty.content.decode()
    client.post(reverse("apprenticeships:otj_entry_query", kwargs={**kwargs, "entry_pk": second.pk}),
                {"comment": "Was this in work time?"})
    assert dict(OtjEntry.objects.values_list("pk", "status")) == {
        first.pk: EntryStatus.VERIFIED, second.pk: EntryStatus.QUERIED}
    client.force_login(enrolment.candidate)
    edit = reverse("apprenticeships:otj_entry_edit", kwargs={**kwargs, "entry_pk": second.pk})
    assert "Was this in work time?" in client.get(edit).content.decode()
    client.post(edit, {"date": str(second.date), "hours": "1", "minutes": "0", "activity": "mentoring",
                       "learned": "Mentoring in paid hours, Tuesday morning"})
    second.refresh_from_db()
    assert second.status == EntryStatus.RECORDED
    verified_edit = client.get(reverse("apprenticeships:otj_entry_edit", kwargs={**kwargs, "entry_pk": first.pk}),
                               follow=True)
    assert "it can no longer be changed" in verified_edit.content.decode()


def test_the_plan_page_defaults_to_the_enrolments_dates_and_the_rule_in_force(client, enrolment) -> None:
    client.force_login(enrolment.assessor)
    url = reverse("apprenticeships:otj_plan", kwargs={"pk": enrolment.pk})
    form = client.get(url).context["form"]
    assert form.initial["planned_start"] == enrolment.start_date
    assert form.initial["rule"].code == "esfa-6-hours"
    bad = client.post(url, {"contracted_hours": "abc", "planned_start": str(enrolment.start_date),
                            "planned_end": str(enrolment.start_date), "rule": str(form.initial["rule"].pk)})
    assert bad.status_code == 200 and "Give the hours as a number" in bad.content.decode()
    client.post(url, {"contracted_hours": "20", "planned_start": str(enrolment.start_date),
                      "planned_end": str(enrolment.planned_end_date), "rule": str(form.initial["rule"].pk)})
    assert OtjPlan.objects.get(enrolment=enrolment).contracted_hours == 20
    client.force_login(enrolment.candidate)
    page = client.get(url)
    assert page.context["form"] is None and 'data-testid="otj-minimum"' in page.content.decode()


def test_the_caseload_flags_enrolments_behind_at_a_fixed_query_count(client, assessor, enrolment) -> None:
    client.force_login(assessor)
    before = _count(client, "/caseload/")
    assert 'data-testid="otj-behind"' not in client.get("/caseload/").content.decode()
    make_plan(enrolment)  # 30 days in, nothing verified: 22.9 h short
    page = client.get("/caseload/").content.decode()
    assert 'data-testid="otj-behind"' in page and "Behind on off-the-job hours" in page
    assert _count(client, "/caseload/") == before
    entry = make_entry(enrolment, minutes=20 * 60 + 0, days_ago=2)
    entry_verify(entry=entry, by=assessor)
    assert 'data-testid="otj-behind"' not in client.get("/caseload/").content.decode()


def test_the_entry_form_offers_the_items_of_the_chosen_units_once_chosen(enrolment) -> None:
    from apprenticeships.forms import EntryForm
    from candidates.models import UnitChoice
    from tests.assessments.factories import unit_of

    def offered() -> list:
        field = EntryForm(enrolment=enrolment).fields["items"]
        assert isinstance(field, ModelMultipleChoiceField)
        return list(field.queryset or [])

    every = offered()
    assert {item.unit.code for item in every} == {"A1", "A2", "B1", "B2", "B3"}
    UnitChoice.objects.create(enrolment=enrolment, unit=unit_of(enrolment, "A1"))
    chosen = offered()
    assert {item.unit.code for item in chosen} == {"A1"}


#: The plan page's queries (pinned): one more before a plan is set, to find the rule in force on the start date.
PLAN_QUERIES = 8  # the person's roles read once a request


def test_the_plan_page_costs_a_fixed_number_of_queries(client, enrolment) -> None:
    client.force_login(enrolment.assessor)
    url = reverse("apprenticeships:otj_plan", kwargs={"pk": enrolment.pk})
    assert _count(client, url) == PLAN_QUERIES + 1
    make_plan(enrolment)
    assert _count(client, url) == PLAN_QUERIES


def test_what_the_apprentice_learned_is_shown_as_written_with_its_language(client, enrolment) -> None:
    enrolment.candidate.language = "pl"
    enrolment.candidate.save(update_fields=["language"])
    client.force_login(enrolment.candidate)
    url = reverse("apprenticeships:otj_entry_add", kwargs={"pk": enrolment.pk})
    answer = client.post(url, {"date": str(timezone.localdate()), "hours": "1", "minutes": "0",
                               "activity": "taught", "learned": "Obsługa zwrotów"})
    assert answer.status_code == 302
    entry = OtjEntry.objects.get()
    assert entry.language == "pl"
    enrolment.candidate.language = "en-gb"
    enrolment.candidate.save(update_fields=["language"])
    page = client.get(_log(enrolment)).content.decode()
    assert '<html lang="en-gb"' in page
    assert '<p class="mb-1 text-break" lang="pl">Obsługa zwrotów</p>' in page
