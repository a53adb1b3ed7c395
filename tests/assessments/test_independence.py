"""Independent decisions: nobody judges their own enrolment, no IQA reviews their own sign-off.

The gate answers 403 (tests/candidates/test_access.py, tests/test_permission_walk.py); the services
refuse the same acts again, for any caller that does not pass through a view.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services
from assessments.models import Decision, ItemSignOff, UnitSample, UnitSignOff
from candidates.models import Enrolment
from evidence.models import MappingStatus
from tests.assessments.factories import items_of, mapping_of, signed_unit, submitted_evidence, unit_of
from tests.candidates.factories import enrol_staff_member

pytestmark = pytest.mark.django_db

OWN_PORTFOLIO = "This is your own portfolio"


@pytest.fixture
def admins_enrolment(centre, qualification, assessor, iqa, centre_admin) -> Enrolment:
    """Ada, the centre admin, enrolled at her own centre: Ash assesses her, Ivy quality-assures."""
    return enrol_staff_member(centre_admin, centre=centre, qualification=qualification, assessor=assessor, iqa=iqa,
                              by=centre_admin)


# --- the services refuse the candidate's own judging ------------------------------------------------------


def test_the_candidate_may_not_accept_or_refer_their_own_evidence(admins_enrolment, centre_admin) -> None:
    item = items_of(admins_enrolment, "B3")[0]
    evidence = submitted_evidence(admins_enrolment, [item])
    with pytest.raises(ValidationError, match=OWN_PORTFOLIO):
        services.mapping_accept(mapping=mapping_of(evidence, item), by=centre_admin)
    with pytest.raises(ValidationError, match=OWN_PORTFOLIO):
        services.mapping_refer(mapping=mapping_of(evidence, item), by=centre_admin, feedback="Fine really.")
    assert mapping_of(evidence, item).status == MappingStatus.CLAIMED
    assert not Decision.objects.exists()


def test_the_candidate_may_not_map_or_unmap_submitted_evidence_as_an_assessor(admins_enrolment, centre_admin) -> None:
    a1, a2 = items_of(admins_enrolment, "A1")[:2]
    evidence = submitted_evidence(admins_enrolment, [a1])
    version = evidence.current_version
    assert version is not None
    with pytest.raises(ValidationError, match=OWN_PORTFOLIO):
        services.mapping_add(version=version, assessable_item=a2, by=centre_admin)
    with pytest.raises(ValidationError, match=OWN_PORTFOLIO):
        services.mapping_remove(mapping=mapping_of(evidence, a1), by=centre_admin)
    assert list(version.mappings.values_list("assessable_item", flat=True)) == [a1.pk]


def test_the_candidate_may_not_sign_their_own_items_or_units_off(admins_enrolment, assessor, centre_admin) -> None:
    unit, (item,) = unit_of(admins_enrolment, "B3"), items_of(admins_enrolment, "B3")
    evidence = submitted_evidence(admins_enrolment, [item])
    services.mapping_accept(mapping=mapping_of(evidence, item), by=assessor)
    with pytest.raises(ValidationError, match=OWN_PORTFOLIO):
        services.item_sign_off(enrolment=admins_enrolment, assessable_item=item, by=centre_admin)
    services.item_sign_off(enrolment=admins_enrolment, assessable_item=item, by=assessor)
    services.learner_declare(enrolment=admins_enrolment, unit=unit, by=centre_admin)
    with pytest.raises(ValidationError, match=OWN_PORTFOLIO):
        services.unit_sign_off(enrolment=admins_enrolment, unit=unit, by=centre_admin)
    assert not UnitSignOff.objects.exists()
    assert ItemSignOff.objects.get().by == assessor


def test_an_iqa_enrolled_at_their_centre_may_not_quality_assure_their_own_units(
    centre, qualification, assessor, iqa, centre_admin
) -> None:
    own = enrol_staff_member(iqa, centre=centre, qualification=qualification, assessor=assessor, by=centre_admin)
    sign_off = signed_unit(own, "B3", assessor=assessor)
    with pytest.raises(ValidationError, match=OWN_PORTFOLIO):
        services.unit_sample(unit_sign_off=sign_off, by=iqa)
    with pytest.raises(ValidationError, match=OWN_PORTFOLIO):
        services.countersign(unit_sign_off=sign_off, by=iqa)
    with pytest.raises(ValidationError, match=OWN_PORTFOLIO):
        services.iqa_refer(unit_sign_off=sign_off, by=iqa, comments="All good.")
    assert not UnitSample.objects.exists()


@pytest.mark.parametrize("act", ["unit_sample", "countersign", "iqa_refer"])
def test_an_iqa_may_not_review_a_unit_they_signed_off_as_assessor(enrolment, iqa, act) -> None:
    # Ivy assesses as well as quality-assures: the unit she signed off needs another IQA.
    sign_off = signed_unit(enrolment, "B3", assessor=iqa)
    extra = {"comments": "Looks fine."} if act == "iqa_refer" else {}
    with pytest.raises(ValidationError, match="You signed this unit off yourself as assessor"):
        getattr(services, act)(unit_sign_off=sign_off, by=iqa, **extra)


def test_another_iqa_still_reviews_that_unit(enrolment, iqa, platform_admin) -> None:
    sign_off = signed_unit(enrolment, "B3", assessor=iqa)
    services.unit_sample(unit_sign_off=sign_off, by=platform_admin)
    assert services.countersign(unit_sign_off=sign_off, by=platform_admin).by == platform_admin


# --- the attack from the issue, end to end -----------------------------------------------------------------


def test_a_centre_admin_who_enrols_themselves_cannot_judge_their_own_portfolio(
    client, centre, qualification, assessor, iqa, centre_admin
) -> None:
    client.force_login(centre_admin)
    response = client.post(reverse("candidates:enrolment_create", kwargs={"centre_pk": centre.pk}), {
        "email": centre_admin.email, "first_name": "Ada", "last_name": "Admin", "qualification": qualification.pk,
        "assessor": assessor.pk, "iqa": iqa.pk, "start_date": "2026-09-01", "planned_end_date": "2027-08-31",
        "uln": "1234567890", "registration_number": "REG-ADA",
    })
    assert response.status_code == 302  # staff may be enrolled at their own centre
    own = Enrolment.objects.get(candidate=centre_admin)
    unit, (item,) = unit_of(own, "B3"), items_of(own, "B3")
    evidence = submitted_evidence(own, [item])  # her own evidence, mapped and submitted as the candidate
    kwargs = {"pk": own.pk}

    accept = client.post(reverse("assessments:mapping_accept",
                                 kwargs={**kwargs, "mapping_pk": mapping_of(evidence, item).pk}))
    assert accept.status_code == 403
    assert client.post(reverse("assessments:item_sign_off", kwargs={**kwargs, "item_pk": item.pk})).status_code == 403
    assert client.post(reverse("assessments:learner_declare", kwargs={**kwargs, "unit_pk": unit.pk})).status_code == 302
    assert client.post(reverse("assessments:unit_sign_off", kwargs={**kwargs, "unit_pk": unit.pk})).status_code == 403
    assert not Decision.objects.exists() and not ItemSignOff.objects.exists() and not UnitSignOff.objects.exists()

    claims = client.get(reverse("assessments:claim_csv", kwargs={"centre_pk": centre.pk}))
    assert list(csv.DictReader(io.StringIO(claims.content.decode()))) == []


def test_the_candidate_may_not_plan_visits_or_set_action_points_on_their_own_enrolment(
    admins_enrolment, centre_admin
) -> None:
    import datetime

    from django.utils import timezone

    from assessments.models import ActionPoint, Visit

    soon = timezone.now() + datetime.timedelta(days=7)
    with pytest.raises(ValidationError, match=OWN_PORTFOLIO):
        services.visit_plan(enrolment=admins_enrolment, by=centre_admin, planned_for=soon, place="Office",
                            purpose="Observe")
    with pytest.raises(ValidationError, match=OWN_PORTFOLIO):
        services.action_point_set(enrolment=admins_enrolment, by=centre_admin, text="Finish B3",
                                  due=timezone.localdate() + datetime.timedelta(days=7))
    assert not Visit.objects.exists() and not ActionPoint.objects.exists()


def test_the_sampling_page_never_lists_ones_own_unit_sign_offs(
    centre, qualification, assessor, iqa, centre_admin, enrolment
) -> None:
    from assessments import reads

    own = enrol_staff_member(centre_admin, centre=centre, qualification=qualification, assessor=assessor, iqa=iqa,
                             by=centre_admin)
    own_sign_off = signed_unit(own, "B3", assessor=assessor)
    others = signed_unit(enrolment, "B3", assessor=assessor)
    listed = set(reads.sampling_sign_offs(centre_admin))
    assert others in listed and own_sign_off not in listed
    assert own_sign_off in set(reads.sampling_sign_offs(iqa))
