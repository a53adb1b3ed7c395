"""Moving an enrolment to a new version of its qualification: what is carried over, what is not, and the summary.

Version 2 of the tiny spec rewords A2's criterion 1.1, drops unit B1, raises B2's credits and adds B4;
A1 and B3 are unchanged.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from assessments import services
from assessments.models import ItemSignOff, LearnerDeclaration, UnitSignOff
from audit.models import AuditRecord
from candidates.models import Enrolment, EnrolmentStatus, SelfAssessment, UnitChoice
from evidence.models import Mapping
from tests.assessments.factories import items_of, mapping_of, signed_unit, submitted_evidence
from units.models import AssessableItem, Qualification, Unit


@pytest.fixture
def version_2(make_qualification) -> Qualification:
    target = make_qualification(version="2", version_order=2)
    AssessableItem.objects.filter(unit__qualification=target, unit__code="A2", code="1.1").update(
        text="Criterion 1.1 of A2, reworded")
    Unit.objects.filter(qualification=target, code="B1").delete()
    Unit.objects.filter(qualification=target, code="B2").update(value=8)
    b4 = Unit.objects.create(qualification=target, group=Unit.objects.get(qualification=target, code="B3").group,
                             code="B4", title="Lead a team", level=3, value=6, order=9)
    AssessableItem.objects.create(unit=b4, code="B4", text="Lead a team", order=1)
    return target


@pytest.fixture
def worked(enrolment, assessor, iqa) -> Enrolment:
    """Units A1, A2, B1, B3 chosen; A1 and B3 signed off (B3 sampled and countersigned); claims on A2 and B1."""
    for code in ("A1", "A2", "B1", "B3"):
        UnitChoice.objects.create(enrolment=enrolment, unit=Unit.objects.get(qualification=enrolment.qualification,
                                                                               code=code))
    SelfAssessment.objects.create(enrolment=enrolment, unit=Unit.objects.get(qualification=enrolment.qualification,
                                                                               code="B1"), coverage="fully")
    signed_unit(enrolment, "A1", assessor=assessor)
    b3 = signed_unit(enrolment, "B3", assessor=assessor)
    services.unit_sample(unit_sign_off=b3, by=iqa)
    services.countersign(unit_sign_off=b3, by=iqa, comment="Sound.")
    a2 = items_of(enrolment, "A2")  # 1.1 (reworded in v2), 1.2, 2.1, 2.2
    accepted = submitted_evidence(enrolment, [a2[1]], title="Accepted on A2 1.2")
    services.mapping_accept(mapping=mapping_of(accepted, a2[1]), by=assessor)
    judged = submitted_evidence(enrolment, [a2[0]], title="Referred on A2 1.1")
    services.mapping_refer(mapping=mapping_of(judged, a2[0]), by=assessor, feedback="Say more.")
    submitted_evidence(enrolment, [a2[2]], title="Waiting on A2 2.1")
    submitted_evidence(enrolment, [items_of(enrolment, "B1")[0]], title="Waiting on B1 1")
    return enrolment


def test_the_plan_says_in_words_what_changes_for_the_candidate(worked, version_2) -> None:
    plan = services.move_plan(enrolment=worked, target=version_2)
    summary = "\n".join(plan.summary())
    assert "2 of the 4 chosen units are the same in the new version." in summary
    assert "Unit B1 Communicate with customers is not in the new version: it is dropped from the choice." in summary
    assert "Unit A2 Follow the rules of customer service changed: criterion 1.1 is reworded." in summary
    assert "Signed-off units that stay signed off: A1, B3." in summary
    assert "New in this version and open to choose: B4." in summary
    assert "5 signed-off criteria are unchanged and stay signed off." in summary  # A1's four and B3's one
    assert "1 claim was judged against wording that changed or went" in summary
    assert "1 claim not yet judged is on a criterion the new version removes" in summary
    assert plan.claims_kept == 2 + 4 + 1  # A2 1.2 accepted, A2 2.1 waiting, A1's four, B3's one
    assert plan.valid_before and plan.valid_after
    assert "meet the new version's rules of combination" in summary
    assert worked.qualification.version == "1" and not ItemSignOff.objects.filter(carried_from__isnull=False)


def test_moving_carries_choices_claims_and_sign_offs_of_what_is_unchanged(worked, version_2, centre_admin) -> None:
    old_unit_sign_offs = set(UnitSignOff.objects.values_list("pk", flat=True))
    services.enrolment_move(enrolment=worked, target=version_2, by=centre_admin)
    worked.refresh_from_db()
    assert worked.qualification == version_2
    chosen = UnitChoice.objects.filter(enrolment=worked).values_list("unit__code", flat=True)
    assert sorted(chosen) == ["A1", "A2", "B3"]
    assert set(UnitChoice.objects.values_list("unit__qualification", flat=True)) == {version_2.pk}
    assert not SelfAssessment.objects.exists()  # B1's, dropped with the unit
    on_v2 = Mapping.objects.filter(assessable_item__unit__qualification=version_2)
    assert sorted((m.assessable_item.unit.code, m.assessable_item.code, m.status) for m in on_v2) == sorted([
        *[("A1", code, "accepted") for code in ("1.1", "1.2", "2.1", "2.2")], ("B3", "B3", "accepted"),
        ("A2", "1.2", "accepted"), ("A2", "2.1", "claimed"),
    ])
    left = Mapping.objects.exclude(assessable_item__unit__qualification=version_2)
    assert [(m.assessable_item.unit.code, m.assessable_item.code, m.status) for m in left] == [
        ("A2", "1.1", "referred")]
    carried = ItemSignOff.objects.filter(enrolment=worked, carried_from__isnull=False)
    assert sorted(str(s.assessable_item) for s in carried) == ["A1 1.1", "A1 1.2", "A1 2.1", "A1 2.2", "B3 B3"]
    for sign_off in carried:
        original = sign_off.carried_from
        assert original is not None
        assert (sign_off.by, sign_off.at) == (original.by, original.at)
        assert sign_off.evidence.count() == original.evidence.count() > 0
    new_units = UnitSignOff.objects.exclude(pk__in=old_unit_sign_offs)
    assert sorted(u.unit.code for u in new_units) == ["A1", "B3"]
    for new_unit in new_units:
        assert new_unit.carried_from is not None and new_unit.carried_from.unit.code == new_unit.unit.code
        assert new_unit.unit.qualification == version_2
    b3 = new_units.get(unit__code="B3")
    assert b3.countersignature.comment == "Sound." and b3.sample is not None
    assert LearnerDeclaration.objects.filter(unit__qualification=version_2).count() == 2
    from assessments import reads
    assert reads.eligibility_of(worked).full is False  # A2 is not signed off yet, on either version
    record = AuditRecord.objects.get(action="enrolment moved")
    assert record.before == {"qualification": "tiny", "version": "1"}
    after = record.after or {}
    assert after["version"] == "2" and after["carried"]["units"] == ["A1", "B3"]


def test_the_candidate_is_emailed_the_summary(worked, version_2, centre_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_move(enrolment=worked, target=version_2, by=centre_admin)
    [message] = [m for m in mail.outbox if worked.candidate.email in m.to and "version 2" in m.subject]
    assert "is not in the new version: it is dropped from the choice" in message.body
    assert f"/enrolments/{worked.pk}/units/" in message.body


def test_a_move_is_refused_onto_a_retired_version_the_same_one_or_for_a_frozen_enrolment(
    enrolment, version_2, centre_admin
) -> None:
    with pytest.raises(ValidationError, match="already on version 1"):
        services.enrolment_move(enrolment=enrolment, target=enrolment.qualification, by=centre_admin)
    Qualification.objects.filter(pk=version_2.pk).update(retired=True)
    version_2.refresh_from_db()
    with pytest.raises(ValidationError, match="Version 2 is retired"):
        services.enrolment_move(enrolment=enrolment, target=version_2, by=centre_admin)
    Qualification.objects.filter(pk=version_2.pk).update(retired=False)
    version_2.refresh_from_db()
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.WITHDRAWN)
    enrolment.refresh_from_db()
    with pytest.raises(ValidationError, match="This enrolment is withdrawn"):
        services.enrolment_move(enrolment=enrolment, target=version_2, by=centre_admin)
    enrolment.refresh_from_db()
    assert enrolment.qualification.version == "1" and not AuditRecord.objects.filter(action="enrolment moved")


def test_another_qualification_is_refused(enrolment, make_qualification, centre_admin) -> None:
    other = make_qualification(code="other", version="2", version_order=2)
    with pytest.raises(ValidationError, match="belongs to another qualification"):
        services.enrolment_move(enrolment=enrolment, target=other, by=centre_admin)


def test_the_page_shows_the_summary_then_moves(client, worked, version_2, centre_admin) -> None:
    client.force_login(centre_admin)
    url = reverse("assessments:enrolment_move", kwargs={"pk": worked.pk})
    page = client.get(url)
    assert page.status_code == 200 and "See what changes" in page.content.decode()
    page = client.get(url, {"target": version_2.pk})
    assert "Unit B1 Communicate with customers is not in the new version" in page.content.decode()
    worked.refresh_from_db()
    assert worked.qualification.version == "1"
    response = client.post(url, {"target": version_2.pk})
    assert response.status_code == 302
    worked.refresh_from_db()
    assert worked.qualification == version_2


def test_the_page_refuses_a_version_not_offered(client, enrolment, make_qualification, centre_admin) -> None:
    retired = make_qualification(version="3", version_order=3)
    Qualification.objects.filter(pk=retired.pk).update(retired=True)
    client.force_login(centre_admin)
    url = reverse("assessments:enrolment_move", kwargs={"pk": enrolment.pk})
    page = client.post(url, {"target": retired.pk})
    assert page.status_code == 200
    assert "There is no other version of this qualification open for enrolment" in page.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.qualification.version == "1"


def test_the_page_refuses_a_junk_or_unoffered_target(client, enrolment, version_2, make_qualification,
                                                     centre_admin) -> None:
    other = make_qualification(code="other")
    client.force_login(centre_admin)
    url = reverse("assessments:enrolment_move", kwargs={"pk": enrolment.pk})
    for junk in ("x", other.pk, 10**12):
        page = client.post(url, {"target": junk})
        assert "Choose one of the versions listed" in page.content.decode() or "Select a valid choice" in \
            page.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.qualification.version == "1"


@pytest.mark.parametrize("who", ["assessor", "iqa", "candidate", "eqa"])
def test_only_centre_admins_move(client, enrolment, version_2, who, request) -> None:
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("assessments:enrolment_move", kwargs={"pk": enrolment.pk}),
                           {"target": version_2.pk})
    assert response.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.qualification.version == "1"


def test_every_page_of_the_moved_portfolio_opens(client, worked, version_2, centre_admin, assessor) -> None:
    services.enrolment_move(enrolment=worked, target=version_2, by=centre_admin)
    pages = ["assessments:progress", "assessments:matrix", "assessments:history", "evidence:library",
             "candidates:unit_choice", "exports:export_list", "candidates:self_assessment"]
    for person in (worked.candidate, assessor):
        client.force_login(person)
        for name in pages:
            response = client.get(reverse(name, kwargs={"pk": worked.pk}))
            assert response.status_code == 200, (person, name)
    client.force_login(assessor)
    progress = client.get(reverse("assessments:progress", kwargs={"pk": worked.pk})).content.decode()
    assert "Understand customer service" in progress and "Communicate with customers" not in progress


def test_the_history_says_the_move_in_words(client, worked, version_2, centre_admin) -> None:
    services.enrolment_move(enrolment=worked, target=version_2, by=centre_admin)
    client.force_login(centre_admin)
    page = client.get(reverse("assessments:history", kwargs={"pk": worked.pk})).content.decode()
    assert "moved the enrolment from version 1 to version 2 of the qualification" in page


def test_the_progress_page_says_which_sign_offs_were_carried_over(client, worked, version_2, centre_admin,
                                                                  assessor) -> None:
    client.force_login(assessor)
    url = reverse("assessments:progress", kwargs={"pk": worked.pk})
    assert "carried over from the earlier version" not in client.get(url).content.decode()
    services.enrolment_move(enrolment=worked, target=version_2, by=centre_admin)
    page = client.get(url).content.decode()
    assert page.count('data-testid="carried-unit"') == 2  # A1 and B3
    assert page.count('data-testid="carried-item"') == 5  # A1's four criteria and B3's one item


def test_the_plan_compares_the_specs_own_wording_not_the_readers_translation(worked, version_2) -> None:
    """A2 1.1 is reworded in English with the same Polish; A2 1.2 has only its Polish corrected."""
    for qualification in (worked.qualification, version_2):
        AssessableItem.objects.filter(unit__qualification=qualification, unit__code="A2", code="1.1").update(
            text_pl="Kryterium 1.1")
    AssessableItem.objects.filter(unit__qualification=version_2, unit__code="A2", code="1.2").update(
        text_pl="Kryterium 1.2, poprawione")
    with translation.override("pl"):  # a Polish reader's plan, read in Polish
        plan = services.move_plan(enrolment=worked, target=version_2)
        summary = "\n".join(plan.summary())
    changed = [line for line in summary.splitlines() if "A2" in line and "1.1" in line]
    assert len(changed) == 1, summary
    assert "1.2" not in summary
