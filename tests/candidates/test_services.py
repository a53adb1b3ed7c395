"""Enrolment services: enrol one, enrol a CSV all-or-nothing, reassign, pause/resume/withdraw."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from audit import trail
from audit.models import AuditRecord
from candidates import services
from candidates.models import Enrolment, EnrolmentStatus, Reassignment, Role, RoleKind, User
from candidates.tasks import send_invitations as send_invitations_task
from units.models import Pathway

START = datetime.date(2026, 9, 1)
END = datetime.date(2027, 8, 31)

WHY = "Agreed with the candidate."


@pytest.fixture
def enrol_args(centre, centre_admin, qualification, assessor, iqa) -> dict:
    return {
        "centre": centre, "by": centre_admin, "email": "New.Person@Example.org", "first_name": "New",
        "last_name": "Person", "qualification": qualification, "assessor": assessor, "iqa": iqa,
        "start_date": START, "planned_end_date": END, "uln": "1234567890", "registration_number": "OCR-1",
    }


def problems_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_enrol_creates_the_person_with_the_candidate_role_and_invites_them(
    enrol_args, centre, django_capture_on_commit_callbacks, settings
) -> None:
    settings.SITE_URL = "https://portfolio.example.org/"
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services.enrol_candidate(**enrol_args)
    person = User.objects.get(email="new.person@example.org")
    assert isinstance(enrolment, Enrolment)
    assert enrolment.candidate == person
    assert not person.has_usable_password()
    assert Role.objects.filter(user=person, centre=centre, kind=RoleKind.CANDIDATE).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.org"]
    assert "https://portfolio.example.org/accounts/welcome/" in mail.outbox[0].body


def test_enrol_an_existing_person_keeps_their_password_and_sends_no_invitation(
    enrol_args, other_candidate, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services.enrol_candidate(**{**enrol_args, "email": other_candidate.email})
    assert isinstance(enrolment, Enrolment)
    assert enrolment.candidate == other_candidate
    assert mail.outbox == []


def test_the_invitation_waits_for_the_commit(enrol_args, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.enrol_candidate(**enrol_args)
    assert len(callbacks) == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"uln": "12345"}, "uln", "must be exactly 10 digits"),
        ({"planned_end_date": datetime.date(2026, 8, 1)}, "planned_end_date", "is before the start date"),
        ({"email": "not-an-address"}, "email", "is not a valid email address"),
        # Valid (up to 320 characters) but longer than the column: PostgreSQL would refuse it with a server error.
        ({"email": "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".org"}, "email", "at most 254 can be stored"),
        ({"qualification": None}, "qualification", "Choose the qualification"),
        ({"assessor": None}, "assessor", "Name the assessor"),
    ],
)
def test_enrol_refuses_bad_input_with_an_actionable_message(enrol_args, change, field, message) -> None:
    with pytest.raises(ValidationError) as caught:
        services.enrol_candidate(**{**enrol_args, **change})
    assert message in " ".join(caught.value.message_dict[field])
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_enrol_refuses_an_assessor_who_is_not_an_assessor_of_this_centre(enrol_args, stranger_assessor) -> None:
    with pytest.raises(ValidationError) as caught:
        services.enrol_candidate(**{**enrol_args, "assessor": stranger_assessor})
    assert "is not an assessor at Northgate Training" in problems_of(caught.value)


def test_enrol_refuses_an_iqa_who_is_not_an_iqa_here(enrol_args, other_assessor) -> None:
    with pytest.raises(ValidationError) as caught:
        services.enrol_candidate(**{**enrol_args, "iqa": other_assessor})
    assert "is not an IQA at" in problems_of(caught.value)


def test_enrol_refuses_the_same_person_as_assessor_and_iqa(enrol_args, assessor, centre) -> None:
    Role.objects.create(user=assessor, centre=centre, kind=RoleKind.IQA)
    with pytest.raises(ValidationError) as caught:
        services.enrol_candidate(**{**enrol_args, "iqa": assessor})
    assert "must be a different person" in problems_of(caught.value)


def test_enrol_refuses_someone_already_enrolled_on_the_qualification(enrol_args, enrolment, candidate) -> None:
    with pytest.raises(ValidationError) as caught:
        services.enrol_candidate(**{**enrol_args, "email": candidate.email})
    assert "is already enrolled on" in problems_of(caught.value)


def test_enrol_refuses_another_version_of_a_qualification_already_enrolled_on(
    enrol_args, enrolment, candidate, make_qualification
) -> None:
    newer = make_qualification(version="2", version_order=2)
    with pytest.raises(ValidationError):
        services.enrol_candidate(**{**enrol_args, "email": candidate.email, "qualification": newer})


def test_a_withdrawn_candidate_may_enrol_again(enrol_args, enrolment, candidate, centre_admin) -> None:
    services.withdraw(enrolment=enrolment, by=centre_admin, reason=WHY)
    again = services.enrol_candidate(**{**enrol_args, "email": candidate.email})
    assert again.pk != enrolment.pk


def test_enrol_requires_the_pathway_of_a_qualification_with_pathways(enrol_args, qualification) -> None:
    pathway = Pathway.objects.create(qualification=qualification, name="Contact centre")
    with pytest.raises(ValidationError) as caught:
        services.enrol_candidate(**enrol_args)
    assert "has pathways" in problems_of(caught.value)
    assert services.enrol_candidate(**{**enrol_args, "pathway": pathway}).pathway == pathway


def test_enrol_refuses_a_pathway_of_another_qualification(enrol_args, make_qualification) -> None:
    other = make_qualification(code="other")
    pathway = Pathway.objects.create(qualification=other, name="Elsewhere")
    with pytest.raises(ValidationError) as caught:
        services.enrol_candidate(**{**enrol_args, "pathway": pathway})
    assert "belongs to another qualification" in problems_of(caught.value)


# --- CSV ----------------------------------------------------------------------------------------

HEADER = ",".join(services.CSV_COLUMNS)


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def row(
    email: str = "a@example.org", *, code: str = "tiny", version: str = "1", assessor: str = "ash.assessor@example.org",
    iqa: str = "ivy.quality@example.org", start: str = "2026-09-01", end: str = "2027-08-31", uln: str = "",
) -> str:
    return f"{email},Anna,Able,{code},{version},{assessor},{iqa},{start},{end},{uln},"


@pytest.fixture
def people(centre, qualification, assessor, iqa, centre_admin) -> None:
    """The centre's assessor and IQA, and the qualification, exist."""


