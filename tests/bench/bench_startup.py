"""Start-up of the rules commands, each timed as a whole process (`python manage.py ...`), median of 5.

Target: check_combination, plan_units and validate_specs each under 1.5 s wall clock. CPU time
(user + system of the child) is printed beside it: on a shared machine the wall clock of a
process that spends most of its life importing grows with the load, the CPU time does not.
Each command also reports which of the heavy libraries it imported (none of WeasyPrint,
pypdf or OR-Tools should be there unless it solves: validate_specs and plan_units solve).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_S = 1.5
ROUNDS = 5
HEAVY = ("weasyprint", "pypdf", "ortools")
COMMANDS = {
    "check_combination": ["check_combination", "ocr-l3-customer-service", "F3", "F4", "A3", "A13", "B11", "C5",
                          "D6"],
    "plan_units": ["plan_units", "ocr-l3-customer-service", "F3"],
    "validate_specs": ["validate_specs", "ocr-l3-customer-service"],
}

# Runs a command as manage.py does, then names the heavy modules it imported, on stderr's last line.
_PROBE = f"""
import sys, runpy
sys.argv = ["manage.py", *sys.argv[1:]]
try:
    runpy.run_path("manage.py", run_name="__main__")
finally:
    heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))
    sys.stderr.write("\\nheavy: " + ",".join(heavy) + "\\n")
"""


def _environment(scratch: str) -> dict[str, str]:
    env = dict(os.environ, VAR_DIR=scratch, DEBUG="true", DATABASE_URL=f"sqlite:///{scratch}/startup.sqlite3")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _run(args: list[str], env: dict[str, str], *, probe: bool = False) -> tuple[float, float, str]:
    """Wall and CPU seconds of one process, and the heavy modules it imported ('' unless probing)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    command = [sys.executable, "-c", _PROBE, *args] if probe else [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed: {result.stderr[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    heavy = result.stderr.rsplit("heavy: ", 1)[-1].strip() if probe else ""
    return wall, cpu, heavy


def run() -> None:
    scratch = tempfile.mkdtemp(prefix="bench-startup-")
    env = _environment(scratch)
    for args in (["migrate", "--noinput", "-v", "0"], ["load_specs", "-v", "0"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)
    _run(["--version"], env)  # warm the file cache
    print(f"   whole process, median of {ROUNDS}; target {TARGET_S:.1f} s wall")
    failed = False
    for name, args in COMMANDS.items():
        heavy = _run(args, env, probe=True)[2]
        runs = [_run(args, env) for _ in range(ROUNDS)]
        wall = statistics.median(w for w, _, _ in runs)
        cpu = statistics.median(c for _, c, _ in runs)
        verdict = "ok" if wall <= TARGET_S else "OVER"
        failed |= wall > TARGET_S
        imported = heavy or "none of " + ", ".join(HEAVY)
        print(f"   {name:<18} {wall:5.2f} s wall  {cpu:5.2f} s CPU  {verdict:<4}  imports: {imported}")
    load = os.getloadavg()[0]
    print(f"   load average {load:.1f} on {os.cpu_count()} cores" + ("; over target" if failed else ""))
