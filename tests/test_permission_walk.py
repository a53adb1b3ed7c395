"""Walk every URL of the project as every role, against own / another candidate's / another centre's objects.

The URLs come from the URL configuration itself (admin and static files aside), so a new
URL that is not in ``WALK`` fails ``test_every_url_is_in_the_walk``: add it to the walk. The admin
site is walked by ``test_admin_walk``: every registered model's list and one row's page, every role.

Adding a row: one entry in ``WALK`` keyed by the URL's full name ("app:name"):

    "evidence:evidence_detail": Row(
        targets=by_enrolment(lambda w, e: {"pk": make_evidence(e).pk}),   # kwargs per target
        get=enrolment_read(),                                             # expected status per role/target
    ),

- ``targets`` maps a target name to a function of the world ``w`` giving the URL kwargs.
  The usual targets are ``own`` (``w.enrolment``: Cara's, assessed by ``assessor``, IQA ``iqa``),
  ``other`` (``w.other_enrolment``: Olga's, same centre, another assessor, no IQA),
  ``foreign`` (``w.stranger_enrolment``: another centre's), ``paused`` (``w.paused_enrolment``: Cara's
  second enrolment, same assessor and IQA, paused once the kwargs are built: every write is 403 there,
  reads are as on ``own``) and ``self`` (the walking staff member's own enrolment as a candidate, at their
  own centre, assessed by someone else; for the candidate it is ``own``, walked there). ``by_enrolment(f)``
  builds the five from ``f(w, enrolment)``; ``by_centre(f)`` the two centre targets ``own``/``foreign``;
  ``NO_KWARGS`` is the single target ``any`` for a URL without kwargs.
- ``get`` / ``post`` map role -> target -> expected status (``OK`` = 200 or a redirect that is not
  to the sign-in page, ``LOGIN`` = a redirect to the sign-in page, or a number: 403, 404, 405...).
  Leave ``get`` as None for a POST-only URL (its GET is still walked and must not be 200/500) and give
  ``post``. Helpers build the usual tables: ``public``, ``signed_in``, ``enrolment_read``,
  ``enrolment_write(roles)`` (``paused_open=True`` for the centre's management, which may still resume or
  withdraw a paused enrolment), ``centre_admin_only``; or write the dict by hand.
- ``data`` gives the POST body as a function of the world and the kwargs (default: empty).

Roles: anonymous, candidate, assessor, iqa, centre_admin, eqa, stranger_assessor, platform_admin and
employer (the named people of tests/conftest.py). The employer is Cara's line manager (an employer contact
of the ``own`` and ``paused`` enrolments, holding no role at any centre); ``other`` has another employer's
contact, so the employer gets 404 there as on ``foreign``. They *follow* what they see (``enrolment_follow``:
progress, action points) and get 403 on every other page of it (``enrolment_read``, ``enrolment_write``).
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from apprenticeships.models import Achievement, OtjRule
from assessments.services import action_point_set, question_ask, visit_plan
from candidates.models import (
    Centre,
    EmployerContact,
    EmployerContactKind,
    Enrolment,
    EnrolmentInvitation,
    EnrolmentStatus,
    Role,
    RoleKind,
    User,
)
from evidence.models import EvidenceKind, ResumableUpload
from exports.services import figures_compute
from inbox.models import NoticeKind, Notification
from inbox.services import calendar_token_new
from tests import conftest
from tests.apprenticeships.factories import make_entry, make_review
from tests.assessments.factories import items_of, signed_unit, submitted_evidence, unit_of
from tests.candidates.factories import enrol_staff_member
from tests.conftest import PASSWORD
from tests.evidence.evidence_factories import first_file, make_evidence
from tests.exports.portfolio_factory import make_export, make_report

ROLES = ("anonymous", "candidate", "assessor", "iqa", "centre_admin", "eqa", "stranger_assessor", "platform_admin",
         "employer")
OK = "ok"
LOGIN = "login"

Expected = dict[str, dict[str, "int | str"]]
KwargsBuilder = Callable[[SimpleNamespace], dict]

#: Which enrolment targets each role may see (the rule of candidates/access.py, restated independently).
#: Everyone signed in sees their own enrolment (``self``), as its candidate.
SEES = {
    "anonymous": set(),
    "candidate": {"own", "paused", "self"},
    "assessor": {"own", "paused", "self"},
    "iqa": {"own", "paused", "self"},
    "centre_admin": {"own", "other", "paused", "self"},
    "eqa": {"own", "other", "paused", "self"},
    "stranger_assessor": {"foreign", "self"},
    "platform_admin": {"own", "other", "foreign", "paused", "self"},
    "employer": {"own", "paused"},
}
#: Who sees an enrolment but only follows it (progress and action points), reading none of its other pages.
FOLLOW_ONLY = {"employer"}
#: Which role each person holds in which centre target (own = Northgate, foreign = Southbank).
CENTRE_ROLES = {
    "candidate": {"own"}, "assessor": {"own"}, "iqa": {"own"}, "centre_admin": {"own"}, "eqa": {"own"},
    "stranger_assessor": {"foreign"}, "platform_admin": set(), "anonymous": set(), "employer": set(),
}
ENROLMENT_TARGETS = ("own", "other", "foreign", "paused", "self")
#: Who has no ``self`` target to walk (the candidate's expectations for it restate those of ``own``; the
#: employer contact is nobody's candidate here).
NOT_STAFF = ("anonymous", "candidate", "employer")
CENTRE_TARGETS = ("own", "foreign")


def _table(targets: tuple[str, ...], decide: Callable[[str, str], int | str]) -> Expected:
    return {role: {target: decide(role, target) for target in targets} for role in ROLES}


def public(status: int | str = OK, targets: tuple[str, ...] = ("any",)) -> Expected:
    """Everyone, signed in or not, gets `status`."""
    return _table(targets, lambda role, target: status)


def signed_in(status: int | str = OK, targets: tuple[str, ...] = ("any",)) -> Expected:
    """Anyone signed in gets `status`; the anonymous visitor is sent to sign in."""
    return _table(targets, lambda role, target: LOGIN if role == "anonymous" else status)


def enrolment_read() -> Expected:
    """Whoever sees the enrolment reads it, but its employer contact (403: they only follow it); anyone else 404."""
    return _table(ENROLMENT_TARGETS, lambda role, target: (
        LOGIN if role == "anonymous" else 404 if target not in SEES[role] else 403 if role in FOLLOW_ONLY else OK))


def enrolment_follow() -> Expected:
    """The pages that follow the apprentice (progress, action points): whoever sees the enrolment; else 404."""
    return _table(ENROLMENT_TARGETS, lambda role, target: (
        LOGIN if role == "anonymous" else OK if target in SEES[role] else 404))


def enrolment_write(roles: set[str], *, paused_open: bool = False) -> Expected:
    """Those of `roles` who see the enrolment act; others who see it get 403; the rest 404.

    On the paused enrolment everyone gets 403 (nothing changes until it is resumed), unless `paused_open`.
    On their own enrolment (``self``) everyone is its candidate and nothing more: they act where the candidate
    acts, and every judging, quality-assuring or managing URL is 403 whatever roles they hold at the centre.
    """
    def decide(role: str, target: str) -> int | str:
        if role == "anonymous":
            return LOGIN
        if target not in SEES[role]:
            return 404
        if target == "paused" and not paused_open:
            return 403
        if target == "self":
            return OK if "candidate" in roles else 403
        return OK if role in roles else 403
    return _table(ENROLMENT_TARGETS, decide)


def hidden_from_followers(table: Expected) -> Expected:
    """An object inside the enrolment found by its own pk (evidence, a file, an export): out of the sight of who
    only follows the enrolment (404, as for someone who does not see it), else as `table`."""
    return {role: {target: 404 if role in FOLLOW_ONLY and status != LOGIN else status
                   for target, status in by_target.items()} for role, by_target in table.items()}


def object_read() -> Expected:
    """`enrolment_read`, for an object inside the enrolment found by its own pk (see `hidden_from_followers`)."""
    return hidden_from_followers(enrolment_read())


def object_write(roles: set[str]) -> Expected:
    """`enrolment_write`, for an object inside the enrolment found by its own pk (see `hidden_from_followers`)."""
    return hidden_from_followers(enrolment_write(roles))


def centre_admin_only() -> Expected:
    """Centre pages: the centre admin (and a superuser) act; others with a role there 403; the rest 404."""
    def decide(role: str, target: str) -> int | str:
        if role == "anonymous":
            return LOGIN
        if role == "platform_admin" or (role == "centre_admin" and target == "own"):
            return OK
        return 403 if target in CENTRE_ROLES[role] else 404
    return _table(CENTRE_TARGETS, decide)


def centre_admin_report() -> Expected:
    """A centre's report found by its own pk: its centre's admin (and a superuser); 404 for everyone else, whatever
    role they hold at the centre."""
    def decide(role: str, target: str) -> int | str:
        if role == "anonymous":
            return LOGIN
        return OK if role == "platform_admin" or (role == "centre_admin" and target == "own") else 404
    return _table(CENTRE_TARGETS, decide)
def two_step_staff() -> Expected:
    """Two-step sign-in's own pages: staff (a role other than candidate, or a superuser) use them; the candidate
    and the employer contact get 403."""
    return _table(("any",), lambda role, target: (
        LOGIN if role == "anonymous" else 403 if role in ("candidate", "employer") else OK))


def _then_paused(kwargs: dict, enrolment: Enrolment) -> dict:
    """The kwargs built while the enrolment was active (its evidence, sign-offs...), then the enrolment paused."""
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.PAUSED, status_since=timezone.now())
    return kwargs


def by_enrolment(build: Callable[[SimpleNamespace, object], dict]) -> dict[str, KwargsBuilder]:
    """The four enrolment targets, kwargs built from each enrolment."""
    return {
        "own": lambda w: build(w, w.enrolment),
        "other": lambda w: build(w, w.other_enrolment),
        "foreign": lambda w: build(w, w.stranger_enrolment),
        "paused": lambda w: _then_paused(build(w, w.paused_enrolment), w.paused_enrolment),
        "self": lambda w: build(w, self_enrolment(w)),
    }


def self_enrolment(w: SimpleNamespace) -> object:
    """The walking staff member's own enrolment (made on first use), at their centre, assessed by another.

    Northgate staff and the superuser are enrolled at Northgate (assessor Otto, IQA Ivy unless it is her),
    the stranger assessor at Southbank (a second assessor there).
    """
    if not hasattr(w, "own_enrolment_of_role"):
        person = getattr(w, w.role)
        if w.role == "stranger_assessor":
            colleague = User.objects.create_user("sol.southbank@example.org", PASSWORD, first_name="Sol",
                                                 last_name="Southbank")
            Role.objects.create(user=colleague, centre=w.other_centre, kind=RoleKind.ASSESSOR)
            w.own_enrolment_of_role = enrol_staff_member(
                person, centre=w.other_centre, qualification=w.qualification, assessor=colleague, by=w.platform_admin)
        else:
            w.own_enrolment_of_role = enrol_staff_member(
                person, centre=w.centre, qualification=w.qualification, assessor=w.other_assessor,
                iqa=None if person == w.iqa else w.iqa, by=w.platform_admin)
    return w.own_enrolment_of_role


def by_centre(build: Callable[[SimpleNamespace, object], dict]) -> dict[str, KwargsBuilder]:
    """The two centre targets: own (Northgate) and foreign (Southbank)."""
    return {"own": lambda w: build(w, w.centre), "foreign": lambda w: build(w, w.other_centre)}


NO_KWARGS: dict[str, KwargsBuilder] = {"any": lambda w: {}}
ENROLMENT_PK = by_enrolment(lambda w, e: {"pk": e.pk})
CENTRE_PK = by_centre(lambda w, c: {"centre_pk": c.pk})


def _with_figures(centre: Centre) -> Centre:
    """`centre`, its dashboard's figures computed (as the worker does)."""
    figures_compute(centre_id=centre.pk)
    return centre
