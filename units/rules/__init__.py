"""Rules of combination, as pure data and a pure evaluator.

No ORM and no I/O: `units.spec.spec_for` builds a `Spec` from the database, the
planner (`units.planner`) and every view evaluate against it. A `Spec` is
compiled once (scopes, level filters, sub-groups, one-counts beaters) and the
compiled form is kept on the instance, so evaluating the same spec again costs
a few dictionary look-ups per rule.

Semantics, shared with the planner:

* scope of a rule: its units if it lists any, else its groups pooled (sub-groups
  included), else every unit; `level`/`level_op` keep only units at that level
  (units without a level never match) — for `total` and `each_group` rules;
* one_counts: of its units, only the highest-valued chosen one counts (ties go
  to the earlier unit in spec order); a unit beaten by another chosen unit of any
  one_counts rule contributes nothing to any other rule nor to the total;
* total: sum of value (or number of units for measure "count", or when the
  spec's value_name is "none") over the counted units in scope, between minimum
  and maximum;
* mandatory: every unit of the scope chosen (and counted);
* each_group: at least `per_group` counted units (default 1) from each listed group;
* barred: at most one of the listed units; with no units listed, at most one
  unit per barring code among the counted units of the scope.

The package: `vocabulary` (the rule words, shared with the catalogue models),
`spec` (the data), `scope` (which units a rule covers), `kinds` (one class per rule
kind), `compiled` and `evaluation`.
"""

from units.rules.compiled import Compiled, RuleSet, compile_spec
from units.rules.evaluation import counted_units, evaluate
from units.rules.kinds import Barred, Check, Constraints, EachGroup, Mandatory, OneCounts, Total
from units.rules.phrases import (
    amount,
    and_listing,
    bounds_phrase,
    level_noun,
    listing,
    more_needed,
    scope_phrase,
    words,
)
from units.rules.spec import (
    Evaluation,
    GroupSpec,
    PathwayError,
    RuleResult,
    RuleSpec,
    Spec,
    SpecError,
    UnitSpec,
    UnknownUnits,
)
from units.rules.vocabulary import LevelOp, Measure, RuleKind, ValueName

__all__ = [
    "UnitSpec", "GroupSpec", "RuleSpec", "Spec", "RuleResult", "Evaluation", "SpecError", "UnknownUnits",
    "PathwayError", "evaluate", "counted_units", "compile_spec", "Compiled", "RuleSet", "Check", "Constraints",
    "Total", "Mandatory", "EachGroup", "Barred", "OneCounts",
    "RuleKind", "Measure", "LevelOp", "ValueName",
    "words", "amount", "more_needed", "listing", "and_listing", "level_noun", "bounds_phrase", "scope_phrase",
]