def test_csv_preview_accepts_good_rows(people, centre) -> None:
    preview = services.parse_enrolment_csv(centre=centre, content=csv_bytes(row(), row("b@example.org")))
    assert preview.is_valid, preview
    assert [r.line for r in preview.rows] == [2, 3]
    assert not Enrolment.objects.exists()


def test_csv_preview_saves_nothing_even_when_valid(people, centre) -> None:
    services.parse_enrolment_csv(centre=centre, content=csv_bytes(row()))
    assert not User.objects.filter(email="a@example.org").exists()


def test_csv_with_a_wrong_header_says_which_columns(people, centre) -> None:
    preview = services.parse_enrolment_csv(centre=centre, content=csv_bytes(row(), header="email,name,qualification"))
    assert not preview.is_valid
    text = " ".join(preview.problems)
    assert "The first line must be the header" in text
    assert "Missing columns: first_name" in text
    assert "Unknown columns: name, qualification" in text


def test_csv_accepts_a_byte_order_mark_and_uk_dates(people, centre) -> None:
    content = b"\xef\xbb\xbf" + csv_bytes(row(start="01/09/2026", end="31/08/2027"))
    assert services.parse_enrolment_csv(centre=centre, content=content).is_valid


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (row(start="2026-13-01"), "Start date “2026-13-01” is not a date"),
        (row(end="next year"), "Planned end date “next year” is not a date"),
        (row(code="nope"), "Unknown qualification code “nope”"),
        (row(version="9"), "Qualification tiny has no version “9” (known versions: 1)"),
        (row(assessor="ghost@example.org"), "Assessor ghost@example.org has no account here"),
        (row(assessor="cara.candidate@example.org"), "is not an assessor at Northgate Training"),
        (row(uln="12"), "must be exactly 10 digits"),
        (row(start="2027-09-01", end="2027-01-01"), "is before the start date"),
        (row("not an email"), "is not a valid email address"),
    ],
)
def test_csv_row_problems_are_named(people, centre, candidate, bad_row, message) -> None:
    preview = services.parse_enrolment_csv(centre=centre, content=csv_bytes(row(), bad_row))
    assert not preview.is_valid
    assert preview.rows[0].problems == []
    assert any(message in problem for problem in preview.rows[1].problems), preview.rows[1].problems