#: A person on the centre's staff: Otto at Northgate (own), Sam Stranger at Southbank (foreign).
STAFF_PK = by_centre(lambda w, c: {"centre_pk": c.pk, "person_pk": (
    w.other_assessor if c == w.centre else w.stranger_assessor).pk})
MANAGERS = {"centre_admin", "platform_admin"}
# The stranger assessor sees only the foreign enrolment, and is its assessor: they write its evidence.
EVIDENCE_WRITERS = {"candidate", "assessor", "stranger_assessor", "platform_admin"}
EVIDENCE_PK = by_enrolment(lambda w, e: {"pk": make_evidence(e).pk})
FILE_PK = by_enrolment(lambda w, e: {"pk": first_file(make_evidence(e)).pk})
PLANNERS = {"candidate", "assessor", "stranger_assessor"}


def _resumable_upload(e: Enrolment) -> dict:
    """An unfinished resumable upload the enrolment's candidate started on a draft (no bytes stored yet)."""
    upload = ResumableUpload.objects.create(
        version=make_evidence(e, with_file=False).current_version, created_by=e.candidate, original_name="a.wav",
        length=10, partial_name="uploads/walk.part", expires_at=timezone.now() + datetime.timedelta(hours=1))
    return {"token": upload.token}


RESUMABLE_TOKEN = by_enrolment(lambda w, e: _resumable_upload(e))


def _with_ok_as(table: Expected, status: int) -> Expected:
    """The same table with the entitled roles' OK replaced by `status` (a URL whose bare request is refused),
    and the anonymous visitor's sign-in redirect by 401 (a script's URL)."""
    return {role: {target: status if expected == OK else 401 if expected == LOGIN else expected
                   for target, expected in row.items()} for role, row in table.items()}


def PLAN_DATA(w: SimpleNamespace, kwargs: dict) -> dict:  # noqa: N802 - reads as the constant it stands for
    return {"units": ["A1", "A2", "B2"]}
