"""The tracking matrix: a candidate's units x their assessable items, with the evidence behind each.

It lives in `assessments` (DESIGN.md: a page showing a later app's data lives in
that app) so that decisions and sign-off can join the evidence counts here.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from assessments import gate
from assessments.reads import signed_off_items
from evidence import reads

#: The states a cell can show, in the order of the legend, with the symbol that says it without colour.
CELL_STATES = [
    ("none", gettext_lazy("No evidence"), "\u2013"),
    ("draft", gettext_lazy("Evidence in a draft, not submitted yet"), "\u270e"),
    ("claimed", gettext_lazy("Evidence claimed, awaiting a decision"), "\u25cb"),
    ("referred", gettext_lazy("Referred: more or better evidence needed"), "\u21a9"),
    ("accepted", gettext_lazy("Accepted"), "\u2713"),
    ("signed_off", gettext_lazy("Signed off by the assessor"), "\u2714"),
    ("countersigned", gettext_lazy("Signed off and countersigned by the IQA"), "\u2605"),
]


@login_required
@require_GET
def matrix(request: HttpRequest, pk: int) -> HttpResponse:
    """The matrix for one enrolment; each cell links to the library filtered to that item. Fixed query count."""
    enrolment = gate.enrolment(request, pk)
    rows = reads.matrix(enrolment)
    signed, countersigned_units = signed_off_items(enrolment)
    shown = {state: (label, symbol) for state, label, symbol in CELL_STATES}
    for row in rows:
        for cell in row.cells:
            # Sign-off outranks the evidence counts: the cell says how far the item got.
            cell.state = cell.status
            if cell.item.pk in signed:
                cell.state = "countersigned" if row.unit.pk in countersigned_units else "signed_off"
            cell.label, cell.symbol = shown[cell.state]
    return render(request, "assessments/matrix.html", {"enrolment": enrolment, "rows": rows, "states": CELL_STATES})