def test_csv_reports_every_problem_of_a_row_not_only_the_first(people, centre) -> None:
    bad = row("not an email", code="nope", start="2026-13-01", assessor="ghost@example.org", uln="12")
    preview = services.parse_enrolment_csv(centre=centre, content=csv_bytes(bad))
    assert preview.rows[0].problems == [
        "“not an email” is not a valid email address.",
        "Unknown qualification code “nope”: use a code from the Qualifications page.",
        "Assessor ghost@example.org has no account here; add them to the centre first.",
        "Start date “2026-13-01” is not a date: write it as YYYY-MM-DD (e.g. 2026-09-01) or DD/MM/YYYY.",
        "The ULN “12” must be exactly 10 digits (leave it blank if not known yet).",
    ]
    assert preview.problem_count == 5


def test_csv_reports_an_empty_column_once(people, centre) -> None:
    preview = services.parse_enrolment_csv(centre=centre, content=csv_bytes(row("", code="", assessor="")))
    assert preview.rows[0].problems == [
        "The email column is empty.", "The qualification_code column is empty.", "The assessor_email column is empty.",
    ]


def test_bulk_enrol_names_every_problem_of_a_row_by_line(people, centre, centre_admin) -> None:
    rows = services.parse_enrolment_csv(centre=centre, content=csv_bytes(row(), row("bad", code="nope"))).rows
    with pytest.raises(ValidationError) as refused:
        services.bulk_enrol(centre=centre, by=centre_admin, rows=rows)
    assert refused.value.messages == [
        "Line 3: “bad” is not a valid email address.",
        "Line 3: Unknown qualification code “nope”: use a code from the Qualifications page.",
    ]
    assert not Enrolment.objects.exists()


def test_csv_duplicate_rows_are_flagged(people, centre) -> None:
    preview = services.parse_enrolment_csv(centre=centre, content=csv_bytes(row(), row("A@example.org")))
    assert preview.rows[1].problems == ["Duplicate of line 2: the same person on the same qualification."]


def test_csv_blank_version_means_the_latest(people, centre, make_qualification) -> None:
    make_qualification(version="2", version_order=2)
    preview = services.parse_enrolment_csv(centre=centre, content=csv_bytes(row(version="")))
    assert preview.is_valid
    assert preview.rows[0].resolved["qualification"].version == "2"


@pytest.mark.parametrize(("column", "cells"), [
    ("first_name", lambda r: r.replace(",Anna,", "," + "N" * 151 + ",")),
    ("last_name", lambda r: r.replace(",Able,", "," + "L" * 151 + ",")),
    ("registration_number", lambda r: r + "R" * 65),
])
def test_csv_values_too_long_for_their_column_are_named_in_the_preview(people, centre, column, cells) -> None:
    # PostgreSQL would refuse them on saving (a server error); SQLite would quietly keep them.
    preview = services.parse_enrolment_csv(centre=centre, content=csv_bytes(cells(row())))
    assert not preview.is_valid
    assert any(f"The {column} column is too long" in problem for problem in preview.rows[0].problems), preview


def test_csv_with_a_cell_beyond_the_csv_reader_limit_is_refused_in_words(people, centre) -> None:
    preview = services.parse_enrolment_csv(centre=centre, content=csv_bytes(row().replace("Anna", "A" * 140_000)))
    assert not preview.is_valid
    assert "is not a CSV file this page can read" in preview.problems[0]


def test_csv_that_is_not_utf8_is_refused(people, centre) -> None:
    preview = services.parse_enrolment_csv(centre=centre, content=csv_bytes(row()).replace(b"Anna", b"Ann\xe9"))
    assert "save it as “CSV UTF-8”" in preview.problems[0]


def test_csv_with_no_rows_is_refused(people, centre) -> None:
    assert not services.parse_enrolment_csv(centre=centre, content=csv_bytes()).is_valid


