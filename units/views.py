"""The catalogue pages: every qualification and framework, and one spec in full."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from .cache import cached_outline
from .models import Qualification, QualificationKind
from .reads import catalogue_rows, standard_parts


@login_required
def qualification_list(request: HttpRequest) -> HttpResponse:
    """Qualifications, skills frameworks and apprenticeship standards, every version, in three tables (two queries)."""
    rows = catalogue_rows()
    return render(
        request,
        "units/qualification_list.html",
        {
            "qualifications": [row for row in rows if row.kind == QualificationKind.QUALIFICATION],
            "frameworks": [row for row in rows if row.kind == QualificationKind.FRAMEWORK],
            "standards": [row for row in rows if row.kind == QualificationKind.STANDARD],
        },
    )


@login_required
def qualification_latest(request: HttpRequest, code: str) -> HttpResponse:
    """The newest version of a code."""
    qualification = get_object_or_404(Qualification.objects.latest_versions(), code=code)
    return redirect("units:qualification_detail", code=qualification.code, version=qualification.version)


@login_required
def qualification_detail(request: HttpRequest, code: str, version: str) -> HttpResponse:
    """One spec: groups, units, rules, and what is assessed in each unit; nine queries whatever its size, one on a
    warm cache (units.cache).

    A standard shows its KSBs grouped, its duties and its gateway requirements instead: three queries more.
    """
    qualification = get_object_or_404(Qualification, code=code, version=version)
    return render(
        request,
        "units/qualification_detail.html",
        {"qualification": qualification, "outline": cached_outline(qualification),
         "standard": standard_parts(qualification)},
    )
