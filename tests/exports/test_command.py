"""manage.py export_portfolio: the same export from the shell."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from exports.models import ExportStatus, PortfolioExport
from exports.tasks import build_portfolio_export


def test_the_command_builds_and_prints_where_it_stored_the_file(make_portfolio, private_storage, monkeypatch):
    monkeypatch.setattr(build_portfolio_export, "apply_async", lambda *args, **kwargs: None)
    enrolment = make_portfolio(with_pdf=False, with_photo=False)
    out = io.StringIO()
    call_command("export_portfolio", str(enrolment.pk), "--zip", "--here", stdout=out)
    export = PortfolioExport.objects.get()
    assert export.status == ExportStatus.DONE and export.format == "zip"
    assert f"Stored as exports/{enrolment.pk}/portfolio-{export.pk}.zip" in out.getvalue()
    assert (private_storage / export.file_name).exists()
    assert f"File: {private_storage / export.file_name}" in out.getvalue()  # where it is on this machine


def test_the_command_refuses_an_unknown_enrolment(db):
    with pytest.raises(CommandError, match="No enrolment 999"):
        call_command("export_portfolio", "999")
