"""The centre admin's staff pages: the staff list, inviting a person, one person's roles, deactivation and the
hand-over of their caseload.

Each view: the access gate (`centre_for_admin`, `staff_member_for`) -> a form -> one service -> redirect or render.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from portfolio_site.form_errors import on_fields
from portfolio_site.paging import paged_by_key

from .. import access
from ..forms.staff import HandoverForm, StaffInviteForm, StaffRolesForm
from ..models import STAFF_KINDS, Centre, EmployerContact, Role, RoleKind, StaffMember, User
from ..services import staff as services

STATUS_WORDS = {
    "active": gettext_lazy("Active"),
    "invited": gettext_lazy("Invited, not signed up yet"),
    "deactivated": gettext_lazy("Deactivated"),
}


@dataclass(frozen=True)
class StaffRow:
    """One person of the staff list as the page shows them."""

    person: User
    roles: list[str]
    status: str
    contacts: list[EmployerContact]

    @property
    def status_words(self) -> str:
        return str(STATUS_WORDS[self.status])


def _status(person: User, member: StaffMember | None) -> str:
    if (member is not None and member.is_deactivated) or not person.is_active:
        return "deactivated"
    return "active" if person.has_usable_password() else "invited"


def _row(person: User) -> StaffRow:
    members = person.members_here  # type: ignore[attr-defined]  # prefetched below
    held = {role.kind for role in person.roles_here}  # type: ignore[attr-defined]
    labels = dict(RoleKind.choices)
    return StaffRow(person=person, roles=[str(labels[kind]) for kind in STAFF_KINDS if kind in held],
                    status=_status(person, members[0] if members else None),
                    contacts=person.contacts_here)  # type: ignore[attr-defined]


def _people(centre: Centre, people: QuerySet[User] | None = None) -> QuerySet[User]:
    """The centre's staff list (or those of `people`, taken to be on it), in name order, with what each row
    shows loaded in a fixed number of queries."""
    chosen = access.staff_of(centre) if people is None else access.with_caseload(people, centre)
    return chosen.order_by(*access.NAME_ORDER).prefetch_related(
        Prefetch("roles", queryset=Role.objects.filter(centre=centre), to_attr="roles_here"),
        Prefetch("staff_memberships", queryset=StaffMember.objects.filter(centre=centre), to_attr="members_here"),
        Prefetch("employer_contacts", to_attr="contacts_here", queryset=EmployerContact.objects.current().filter(
            enrolment__centre=centre).select_related("enrolment__candidate")),
    )


@login_required
@require_GET
def staff_list(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """The centre's staff: roles, status and caseload of each, with the employer contacts of its apprentices."""
    centre = access.centre_for_admin(request.user, centre_pk)
    # A page of 50 chosen on the name index alone (the last page read backwards), counted on the staff's ids,
    # then the page's people with their roles, caseloads and contacts: the same queries for 3 people or 6,000.
    listed = paged_by_key(access.staff_by_name(centre), request.GET.get("page"), counted=access.staff_ids(centre),
                          load=lambda keys: _people(centre, User.objects.filter(pk__in=keys)))
    return render(request, "candidates/staff_list.html", {
        "centre": centre, "paged": listed, "page": listed.page,
        "rows": [_row(person) for person in listed.page.object_list]})


