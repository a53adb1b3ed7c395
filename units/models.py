"""The catalogue: qualifications and frameworks, their units and what is assessed.

Shared by every centre and edited only by platform admins; the fixture files in
fixtures/qualifications/ are its source of truth. Every model has a natural key
built from the qualification's code and version, so loading a fixture twice
changes nothing and a new version loads beside the old one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Self, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import MultilingualManager

# The rules' vocabularies live with the pure rules engine, which may not import Django; they are
# re-exported here for code that reads them beside the models.
from units.rules.vocabulary import LevelOp, Measure, RuleKind, ValueName

__all__ = [
    "ValueName", "QualificationKind", "Qualification", "Pathway", "Group", "Unit", "Outcome", "CriterionKind",
    "Criterion", "AssessableItem", "RuleKind", "Measure", "LevelOp", "Rule", "Duty", "GatewayKind",
    "GatewayRequirement", "KSB_GROUPS",
]


_M = TypeVar("_M", bound=models.Model)
_Q = TypeVar("_Q", bound="Qualification")
_NaturalKey = TypeVar("_NaturalKey", bound=Callable[..., tuple[str, ...]])


def depends_on(*models_first: str) -> Callable[[_NaturalKey], _NaturalKey]:
    """Mark a `natural_key` method with the models `dumpdata --natural-foreign` must write before this one.

    Django reads them from the method's `dependencies` attribute; this sets it where mypy can see the method's type.
    """

    def mark(natural_key: _NaturalKey) -> _NaturalKey:
        vars(natural_key)["dependencies"] = list(models_first)
        return natural_key

    return mark


#: The largest id a row can have (BigAutoField): a larger number reaches the database as an overflow.
MAX_ID = 2**63 - 1

class QualificationKind(models.TextChoices):
    QUALIFICATION = "qualification", _("Qualification")
    FRAMEWORK = "framework", _("Skills framework")
    STANDARD = "standard", _("Apprenticeship standard")


#: How a standard groups its KSBs: the codes of the outcomes of its one unit (the KSBs are their criteria).
KSB_GROUPS = {"K": "Knowledge", "S": "Skills", "B": "Behaviours"}


class QualificationQuerySet(models.QuerySet[_Q]):
    """Named reads of qualifications; generic in the row, so rows annotated on the way keep their annotations."""

    def open_for_enrolment(self) -> Self:
        """The versions a candidate may be newly enrolled on: not retired."""
        return self.filter(retired=False)

    def latest_versions(self) -> Self:
        """The newest version of every code."""
        newest = self.filter(code=models.OuterRef("code")).order_by("-version_order")
        return self.filter(pk=models.Subquery(newest.values("pk")[:1]))

    def get_by_natural_key(self, code: str, version: str) -> _Q:
        return self.get(code=code, version=version)


# The catalogue's managers are modeltranslation's (units/translation.py): a filter or ordering on a translated
# field (`title`) reads the active language's column. Declared here rather than patched in at start-up.
QualificationManager = MultilingualManager.from_queryset(QualificationQuerySet)


class Qualification(models.Model):
    code = models.SlugField(max_length=64, help_text=_("Stable code, the same for every version."))
    version = models.CharField(max_length=32)
    version_order = models.PositiveIntegerField(
        default=1, help_text=_("Orders the versions of one code; the highest is the latest.")
    )
    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=QualificationKind.choices, default=QualificationKind.QUALIFICATION)
    awarding_body = models.CharField(max_length=128, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    value_name = models.CharField(
        max_length=16,
        choices=ValueName.choices(),
        default=ValueName.CREDITS.value,
        help_text=_("What a unit's value is called; 'none' when the rules count units."),
    )
    description = models.TextField(blank=True)
    source = models.TextField(blank=True, help_text=_("Where the spec comes from, and what it leaves out."))
    retired = models.BooleanField(
        default=False, help_text=_("No new enrolments; candidates already enrolled stay on it. Not part of the file.")
    )

    objects = QualificationManager()

    class Meta:
        ordering = ["title", "version_order"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="qualification_code_version_unique"),
        ]
        permissions = [("edit_specs", "Can upload, publish and retire qualification specs")]

    def __str__(self) -> str:
        return f"{self.title} ({self.code} v{self.version})"

    def natural_key(self) -> tuple[str, str]:
        return (self.code, self.version)

    @property
    def counts_units(self) -> bool:
        return self.value_name == ValueName.NONE


class ByQualificationManager(models.Manager[_M]):
    """Natural-key lookups for rows keyed by (qualification code, version, own code)."""

    key_field = "code"

    def get_by_natural_key(self, qualification_code: str, version: str, key: str) -> _M:
        return self.get(
            qualification__code=qualification_code, qualification__version=version, **{self.key_field: key}
        )


class PathwayManager(ByQualificationManager["Pathway"]):
    key_field = "name"


class TranslatedByQualificationManager(ByQualificationManager[_M], MultilingualManager[_M]):
    """The same lookups for a model with translated fields (units/translation.py)."""


class RuleManager(TranslatedByQualificationManager["Rule"]):
    key_field = "identifier"


class Pathway(models.Model):
    """An alternative named rule set; a candidate follows one."""

    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="pathways")
    name = models.CharField(max_length=128)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = PathwayManager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["qualification", "name"], name="pathway_name_unique")]

    def __str__(self) -> str:
        return self.name

    @depends_on("units.qualification")
    def natural_key(self) -> tuple[str, str, str]:
        return (*self.qualification.natural_key(), self.name)


class Group(models.Model):
    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(max_length=32)
    title = models.CharField(max_length=255)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="subgroups",
        help_text=_("The group this sub-group belongs to."),
    )
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = TranslatedByQualificationManager()

    class Meta:
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["qualification", "code"], name="group_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    @depends_on("units.qualification")
    def natural_key(self) -> tuple[str, str, str]:
        return (*self.qualification.natural_key(), self.code)


class Unit(models.Model):
    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="units")
    # RESTRICT, not PROTECT: a group with units cannot be deleted on its own, but deleting the whole
    # qualification (which deletes its units too) is not refused.
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.RESTRICT, related_name="units")
    code = models.CharField(max_length=32)
    title = models.CharField(max_length=255)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    value = models.PositiveIntegerField(
        default=0, help_text=_("Credits or unit values; 0 where the spec counts units.")
    )
    glh = models.PositiveIntegerField(null=True, blank=True, help_text=_("Guided learning hours."))
    tqt = models.PositiveIntegerField(null=True, blank=True, help_text=_("Total qualification time, in hours."))
    barring_code = models.CharField(
        max_length=32, blank=True, help_text=_("Units sharing a barring code may not be taken together.")
    )
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = TranslatedByQualificationManager()

    class Meta:
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["qualification", "code"], name="unit_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @depends_on("units.qualification", "units.group")
    def natural_key(self) -> tuple[str, str, str]:
        return (*self.qualification.natural_key(), self.code)

    def assessable_items(self) -> list[AssessableItem]:
        """What evidence maps to and an assessor signs off: the finest level the spec gives.

        Uses prefetched items when the caller prefetched `items`.
        """
        return list(self.items.all())


class OutcomeManager(MultilingualManager["Outcome"]):
    def get_by_natural_key(self, qualification_code: str, version: str, unit_code: str, code: str) -> Outcome:
        return self.get(
            unit__qualification__code=qualification_code,
            unit__qualification__version=version,
            unit__code=unit_code,
            code=code,
        )


class Outcome(models.Model):
    """An element or learning outcome of a unit; for a skills framework, one level of the skill."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="outcomes")
    code = models.CharField(max_length=32)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = OutcomeManager()

    class Meta:
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="outcome_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @depends_on("units.unit")
    def natural_key(self) -> tuple[str, str, str, str]:
        return (*self.unit.natural_key(), self.code)