# assessments: who acts (the stranger assessor is the foreign enrolment's assessor).
ASSESSORS = {"assessor", "stranger_assessor"}
SAMPLERS = {"iqa", "centre_admin", "eqa", "platform_admin"}
JUDGES = {"assessor", "centre_admin", "stranger_assessor", "platform_admin"}
TALKERS = {"candidate", "assessor", "iqa", "centre_admin", "stranger_assessor", "platform_admin"}
SUBMITTED_PK = by_enrolment(lambda w, e: {"pk": e.pk, "evidence_pk": submitted_evidence(e, items_of(e, "A1")[:1]).pk})
MAPPING_PK = by_enrolment(lambda w, e: {"pk": e.pk, "mapping_pk": submitted_evidence(
    e, items_of(e, "A1")[:1]).current_version.mappings.get().pk})
UNIT_PK = by_enrolment(lambda w, e: {"pk": e.pk, "unit_pk": unit_of(e, "B3").pk})
SIGN_OFF_PK = by_enrolment(lambda w, e: {"pk": e.pk, "sign_off_pk": signed_unit(e, "B3", assessor=e.assessor).pk})
QUESTION_PK = by_enrolment(lambda w, e: {"pk": e.pk, "question_pk": question_ask(
    enrolment=e, by=e.candidate, subject="Units", text="Which units?").pk})
VISIT_PK = by_enrolment(lambda w, e: {"pk": e.pk, "visit_pk": visit_plan(
    enrolment=e, by=e.assessor, planned_for=timezone.now(), place="Office", purpose="Observe").pk})
FUTURE_VISIT_PK = by_enrolment(lambda w, e: {"pk": e.pk, "visit_pk": visit_plan(
    enrolment=e, by=e.assessor, planned_for=timezone.now() + timedelta(days=7), place="Office", purpose="Observe").pk})
CONTACT_PK = by_enrolment(lambda w, e: {"pk": e.pk, "contact_pk": EmployerContact.objects.create(
    enrolment=e, user=User.objects.get_or_create(email="mo.mentor@example.org")[0], kind="mentor",
    invited_by=w.platform_admin).pk})
ACTION_POINT_PK = by_enrolment(lambda w, e: {"pk": e.pk, "point_pk": action_point_set(
    enrolment=e, by=e.assessor, text="Write the statement", due=timezone.localdate()).pk})

# apprenticeships: an off-the-job entry the candidate logged today (the paused enrolment starts today)
OTJ_ENTRY_PK = by_enrolment(lambda w, e: {"pk": e.pk, "entry_pk": make_entry(e, days_ago=0).pk})


def OTJ_ENTRY_DATA(w: SimpleNamespace, kwargs: dict) -> dict:  # noqa: N802 - reads as the constant it stands for
    return {"date": str(timezone.localdate()), "hours": "1", "minutes": "30", "activity": "taught",
            "learned": "How refunds are authorised"}


def ACHIEVEMENT_DATA(w: SimpleNamespace, kwargs: dict) -> dict:  # noqa: N802 - reads as the constant it stands for
    return {"kind": "english", "level": "2", "title": "GCSE English", "achieved_on": "2026-01-10",
            "evidenced_by": "Certificate seen"}


# the gateway: an English achievement the assessor recorded; who signs the declaration (SIGN)
ACHIEVEMENT_PK = by_enrolment(lambda w, e: {"pk": e.pk, "achievement_pk": Achievement.objects.create(
    enrolment=e, kind="english", level=1, achieved_on=datetime.date(2026, 1, 10), evidenced_by="Certificate",
    recorded_by=e.assessor, recorded_at=timezone.now()).pk})
SIGNERS = {"candidate", "assessor", "centre_admin", "stranger_assessor", "employer"}
# a progress review its assessor recorded today (the paused enrolment starts today)
REVIEW_PK = by_enrolment(lambda w, e: {"pk": e.pk, "review_pk": make_review(e).pk})
#: Who signs reviews as a party (the stranger assessor as the foreign enrolment's provider).
SIGNERS = {"candidate", "assessor", "centre_admin", "employer", "stranger_assessor"}


def REVIEW_DATA(w: SimpleNamespace, kwargs: dict) -> dict:  # noqa: N802 - reads as the constant it stands for
    today = timezone.localdate()
    return {"held_on": str(today), "progress": "Calls handled alone", "english_maths": "Level 2 booked",
            "wellbeing": "Settled", "target_1_text": "Write the statement",
            "target_1_due": str(today + timedelta(days=9))}


def OTJ_PLAN_DATA(w: SimpleNamespace, kwargs: dict) -> dict:  # noqa: N802 - reads as the constant it stands for
    today = timezone.localdate()
    return {"contracted_hours": "37.5", "planned_start": str(today), "planned_end": str(today + timedelta(days=365)),
            "rule": str(OtjRule.objects.get(code="esfa-6-hours").pk)}




def _notification(w: SimpleNamespace) -> dict:
    """A notification in the candidate's inbox: only she opens it or marks it read."""
    notice = Notification.objects.create(recipient=w.candidate, kind=NoticeKind.QUESTION_ASKED,
                                         words={"by": "Otto", "subject": "Units"}, link="/", created=timezone.now())
    return {"notification_pk": notice.pk}


NOTIFICATION_PK: dict[str, KwargsBuilder] = {"own": _notification}
RECIPIENT_ONLY = _table(("own",), lambda role, target: (
    LOGIN if role == "anonymous" else OK if role == "candidate" else 404))
#: The calendar feed needs no sign-in: the candidate's secret address answers anyone; an unknown one is 404.
CALENDAR_TOKEN: dict[str, KwargsBuilder] = {
    "own": lambda w: {"token": calendar_token_new(user=w.candidate).calendar_token},
    "unknown": lambda w: {"token": "no-such-calendar"},
}
FEED = _table(("own", "unknown"), lambda role, target: OK if target == "own" else 404)


def _invitation(w: SimpleNamespace, *, person: object, centre: object, assessor: object) -> dict:
    invitation = EnrolmentInvitation.objects.create(
        email=person.email, person=person, centre=centre, qualification=w.qualification, assessor=assessor,
        start_date=timezone.localdate(), planned_end_date=timezone.localdate(), invited_by=w.platform_admin,
    )
    return {"token": invitation.token}


#: An enrolment invitation: ``own`` is addressed to the candidate (Cara) by Southbank, where she holds no
#: role; ``foreign`` to Stan Elsewhere by Northgate. Only the person addressed reads or answers it: not the
#: centre that sent it, nor a superuser.
INVITATION_TOKEN: dict[str, KwargsBuilder] = {
    "own": lambda w: _invitation(w, person=w.candidate, centre=w.other_centre, assessor=w.stranger_assessor),
    "foreign": lambda w: _invitation(w, person=w.stranger_candidate, centre=w.centre, assessor=w.assessor),
}
INVITEE_ONLY = _table(("own", "foreign"), lambda role, target: (
    LOGIN if role == "anonymous" else OK if (role, target) == ("candidate", "own") else 404))