@pytest.fixture
def queued_invitations(monkeypatch) -> list[tuple]:
    """The invitation tasks queued, recorded instead of sent to a broker (run them with `run_invitations`)."""
    calls: list[tuple] = []
    monkeypatch.setattr(send_invitations_task, "apply_async", lambda args, **kwargs: calls.append(args))
    return calls


def run_invitations(queued: list[tuple]) -> None:
    """What a worker does with the queued tasks: run each (here in this process, on the test's database)."""
    for args in queued:
        send_invitations_task.apply(args)


def test_bulk_enrol_saves_every_row(people, centre, centre_admin, queued_invitations,
                                    django_capture_on_commit_callbacks) -> None:
    preview = services.parse_enrolment_csv(centre=centre, content=csv_bytes(row(), row("b@example.org")))
    with django_capture_on_commit_callbacks(execute=True):
        enrolments = services.bulk_enrol(centre=centre, by=centre_admin, rows=preview.rows)
    assert len(enrolments) == Enrolment.objects.count() == 2
    run_invitations(queued_invitations)
    assert sorted(message.to[0] for message in mail.outbox) == ["a@example.org", "b@example.org"]
    assert "http://testserver/accounts/welcome/" in mail.outbox[0].body


def test_bulk_enrol_queues_the_invitations_only_after_commit(people, centre, centre_admin, queued_invitations,
                                                              django_capture_on_commit_callbacks) -> None:
    preview = services.parse_enrolment_csv(centre=centre, content=csv_bytes(row(), row("b@example.org")))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enrolments = services.bulk_enrol(centre=centre, by=centre_admin, rows=preview.rows)
    assert queued_invitations == [] and mail.outbox == []
    for callback in callbacks:
        callback()
    assert queued_invitations == [([enrolment.pk for enrolment in enrolments],)]


def test_the_invitation_task_run_twice_sends_each_invitation_once(
    people, centre, centre_admin, queued_invitations, django_capture_on_commit_callbacks
) -> None:
    preview = services.parse_enrolment_csv(centre=centre, content=csv_bytes(row(), row("b@example.org")))
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_enrol(centre=centre, by=centre_admin, rows=preview.rows)
    run_invitations(queued_invitations)
    run_invitations(queued_invitations)  # the broker delivered it again (a worker died before acknowledging)
    assert len(mail.outbox) == 2


def test_bulk_enrol_invites_only_people_without_a_password(
    people, centre, centre_admin, candidate, make_qualification, queued_invitations,
    django_capture_on_commit_callbacks,
) -> None:
    make_qualification(code="other")
    content = csv_bytes(row(candidate.email, code="other"), row("new@example.org"))
    preview = services.parse_enrolment_csv(centre=centre, content=content)
    assert preview.is_valid, preview
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_enrol(centre=centre, by=centre_admin, rows=preview.rows)
    run_invitations(queued_invitations)
    assert [message.to for message in mail.outbox] == [["new@example.org"]]
    assert Role.objects.filter(user=candidate, centre=centre, kind=RoleKind.CANDIDATE).count() == 1


def test_bulk_enrol_audits_each_enrolment_as_enrolling_one_does(people, centre, centre_admin, assessor, iqa) -> None:
    preview = services.parse_enrolment_csv(centre=centre, content=csv_bytes(row(), row("b@example.org")))
    enrolments = services.bulk_enrol(centre=centre, by=centre_admin, rows=preview.rows)
    records = list(AuditRecord.objects.filter(action="candidate enrolled").order_by("id"))  # a chain each
    assert [record.enrolment_id for record in records] == [enrolment.pk for enrolment in enrolments]
    for record, enrolment in zip(records, enrolments, strict=True):
        assert record.actor_id == centre_admin.pk
        assert (record.object_type, record.object_id) == ("candidates.Enrolment", str(enrolment.pk))
        assert record.object_label == str(Enrolment.objects.get(pk=enrolment.pk))
        assert record.after == {"status": EnrolmentStatus.ACTIVE, "assessor": str(assessor), "iqa": str(iqa)}
    assert trail.verify().intact


def many_rows(count: int) -> bytes:
    return csv_bytes(*(row(f"person{number}@example.org") for number in range(count)))


