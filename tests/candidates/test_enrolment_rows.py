# ruff: noqa: E501  (the reference is the templates' markup, line for line)
"""`{% enrolment_rows %}` and `{% enrolment_flags %}` write what the enrolment list's template and its included
flags wrote, for every status, flag and language."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from candidates.models import EnrolmentStatus, PlanStatus

# The flags as templates/candidates/_enrolment_flags.html wrote them, and the list's row around them.
FLAGS = """<span class="badge text-bg-{% if enrolment.status == 'active' %}success{% elif enrolment.status == 'paused' %}warning{% elif enrolment.status == 'withdrawn' %}secondary{% else %}primary{% endif %}">{{ enrolment.status_label }}</span>
{% if enrolment.is_overdue %}<span class="badge text-bg-danger" data-testid="overdue"><span aria-hidden="true">&#9888;</span> {% translate "Past planned end" %}</span>{% endif %}
{% if enrolment.plan_is_draft %}<span class="badge text-bg-warning" data-testid="draft-plan"><span aria-hidden="true">&#9888;</span> {% translate "Unit plan: Draft — does not meet the rules yet" %}</span>{% endif %}"""
ROWS = """{% load i18n %}{% for enrolment in enrolments %}
  <tr data-testid="enrolment-row">
    <th scope="row"><a href="{% url 'candidates:enrolment_detail' pk=enrolment.pk %}">{{ enrolment.candidate }}</a><br><span class="small text-body-secondary text-break">{{ enrolment.candidate.email }}</span>{% if enrolment.uln %}<br><span class="small text-body-secondary">{% translate "ULN" %} {{ enrolment.uln }}</span>{% endif %}</th>
    <td>{{ enrolment.qualification.title }} <span class="small text-body-secondary">v{{ enrolment.qualification.version }}</span></td>
    <td>{{ enrolment.assessor }}</td>
    <td>{{ enrolment.iqa|default:"—" }}</td>
    <td>{{ enrolment.planned_end_date|date:"DATE_FORMAT" }}</td>
    <td>""" + FLAGS + """</td>
  </tr>
  {% endfor %}"""


def normalised(html: str) -> str:
    """The markup without the layout's whitespace: none beside a tag (a browser shows none there either)."""
    html = re.sub(r"\s+", " ", html).strip()
    return re.sub(r"\s*(<[^>]*>)\s*", r"\1", html)


def variants(enrolment) -> list:
    """The enrolment in each status, overdue or not, with a draft plan or not, with a ULN and IQA or not."""
    today = timezone.localdate()
    out = []
    for status in EnrolmentStatus.values:
        for past, plan, uln, iqa in ((True, PlanStatus.DRAFT, "1234567890", True), (False, PlanStatus.VALID, "", False)):
            copy = type(enrolment).objects.select_related("candidate", "qualification", "assessor", "iqa").get(pk=enrolment.pk)
            copy.status, copy.plan_status, copy.uln = status, plan, uln
            copy.planned_end_date = today - datetime.timedelta(days=3) if past else today + datetime.timedelta(days=30)
            if not iqa:
                copy.iqa = None
            out.append(copy)
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en-gb", "cy", "pl"])
def test_rows_and_flags_are_written_as_the_templates_wrote_them(enrolment, language):
    enrolments = variants(enrolment)
    with translation.override(language):
        reference = Template(ROWS).render(Context({"enrolments": enrolments}))
        written = Template("{% load enrolment_rows %}{% enrolment_rows enrolments %}").render(
            Context({"enrolments": enrolments}))
        flags = [Template("{% load i18n %}" + FLAGS).render(Context({"enrolment": e})) for e in enrolments]
        tagged = [Template("{% load enrolment_rows %}{% enrolment_flags enrolment %}").render(Context({"enrolment": e}))
                  for e in enrolments]
    assert written.count('data-testid="enrolment-row"') == len(enrolments) == 2 * len(EnrolmentStatus.values)
    assert 'data-testid="overdue"' in written and 'data-testid="draft-plan"' in written
    assert normalised(written) == normalised(reference)
    assert [normalised(f) for f in tagged] == [normalised(f) for f in flags]
