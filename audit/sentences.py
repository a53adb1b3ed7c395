"""The audit trail in words: one translatable sentence for every action a service records.

Each sentence is a gettext phrase with named placeholders, filled from the record
(who, on what, the reason or feedback kept in it) and from what the reader of the
history knows beside it (the item's title, the person's role), given as `Facts`.
An action with no phrase here still reads as a sentence (`FALLBACK`), but
tests/audit/test_sentences.py finds every action recorded in the code and fails
for one without its own phrase.

Like the trail, this module imports no other app of ours.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from .models import AuditRecord

#: The action recorded (AuditRecord.action) -> its sentence. Placeholders: actor, object, item, unit,
#: evidence, reason, feedback, comments, from_user, to_user, email, person, roles, from_roles, count (see `_facts`).
#: evidence, reason, feedback, comments, from_user, to_user, email, weeks, party (see `_facts`).
PHRASES: dict[str, Promise] = {
    # evidence
    "evidence version started": _("%(actor)s started a new version of the evidence %(evidence)s."),
    "evidence version submitted": _("%(actor)s submitted the evidence %(evidence)s for assessment."),
    # the assessor's decisions on claims
    "mapping accepted": _("%(actor)s accepted the claim on %(item)s (evidence %(evidence)s)."),
    "mapping referred": _("%(actor)s referred the claim on %(item)s (evidence %(evidence)s): %(feedback)s"),
    "mapping added": _("%(actor)s claimed %(item)s for the evidence %(evidence)s."),
    "mapping removed": _("%(actor)s removed the claim on %(item)s from the evidence %(evidence)s."),
    "decision carried forward": _("%(actor)s submitted the evidence %(evidence)s with the claim on %(item)s "
                                  "unchanged: its acceptance on version %(from_version)s was kept."),
    # sign-off
    "item signed off": _("%(actor)s signed off %(item)s."),
    "learner declaration": _("%(actor)s declared that the evidence for unit %(unit)s is their own work."),
    "unit signed off": _("%(actor)s signed off unit %(unit)s."),
    # quality assurance
    "unit sampled by IQA": _("%(actor)s took unit %(unit)s into the IQA sample."),
    "unit countersigned": _("%(actor)s countersigned unit %(unit)s."),
    "unit referred by IQA": _("%(actor)s referred unit %(unit)s back to the assessor: %(comments)s"),
    # visits
    "visit planned": _("%(actor)s planned a visit: %(object)s."),
    "visit changed": _("%(actor)s changed the visit: %(object)s."),
    "visit cancelled": _("%(actor)s cancelled the visit: %(object)s."),
    "visit notes recorded": _("%(actor)s recorded the notes of the visit: %(object)s."),
    # the enrolment
    "candidate enrolled": _("%(actor)s enrolled %(object)s."),
    "candidate invited to enrol": _("%(actor)s invited %(email)s to enrol (%(object)s)."),
    "enrolment invitation accepted": _("%(actor)s accepted the invitation: %(object)s."),
    "enrolment invitation declined": _("%(actor)s declined the invitation (%(object)s)."),
    "assessor reassigned": _("%(actor)s made %(to_user)s the assessor instead of %(from_user)s: %(reason)s"),
    "iqa reassigned": _("%(actor)s made %(to_user)s the IQA instead of %(from_user)s: %(reason)s"),
    "enrolment paused": _("%(actor)s paused the enrolment: %(reason)s"),
    "enrolment resumed": _("%(actor)s resumed the enrolment: %(reason)s"),
    "enrolment withdrawn": _("%(actor)s withdrew the enrolment: %(reason)s"),
    "enrolment completed": _("%(actor)s marked the enrolment completed: %(reason)s"),
    # the apprentice's employer
    "employer organisation added": _("%(actor)s added the employer organisation %(object)s."),
    "employer set": _("%(actor)s set the apprentice's employer: %(employer)s."),
    "employer contact named": _("%(actor)s named %(person)s as an employer contact (%(employer)s)."),
    "employer contact removed": _("%(actor)s removed %(person)s as an employer contact."),
    # the centre's staff
    "staff member invited": _("%(actor)s invited %(person)s to the centre's staff as %(roles)s."),
    "staff roles changed": _("%(actor)s changed the roles of %(person)s from %(from_roles)s to %(roles)s."),
    "staff member deactivated": _("%(actor)s deactivated %(person)s at the centre, ending their roles there: "
                                  "%(from_roles)s."),
    "staff member reactivated": _("%(actor)s reactivated %(person)s at the centre as %(roles)s."),
    "staff caseload handed over": ngettext_lazy(
        "%(actor)s handed over the caseload of %(person)s (%(count)s enrolment; new assessor %(assessor)s, "
        "new IQA %(iqa)s): %(reason)s",
        "%(actor)s handed over the caseload of %(person)s (%(count)s enrolments; new assessor %(assessor)s, "
        "new IQA %(iqa)s): %(reason)s", "count"),
    "witness testimony confirmed": _("%(actor)s confirmed the witness testimony %(evidence)s, signed in."),
    "enrolment moved": _("%(actor)s moved the enrolment from version %(from_version)s to version %(to_version)s of "
                         "the qualification; unchanged sign-offs were carried over."),
    # off-the-job training (apprenticeships)
    "off-the-job plan set": _("%(actor)s set the off-the-job training plan."),
    "off-the-job hours recorded": _("%(actor)s logged off-the-job training: %(object)s."),
    "off-the-job hours changed": _("%(actor)s changed the off-the-job training entry %(object)s."),
    "off-the-job hours deleted": _("%(actor)s deleted the off-the-job training entry %(object)s."),
    "off-the-job hours verified": _("%(actor)s verified the off-the-job training entry %(object)s."),
    "off-the-job hours queried": _("%(actor)s queried the off-the-job training entry %(object)s: %(comments)s"),
    # the end-point assessment gateway (apprenticeships)
    "gateway achievement recorded": _("%(actor)s recorded an achievement for the gateway: %(object)s."),
    "gateway achievement removed": _("%(actor)s removed the gateway record %(object)s."),
    "gateway declaration signed": _("%(actor)s signed the gateway declaration (%(object)s)."),
    # progress reviews (apprenticeships)
    "review schedule set": ngettext_lazy("%(actor)s set the progress reviews to every %(weeks)s week.",
                                         "%(actor)s set the progress reviews to every %(weeks)s weeks.", "weeks"),
    "progress review recorded": _("%(actor)s recorded the %(object)s."),
    "progress review changed": _("%(actor)s changed the %(object)s."),
    "progress review signatures voided": _("%(actor)s changed the %(object)s after it was signed: the signatures "
                                           "given are void."),
    "progress review signed": _("%(actor)s signed the %(object)s as the %(party)s."),
    "safeguarding concern raised": _("%(actor)s raised a safeguarding concern in the %(object)s; alerted: "
                                     "%(person)s."),
    "safeguarding lead named": _("%(actor)s named %(person)s the designated safeguarding lead of %(object)s."),
    "safeguarding lead removed": _("%(actor)s removed %(person)s as the designated safeguarding lead of "
                                   "%(object)s."),
    # qualification specifications (no enrolment's history shows these; the trail keeps them)
    "spec published": _("%(actor)s published the specification %(object)s."),
    "spec replaced": _("%(actor)s replaced the specification %(object)s."),
    "spec retired": _("%(actor)s retired %(object)s: no new enrolments."),
    "spec reopened": _("%(actor)s reopened %(object)s to new enrolments."),
    "spec deleted": _("%(actor)s deleted the specification %(object)s."),
    # people's data (privacy): ids only, so the records outlive the erasure of the people they concern
    "subject access export requested": _("%(actor)s asked for a copy of all the personal data held on %(object)s "
                                         "(a subject-access request)."),
    "personal data erased": _("%(actor)s erased the personal data of %(object)s under the retention policy; "
                              "the record of assessment decisions and the audit trail were kept."),
    # signing in (no enrolment's history shows these; the trail keeps them)
    "two-step sign-in set up": _("%(actor)s set up two-step sign-in with an authenticator app."),
    "two-step sign-in removed": _("%(actor)s turned off two-step sign-in."),
    "two-step device removed in the admin": _("%(actor)s removed a two-step sign-in device of %(object)s in the "
                                              "admin."),
    "recovery codes renewed": _("%(actor)s made new two-step sign-in recovery codes; the old ones no longer work."),
    "centre sign-in set": _("%(actor)s let people of %(centre)s sign in with its own accounts (%(provider)s, "
                            "%(domain)s, %(state)s)."),
    "centre sign-in changed": _("%(actor)s changed how people of %(centre)s sign in with its own accounts "
                                "(%(provider)s, %(domain)s, %(state)s)."),
}

FALLBACK = _("%(actor)s: %(action)s, %(object)s.")
#: A centre's sign-in providers as sentences name them (the values of signin.models.Provider, not imported:
#: this module imports no other app).
_PROVIDERS: dict[str, Promise] = {
    "microsoft": _("Microsoft 365 (Microsoft Entra ID)"),
    "google": _("Google Workspace"),
    "oidc": _("another OpenID Connect provider"),
}

#: The roles a person may act in, as a sentence names them after the person's name.
ROLE_WORDS: dict[str, Promise] = {
    "candidate": _("candidate"),
    "assessor": _("assessor"),
    "iqa": _("IQA"),
    "centre_admin": _("centre admin"),
    "eqa": _("EQA"),
}


@dataclass(frozen=True)
class Facts:
    """What the reader knows beside a record: item and unit titles by their labels, the actor's role."""

    role: str = ""  # a key of ROLE_WORDS, or "" when unknown
    items: Mapping[str, str] = field(default_factory=dict)  # "A13 2.1" -> "A13 2.1: Explain what good service is"
    units: Mapping[str, str] = field(default_factory=dict)  # "A13" -> "A13: Deal with customers"