# The whole file costs the same queries for 10 rows as for 100 (and 1,000: `make bench`), not a few per row.
# One of them reads this centre's pending invitations for the file's people (a row for one is refused).
PREVIEW_QUERIES = 6
CONFIRM_QUERIES = 16


@pytest.mark.parametrize("count", [10, 100])
def test_csv_preview_costs_a_fixed_number_of_queries(people, centre, django_assert_num_queries, count) -> None:
    content = many_rows(count)
    with django_assert_num_queries(PREVIEW_QUERIES):
        preview = services.parse_enrolment_csv(centre=centre, content=content)
    assert preview.is_valid and len(preview.rows) == count


@pytest.mark.parametrize("count", [10, 100])
def test_csv_confirm_costs_a_fixed_number_of_queries(people, centre, centre_admin, django_assert_num_queries,
                                                     queued_invitations, count) -> None:
    trail.record(actor=None, action="test")  # the chain's head exists, as on any site that has run a day
    preview = services.parse_enrolment_csv(centre=centre, content=many_rows(count))
    with django_assert_num_queries(CONFIRM_QUERIES):
        services.bulk_enrol(centre=centre, by=centre_admin, rows=preview.rows)
    assert Enrolment.objects.count() == count


def test_bulk_enrol_saves_nothing_when_one_row_is_bad(people, centre, centre_admin) -> None:
    rows = [
        services.BulkRow(line=2, values=dict(zip(services.CSV_COLUMNS, row().split(","), strict=True))),
        services.BulkRow(line=3, values=dict(zip(services.CSV_COLUMNS, row("b@example.org", uln="1").split(","),
                                                 strict=True))),
    ]
    with pytest.raises(ValidationError) as caught:
        services.bulk_enrol(centre=centre, by=centre_admin, rows=rows)
    assert "Line 3: The ULN “1” must be exactly 10 digits" in problems_of(caught.value)
    assert Enrolment.objects.count() == 0
    assert not User.objects.filter(email__in=["a@example.org", "b@example.org"]).exists()


def test_bulk_enrol_rolls_back_rows_already_saved_when_a_later_step_fails(
    people, centre, centre_admin, monkeypatch
) -> None:
    preview = services.parse_enrolment_csv(centre=centre, content=csv_bytes(row(), row("b@example.org")))
    saved_before_the_failure = []

    def fail(entries):
        # People, roles and enrolments are written by now; the audit write fails.
        saved_before_the_failure.append(Enrolment.objects.count())
        raise ValidationError("The database said no.")

    monkeypatch.setattr(trail, "record_many", fail)
    with pytest.raises(ValidationError, match="The database said no."):
        services.bulk_enrol(centre=centre, by=centre_admin, rows=preview.rows)
    assert saved_before_the_failure == [2]
    assert Enrolment.objects.count() == 0
    assert not User.objects.filter(email__in=["a@example.org", "b@example.org"]).exists()
    assert not Role.objects.filter(user__email="a@example.org").exists()


def test_bulk_enrol_rechecks_rows_that_went_stale_after_the_preview(people, centre, centre_admin, assessor) -> None:
    preview = services.parse_enrolment_csv(centre=centre, content=csv_bytes(row(), row("b@example.org")))
    assert preview.is_valid
    Role.objects.filter(user=assessor, kind=RoleKind.ASSESSOR).delete()
    with pytest.raises(ValidationError):
        services.bulk_enrol(centre=centre, by=centre_admin, rows=preview.rows)
    assert Enrolment.objects.count() == 0


# --- Reassign and status --------------------------------------------------------------------------


def test_reassign_assessor_records_who_and_when(enrolment, other_assessor, assessor, centre_admin) -> None:
    change = services.reassign(enrolment=enrolment, role="assessor", to_user=other_assessor, by=centre_admin,
        reason=WHY)
    enrolment.refresh_from_db()
    assert enrolment.assessor == other_assessor
    assert (change.from_user, change.to_user, change.by) == (assessor, other_assessor, centre_admin)
    assert change.at is not None
    assert Reassignment.objects.count() == 1


def test_reassign_iqa_to_none(enrolment, iqa, centre_admin) -> None:
    change = services.reassign(enrolment=enrolment, role="iqa", to_user=None, by=centre_admin, reason=WHY)
    enrolment.refresh_from_db()
    assert enrolment.iqa is None
    assert change.from_user == iqa


