"""Every write on centres, people and enrolments, one module per part: enrolment, the CSV import, the plan."""

from .csv_import import (
    CSV_COLUMNS,
    CSV_MAX_BYTES,
    CSV_MAX_ROWS,
    BulkPreview,
    BulkRow,
    bulk_enrol,
    check_rows,
    parse_enrolment_csv,
)
from .employer import name_employer_contact, remove_employer_contact
from .enrolment import (
    complete,
    enrol_candidate,
    enrolment_problems,
    ensure_open,
    invitation_link,
    pause,
    reassign,
    resume,
    send_invitation,
    send_invitations,
    withdraw,
)
from .invitation import accept_invitation, decline_invitation
from .safeguarding import safeguarding_lead_choices, safeguarding_lead_set

__all__ = [
    "CSV_COLUMNS", "CSV_MAX_BYTES", "CSV_MAX_ROWS", "BulkPreview", "BulkRow", "bulk_enrol",
    "check_rows", "complete", "enrol_candidate", "ensure_open", "enrolment_problems", "invitation_link",
    "parse_enrolment_csv", "pause", "reassign", "resume", "send_invitation", "send_invitations", "withdraw",
    "accept_invitation", "decline_invitation", "name_employer_contact", "remove_employer_contact",
    "safeguarding_lead_choices", "safeguarding_lead_set",
]
