"""A centre's designated safeguarding lead: the person a progress review's safeguarding concern alerts.

Named (or cleared) by the centre's administrator, from the centre's administrators: the lead must open the
review the alert links to, and a centre admin reads every enrolment of the centre (the one gate grants no
relation for the role alone). Audited. While none is named, a concern alerts the centre's administrators
(apprenticeships.reviews).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit import trail

from ..models import Centre, Role, RoleKind, User

#: The roles whose holders may be a centre's designated safeguarding lead: those who read every enrolment there.
STAFF_ROLES = (RoleKind.CENTRE_ADMIN,)


def safeguarding_lead_choices(centre: Centre) -> list[User]:
    """The active centre admins of `centre`, by name: who may be named its safeguarding lead."""
    return list(User.objects.filter(is_active=True, roles__centre=centre, roles__kind__in=STAFF_ROLES)
                .distinct().order_by("last_name", "first_name", "pk"))


@transaction.atomic
def safeguarding_lead_set(*, centre: Centre, by: User, person: User | None) -> Centre:
    """Name `person` the centre's designated safeguarding lead (None: name nobody); audited."""
    locked = Centre.objects.select_for_update(of=("self",)).select_related("safeguarding_lead").get(pk=centre.pk)
    if person is not None and not (person.is_active and Role.objects.filter(
            user=person, centre=locked, kind__in=STAFF_ROLES).exists()):
        raise ValidationError({"person": _("Choose one of the centre's administrators: the lead opens every "
                                           "apprentice's reviews.")})
    before = locked.safeguarding_lead
    if (before.pk if before else None) == (person.pk if person else None):
        return locked
    locked.safeguarding_lead = person
    locked.save(update_fields=["safeguarding_lead"])
    if person is not None:
        trail.record(actor=by, action="safeguarding lead named", obj=locked, chain=f"centre:{locked.pk}",
                     before={"person": str(before)} if before else None, after={"person": str(person)})
    else:
        trail.record(actor=by, action="safeguarding lead removed", obj=locked, chain=f"centre:{locked.pk}",
                     before={"person": str(before)})
    centre.safeguarding_lead = person
    return locked
