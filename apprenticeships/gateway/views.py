"""The gateway page, the achievements recorded on it, and the signatures of the declaration.

Who may do what (candidates/access.py): whoever follows the enrolment (``FOLLOW``: its readers and the
apprentice's employer contact) sees the gateway; the assessor and the centre (``JUDGE``) record and remove
English, maths and qualification achievements; the apprentice, a current employer contact, the assessor and
the centre admin (``SIGN``) sign the declaration, each as their own party. A frozen enrolment is read-only.
The gateway pack is asked for on the exports app's page (``READ``).
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.views.outcome import act, done
from candidates import access
from candidates.access import Permission, Relation, viewer_may
from candidates.models import Enrolment, User
from portfolio_site.form_errors import on_fields

from ..models import Achievement
from ..signing import Party
from . import reads, services
from .evaluate import DECLARATION
from .forms import AchievementForm


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def party_of(enrolment: Enrolment) -> str | None:
    """The party the viewer signs as (from the relations the gate found), or None if they sign nothing."""
    relations = enrolment.viewer_relations
    if Relation.CANDIDATE in relations:
        return Party.CANDIDATE
    if Relation.ASSESSOR in relations or Relation.CENTRE_ADMIN in relations:
        return Party.PROVIDER
    if Relation.EMPLOYER in relations:
        return Party.EMPLOYER
    return None


@login_required
@require_GET
def gateway(request: HttpRequest, pk: int) -> HttpResponse:
    """Each requirement met or not with its evidence, the KSBs, the records, and the declaration's signatures."""
    return _page(request, access.enrolment_for(request.user, pk, need=Permission.FOLLOW))


def _page(request: HttpRequest, enrolment: Enrolment, *, form: AchievementForm | None = None,
          status: int = 200) -> HttpResponse:
    view = reads.gateway_of(enrolment, timezone.localdate())
    may_record = view.is_standard and viewer_may(enrolment, Permission.JUDGE)
    party = party_of(enrolment) if viewer_may(enrolment, Permission.SIGN) else None
    return render(request, "apprenticeships/gateway.html", {
        "enrolment": enrolment, "view": view, "declaration": _(DECLARATION),
        "form": (form or AchievementForm()) if may_record else None, "may_record": may_record,
        "party": party, "party_label": Party(party).label if party else "",
        "signed_by_me": bool(party and party in view.valid_by_party),
    }, status=status)


@login_required
@require_POST
def gateway_achievement_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessor or the centre records an English, maths or qualification achievement."""
    enrolment = access.enrolment_for(request.user, pk, need=Permission.JUDGE)
    form = AchievementForm(request.POST)
    if form.is_valid():
        try:
            services.achievement_record(enrolment=enrolment, by=_user(request), **form.cleaned_data)
        except ValidationError as error:
            if not on_fields(form, error):
                return done(request, "apprenticeships:gateway", pk=pk, error=error)
        else:
            return done(request, "apprenticeships:gateway", pk=pk, success=_("Achievement recorded."))
    return _page(request, enrolment, form=form, status=400)


@login_required
@require_POST
def gateway_achievement_delete(request: HttpRequest, pk: int, achievement_pk: int) -> HttpResponse:
    """Remove a record made in error (signatures resting on it become void)."""
    enrolment = access.enrolment_for(request.user, pk, need=Permission.JUDGE)
    achievement = get_object_or_404(Achievement.objects.filter(enrolment=enrolment), pk=achievement_pk)
    return act(request, lambda: services.achievement_delete(achievement=achievement, by=_user(request)),
               to="apprenticeships:gateway", pk=pk, success=_("Record removed."))


@login_required
@require_POST
def gateway_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed-in person signs the declaration as their own party."""
    enrolment = access.enrolment_for(request.user, pk, need=Permission.SIGN)
    party = party_of(enrolment) or ""
    return act(request, lambda: services.gateway_sign(enrolment=enrolment, by=_user(request), party=party),
               to="apprenticeships:gateway", pk=pk, success=_("Signed. Your signature is recorded with the "
                                                               "declaration's fingerprint."))
