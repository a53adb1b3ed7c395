"""Asking for an enrolment's gateway pack: once the employer, the apprentice and the provider have all signed.

The pack is a `PortfolioExport` of kind ``gateway_pack``: the same row, task, claim, sweep, progress page
and download as a portfolio; the worker builds it with `exports.gateway_pack`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apprenticeships.gateway.reads import gateway_of
from candidates.languages import supported
from candidates.models import Enrolment, User

from ..models import ExportFormat, ExportKind, PortfolioExport
from .queue import enqueue_export


def _language() -> str:
    """The active language if the interface offers it, else the site's."""
    active = translation.get_language() or ""
    return active if supported(active) else settings.LANGUAGE_CODE


def gateway_pack_request(*, enrolment: Enrolment, by: User) -> PortfolioExport:
    """Record a request for the gateway pack and enqueue its build on commit; a second request while one for the
    same signed declaration is queued or running returns that one. The caller checked `by` may read the
    enrolment. Refused until every party has signed the declaration as it stands."""
    view = gateway_of(enrolment, timezone.localdate())
    if not view.is_standard:
        raise ValidationError(_("This qualification is not an apprenticeship standard: it has no gateway pack."),
                              code="not_standard")
    if not view.all_signed:
        raise ValidationError(_("The gateway pack is built once the employer, the apprentice and the training "
                                "provider have each signed the declaration as it stands."), code="not_signed")
    with transaction.atomic():
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        pending = PortfolioExport.objects.gateway_packs().unfinished().filter(
            enrolment=enrolment, declaration_hash=view.content_hash).first()
        if pending is not None:
            return pending
        # In the language of the person asking (the page's).
        pack = PortfolioExport.objects.create(enrolment=enrolment, requested_by=by, kind=ExportKind.GATEWAY_PACK,
                                              format=ExportFormat.PDF, declaration_hash=view.content_hash,
                                              language=_language())
        transaction.on_commit(lambda: enqueue_export(export_id=pack.pk))
    return pack
