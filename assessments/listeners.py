"""What the assessments app does when earlier apps act: audit records and the assessor's email.

Registered in AssessmentsConfig.ready() on the explicit callback lists that
candidates.services and evidence.services call inside their own transactions.
Why lists rather than Django signals or an import: the dependency still points one
way (assessments -> evidence -> candidates), the call site is visible in the
earlier app's code, and the audit record commits or rolls back with the change it
records (a signal handler could be connected anywhere and is easy to miss).
"""

from __future__ import annotations

from . import audit, notify


def reassigned(reassignment: object) -> None:
    """Audit an enrolment moved to another assessor or IQA."""
    enrolment = reassignment.enrolment
    audit.record(
        actor=reassignment.by, action=f"{reassignment.field} reassigned", obj=reassignment,
        enrolment_id=enrolment.pk, object_label=f"{reassignment.get_field_display()} of {enrolment}",
        before={"user": str(reassignment.from_user) if reassignment.from_user else None},
        after={"user": str(reassignment.to_user) if reassignment.to_user else None},
    )


def version_submitted(version: object) -> None:
    """Audit a submitted evidence version (with its files' hashes) and tell the assessor it waits for review."""
    item = version.item
    audit.record(
        actor=version.submitted_by, action="evidence version submitted", obj=version, enrolment_id=item.enrolment_id,
        object_label=f"{version.title} v{version.number}",
        after={"status": version.status, "files": [{"name": f.original_name, "sha256": f.sha256}
                                                   for f in version.files.all()]},
    )
    notify.evidence_submitted(version=version)


def version_revised(version: object) -> None:
    """Audit a new version started from a submitted one."""
    audit.record(
        actor=version.created_by, action="evidence version started", obj=version,
        enrolment_id=version.item.enrolment_id, object_label=f"{version.title} v{version.number}",
        after={"number": version.number, "status": version.status},
    )


def connect() -> None:
    """Register the listeners once (ready() may run more than once in tests)."""
    from candidates import services as candidate_services
    from evidence import services as evidence_services

    for callbacks, listener in (
        (candidate_services.AFTER_REASSIGN, reassigned),
        (evidence_services.AFTER_SUBMIT, version_submitted),
        (evidence_services.AFTER_REVISE, version_revised),
    ):
        if listener not in callbacks:
            callbacks.append(listener)
