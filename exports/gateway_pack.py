"""The gateway pack: what goes to the end-point assessment organisation, as one PDF built by the worker.

It holds each gateway requirement with its evidence, the KSB coverage (each KSB with its evidence's titles and
dates, or its sign-off), the off-the-job summary, the English, maths and qualification records, and the
signed declaration with each signature's fingerprint. `gather` reads the database (a fixed number of
queries); `render` is WeasyPrint over one template, with the portfolio's restricted fetcher (nothing is
loaded from outside the work folder).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from apprenticeships import reads as otj_reads
from apprenticeships.gateway.evaluate import DECLARATION
from apprenticeships.gateway.reads import GatewayView, gateway_of
from candidates.models import Enrolment


class DeclarationChanged(Exception):
    """The declaration changed (or lost a signature) after the pack was asked for: the pack is not built."""


@dataclass(frozen=True)
class PackData:
    enrolment: Enrolment
    view: GatewayView
    otj: otj_reads.Summary
    declaration: str
    generated_at: datetime.datetime


def gather(enrolment_id: int, *, declaration_hash: str) -> PackData:
    """The pack's content, read now; DeclarationChanged when the signed declaration no longer stands."""
    enrolment = Enrolment.objects.select_related(
        "candidate", "qualification", "centre", "assessor", "employer").get(pk=enrolment_id)
    today = timezone.localdate()
    view = gateway_of(enrolment, today)
    if not view.all_signed or view.content_hash != declaration_hash:
        raise DeclarationChanged(_(
            "The gateway declaration changed after the pack was asked for, so its signatures no longer hold. "
            "Have the three parties sign it again on the gateway page, then ask for the pack again."))
    return PackData(enrolment=enrolment, view=view, otj=otj_reads.summaries_among([enrolment.pk], today)[enrolment.pk],
                    declaration=_(DECLARATION), generated_at=timezone.now())


def html(data: PackData) -> str:
    return render_to_string("exports/pdf/gateway_pack.html", {"data": data})


def render(data: PackData, *, workdir: Path, target: Path) -> int:
    """Write the pack's PDF to `target`; its number of pages."""
    from weasyprint import HTML

    from .fetcher import PortfolioFetcher

    document = HTML(string=html(data), url_fetcher=PortfolioFetcher(workdir)).render()
    pages = len(document.pages)
    document.write_pdf(target)
    return pages
