"""Spec content in several languages (django-modeltranslation).

The human-readable fields below carry one column per language of settings.LANGUAGES: `title_en_gb`,
`title_cy`, `title_pl`, `title_tr`. Reading `unit.title` gives the reader's active language, falling back
to the spec's own language (English, settings.LANGUAGE_CODE) where a translation is missing. A spec file
gives the English in the field itself (`title`) and a translation as `title_pl` and so on
(fixtures/qualifications/FORMAT.md); the loader fills the English column from the field.

Whatever compares or keeps a spec's wording (the loader's diff, the version comparison of
assessments/services/transfer.py) reads `own_wording`, never the active language's text.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from modeltranslation.translator import TranslationOptions, register
from modeltranslation.utils import build_localized_fieldname

from units.models import AssessableItem, Criterion, Group, Outcome, Qualification, Rule, Unit

__all__ = ["TRANSLATED", "SPEC_LANGUAGE", "translation_languages", "own_column", "own_wording", "column",
           "columns"]

#: The translated fields of every model a spec file holds, by its label in the file.
TRANSLATED: dict[str, tuple[str, ...]] = {
    "units.qualification": ("title", "description"),
    "units.group": ("title", "description"),
    "units.unit": ("title", "description"),
    "units.outcome": ("title", "description"),
    "units.criterion": ("text",),
    "units.assessableitem": ("text",),
    "units.rule": ("message",),
}

#: The language a spec is written in: its fields (`title`) hold this language's wording.
SPEC_LANGUAGE: str = settings.LANGUAGE_CODE


def translation_languages() -> tuple[str, ...]:
    """The languages a spec file may give translations in: every offered language but the spec's own."""
    return tuple(code for code, _name in settings.LANGUAGES if code != SPEC_LANGUAGE)


def column(field: str, language: str) -> str:
    """The column holding `field` in `language`: ('title', 'pl') -> 'title_pl', ('title', 'en-gb') -> 'title_en_gb'."""
    return build_localized_fieldname(field, language)


def columns(field: str) -> tuple[str, ...]:
    """Every language's column of `field`, for `.only()`: reading the field may read any of them."""
    return tuple(column(field, code) for code, _name in settings.LANGUAGES)


def own_column(field: str) -> str:
    """The column holding `field` in the spec's own language ('title_en_gb')."""
    return column(field, SPEC_LANGUAGE)


def own_wording(obj: models.Model, field: str) -> Any:
    """`obj`'s `field` in the spec's own language, whatever language is active (for comparing versions)."""
    return getattr(obj, own_column(field))


@register(Qualification)
class QualificationTranslation(TranslationOptions):
    fields = TRANSLATED["units.qualification"]


@register(Group)
class GroupTranslation(TranslationOptions):
    fields = TRANSLATED["units.group"]


@register(Unit)
class UnitTranslation(TranslationOptions):
    fields = TRANSLATED["units.unit"]


@register(Outcome)
class OutcomeTranslation(TranslationOptions):
    fields = TRANSLATED["units.outcome"]


@register(Criterion)
class CriterionTranslation(TranslationOptions):
    fields = TRANSLATED["units.criterion"]


@register(AssessableItem)
class AssessableItemTranslation(TranslationOptions):
    fields = TRANSLATED["units.assessableitem"]


@register(Rule)
class RuleTranslation(TranslationOptions):
    fields = TRANSLATED["units.rule"]