def test_reassign_refuses_someone_without_the_role_here(enrolment, stranger_assessor, centre_admin) -> None:
    with pytest.raises(ValidationError, match="is not an assessor at"):
        services.reassign(enrolment=enrolment, role="assessor", to_user=stranger_assessor, by=centre_admin, reason=WHY)
    assert not Reassignment.objects.exists()


def test_reassign_to_the_same_person_is_refused(enrolment, assessor, centre_admin) -> None:
    with pytest.raises(ValidationError, match="is already the assessor"):
        services.reassign(enrolment=enrolment, role="assessor", to_user=assessor, by=centre_admin, reason=WHY)


def test_the_assessor_cannot_become_the_iqa(enrolment, assessor, centre, centre_admin) -> None:
    Role.objects.create(user=assessor, centre=centre, kind=RoleKind.IQA)
    with pytest.raises(ValidationError, match="must be different people"):
        services.reassign(enrolment=enrolment, role="iqa", to_user=assessor, by=centre_admin, reason=WHY)


def test_pause_resume_withdraw(enrolment, centre_admin) -> None:
    assert services.pause(enrolment=enrolment, by=centre_admin, reason=WHY).status == EnrolmentStatus.PAUSED
    with pytest.raises(ValidationError, match="cannot be paused"):
        services.pause(enrolment=enrolment, by=centre_admin, reason=WHY)
    assert services.resume(enrolment=enrolment, by=centre_admin, reason=WHY).status == EnrolmentStatus.ACTIVE
    assert services.withdraw(enrolment=enrolment, by=centre_admin, reason=WHY).status == EnrolmentStatus.WITHDRAWN
    with pytest.raises(ValidationError, match="cannot be resumed"):
        services.resume(enrolment=enrolment, by=centre_admin, reason=WHY)


@pytest.mark.parametrize(("move", "before", "after"), [
    ("pause", EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED),
    ("resume", EnrolmentStatus.PAUSED, EnrolmentStatus.ACTIVE),
    ("withdraw", EnrolmentStatus.PAUSED, EnrolmentStatus.WITHDRAWN),
])
def test_pause_resume_and_withdraw_each_audit_who_and_the_status_change(
    enrolment, centre_admin, move, before, after
) -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(status=before)
    getattr(services, move)(enrolment=enrolment, by=centre_admin, reason=WHY)
    record = AuditRecord.objects.get(enrolment_id=enrolment.pk)
    assert (record.actor_id, record.actor_label) == (centre_admin.pk, str(centre_admin))
    assert (record.before, record.after) == ({"status": before}, {"status": after, "reason": WHY})
    assert record.object_type == "candidates.Enrolment" and record.object_id == str(enrolment.pk)


def test_a_refused_move_leaves_no_audit_record(enrolment, centre_admin) -> None:
    with pytest.raises(ValidationError, match="cannot be resumed"):
        services.resume(enrolment=enrolment, by=centre_admin, reason=WHY)
    assert not AuditRecord.objects.exists()


def test_enrolling_is_audited_with_who_and_the_people_named(enrol_args, centre_admin, assessor, iqa) -> None:
    enrolment = services.enrol_candidate(**enrol_args)
    record = AuditRecord.objects.get(action="candidate enrolled")
    assert record.enrolment_id == enrolment.pk and record.actor_id == centre_admin.pk
    assert record.after == {"status": EnrolmentStatus.ACTIVE, "assessor": str(assessor), "iqa": str(iqa)}


def test_enrol_refuses_a_retired_qualification_version(enrol_args, qualification) -> None:
    qualification.retired = True
    qualification.save()
    with pytest.raises(ValidationError) as caught:
        services.enrol_candidate(**enrol_args)
    assert "is retired: no new enrolments" in problems_of(caught.value)


def test_the_enrolment_form_does_not_offer_a_retired_version(centre, qualification, make_qualification) -> None:
    from candidates.forms.enrolment import EnrolmentForm

    newer = make_qualification(version="2", version_order=2)
    qualification.retired = True
    qualification.save()
    field = EnrolmentForm(centre=centre).fields["qualification"]
    assert list(getattr(field, "queryset")) == [newer]  # noqa: B009 - a ModelChoiceField, typed as a Field
