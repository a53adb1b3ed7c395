"""Search and filters of the lists of enrolments that grow: a centre's enrolments, a caseload, a review queue,
the IQA's sampling. Server-side, in SQL, so a page costs the same queries whatever the size of the list.

Two filters need data of later apps (DESIGN.md: an app never imports one after it). They plug in here
from their AppConfig.ready():

- "No activity for N days": an enrolment's *last activity* is the latest of its creation and the times
  later apps register with `register_activity` (evidence submitted, an assessor's decision, an item or
  unit sign-off); `last_activity` annotates it. The filter asks the same question as anti-joins
  (`idle_since`: created before the moment, and no registered activity at or after it), which the database
  answers fast. An enrolment nobody has touched since it was created counts from its creation.
- "Behind plan": active and past the planned end date, or behind by a measure a later app registers with
  `register_behind` (off-the-job hours, apprenticeships). Each such source costs its own fixed queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from .models import Enrolment, EnrolmentStatus


@dataclass(frozen=True)
class ActivitySource:
    """Rows of a later app that count as activity of an enrolment: `model`'s rows, reaching the enrolment's id by
    `enrolment` (a lookup path) and stamped by the time field `at` (NULL rows are not activity)."""

    model: type[Model]
    enrolment: str
    at: str

    def rows(self) -> QuerySet[Any]:
        return self.model._default_manager.filter(**{f"{self.at}__isnull": False})

    def latest(self) -> Subquery:
        """The latest time of the enrolment OuterRef("pk"), or NULL."""
        return Subquery(self.rows().filter(**{self.enrolment: OuterRef("pk")}).order_by(f"-{self.at}")
                        .values(self.at)[:1])

    def since(self, moment: datetime.datetime) -> Exists:
        """Whether the enrolment OuterRef("pk") has activity at or after `moment`."""
        return Exists(self.rows().filter(**{self.enrolment: OuterRef("pk"), f"{self.at}__gte": moment}))


# The ids, among the active `enrolments`, of those behind by the source's measure on `today`.
BehindSource = Callable[[QuerySet[Enrolment], datetime.date], Iterable[int]]

_activity_sources: dict[str, ActivitySource] = {}
_behind_sources: dict[str, BehindSource] = {}

MAX_IDLE_DAYS = 3650


def register_activity(name: str, source: ActivitySource) -> None:
    """Count `source`'s rows as activity of an enrolment (idempotent per name: ready() may run twice)."""
    _activity_sources[name] = source


def register_behind(name: str, source: BehindSource) -> None:
    """Count the enrolments `source` names as behind plan (idempotent per name)."""
    _behind_sources[name] = source


def last_activity() -> Greatest:
    """The enrolment's last activity: the latest of its creation and every registered source."""
    times = [Coalesce(source.latest(), F("created")) for _name, source in sorted(_activity_sources.items())]
    # Greatest of one expression is that expression: the creation alone while no source is registered.
    return Greatest(F("created"), *times) if times else Greatest(F("created"), F("created"))


def with_last_activity(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """`enrolments` annotated with `last_activity` (see the module docstring)."""
    return enrolments.annotate(last_activity=last_activity())


def idle_since(moment: datetime.datetime) -> Q:
    """The enrolments whose `last_activity` is before `moment`, written as anti-joins (the database answers
    these for 10,000 enrolments without computing each one's last activity)."""
    condition = Q(created__lt=moment)
    for _name, source in sorted(_activity_sources.items()):
        condition &= ~Q(source.since(moment))
    return condition


def behind_plan(enrolments: QuerySet[Enrolment], today: datetime.date) -> QuerySet[Enrolment]:
    """The active enrolments of `enrolments` past their planned end date or behind by a registered measure."""
    active = enrolments.filter(status=EnrolmentStatus.ACTIVE)
    behind = Q(planned_end_date__lt=today)
    for _name, source in sorted(_behind_sources.items()):
        ids = set(source(active.order_by().values("pk"), today))  # type: ignore[arg-type]  # a values() queryset
        if ids:
            behind |= Q(pk__in=ids)
    return active.filter(behind)


def text_condition(text: str, prefix: str = "") -> Q:
    """Every word of `text` in the candidate's first name, last name or email (any case), or the exact ULN.

    `prefix` reaches the enrolment from another model ("enrolment__").
    """
    condition = Q()
    for word in text.split()[:5]:
        condition &= (
            Q(**{f"{prefix}candidate__first_name__icontains": word})
            | Q(**{f"{prefix}candidate__last_name__icontains": word})
            | Q(**{f"{prefix}candidate__email__icontains": word})
            | Q(**{f"{prefix}uln": word})
        )
    return condition


@dataclass(frozen=True)
class EnrolmentSearch:
    """What a person asked a list of enrolments for; empty fields filter nothing."""

    text: str = ""
    qualification: int | None = None
    assessor: int | None = None
    status: str = ""
    idle_days: int | None = None
    behind: bool = False

    @property
    def is_filtered(self) -> bool:
        return bool(self.text or self.qualification or self.assessor or self.status or self.idle_days
                    or self.behind)

    def apply(self, enrolments: QuerySet[Enrolment], *, now: datetime.datetime | None = None) -> QuerySet[Enrolment]:
        """`enrolments` narrowed to the search; `last_activity` annotated when the idle filter asks for it."""
        now = now or timezone.now()
        if self.text:
            enrolments = enrolments.filter(text_condition(self.text))
        if self.qualification:
            enrolments = enrolments.filter(qualification_id=self.qualification)
        if self.assessor:
            enrolments = enrolments.filter(assessor_id=self.assessor)
        if self.status:
            enrolments = enrolments.filter(status=self.status)
        if self.idle_days:
            enrolments = enrolments.filter(idle_since(now - datetime.timedelta(days=self.idle_days)))
        if self.behind:  # last: a registered measure then reads only the enrolments every other filter left
            enrolments = behind_plan(enrolments, timezone.localdate(now))
        return enrolments

    def query(self) -> dict[str, str]:
        """The search as GET parameters (the names of EnrolmentSearchForm), for page links."""
        values = {"q": self.text, "qualification": self.qualification or "", "assessor": self.assessor or "",
                  "status": self.status, "idle": self.idle_days or "", "behind": "1" if self.behind else ""}
        return {key: str(value) for key, value in values.items() if value}

    def querystring(self) -> str:
        return urlencode(self.query())