@login_required
def staff_invite(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """Invite a person to the centre's staff with one or more roles."""
    centre = access.centre_for_admin(request.user, centre_pk)
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.invite_staff_member(centre=centre, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if not on_fields(form, error):
                form.add_error(None, error)
        else:
            messages.success(request, _("%(person)s is now on the staff of %(centre)s (%(roles)s), and was told by "
                                        "email.") % {"person": member.user, "centre": centre,
                                                     "roles": services.role_words(form.cleaned_data["roles"])})
            return redirect("candidates:staff_list", centre_pk=centre.pk)
    return render(request, "candidates/staff_invite.html", {"centre": centre, "form": form})


def _detail_page(request: HttpRequest, centre: Centre, person: User, *, roles_form: StaffRolesForm | None = None,
                 handover_form: HandoverForm | None = None) -> HttpResponse:
    row = _row(_people(centre).get(pk=person.pk))
    held = [kind for kind in STAFF_KINDS if any(role.kind == kind for role in row.person.roles_here)]  # type: ignore[attr-defined]
    return render(request, "candidates/staff_detail.html", {
        "centre": centre, "row": row, "person": row.person,
        "roles_form": roles_form or StaffRolesForm(initial={"roles": held}),
        "handover_form": handover_form or HandoverForm(centre=centre, person=person),
        "is_staff_here": bool(held) or row.status == "deactivated",
    })


@login_required
@require_GET
def staff_detail(request: HttpRequest, centre_pk: int, person_pk: int) -> HttpResponse:
    """One person of the staff: their roles (to change), status and caseload (to hand over), deactivation."""
    centre, person = access.staff_member_for(request.user, centre_pk, person_pk)
    return _detail_page(request, centre, person)


@login_required
@require_POST
def staff_roles(request: HttpRequest, centre_pk: int, person_pk: int) -> HttpResponse:
    """Change the person's roles at the centre."""
    centre, person = access.staff_member_for(request.user, centre_pk, person_pk)
    form = StaffRolesForm(request.POST)
    if form.is_valid():
        try:
            services.change_staff_roles(centre=centre, person=person, roles=form.cleaned_data["roles"],
                                        by=request.user)
        except ValidationError as error:
            if not on_fields(form, error):
                messages.error(request, " ".join(error.messages))
                return redirect("candidates:staff_detail", centre_pk=centre.pk, person_pk=person.pk)
        else:
            messages.success(request, _("The roles of %(person)s are saved.") % {"person": person})
            return redirect("candidates:staff_detail", centre_pk=centre.pk, person_pk=person.pk)
    return _detail_page(request, centre, person, roles_form=form)


@login_required
@require_POST
def staff_deactivate(request: HttpRequest, centre_pk: int, person_pk: int) -> HttpResponse:
    """Deactivate the person at the centre: their roles here end; their past work stays theirs."""
    centre, person = access.staff_member_for(request.user, centre_pk, person_pk)
    try:
        services.deactivate_staff_member(centre=centre, person=person, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(person)s is deactivated at %(centre)s.") % {"person": person, "centre": centre})
    return redirect("candidates:staff_detail", centre_pk=centre.pk, person_pk=person.pk)


@login_required
@require_POST
def staff_reactivate(request: HttpRequest, centre_pk: int, person_pk: int) -> HttpResponse:
    """Give a deactivated person back their roles at the centre."""
    centre, person = access.staff_member_for(request.user, centre_pk, person_pk)
    try:
        services.reactivate_staff_member(centre=centre, person=person, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(person)s is active again at %(centre)s.") % {"person": person, "centre": centre})
    return redirect("candidates:staff_detail", centre_pk=centre.pk, person_pk=person.pk)


@login_required
@require_POST
def staff_handover(request: HttpRequest, centre_pk: int, person_pk: int) -> HttpResponse:
    """Hand the person's caseload at the centre over to another assessor and/or IQA, in one step."""
    centre, person = access.staff_member_for(request.user, centre_pk, person_pk)
    form = HandoverForm(request.POST, centre=centre, person=person)
    if form.is_valid():
        try:
            moved = services.hand_over_caseload(centre=centre, person=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if not on_fields(form, error):
                messages.error(request, " ".join(error.messages))
                return redirect("candidates:staff_detail", centre_pk=centre.pk, person_pk=person.pk)
        else:
            messages.success(request, ngettext("%(count)d enrolment of %(person)s was handed over.",
                                               "%(count)d enrolments of %(person)s were handed over.", len(moved))
                             % {"count": len(moved), "person": person})
            return redirect("candidates:staff_detail", centre_pk=centre.pk, person_pk=person.pk)
    return _detail_page(request, centre, person, handover_form=form)
