"""Demo assessment and support for `manage.py seed_demo`: every stage of the workflow on one enrolment.

Runs after demo/evidence.py on the same enrolment, through the services (so the
audit trail records each step and the workflow's rules apply):

- the assessor refers the holiday rota back with feedback and the candidate starts a
  revised version (a draft) answering it, with a message on the conversation;
- every claim on the first three units is accepted and their items signed off;
- the first unit is declared, signed off and countersigned by the IQA; the second is
  declared and signed off, waiting for the IQA; the third waits for the declaration;
- one question answered, one waiting; a past visit with notes and a planned one;
  action points done, overdue and due later.

Idempotent: each step is skipped when what it would create exists already.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from assessments import services
from assessments.models import (
    ActionPoint,
    Countersignature,
    FeedbackMessage,
    ItemSignOff,
    LearnerDeclaration,
    Question,
    UnitSignOff,
    Visit,
)
from candidates.models import Enrolment, User
from evidence import services as evidence_services
from evidence.models import EvidenceItem, Mapping, MappingStatus, VersionStatus
from evidence.reads import units_for
from units.models import Unit

from .evidence import REFERRED_TITLE, png_bytes

REFERRAL_FEEDBACK = (
    "The rota leaves both weekends uncovered. Show how the weekends are covered, and say who you agreed it with."
)
REVISED_TEXT = (
    "The rota for the two weeks around New Year, agreed with the team. This version adds the weekend cover "
    "(Sam and Priya on the first Saturday, me on the Sundays), agreed with my team leader."
)
#: (author: "assessor" or "candidate", evidence title, message) on the conversation of an evidence item.
MESSAGES = [
    ("assessor", "Witness testimony: calming an angry customer",
     "A strong testimony. Next time ask Sam to say how long the customer had been waiting: it shows the pressure."),
    ("candidate", "Witness testimony: calming an angry customer", "Thanks, I will ask Sam to add that next time."),
    ("candidate", REFERRED_TITLE,
     "I have started a new version with the weekend cover; I will submit it once my team leader has checked it."),
]


def seed_assessments(*, enrolment: Enrolment, assessor: User, iqa: User) -> None:
    """Decisions, a referral answered by a revised draft, sign-offs at each stage and a countersignature."""
    units = units_for(enrolment)[:3]
    _refer_and_revise(enrolment=enrolment, assessor=assessor)
    _accept_claims(enrolment=enrolment, units=units, assessor=assessor)
    for unit in units:
        _sign_items_off(enrolment=enrolment, unit=unit, assessor=assessor)
    # The first unit completes its journey; the second waits for the IQA; the third for the declaration.
    for position, unit in enumerate(units[:2]):
        sign_off = _sign_unit_off(enrolment=enrolment, unit=unit, assessor=assessor)
        if position == 0 and sign_off is not None and not Countersignature.objects.filter(
            unit_sign_off=sign_off
        ).exists():
            services.countersign(unit_sign_off=sign_off, by=iqa, comment="Sampled: evidence valid and sufficient.")
    _post_messages(enrolment=enrolment, assessor=assessor)


def _refer_and_revise(*, enrolment: Enrolment, assessor: User) -> None:
    item = (
        EvidenceItem.objects.of_enrolment(enrolment).with_current()
        .filter(current_version__title=REFERRED_TITLE, current_version__status=VersionStatus.SUBMITTED).first()
    )
    if item is None:  # not seeded, or already referred and revised by an earlier run
        return
    claims = list(item.current_version.mappings.filter(status=MappingStatus.CLAIMED))
    if not claims:
        return
    for mapping in claims:
        services.mapping_refer(mapping=mapping, by=assessor, feedback=REFERRAL_FEEDBACK)
    candidate = enrolment.candidate
    draft = evidence_services.version_revise(item=item, by=candidate)
    evidence_services.draft_update(version=draft, by=candidate, title=draft.title, date=draft.date, text=REVISED_TEXT)
    evidence_services.file_add(
        version=draft, uploaded=SimpleUploadedFile("rota-with-weekends.png", png_bytes(40, 48)), by=candidate
    )


def _accept_claims(*, enrolment: Enrolment, units: list[Unit], assessor: User) -> None:
    signed = ItemSignOff.objects.filter(enrolment=enrolment).values("assessable_item")
    claims = (
        Mapping.objects.filter(
            version__item__enrolment=enrolment, version__status=VersionStatus.SUBMITTED,
            version__item__current_version=F("version"), status=MappingStatus.CLAIMED,
            assessable_item__unit__in=units,
        )
        .exclude(assessable_item__in=signed)  # decisions on a signed-off item are final
        .order_by("pk")
    )
    for mapping in claims:
        services.mapping_accept(mapping=mapping, by=assessor)


def _sign_items_off(*, enrolment: Enrolment, unit: Unit, assessor: User) -> None:
    signed = set(ItemSignOff.objects.filter(enrolment=enrolment).values_list("assessable_item_id", flat=True))
    accepted = set(
        Mapping.objects.filter(
            version__item__enrolment=enrolment, version__status=VersionStatus.SUBMITTED,
            status=MappingStatus.ACCEPTED, assessable_item__unit=unit,
        ).values_list("assessable_item_id", flat=True)
    )
    for item in unit.assessable_items():
        if item.pk in accepted and item.pk not in signed:
            services.item_sign_off(enrolment=enrolment, assessable_item=item, by=assessor)


def _sign_unit_off(*, enrolment: Enrolment, unit: Unit, assessor: User) -> UnitSignOff | None:
    """The unit's current sign-off, made now (after the candidate's declaration) when every item is signed off."""
    current = UnitSignOff.objects.current().filter(enrolment=enrolment, unit=unit).first()
    if current is not None:
        return current
    items = {item.pk for item in unit.assessable_items()}
    signed = set(
        ItemSignOff.objects.filter(enrolment=enrolment, assessable_item__unit=unit).values_list(
            "assessable_item_id", flat=True
        )
    )
    if not items or items - signed:
        return None
    if not LearnerDeclaration.objects.filter(enrolment=enrolment, unit=unit).exists():
        services.learner_declare(enrolment=enrolment, unit=unit, by=enrolment.candidate)
    return services.unit_sign_off(enrolment=enrolment, unit=unit, by=assessor)


def _post_messages(*, enrolment: Enrolment, assessor: User) -> None:
    items = {item.current_version.title: item for item in EvidenceItem.objects.of_enrolment(enrolment).with_current()}
    posted = set(FeedbackMessage.objects.filter(enrolment=enrolment).values_list("evidence_id", "text"))
    for author, title, text in MESSAGES:
        item = items.get(title)
        if item is not None and (item.pk, text) not in posted:
            by = assessor if author == "assessor" else enrolment.candidate
            services.feedback_post(evidence=item, by=by, text=text)


def seed_support(*, enrolment: Enrolment, assessor: User) -> None:
    """Questions (one answered, one waiting), a past visit with notes and a planned one, three action points."""
    candidate = enrolment.candidate
    asked = set(Question.objects.filter(enrolment=enrolment).values_list("subject", flat=True))
    if "Which units need an observation?" not in asked:
        question = services.question_ask(
            enrolment=enrolment, by=candidate, subject="Which units need an observation?",
            text="Do I need you to watch me for every unit, or can some be done with a witness testimony?",
        )
        services.question_reply(
            question=question, by=assessor,
            text="Only the units about dealing with customers face to face; a testimony from Sam covers the rest.",
        )
    if "Can a video count as evidence?" not in asked:
        services.question_ask(
            enrolment=enrolment, by=candidate, subject="Can a video count as evidence?",
            text="My team leader filmed me training a new starter. Can I upload that?",
        )
    now = timezone.localtime()
    ten_am = now.replace(hour=10, minute=0, second=0, microsecond=0)
    visits = {visit.purpose: visit for visit in Visit.objects.filter(enrolment=enrolment)}
    past = visits.get("Observe complaints handling at the service desk")
    if past is None:
        past = services.visit_plan(
            enrolment=enrolment, by=assessor, planned_for=ten_am - datetime.timedelta(days=14),
            place="Demo Retail, customer service desk", purpose="Observe complaints handling at the service desk",
        )
        services.visit_record(
            visit=past, by=assessor,
            notes="Observed 90 minutes at the desk, two complaints handled calmly and logged. Agreed the next steps.",
        )
    if "Professional discussion on improving the service" not in visits:
        services.visit_plan(
            enrolment=enrolment, by=assessor, planned_for=ten_am + datetime.timedelta(days=10),
            place="Demo Retail, meeting room 2", purpose="Professional discussion on improving the service",
        )
    _seed_action_points(enrolment=enrolment, assessor=assessor, visit=past)


def _seed_action_points(*, enrolment: Enrolment, assessor: User, visit: Visit) -> None:
    today = timezone.localdate()
    existing = set(ActionPoint.objects.filter(enrolment=enrolment).values_list("text", flat=True))
    points = [
        ("Ask Sam for a witness testimony about the angry customer.", 7, "done"),
        ("Finish the statement on the call-back process.", -3, "overdue"),
        ("Collect two written replies to customers for the written-communication unit.", 21, "open"),
    ]
    for text, days, state in points:
        if text in existing:
            continue
        point = services.action_point_set(
            enrolment=enrolment, by=assessor, text=text, due=today + datetime.timedelta(days=max(days, 0)),
            visit=visit,
        )
        if state == "done":
            services.action_point_done(action_point=point, by=enrolment.candidate)
        elif state == "overdue":
            # The service rightly refuses a due date in the past; a point becomes overdue only as time
            # passes, so the demo moves this one back to show it. Action points are not audited.
            ActionPoint.objects.filter(pk=point.pk).update(
                due=today + datetime.timedelta(days=days), set_at=visit.planned_for
            )
