# ruff: noqa: E501  (the reference is the template's markup, line for line)
"""`{% caseload_rows %}` writes each caseload row as the caseload's template wrote it, in every language."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from assessments.reads import CaseloadRow

# The row as templates/assessments/caseload.html wrote it with the template language, before the tag.
REFERENCE = """{% load i18n %}{% for row in rows %}
  <tr data-testid="caseload-row">
    <th scope="row"><a href="{% url 'assessments:progress' pk=row.enrolment.pk %}">{{ row.enrolment.candidate }}</a>
      <div class="small text-body-secondary fw-normal">{{ row.enrolment.qualification.title }}</div>
      {% if row.enrolment.pk in otj_behind_ids %}<a class="badge text-bg-warning text-decoration-none fw-normal" data-testid="otj-behind" href="{% url 'apprenticeships:otj_log' pk=row.enrolment.pk %}"><span aria-hidden="true">&#9888;</span> {% translate "Behind on off-the-job hours" %}</a>{% endif %}
      {% if row.enrolment.pk in review_overdue_ids %}<a class="badge text-bg-danger text-decoration-none fw-normal" data-testid="review-overdue" href="{% url 'apprenticeships:review_list' pk=row.enrolment.pk %}"><span aria-hidden="true">&#9888;</span> {% translate "Progress review overdue" %}</a>{% endif %}</th>
    <td>{{ row.progress }}% <span class="small text-body-secondary">{% blocktranslate trimmed count counter=row.units_signed with signed=row.items_signed total=row.items_total %}({{ signed }} of {{ total }} items, {{ counter }} unit){% plural %}({{ signed }} of {{ total }} items, {{ counter }} units){% endblocktranslate %}</span></td>
    <td>{{ row.awaiting }}</td>
    <td>{% if row.unanswered %}<a href="{% url 'assessments:questions' pk=row.enrolment.pk %}">{{ row.unanswered }}</a>{% else %}0{% endif %}</td>
    <td>{% if row.awaiting or row.unanswered %}{% blocktranslate with hours=row.waiting_hours|floatformat:0 %}{{ hours }} working h{% endblocktranslate %}
      {% if row.past_target %}<span class="badge text-bg-danger" data-testid="past-target"><span aria-hidden="true">&#9888;</span> {% blocktranslate %}Past the {{ target }} h target{% endblocktranslate %}</span>{% endif %}
      {% else %}<span class="text-body-secondary">{% translate "Nothing waiting" %}</span>{% endif %}</td>
    <td>{% if row.next_visit %}{{ row.next_visit|date:"DATETIME_FORMAT" }}{% else %}<span class="text-body-secondary">{% translate "None planned" %}</span>{% endif %}</td>
    <td>{% if row.overdue_actions %}<span class="badge text-bg-warning"><span aria-hidden="true">&#9888;</span> {% blocktranslate with count=row.overdue_actions %}{{ count }} overdue{% endblocktranslate %}</span>{% else %}0{% endif %}</td>
  </tr>{% endfor %}"""

TAG = "{% load caseload_rows %}{% caseload_rows rows otj_behind_ids review_overdue_ids target %}"


def normalised(html: str) -> str:
    """The markup without the layout's whitespace: none beside a tag (a browser shows none there either)."""
    html = re.sub(r"\s+", " ", html).strip()
    return re.sub(r"\s*(<[^>]*>)\s*", r"\1", html)


def rows_of(enrolment) -> list[CaseloadRow]:
    visit = timezone.make_aware(datetime.datetime(2026, 7, 3, 23, 30), datetime.UTC)  # the next day in London
    return [
        CaseloadRow(enrolment=enrolment, items_total=1234, items_signed=617, units_signed=1, awaiting=3,
                    unanswered=2, waiting_hours=41.6, past_target=True, next_visit=visit, overdue_actions=2),
        CaseloadRow(enrolment=enrolment, items_total=10, items_signed=0, units_signed=0),
        CaseloadRow(enrolment=enrolment, items_total=10, items_signed=4, units_signed=2, awaiting=1, waiting_hours=2.4,
                    overdue_actions=1),
        CaseloadRow(enrolment=enrolment, items_total=10, items_signed=4, units_signed=5, unanswered=1,
                    waiting_hours=0.0),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en-gb", "cy", "pl"])
@pytest.mark.parametrize("flagged", [True, False])
def test_rows_are_written_as_the_template_wrote_them(enrolment, language, flagged):
    flags = {enrolment.pk} if flagged else set()
    context = {"rows": rows_of(enrolment), "otj_behind_ids": flags, "review_overdue_ids": flags, "target": 16}
    with translation.override(language):
        reference = Template(REFERENCE).render(Context(context))
        written = Template(TAG).render(Context(context))
    assert written.count('data-testid="caseload-row"') == 4
    assert ('data-testid="otj-behind"' in written) is flagged
    assert 'data-testid="past-target"' in written
    written, reference = normalised(written), normalised(reference)
    at = next((i for i, (a, b) in enumerate(zip(written, reference, strict=False)) if a != b), None)
    assert written == reference, f"differs at {at}: {written[at - 80:at + 80]!r} / {reference[at - 80:at + 80]!r}"
