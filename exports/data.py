"""What a portfolio export shows, as plain frozen dataclasses.

`exports.gather` builds a `PortfolioData` from the database; everything after
that (image preparation, rendering, merging, the ZIP manifest) works on these
values only, so it can be tested and benchmarked without a database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One stored evidence file: its name as uploaded and where and how it is stored."""

    name: str
    size: int
    sha256: str
    storage_name: str
    mime: str

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/") and self.mime != "image/svg+xml"

    @property
    def is_pdf(self) -> bool:
        return self.mime == "application/pdf"


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One evidence item, at the version the portfolio shows."""

    ref: str  # "E12": stable within the portfolio, used as the anchor and in the ZIP's folders
    title: str
    kind: str
    status: str
    version: int
    created: datetime.date
    submitted: datetime.date | None
    text: str
    files: tuple[StoredFile, ...] = ()
    author: str = ""
    witness: str = ""  # for a witness testimony: who, in what role, and whether they confirmed it
    language: str = ""  # the language the title and text were written in ("" where not recorded)

    @property
    def anchor(self) -> str:
        return f"evidence-{self.ref}"


@dataclass(frozen=True, slots=True)
class Decision:
    """The assessor's judgement of one mapping."""

    outcome: str  # "Accepted", "Referred", "Awaiting decision"
    by: str = ""
    at: datetime.date | None = None
    feedback: str = ""


@dataclass(frozen=True, slots=True)
class MappedEvidence:
    """An evidence item mapped to an assessable item, with the decision on that mapping."""

    ref: str
    title: str
    decision: Decision


@dataclass(frozen=True, slots=True)
class SignOff:
    by: str
    at: datetime.date
    note: str = ""


@dataclass(frozen=True, slots=True)
class Countersignature:
    """The IQA's verdict on a signed-off unit."""

    by: str
    at: datetime.date
    outcome: str  # "Countersigned", "Referred back"
    comment: str = ""


@dataclass(frozen=True, slots=True)
class ItemSection:
    """One assessable item (criterion, element or the unit itself) and what proves it."""

    code: str
    text: str
    outcome_code: str = ""
    outcome_title: str = ""
    is_knowledge: bool = False
    evidence: tuple[MappedEvidence, ...] = ()
    sign_off: SignOff | None = None


@dataclass(frozen=True, slots=True)
class UnitSection:
    code: str
    title: str
    level: int | None
    value_label: str  # "6 credits", "20 unit values", "" where the rules count units
    group: str
    items: tuple[ItemSection, ...] = ()
    sign_off: SignOff | None = None
    countersignatures: tuple[Countersignature, ...] = ()

    @property
    def anchor(self) -> str:
        return f"unit-{self.code}"


@dataclass(frozen=True, slots=True)
class RulesStatus:
    """The rules engine's verdict on a set of units, in words."""

    valid: bool
    summary: str
    lines: tuple[tuple[bool, str], ...] = ()  # (met, the rule in words)


@dataclass(frozen=True, slots=True)
class ReviewSignature:
    """One party's signature on a progress review: who, when, the content hash it pinned, and whether void."""

    party: str  # "Apprentice", "Employer", "Training provider"
    by: str
    at: datetime.datetime
    content_hash: str
    void: bool = False
    voided_at: datetime.datetime | None = None
    voided_by: str = ""


@dataclass(frozen=True, slots=True)
class ReviewTarget:
    text: str
    due: datetime.date


@dataclass(frozen=True, slots=True)
class Review:
    """A progress review as the portfolio shows it, with every signature given (void ones marked)."""

    held_on: datetime.date
    recorded_by: str
    progress: str
    covered: tuple[str, ...]  # "A13 2.1"
    otj_recorded: str  # "12:30" (hours:minutes)
    otj_verified: str
    english_maths: str
    wellbeing: str
    safeguarding_concern: bool
    safeguarding_note: str
    content_hash: str  # of the review as it stands
    complete: bool
    targets: tuple[ReviewTarget, ...] = ()
    signatures: tuple[ReviewSignature, ...] = ()
    number: int = 0  # 1, 2, ... oldest first: the anchor

    @property
    def anchor(self) -> str:
        return f"review-{self.number}"


@dataclass(frozen=True, slots=True)
class PortfolioData:
    candidate: str
    candidate_email: str
    centre: str
    qualification: str
    qualification_code: str
    awarding_body: str
    assessor: str
    iqa: str
    start_date: datetime.date
    planned_end_date: datetime.date
    generated_at: datetime.datetime
    plan: RulesStatus
    achieved: RulesStatus
    units: tuple[UnitSection, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()
    uln: str = ""
    registration_number: str = ""
    reviews: tuple[Review, ...] = ()

    @property
    def files(self) -> list[tuple[EvidenceItem, StoredFile]]:
        """Every stored file with the item it belongs to, in portfolio order."""
        return [(item, stored) for item in self.evidence for stored in item.files]
