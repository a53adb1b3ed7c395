"""Search and filters of the lists of enrolments that grow: a centre's enrolments, a caseload, a review queue,
the IQA's sampling. Server-side, in SQL, so a page costs the same queries whatever the size of the list.

Two filters need data of later apps (DESIGN.md: an app never imports one after it). They plug in here
from their AppConfig.ready():

- "No activity for N days": an enrolment's *last activity* is the latest of its creation and the times
  later apps register with `register_activity` (evidence submitted, an assessor's decision, an item or
  unit sign-off). It is one annotation, `last_activity`, so the filter is one condition in the list's
  query. An enrolment nobody has touched since it was created counts from its creation.
- "Behind plan": active and past the planned end date, or behind by a measure a later app registers with
  `register_behind` (off-the-job hours, apprenticeships). Each such source costs its own fixed queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import F, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from .models import Enrolment, EnrolmentStatus

# A subquery giving the latest activity time of the enrolment OuterRef("pk"), or NULL.
ActivitySource = Callable[[], Subquery]
# The ids, among the active `enrolments`, of those behind by the source's measure on `today`.
BehindSource = Callable[[QuerySet[Enrolment], datetime.date], Iterable[int]]

_activity_sources: dict[str, ActivitySource] = {}
_behind_sources: dict[str, BehindSource] = {}

MAX_IDLE_DAYS = 3650


def register_activity(name: str, source: ActivitySource) -> None:
    """Count the times `source` gives as activity of an enrolment (idempotent per name: ready() may run twice)."""
    _activity_sources[name] = source


def register_behind(name: str, source: BehindSource) -> None:
    """Count the enrolments `source` names as behind plan (idempotent per name)."""
    _behind_sources[name] = source


def last_activity() -> Greatest:
    """The enrolment's last activity: the latest of its creation and every registered source."""
    times = [Coalesce(source(), F("created")) for _name, source in sorted(_activity_sources.items())]
    # Greatest of one expression is that expression: the creation alone while no source is registered.
    return Greatest(F("created"), *times) if times else Greatest(F("created"), F("created"))


def with_last_activity(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """`enrolments` annotated with `last_activity` (see the module docstring)."""
    return enrolments.annotate(last_activity=last_activity())


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
        if self.behind:
            enrolments = behind_plan(enrolments, timezone.localdate(now))
        if self.idle_days:
            idle_since = now - datetime.timedelta(days=self.idle_days)
            enrolments = with_last_activity(enrolments).filter(last_activity__lt=idle_since)  # type: ignore[misc]
        return enrolments

    def query(self) -> dict[str, str]:
        """The search as GET parameters (the names of EnrolmentSearchForm), for page links."""
        values = {"q": self.text, "qualification": self.qualification or "", "assessor": self.assessor or "",
                  "status": self.status, "idle": self.idle_days or "", "behind": "1" if self.behind else ""}
        return {key: str(value) for key, value in values.items() if value}

    def querystring(self) -> str:
        return urlencode(self.query())