def _testimony(enrolment: Enrolment, witness: User) -> dict:
    """A submitted witness testimony in `enrolment` naming `witness` (by their account's email)."""
    item = submitted_evidence(enrolment, items_of(enrolment, "A1")[:1], kind=EvidenceKind.WITNESS_TESTIMONY,
                              with_file=False, witness_email=witness.email)
    return {"pk": item.current_version_id}


#: A testimony naming the employer (Cara's line manager) as witness, and one in Olga's portfolio naming hers.
#: Only the witness, following that apprentice, confirms it signed in; everyone else gets 404.
TESTIMONY_PK: dict[str, KwargsBuilder] = {
    "own": lambda w: _testimony(w.enrolment, w.employer_contact),
    "other": lambda w: _testimony(w.other_enrolment, w.other_employer_contact),
}
WITNESS_ONLY = _table(("own", "other"), lambda role, target: (
    LOGIN if role == "anonymous" else OK if (role, target) == ("employer", "own") else 404))


@dataclass
class Row:
    targets: dict[str, KwargsBuilder]
    get: Expected | None = None
    post: Expected | None = None
    data: Callable[[SimpleNamespace, dict], dict] = field(default=lambda w, kwargs: {})


def spec_editors(admin: int | str = OK) -> Expected:
    """The spec editors' pages: the platform admin (a superuser) only; everyone else signed in 403."""
    return _table(("any",), lambda role, target: (
        LOGIN if role == "anonymous" else admin if role == "platform_admin" else 403))


def SPEC_FILE(w: SimpleNamespace, kwargs: dict) -> dict:  # noqa: N802 - reads as the constant it stands for
    """A valid spec file to upload (a shipped one, small)."""
    path = Path(__file__).resolve().parent.parent / "fixtures" / "qualifications" / "cs-standards-l3.json"
    return {"file": SimpleUploadedFile("cs-standards-l3.json", path.read_bytes(), "application/json")}


SPEC_VERSION: dict[str, KwargsBuilder] = {
    "any": lambda w: {"code": w.qualification.code, "version": w.qualification.version}}


def _person_data_export(w: SimpleNamespace, centre: object, *, status: str = "queued") -> dict:
    """A subject-access export the centre asked for on one of its candidates; a done one has a stored ZIP."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from privacy.models import SubjectAccessExport

    person = w.candidate if centre == w.centre else w.stranger_candidate
    export = SubjectAccessExport.objects.create(person=person, centre=centre, status=status)
    if status == "done":
        export.file_name = default_storage.save(f"privacy/walk/{export.pk}.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
        export.save()
    return {"pk": export.pk}


def centre_admin_finds() -> Expected:
    """An object a centre asked for, found by its own pk: that centre's admin (and a superuser); everyone else 404."""
    return _table(CENTRE_TARGETS, lambda role, target: (
        LOGIN if role == "anonymous" else OK if role == "platform_admin" or (role == "centre_admin" and target == "own")
        else 404))


PERSON_AT_CENTRE = by_centre(lambda w, c: {
    "centre_pk": c.pk, "person_pk": (w.candidate if c == w.centre else w.stranger_candidate).pk})