class _Blank(dict[str, str | int]):
    """Placeholder values; one a record does not hold reads as a dash rather than failing."""

    def __missing__(self, key: str) -> str:
        return "–"


def has_phrase(action: str) -> bool:
    """Whether `action` has a sentence of its own."""
    return action in PHRASES


def sentence(record: AuditRecord, facts: Facts | None = None) -> str:
    """The record as one sentence in the active language."""
    facts = facts or Facts()
    phrase = PHRASES.get(record.action, FALLBACK)
    # A phrase with a count (ngettext_lazy) picks its plural form from its number's placeholder as it fills.
    return str(phrase % _facts(record, facts))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _facts(record: AuditRecord, facts: Facts) -> _Blank:
    before = record.before if isinstance(record.before, dict) else {}
    after = record.after if isinstance(record.after, dict) else {}
    # A claim's label is "<evidence title> v<n> → <unit> <item>"; a unit's "<unit> signed off by ..." or
    # "<unit> for <candidate>"; the unit a declaration or sign-off is for is also kept in `after`.
    evidence = record.object_label.rpartition(" → ")[0]
    item = item_label(record)
    unit = unit_label(record)
    values = _Blank(
        actor=_actor(record, facts.role),
        action=record.action,
        object=record.object_label,
        item=facts.items.get(item, item),
        unit=facts.units.get(unit, unit),
        evidence=_quoted_version(evidence or record.object_label),
        reason=_text(after.get("reason")),
        feedback=_text(after.get("feedback")),
        comments=_text(after.get("comments")),
        email=_text(after.get("email")),
        from_user=_text(before.get("user")) or gettext("nobody"),
        to_user=_text(after.get("user")) or gettext("nobody"),
        from_version=_text(before.get("version")) or _text(after.get("from_version")),
        employer=_text(after.get("employer")),
        person=_text(after.get("person")) or _text(before.get("person")),
        to_version=_text(after.get("version")),
        roles=_roles(after.get("roles")),
        from_roles=_roles(before.get("roles")),
        count=_count(after.get("count")),
        assessor=_text(after.get("assessor")) or gettext("unchanged"),
        iqa=_text(after.get("iqa")) or gettext("unchanged"),
        weeks=_count(after.get("interval_weeks")),
        party=_party(after.get("party")),
        centre=record.object_label.split(" – ")[0],
        provider=str(_PROVIDERS.get(_text(after.get("provider")), _text(after.get("provider")))),
        domain=_text(after.get("email_domain")),
        state=(gettext("offered") if after.get("enabled") else gettext("turned off")) if "enabled" in after else "",
    )
    return _Blank({name: value for name, value in values.items() if value or isinstance(value, int)})


