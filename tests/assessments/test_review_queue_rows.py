# ruff: noqa: E501  (the reference is the template's markup, line for line)
"""`{% review_queue_rows %}` writes each row of the review queue as its template wrote it, in every language."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from .test_caseload_rows import normalised

# The rows as templates/assessments/review_queue.html wrote them with the template language, before the tag.
REFERENCE = """{% load i18n %}{% for item in items %}
  <tr>
    <td>{{ item.current_version.submitted_at|date:"DATETIME_FORMAT" }}</td>
    <td>{{ item.enrolment.candidate }}<div class="small text-body-secondary">{{ item.enrolment.qualification.title }}</div></td>
    <td><a href="{% url 'assessments:review' pk=item.enrolment_id evidence_pk=item.pk %}">{{ item.current_version.title }}</a>
      <span class="small text-body-secondary">{% blocktranslate with kind=item.kind_label number=item.current_version.number %}{{ kind }}, version {{ number }}{% endblocktranslate %}</span></td>
    <td>{% if item.claims %}{{ item.claims }}{% else %}{% translate "Not mapped yet" %}{% endif %}</td>
  </tr>{% endfor %}"""

TAG = "{% load caseload_rows %}{% review_queue_rows items %}"


@pytest.mark.parametrize("language", ["en-gb", "cy", "pl", "tr"])
def test_rows_are_written_as_the_template_wrote_them(language):
    # The next day in London, written in the page's time zone as the template did.
    submitted = timezone.make_aware(datetime.datetime(2026, 7, 3, 23, 30), datetime.UTC)
    enrolment = SimpleNamespace(candidate="Ann <Apple> & Co", qualification=SimpleNamespace(title="Level 3 <Diploma>"))
    items = [
        SimpleNamespace(pk=41, enrolment_id=7, enrolment=enrolment, kind_label="Witness testimony", claims=1234,
                        current_version=SimpleNamespace(submitted_at=submitted, title="Till <b>balance</b> & float",
                                                        number=2)),
        SimpleNamespace(pk=42, enrolment_id=7, enrolment=enrolment, kind_label="Photo", claims=0,
                        current_version=SimpleNamespace(submitted_at=submitted, title="Shelf", number=1)),
    ]
    with translation.override(language):
        reference = Template(REFERENCE).render(Context({"items": items}))
        written = Template(TAG).render(Context({"items": items}))
    assert written.count("<tr>") == 2
    assert "&lt;b&gt;balance&lt;/b&gt; &amp; float" in written
    written, reference = normalised(written), normalised(reference)
    at = next((i for i, (a, b) in enumerate(zip(written, reference, strict=False)) if a != b), None)
    assert written == reference, f"differs at {at}: {written[at - 80:at + 80]!r} / {reference[at - 80:at + 80]!r}"