WALK: dict[str, Row] = {
    # portfolio_site
    "home": Row(NO_KWARGS, get=signed_in()),
    "dashboard_choose": Row(NO_KWARGS, get=_table(("any",), lambda role, target: (
        LOGIN if role == "anonymous" else OK if role in MANAGERS else 403))),
    # the dashboard reads the figures a worker stored: computed here first, so the walk reads a real page of them
    "centre_dashboard": Row(by_centre(lambda w, c: {"centre_pk": _with_figures(c).pk}), get=centre_admin_only()),
    "centre_dashboard_refresh": Row(CENTRE_PK, post=centre_admin_only()),
    # accounts (candidates/urls.py, account_urlpatterns)
    "login": Row(NO_KWARGS, get=public()),
    "logout": Row(NO_KWARGS, post=public(LOGIN)),
    "password_change": Row(NO_KWARGS, get=signed_in()),
    "password_change_done": Row(NO_KWARGS, get=signed_in()),
    "password_reset": Row(NO_KWARGS, get=public()),
    "password_reset_done": Row(NO_KWARGS, get=public()),
    "password_reset_confirm": Row({"any": lambda w: {"uidb64": "MQ", "token": "bad-token"}}, get=public()),
    "password_reset_complete": Row(NO_KWARGS, get=public()),
    "set_password": Row({"any": lambda w: {"uidb64": "MQ", "token": "bad-token"}}, get=public()),
    "language_set": Row(NO_KWARGS, post=public(), data=lambda w, kwargs: {"language": "cy", "next": "/"}),
    # signin: two-step sign-in is for staff (any role but candidate, and superusers); the code page is everyone's
    # who signed in (without a code owed it sends them on); a centre's own sign-in is set by its admin, and its
    # pages before signing in are public (a centre with no such sign-in: 404; a callback nobody started: 400)
    "signin:two_step": Row(NO_KWARGS, get=two_step_staff()),
    "signin:two_step_code": Row(NO_KWARGS, get=signed_in(), post=signed_in()),
    "signin:two_step_setup": Row(NO_KWARGS, get=two_step_staff(), post=two_step_staff()),
    "signin:two_step_remove": Row(NO_KWARGS, post=two_step_staff()),
    "signin:recovery_codes": Row(NO_KWARGS, get=two_step_staff()),
    "signin:recovery_codes_renew": Row(NO_KWARGS, post=two_step_staff()),
    "signin:organisation": Row(NO_KWARGS, get=public(), post=public()),
    "signin:oidc_start": Row(CENTRE_PK, get=public(404, targets=CENTRE_TARGETS)),
    "signin:oidc_callback": Row(NO_KWARGS, get=public(400)),
    "signin:centre_sign_in": Row(CENTRE_PK, get=centre_admin_only(), post=centre_admin_only()),
    # units
    "units:qualification_list": Row(NO_KWARGS, get=signed_in()),
    "units:qualification_latest": Row({"any": lambda w: {"code": w.qualification.code}}, get=signed_in()),
    "units:qualification_detail": Row(
        {"any": lambda w: {"code": w.qualification.code, "version": w.qualification.version}}, get=signed_in()
    ),
    # units: the spec editors' area (w.qualification has enrolments: deleting it is refused, 400)
    "units:spec_list": Row(NO_KWARGS, get=spec_editors()),
    "units:spec_upload": Row(NO_KWARGS, get=spec_editors(), post=spec_editors(), data=SPEC_FILE),
    "units:spec_publish": Row(NO_KWARGS, post=spec_editors()),
    "units:spec_discard": Row(NO_KWARGS, post=spec_editors()),
    "units:spec_retire": Row(SPEC_VERSION, get=spec_editors(), post=spec_editors()),
    "units:spec_reopen": Row(SPEC_VERSION, get=spec_editors(), post=spec_editors()),
    "units:spec_delete": Row(SPEC_VERSION, get=spec_editors(), post=spec_editors(400)),
    # candidates: the centre admin's pages
    "candidates:centre_list": Row(NO_KWARGS, get=_table(("any",), lambda role, target: (
        LOGIN if role == "anonymous" else OK if role in MANAGERS else 403))),
    "candidates:enrolment_list": Row(CENTRE_PK, get=centre_admin_only()),
    "candidates:enrolment_create": Row(CENTRE_PK, get=centre_admin_only(), post=centre_admin_only()),
    "candidates:enrolment_upload": Row(CENTRE_PK, get=centre_admin_only(), post=centre_admin_only()),
    "candidates:enrolment_upload_confirm": Row(CENTRE_PK, post=centre_admin_only()),
    "candidates:centre_safeguarding": Row(CENTRE_PK, get=centre_admin_only(), post=centre_admin_only(),
                                          data=lambda w, kwargs: {"person": ""}),
    "candidates:enrolment_detail": Row(ENROLMENT_PK, get=enrolment_read()),
    "candidates:enrolment_reassign_assessor": Row(ENROLMENT_PK, post=enrolment_write(MANAGERS, paused_open=True)),
    "candidates:enrolment_reassign_iqa": Row(ENROLMENT_PK, post=enrolment_write(MANAGERS, paused_open=True)),
    "candidates:enrolment_pause": Row(ENROLMENT_PK, post=enrolment_write(MANAGERS, paused_open=True)),
    "candidates:enrolment_resume": Row(ENROLMENT_PK, post=enrolment_write(MANAGERS, paused_open=True)),
    "candidates:enrolment_withdraw": Row(ENROLMENT_PK, post=enrolment_write(MANAGERS, paused_open=True)),
    # candidates: the apprentice's employer contacts, named and removed by the centre's management
    "candidates:employer_contact_name": Row(ENROLMENT_PK, post=enrolment_write(MANAGERS, paused_open=True),
                                            data=lambda w, kwargs: {
                                                "first_name": "Lee", "last_name": "Lines", "kind": "mentor",
                                                "email": "lee.lines@brightside.example",
                                                "employer_name": "Brightside Retail"}),
    "candidates:employer_contact_remove": Row(CONTACT_PK, post=enrolment_write(MANAGERS, paused_open=True)),
    # candidates: the centre's staff (candidates/views/staff.py): the centre admin's, for a person on its staff
    "candidates:staff_list": Row(CENTRE_PK, get=centre_admin_only()),
    "candidates:staff_invite": Row(CENTRE_PK, get=centre_admin_only(), post=centre_admin_only(),
                                   data=lambda w, kwargs: {"first_name": "Nia", "email": "nia.new@example.org",
                                                           "roles": ["assessor"]}),
    "candidates:staff_detail": Row(STAFF_PK, get=centre_admin_only()),
    "candidates:staff_roles": Row(STAFF_PK, post=centre_admin_only(),
                                  data=lambda w, kwargs: {"roles": ["assessor", "iqa"]}),
    "candidates:staff_deactivate": Row(STAFF_PK, post=centre_admin_only()),
    "candidates:staff_reactivate": Row(STAFF_PK, post=centre_admin_only()),
    "candidates:staff_handover": Row(STAFF_PK, post=centre_admin_only(), data=lambda w, kwargs: {"reason": "Leaves"}),
    # candidates: the invited person's answer (candidates/views/invitations.py)
    "candidates:invitation_detail": Row(INVITATION_TOKEN, get=INVITEE_ONLY),
    "candidates:invitation_accept": Row(INVITATION_TOKEN, post=INVITEE_ONLY),
    "candidates:invitation_decline": Row(INVITATION_TOKEN, post=INVITEE_ONLY),
    # candidates: the first steps (candidates/views/plan.py). The self-assessment is the candidate's own;
    # the plan is changed by the candidate or their assessor (the stranger assessor assesses the foreign one).
    "candidates:self_assessment": Row(
        ENROLMENT_PK, get=enrolment_read(), post=enrolment_write({"candidate"}),
        data=lambda w, kwargs: {f"unit-{i}": "partly" for i in range(5)},
    ),
    "candidates:unit_choice": Row(ENROLMENT_PK, get=enrolment_read()),
    "candidates:unit_choice_check": Row(ENROLMENT_PK, post=enrolment_write(PLANNERS), data=PLAN_DATA),
    "candidates:unit_choice_suggest": Row(ENROLMENT_PK, post=enrolment_write(PLANNERS), data=PLAN_DATA),
    "candidates:unit_choice_save": Row(ENROLMENT_PK, post=enrolment_write(PLANNERS), data=PLAN_DATA),
    "candidates:unit_choice_drop": Row(ENROLMENT_PK, post=enrolment_write(PLANNERS), data=PLAN_DATA),
    # evidence: read by whoever sees the enrolment; written by the candidate, their assessor, a platform admin
    "evidence:library": Row(ENROLMENT_PK, get=enrolment_read()),
    "evidence:create": Row(ENROLMENT_PK, get=enrolment_write(EVIDENCE_WRITERS), post=enrolment_write(EVIDENCE_WRITERS)),
    "evidence:detail": Row(EVIDENCE_PK, get=object_read()),
    "evidence:version_detail": Row(
        by_enrolment(lambda w, e: {"pk": make_evidence(e).pk, "number": 1}), get=object_read()
    ),
    "evidence:edit": Row(EVIDENCE_PK, get=object_write(EVIDENCE_WRITERS), post=object_write(EVIDENCE_WRITERS)),
    "evidence:upload": Row(EVIDENCE_PK, post=object_write(EVIDENCE_WRITERS)),
    "evidence:mapping": Row(EVIDENCE_PK, get=object_write(EVIDENCE_WRITERS), post=object_write(EVIDENCE_WRITERS)),
    "evidence:submit": Row(EVIDENCE_PK, post=object_write(EVIDENCE_WRITERS)),
    "evidence:revise": Row(EVIDENCE_PK, post=object_write(EVIDENCE_WRITERS)),
    "evidence:witness_send": Row(EVIDENCE_PK, post=object_write(EVIDENCE_WRITERS)),
    "evidence:file_download": Row(FILE_PK, get=object_read()),
    "evidence:file_preview": Row(FILE_PK, get=object_read()),
    "evidence:file_remove": Row(FILE_PK, post=object_write(EVIDENCE_WRITERS)),
    # the witness needs no account: a bad link is refused with 400 for everyone
    # resumable uploads (tus): started as any upload is (a POST without the protocol's headers is 412); an upload's
    # own address is its starter's alone, 404 to everyone else (a POST there is 405: HEAD, PATCH, DELETE only).
    # Signed out, both answer 401 with a sentence: the script cannot follow a redirect to the sign-in page.
    "evidence:tus_create": Row(EVIDENCE_PK, post=_with_ok_as(object_write(EVIDENCE_WRITERS), 412)),
    "evidence:tus_upload": Row(RESUMABLE_TOKEN, post=_table(ENROLMENT_TARGETS, lambda role, target: (
        401 if role == "anonymous" else 405 if target == "self" or (role, target) == ("candidate", "own")
        else 403 if (role, target) == ("candidate", "paused") else 404))),
    "evidence:witness_confirm": Row(
        {"any": lambda w: {"token": "not-a-signed-token"}}, get=public(400), post=public(400)
    ),
    # the employer contact named as witness confirms the testimony in their own account
    "evidence:witness_confirm_signed_in": Row(TESTIMONY_PK, get=WITNESS_ONLY, post=WITNESS_ONLY),
    # assessments: the tracking matrix
    "assessments:matrix": Row(ENROLMENT_PK, get=enrolment_read()),
    # assessments: the assessor's day, sign-off, quality assurance, support, history, certification
    "assessments:caseload": Row(NO_KWARGS, get=_table(("any",), lambda role, target: (
        LOGIN if role == "anonymous" else OK if role in ASSESSORS else 403))),
    "assessments:review_queue": Row(NO_KWARGS, get=_table(("any",), lambda role, target: (
        LOGIN if role == "anonymous" else OK if role in ASSESSORS else 403))),
    "assessments:sampling": Row(NO_KWARGS, get=_table(("any",), lambda role, target: (
        LOGIN if role == "anonymous" else OK if role in SAMPLERS else 403))),
    "assessments:certification": Row(CENTRE_PK, get=centre_admin_only()),
    "assessments:claim_csv": Row(CENTRE_PK, get=centre_admin_only()),
    # the apprentice's employer contact follows these two (read-only)
    "assessments:progress": Row(ENROLMENT_PK, get=enrolment_follow()),
    "assessments:history": Row(ENROLMENT_PK, get=enrolment_read()),
    # completing: the centre's management; a paused enrolment's page opens (it says it cannot be completed)
    "assessments:enrolment_complete": Row(ENROLMENT_PK, get=enrolment_write(MANAGERS, paused_open=True),
                                          post=enrolment_write(MANAGERS, paused_open=True)),
    # moving to another version: the centre's management, paused or not (nothing is judged by the move)
    "assessments:enrolment_move": Row(ENROLMENT_PK, get=enrolment_write(MANAGERS, paused_open=True),
                                      post=enrolment_write(MANAGERS, paused_open=True)),
    "assessments:review": Row(SUBMITTED_PK, get=enrolment_read()),
    "assessments:mapping_add": Row(SUBMITTED_PK, post=enrolment_write(JUDGES)),
    "assessments:mapping_accept_all": Row(SUBMITTED_PK, get=enrolment_write(JUDGES), post=enrolment_write(JUDGES)),
    # revising from the review page: whoever writes the evidence (in practice the candidate, from a referral)
    "assessments:revise": Row(SUBMITTED_PK, post=enrolment_write(EVIDENCE_WRITERS)),
    "assessments:revision": Row(
        by_enrolment(lambda w, e: {"pk": e.pk, "evidence_pk": make_evidence(e).pk}),
        get=enrolment_write(EVIDENCE_WRITERS), post=enrolment_write(EVIDENCE_WRITERS),
        data=lambda w, kwargs: {"title": "Revised", "date": "2026-03-02", "text": "Revised."},
    ),
    "assessments:feedback_post": Row(SUBMITTED_PK, post=enrolment_write(TALKERS),
                                     data=lambda w, kwargs: {"text": "Thank you."}),
    "assessments:mapping_accept": Row(MAPPING_PK, post=enrolment_write(JUDGES)),
    "assessments:mapping_refer": Row(MAPPING_PK, post=enrolment_write(JUDGES),
                                     data=lambda w, kwargs: {"feedback": "Add the reply you sent."}),
    "assessments:mapping_remove": Row(MAPPING_PK, post=enrolment_write(JUDGES)),
    "assessments:item_sign_off": Row(
        by_enrolment(lambda w, e: {"pk": e.pk, "item_pk": items_of(e, "A1")[0].pk}), post=enrolment_write(JUDGES)
    ),
    "assessments:learner_declare": Row(UNIT_PK, post=enrolment_write({"candidate"})),
    "assessments:unit_sign_off": Row(UNIT_PK, post=enrolment_write(JUDGES)),
    "assessments:unit_sample": Row(SIGN_OFF_PK, post=enrolment_write({"iqa", "platform_admin"})),
    "assessments:countersign": Row(SIGN_OFF_PK, post=enrolment_write({"iqa", "platform_admin"})),
    "assessments:iqa_refer": Row(SIGN_OFF_PK, post=enrolment_write({"iqa", "platform_admin"}),
                                 data=lambda w, kwargs: {"comments": "Check the dates."}),
    "assessments:questions": Row(ENROLMENT_PK, get=enrolment_read()),
    "assessments:question_ask": Row(ENROLMENT_PK, post=enrolment_write({"candidate"}),
                                    data=lambda w, kwargs: {"subject": "Units", "text": "Which units next?"}),
    "assessments:question_put": Row(ENROLMENT_PK, post=enrolment_write(JUDGES),
                                    data=lambda w, kwargs: {"subject": "Evidence", "text": "Who witnessed it?"}),
    "assessments:question_detail": Row(QUESTION_PK, get=enrolment_read()),
    "assessments:question_reply": Row(QUESTION_PK, post=enrolment_write(TALKERS),
                                      data=lambda w, kwargs: {"text": "Units B1 and B2."}),
    "assessments:visits": Row(ENROLMENT_PK, get=enrolment_read()),
    "assessments:visit_plan": Row(ENROLMENT_PK, post=enrolment_write(JUDGES)),
    "assessments:visit_record": Row(VISIT_PK, post=enrolment_write(JUDGES),
                                    data=lambda w, kwargs: {"notes": "Observed two calls."}),
    "assessments:visit_change": Row(FUTURE_VISIT_PK, post=enrolment_write(JUDGES), data=lambda w, kwargs: {
        "planned_for": (timezone.localtime() + timedelta(days=8)).strftime("%Y-%m-%dT%H:%M"), "place": "Shop floor",
        "purpose": "Observe", "duration": "90"}),
    "assessments:visit_cancel": Row(FUTURE_VISIT_PK, post=enrolment_write(JUDGES)),
    # the calendar: each person's own visits; the feed answers its secret address, without signing in
    "assessments:calendar": Row(NO_KWARGS, get=signed_in()),
    "assessments:calendar_feed": Row(CALENDAR_TOKEN, get=FEED),
    "assessments:action_points": Row(ENROLMENT_PK, get=enrolment_follow()),
    # the employer contact's home: their own apprentices (none for anyone else)
    "assessments:apprentices": Row(NO_KWARGS, get=signed_in()),
    "assessments:action_point_set": Row(ENROLMENT_PK, post=enrolment_write(JUDGES)),
    "assessments:action_point_done": Row(ACTION_POINT_PK, post=enrolment_write({"candidate"})),
    # apprenticeships: the off-the-job log and plan are read by whoever follows the enrolment (the employer
    # contact too); the candidate logs, edits and deletes their own entries; the
    # assessor (or the centre: JUDGE) verifies or queries them and sets the plan
    "apprenticeships:otj_log": Row(ENROLMENT_PK, get=enrolment_follow()),
    "apprenticeships:otj_plan": Row(ENROLMENT_PK, get=enrolment_follow(), post=enrolment_write(JUDGES),
                                    data=OTJ_PLAN_DATA),
    "apprenticeships:otj_entry_add": Row(ENROLMENT_PK, post=enrolment_write({"candidate"}), data=OTJ_ENTRY_DATA),
    "apprenticeships:otj_entry_edit": Row(OTJ_ENTRY_PK, get=enrolment_write({"candidate"}),
                                          post=enrolment_write({"candidate"}), data=OTJ_ENTRY_DATA),
    "apprenticeships:otj_entry_delete": Row(OTJ_ENTRY_PK, post=enrolment_write({"candidate"})),
    "apprenticeships:otj_entry_verify": Row(OTJ_ENTRY_PK, post=enrolment_write(JUDGES)),
    "apprenticeships:otj_entry_query": Row(OTJ_ENTRY_PK, post=enrolment_write(JUDGES),
                                           data=lambda w, kwargs: {"comment": "Was this in paid hours?"}),
    # the gateway: followed by whoever follows the enrolment (it says so when the qualification is no standard);
    # the assessor or the centre (JUDGE) records achievements; each party signs as itself (SIGN)
    "apprenticeships:gateway": Row(ENROLMENT_PK, get=enrolment_follow()),
    "apprenticeships:gateway_achievement_add": Row(ENROLMENT_PK, post=enrolment_write(JUDGES), data=ACHIEVEMENT_DATA),
    "apprenticeships:gateway_achievement_delete": Row(ACHIEVEMENT_PK, post=enrolment_write(JUDGES)),
    "apprenticeships:gateway_sign": Row(ENROLMENT_PK, post=enrolment_write(SIGNERS)),
    # progress reviews: read by whoever follows the enrolment, written by the assessor or the centre, signed by
    # each party as their own (SIGN: the candidate, the employer contact, the assessor, a centre admin)
    "apprenticeships:review_list": Row(ENROLMENT_PK, get=enrolment_follow()),
    "apprenticeships:review_schedule": Row(ENROLMENT_PK, post=enrolment_write(JUDGES),
                                           data=lambda w, kwargs: {"interval_weeks": "8"}),
    "apprenticeships:review_new": Row(ENROLMENT_PK, get=enrolment_write(JUDGES), post=enrolment_write(JUDGES),
                                      data=REVIEW_DATA),
    "apprenticeships:review_detail": Row(REVIEW_PK, get=enrolment_follow()),
    "apprenticeships:review_edit": Row(REVIEW_PK, get=enrolment_write(JUDGES), post=enrolment_write(JUDGES),
                                       data=REVIEW_DATA),
    "apprenticeships:review_sign": Row(REVIEW_PK, post=enrolment_write(SIGNERS),
                                       data=lambda w, kwargs: {"party": "provider"}),
    # inbox: each person's own notifications and settings
    "inbox:inbox": Row(NO_KWARGS, get=signed_in()),
    "inbox:notification_open": Row(NOTIFICATION_PK, post=RECIPIENT_ONLY),
    "inbox:notification_read": Row(NOTIFICATION_PK, post=RECIPIENT_ONLY),
    "inbox:mark_all_read": Row(NO_KWARGS, post=signed_in()),
    "inbox:preferences": Row(NO_KWARGS, get=signed_in(), post=signed_in(),
                             data=lambda w, kwargs: {"emailed": ["question_asked"]}),
    "inbox:calendar_token_new": Row(NO_KWARGS, post=signed_in()),
    "inbox:calendar_token_revoke": Row(NO_KWARGS, post=signed_in()),
    # exports: whoever may read the enrolment may export it, follow the export and download it
    "exports:export_list": Row(ENROLMENT_PK, get=enrolment_read()),
    "exports:export_create": Row(ENROLMENT_PK, post=enrolment_read(), data=lambda w, kwargs: {"format": "pdf"}),
    "exports:export_status": Row(by_enrolment(lambda w, e: {"pk": make_export(e).pk}), get=object_read()),
    "exports:export_download": Row(
        by_enrolment(lambda w, e: {"pk": make_export(e, status="done").pk}), get=object_read()),
    "exports:export_retry": Row(
        by_enrolment(lambda w, e: {"pk": make_export(e, status="failed").pk}), post=object_read()),
    # privacy: people's data, for the centre's admin (and a superuser)
    "privacy:erasure_plan": Row(CENTRE_PK, get=centre_admin_only()),
    "privacy:erasure_run": Row(CENTRE_PK, post=centre_admin_only(), data=lambda w, kwargs: {"confirm": "on"}),
    "privacy:person_data": Row(PERSON_AT_CENTRE, get=centre_admin_only()),
    "privacy:person_data_export": Row(PERSON_AT_CENTRE, post=centre_admin_only()),
    "privacy:export_status": Row(by_centre(lambda w, c: _person_data_export(w, c)), get=centre_admin_finds()),
    "privacy:export_download": Row(by_centre(lambda w, c: _person_data_export(w, c, status="done")),
                                   get=centre_admin_finds()),
    # the gateway pack: whoever may read the enrolment asks for it (refused in words until all three signed)
    "exports:gateway_packs": Row(ENROLMENT_PK, get=enrolment_read()),
    "exports:gateway_pack_create": Row(ENROLMENT_PK, post=enrolment_read()),
    # a centre's reports: its admin asks for them, follows and downloads them
    "exports:report_list": Row(CENTRE_PK, get=centre_admin_only()),
    "exports:report_create": Row(CENTRE_PK, post=centre_admin_only(),
                                 data=lambda w, kwargs: {"kind": "sampling", "format": "csv"}),
    "exports:report_status": Row(by_centre(lambda w, c: {"pk": make_report(c).pk}), get=centre_admin_report()),
    "exports:report_download": Row(by_centre(lambda w, c: {"pk": make_report(c, status="done").pk}),
                                   get=centre_admin_report()),
}

