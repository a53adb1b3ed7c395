"""Rules engine and planner benchmarks on a synthetic 60-unit, 5-group spec with every rule kind.

Targets: evaluate() median under 50 µs; plan() median under 50 ms in a warm process
(model building included, the first call and the OR-Tools import excluded).
"""

from __future__ import annotations

import random
import statistics
import time

from units.rules import GroupSpec, RuleSpec, Spec, UnitSpec, evaluate

EVALUATE_TARGET_US = 50
PLAN_TARGET_MS = 50


def synthetic_spec(seed: int = 7) -> Spec:
    """60 units in 5 groups (the fifth with two sub-groups), barring codes, one_counts pairs, two pathways."""
    rng = random.Random(seed)
    groups = [GroupSpec(f"G{g}", f"Group {g}") for g in range(1, 6)]
    groups += [GroupSpec("G5A", "Group 5, part A", parent="G5"), GroupSpec("G5B", "Group 5, part B", parent="G5")]
    units = []
    for g in range(1, 6):
        for k in range(1, 13):
            group = f"G{g}" if g < 5 else ("G5A" if k <= 6 else "G5B")
            barring = f"BAR{k}" if g in (2, 3) and k <= 4 else ""
            units.append(UnitSpec(
                f"U{g}{k:02d}", f"Unit {g}.{k}", group, rng.choice([2, 3, 3, 4]), rng.randint(2, 10),
                glh=rng.choice([None, 20, 30, 40]), tqt=rng.choice([None, 50, 80]), barring_code=barring,
            ))
    rules = (
        RuleSpec("total", "total", "At least 60 credits in total.", minimum=60),
        RuleSpec("mandatory", "mandatory", "U101, U102 and U103 are mandatory.", units=("U101", "U102", "U103")),
        RuleSpec("g1-cap", "total", "At most 30 credits from group 1.", groups=("G1",), maximum=30),
        RuleSpec("each-optional", "each_group", "At least one unit from each of groups 2-5.",
                 groups=("G2", "G3", "G4", "G5"), per_group=1),
        RuleSpec("optional-l3", "total", "At least 20 optional credits at level 3 or above.",
                 groups=("G2", "G3", "G4", "G5"), minimum=20, level=3, level_op="ge"),
        RuleSpec("level-2-cap", "total", "At most 20 credits from level 2 units.", maximum=20, level=2,
                 level_op="le"),
        RuleSpec("unit-cap", "total", "At most 14 units.", measure="count", maximum=14),
        RuleSpec("barred-pair", "barred", "U204 and U304 may not be taken together.", units=("U204", "U304")),
        RuleSpec("barring-codes", "barred", "Units sharing a barring code may not be taken together."),
        RuleSpec("same-unit-a", "one_counts", "U205 and U305 are one unit at two levels.", units=("U205", "U305")),
        RuleSpec("same-unit-b", "one_counts", "U410 and U510 are one unit at two levels.", units=("U410", "U510")),
        RuleSpec("general-g4", "total", "General: at least 10 credits from group 4.", groups=("G4",), minimum=10,
                 pathway="general"),
        RuleSpec("specialist-g5", "total", "Specialist: at least 12 credits from group 5 part A.",
                 groups=("G5A",), minimum=12, pathway="specialist"),
        RuleSpec("specialist-each", "each_group", "Specialist: two units from each part of group 5.",
                 groups=("G5A", "G5B"), per_group=2, pathway="specialist"),
        RuleSpec("specialist-exact", "total", "Specialist: exactly 4 units from group 3.", groups=("G3",),
                 measure="count", minimum=4, maximum=4, pathway="specialist"),
    )
    return Spec("bench", "1", "Synthetic benchmark spec", "credits", tuple(units), tuple(groups), rules,
                pathways=("general", "specialist"))


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def bench_evaluate(spec: Spec, rounds: int = 20000) -> tuple[float, float]:
    rng = random.Random(1)
    codes = [u.code for u in spec.units]
    cases = [(rng.sample(codes, rng.randint(8, 16)), rng.choice(spec.pathways)) for _ in range(500)]
    for chosen, pathway in cases:  # compile and warm the per-rule caches
        evaluate(spec, chosen, pathway)
    samples = []
    clock = time.perf_counter_ns
    for r in range(rounds):
        chosen, pathway = cases[r % len(cases)]
        start = clock()
        evaluate(spec, chosen, pathway)
        samples.append((clock() - start) / 1000)
    return _stats(samples)


def bench_plan(spec: Spec, rounds: int = 100) -> dict[str, object]:
    """Wall-clock and CPU time of plan() over varied requests (chosen, avoided, preferred units, both pathways)."""
    from units.planner import Impossible, plan

    rng = random.Random(2)
    codes = [u.code for u in spec.units]
    plan(spec, pathway="general")  # the OR-Tools import and the first call
    wall, cpu, impossible = [], [], 0
    for r in range(rounds):
        pathway = spec.pathways[r % 2]
        chosen = rng.sample(codes[3:], rng.randint(0, 3))
        avoid = [c for c in rng.sample(codes[3:], 4) if c not in chosen]  # never a mandatory unit
        prefer = rng.sample(codes, 5)
        start, start_cpu = time.perf_counter(), time.process_time()
        result = plan(spec, chosen, avoid=avoid, prefer=prefer, pathway=pathway)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
        impossible += isinstance(result, Impossible)
    return {"wall": _stats(wall), "cpu": _stats(cpu), "impossible": impossible, "rounds": rounds}


def run() -> None:
    from django.conf import settings

    # The engine needs no database, but its sentences are translatable: English, with no catalogue to look into.
    if not settings.configured:
        settings.configure(USE_I18N=False)
    spec = synthetic_spec()
    median, p95 = bench_evaluate(spec)
    verdict = "ok" if median < EVALUATE_TARGET_US else "OVER TARGET"
    print(f"rules.evaluate  60 units, {len(spec.rules)} rules: median {median:.1f} µs, p95 {p95:.1f} µs "
          f"(target < {EVALUATE_TARGET_US} µs) {verdict}")
    figures = bench_plan(spec)
    median, p95 = figures["wall"]
    cpu_median, cpu_p95 = figures["cpu"]
    verdict = "ok" if median < PLAN_TARGET_MS else "OVER TARGET"
    print(f"planner.plan    60 units, {len(spec.rules)} rules: median {median:.1f} ms, p95 {p95:.1f} ms "
          f"(target < {PLAN_TARGET_MS} ms) {verdict}; CPU time median {cpu_median:.1f} ms, p95 {cpu_p95:.1f} ms; "
          f"{figures['rounds']} requests, {figures['impossible']} of them impossible (and explained)")


if __name__ == "__main__":
    run()
