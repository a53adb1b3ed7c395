from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Qualification


@login_required
def qualification_list(request: HttpRequest) -> HttpResponse:
    qualifications = Qualification.objects.order_by("kind", "title", "version_order")
    return render(request, "units/qualification_list.html", {"qualifications": qualifications})


@login_required
def qualification_detail(request: HttpRequest, code: str, version: str) -> HttpResponse:
    qualification = get_object_or_404(Qualification, code=code, version=version)
    return render(request, "units/qualification_detail.html", {"qualification": qualification})