class CriterionKind(models.TextChoices):
    PERFORMANCE = "performance", _("Performance")
    KNOWLEDGE = "knowledge", _("Knowledge")


class CriterionManager(MultilingualManager["Criterion"]):
    def get_by_natural_key(
        self, qualification_code: str, version: str, unit_code: str, outcome_code: str, code: str
    ) -> Criterion:
        return self.get(
            outcome__unit__qualification__code=qualification_code,
            outcome__unit__qualification__version=version,
            outcome__unit__code=unit_code,
            outcome__code=outcome_code,
            code=code,
        )


class Criterion(models.Model):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(max_length=32)
    text = models.TextField()
    kind = models.CharField(max_length=16, choices=CriterionKind.choices, default=CriterionKind.PERFORMANCE)
    order = models.PositiveIntegerField(default=0)

    objects = CriterionManager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name_plural = _("criteria")
        constraints = [models.UniqueConstraint(fields=["outcome", "code"], name="criterion_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    @depends_on("units.outcome")
    def natural_key(self) -> tuple[str, ...]:
        return (*self.outcome.natural_key(), self.code)


class AssessableItemManager(MultilingualManager["AssessableItem"]):
    def get_by_natural_key(self, qualification_code: str, version: str, unit_code: str, code: str) -> AssessableItem:
        return self.get(
            unit__qualification__code=qualification_code,
            unit__qualification__version=version,
            unit__code=unit_code,
            code=code,
        )


class AssessableItem(models.Model):
    """One thing evidence maps to and an assessor signs off, whatever the spec's depth.

    It is a criterion where the unit has criteria, else an element/outcome (or an
    SFIA level), else the unit itself. Later apps point at this model only, so
    mapping and sign-off work the same for every spec. The rows are part of each
    fixture; `validate_specs` proves they match the finest level the spec gives.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="items")
    outcome = models.ForeignKey(Outcome, null=True, blank=True, on_delete=models.CASCADE, related_name="items")
    criterion = models.OneToOneField(
        Criterion, null=True, blank=True, on_delete=models.CASCADE, related_name="item"
    )
    code = models.CharField(max_length=32, help_text=_("The criterion's, outcome's or unit's own code."))
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)

    objects = AssessableItemManager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="assessable_item_code_unique")]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.code}"

    @depends_on("units.unit", "units.outcome", "units.criterion")
    def natural_key(self) -> tuple[str, str, str, str]:
        return (*self.unit.natural_key(), self.code)

    @property
    def is_knowledge(self) -> bool:
        criterion = self.criterion  # None, without a query, when criterion_id is None
        return criterion is not None and criterion.kind == CriterionKind.KNOWLEDGE


class Rule(models.Model):
    """One rule of combination, as data.

    Scope: the listed units, else the listed groups pooled (sub-groups included),
    else every unit. A rule without a pathway applies whichever pathway is followed.
    """

    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="rules")
    pathway = models.ForeignKey(Pathway, null=True, blank=True, on_delete=models.CASCADE, related_name="rules")
    identifier = models.SlugField(max_length=64, help_text=_("Stable identifier, unique within the qualification."))
    kind = models.CharField(max_length=16, choices=RuleKind.choices())
    measure = models.CharField(max_length=8, choices=Measure.choices(), default=Measure.VALUE.value)
    minimum = models.PositiveIntegerField(null=True, blank=True)
    maximum = models.PositiveIntegerField(null=True, blank=True)
    groups = models.ManyToManyField(Group, blank=True, related_name="rules")
    units = models.ManyToManyField(Unit, blank=True, related_name="rules")
    level = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Count only units at this level."))
    level_op = models.CharField(max_length=2, choices=LevelOp.choices(), default=LevelOp.EQ.value)
    per_group = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("For 'each group' rules: the units needed from each group.")
    )
    message = models.CharField(max_length=500, help_text=_("The rule in plain English."))
    order = models.PositiveIntegerField(default=0)

    objects = RuleManager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["qualification", "identifier"], name="rule_identifier_unique"),
        ]

    def __str__(self) -> str:
        return self.message

    @depends_on("units.qualification", "units.pathway", "units.group", "units.unit")
    def natural_key(self) -> tuple[str, str, str]:
        return (*self.qualification.natural_key(), self.identifier)


class Duty(models.Model):
    """A duty of an apprenticeship standard: what the apprentice does at work, and the KSBs it serves."""

    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="duties")
    code = models.CharField(max_length=32)
    title = models.TextField()
    items = models.ManyToManyField(
        AssessableItem, blank=True, related_name="duties", help_text=_("The KSBs (assessable items) the duty serves.")
    )
    order = models.PositiveIntegerField(default=0)

    objects = ByQualificationManager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name_plural = _("duties")
        constraints = [models.UniqueConstraint(fields=["qualification", "code"], name="duty_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title[:60]}"

    @depends_on("units.qualification", "units.assessableitem")
    def natural_key(self) -> tuple[str, str, str]:
        return (*self.qualification.natural_key(), self.code)


class GatewayKind(models.TextChoices):
    """What a gateway requirement of a standard asks; its `value` is read by kind."""

    MIN_MONTHS_ON_PROGRAMME = "min_months_on_programme", _("Minimum months on programme")
    ENGLISH_LEVEL = "english_level", _("English level")
    MATHS_LEVEL = "maths_level", _("Maths level")
    OTJ_HOURS_PLANNED_MET = "otj_hours_planned_met", _("Planned off-the-job training hours met")
    ALL_ITEMS_EVIDENCED = "all_items_evidenced", _("Every KSB evidenced")
    QUALIFICATION_ACHIEVED = "qualification_achieved", _("Mandatory qualification achieved")


#: The gateway kinds whose value is a whole number, and those that take no value.
GATEWAY_NUMBER_KINDS = frozenset({GatewayKind.MIN_MONTHS_ON_PROGRAMME, GatewayKind.ENGLISH_LEVEL,
                                  GatewayKind.MATHS_LEVEL})
GATEWAY_NO_VALUE_KINDS = frozenset({GatewayKind.OTJ_HOURS_PLANNED_MET, GatewayKind.ALL_ITEMS_EVIDENCED})


class GatewayRequirement(models.Model):
    """One requirement an apprentice meets before the end-point assessment gateway, as data."""

    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="gateway_requirements")
    code = models.SlugField(max_length=64, help_text=_("Stable identifier, unique within the standard."))
    kind = models.CharField(max_length=32, choices=GatewayKind.choices)
    value = models.CharField(
        max_length=128, blank=True,
        help_text=_("A whole number (as text) for min_months_on_programme, english_level and maths_level; the "
                    "qualification's name for qualification_achieved; empty for the others."),
    )
    text = models.TextField(help_text=_("The requirement in plain English, as the standard words it."))
    order = models.PositiveIntegerField(default=0)

    objects = ByQualificationManager()

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["qualification", "code"], name="gateway_requirement_code_unique"),
        ]

    def __str__(self) -> str:
        return self.text

    @depends_on("units.qualification")
    def natural_key(self) -> tuple[str, str, str]:
        return (*self.qualification.natural_key(), self.code)