class _NoCount(int):
    """A count a record does not hold: 0 to choose a plural form, a dash where the sentence shows it."""

    def __str__(self) -> str:
        return "–"


def _count(value: Any) -> int:
    """A number kept in a record (3 or "3"), to choose a phrase's plural form; `_NoCount` when there is none."""
    text = _text(value)
    return int(text) if text.isdigit() else _NoCount(0)


def _roles(kinds: Any) -> str:
    """Role kinds kept in a record (["assessor", "iqa"]) as the sentence names them: "assessor, IQA"; else ""."""
    if not isinstance(kinds, list):
        return ""
    return ", ".join(str(ROLE_WORDS.get(kind, kind)) for kind in kinds) or gettext("no role")
#: The parties who sign an apprentice's review, as a sentence names them (apprenticeships.signing.Party).
PARTY_WORDS: dict[str, Promise] = {
    "candidate": _("apprentice"),
    "employer": _("employer"),
    "provider": _("training provider"),
}


def _party(value: Any) -> str:
    return str(PARTY_WORDS.get(_text(value), _text(value)))


def item_label(record: AuditRecord) -> str:
    """The assessable item a claim or an item sign-off is on, as its label names it ("A13 2.1"); else ""."""
    if " → " in record.object_label:
        return record.object_label.rpartition(" → ")[2]
    if record.action == "item signed off":
        return record.object_label.split(" signed off by ")[0]
    return ""


def unit_label(record: AuditRecord) -> str:
    """The unit code a record is about ("A13"): its item's unit, else from `after` or the label's first word."""
    after = record.after if isinstance(record.after, dict) else {}
    return (item_label(record) or _text(after.get("unit")) or record.object_label).split(" ", 1)[0]


def _actor(record: AuditRecord, role: str) -> str:
    name = record.actor_label if record.actor_id is not None or record.actor_label != "system" else ""
    if not name:
        return gettext("The system")
    if role in ROLE_WORDS:
        return gettext("%(name)s (%(role)s)") % {"name": name, "role": ROLE_WORDS[role]}
    return name


def _quoted_version(label: str) -> str:
    """'Call log v2' -> '“Call log” (version 2)'; any other label as it is, quoted."""
    title, _space, number = label.rpartition(" v")
    if title and number.isdigit():
        return gettext("“%(title)s” (version %(number)s)") % {"title": title, "number": number}
    return gettext("“%(title)s”") % {"title": label}
