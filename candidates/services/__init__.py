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
from .enrolment import (
    enrol_candidate,
    enrolment_problems,
    invitation_link,
    pause,
    reassign,
    resume,
    send_invitation,
    send_invitations,
    withdraw,
)

__all__ = [
    "CSV_COLUMNS", "CSV_MAX_BYTES", "CSV_MAX_ROWS", "BulkPreview", "BulkRow", "bulk_enrol",
    "check_rows", "enrol_candidate", "enrolment_problems", "invitation_link", "parse_enrolment_csv", "pause",
    "reassign", "resume", "send_invitation", "send_invitations", "withdraw",
]