SKIPPED_NAMESPACES = {"admin", "djdt"}


def discovered_url_names() -> set[str]:
    """Every named URL of the project, with its namespaces, admin and static files aside."""
    names: set[str] = set()

    def walk(patterns: list, namespace: str, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES or route.startswith("static"):
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner, route)
            elif isinstance(pattern, URLPattern):
                if route.lstrip("^").startswith(("static", "media")):
                    continue
                names.add(f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {route}>")

    walk(get_resolver().url_patterns, "", "")
    return names


def test_every_url_is_in_the_walk() -> None:
    missing = sorted(discovered_url_names() - WALK.keys())
    assert not missing, f"URLs not in tests/test_permission_walk.py WALK (add them to the walk): {missing}"


def test_the_walk_is_well_formed() -> None:
    for name, row in WALK.items():
        assert row.get or row.post, f"{name}: give `get` or `post` expectations"
        for table in filter(None, (row.get, row.post)):
            assert set(table) == set(ROLES), f"{name}: expectations for every role: {ROLES}"
            for role, by_target in table.items():
                assert set(by_target) == set(row.targets), f"{name}/{role}: one expectation per target"


def test_on_their_own_enrolment_every_staff_role_is_expected_to_act_as_its_candidate() -> None:
    for name, row in WALK.items():
        if "self" not in row.targets:
            continue
        for table in filter(None, (row.get, row.post)):
            for role in set(ROLES) - set(NOT_STAFF):
                assert table[role]["self"] == table["candidate"]["own"], f"{name}: {role} on their own enrolment"


def build_world() -> SimpleNamespace:
    """Everyone and every object at once (the named people of tests/conftest.py, and Cara's paused second
    enrolment: another qualification of the same shape, with her assessor and IQA, paused by `_then_paused`
    once a row has built what it needs in it); rows build their kwargs from it. The employer (Cara's line
    manager) follows both her enrolments; Olga's has another employer's contact."""
    centre, other_centre = conftest.new_centre(), conftest.new_other_centre()
    qualification = conftest.build_qualification()
    assessor, iqa = conftest.new_assessor(centre), conftest.new_iqa(centre)
    candidate = conftest.new_candidate(centre)
    enrolment = conftest.enrol(candidate, centre, qualification, assessor, iqa)
    other_assessor, other_candidate = conftest.new_other_assessor(centre), conftest.new_other_candidate(centre)
    other_enrolment = conftest.enrol(other_candidate, centre, qualification, other_assessor, None)
    centre_admin, eqa = conftest.new_centre_admin(centre), conftest.new_eqa(centre)
    stranger_assessor = conftest.new_stranger_assessor(other_centre)
    stranger_candidate = conftest.new_stranger_candidate(other_centre)
    stranger_enrolment = conftest.enrol(stranger_candidate, other_centre, qualification, stranger_assessor, None)
    platform_admin = conftest.new_platform_admin()
    second = conftest.build_qualification(code="tiny-b", title="Tiny Certificate in Customer Service")
    today = timezone.localdate()
    paused_enrolment = Enrolment.objects.create(
        candidate=candidate, centre=centre, qualification=second, assessor=assessor, iqa=iqa,
        start_date=today, planned_end_date=today,
    )
    employer_contact = conftest.new_employer_contact(enrolment)
    other_employer_contact = conftest.new_other_employer_contact(other_enrolment)
    EmployerContact.objects.create(enrolment=paused_enrolment, user=employer_contact,
                                   kind=EmployerContactKind.LINE_MANAGER, invited_by=platform_admin)
    del second, today
    return SimpleNamespace(employer=employer_contact, **{name: value for name, value in locals().items()})


@pytest.fixture(scope="module")
def world_of_the_module(django_db_setup, django_db_blocker) -> Iterator[SimpleNamespace]:
    """The world, built once for a module's tests in a transaction rolled back after the last of them. Each
    test runs in a savepoint inside it (pytest-django's ``db``), rolled back after the test: every test
    starts from the world as built, whatever the tests before it wrote."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                built = build_world()
            yield built
            transaction.set_rollback(True)


@pytest.fixture
def world(db, world_of_the_module) -> SimpleNamespace:
    """The module's world, as fresh objects of this test alone (the database is as built, see above)."""
    return copy.deepcopy(world_of_the_module)


def _walk_cases() -> list:
    cases = []
    for name in sorted(discovered_url_names() & WALK.keys()):
        row = WALK[name]
        for role in ROLES:
            if row.get is not None:
                cases.append(pytest.param(name, role, "get", id=f"{name}-{role}-GET"))
            if row.post is not None:
                cases.append(pytest.param(name, role, "post", id=f"{name}-{role}-POST"))
            if row.get is None and role == "centre_admin":
                cases.append(pytest.param(name, role, "get-of-post-only", id=f"{name}-GET-of-POST-only"))
    return cases


def _check(response, expected: int | str, context: str) -> None:
    status = response.status_code
    location = response.get("Location", "")
    signing_in = status == 302 and location.startswith(reverse("login"))
    if expected == OK:
        assert status == 200 or (status in (301, 302, 303) and not signing_in), f"{context}: got {status} {location}"
    elif expected == LOGIN:
        assert signing_in, f"{context}: expected a redirect to sign in, got {status} {location}"
    else:
        assert status == expected, f"{context}: expected {expected}, got {status} {location}"


@pytest.mark.parametrize(("name", "role", "method"), _walk_cases())
def test_walk(client, world, name: str, role: str, method: str) -> None:
    row = WALK[name]
    world.role = role
    for target, build in row.targets.items():
        if target == "self" and role in NOT_STAFF:
            continue  # the candidate's own enrolment is the "own" target; the anonymous visitor has none
        kwargs = build(world)
        url = reverse(name, kwargs=kwargs)
        client.logout()
        if role != "anonymous":
            client.force_login(getattr(world, role))
        context = f"{method.upper()} {url} ({name}, target {target}) as {role}"
        if method == "get":
            _check(client.get(url), row.get[role][target], context)
        elif method == "post":
            _check(client.post(url, row.data(world, kwargs)), row.post[role][target], context)
        else:
            response = client.get(url)
            assert response.status_code not in (200, 500), f"{context}: a POST-only URL answered GET with 200/500"


# The admin site: walked apart, since its URLs are one per registered model. Platform admins use it all;
# centre admins read the shared catalogue (units) and get 403 on every other model; everyone else, signed
# in or not, is sent to the admin's own sign-in page. Each model's list, and the page of one of its rows.
ADMIN_LOGIN = "admin-login"


def _admin_expected(role: str, app_label: str) -> int | str:
    if role == "platform_admin":
        return OK
    if role == "centre_admin":
        return OK if app_label == "units" else 403
    return ADMIN_LOGIN


@pytest.mark.parametrize("role", ROLES)
def test_admin_walk(client, world, role: str) -> None:
    from django.contrib import admin

    make_evidence(world.enrolment)  # rows in the evidence app too
    if role != "anonymous":
        client.force_login(getattr(world, role))
    index = client.get(reverse("admin:index"))
    if role in ("platform_admin", "centre_admin"):
        assert index.status_code == 200, f"admin index as {role}: {index.status_code}"
    else:
        assert index.status_code == 302 and index["Location"].startswith(reverse("admin:login")), role
    assert admin.site._registry, "no model registered in the admin"
    for model in admin.site._registry:
        meta = model._meta
        urls = [reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")]
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk]))
        expected = _admin_expected(role, meta.app_label)
        for url in urls:
            response = client.get(url)
            context = f"GET {url} as {role}"
            if expected == ADMIN_LOGIN:
                assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), (
                    f"{context}: expected the admin sign-in, got {response.status_code}")
            else:
                _check(response, expected, context)
