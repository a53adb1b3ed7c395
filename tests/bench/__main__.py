"""`make bench`: run every tests/bench/bench_*.py module's `run()` and print its figures.

Each module runs in its own Python process (a module may set Django up on a
throwaway database of its own), one after another, in name order. To add a
benchmark, drop a `bench_<name>.py` with a `run()` here. Arguments choose
modules by name: `python -m tests.bench rules people`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def modules(wanted: list[str]) -> list[str]:
    names = sorted(path.stem for path in HERE.glob("bench_*.py"))
    if wanted:
        unknown = [w for w in wanted if f"bench_{w.removeprefix('bench_')}" not in names]
        if unknown:
            raise SystemExit(f"No benchmark named {', '.join(unknown)}; there are: "
                             f"{', '.join(n.removeprefix('bench_') for n in names)}")
        names = [n for n in names if n.removeprefix("bench_") in {w.removeprefix("bench_") for w in wanted}]
    return names


def main(argv: list[str]) -> int:
    failed = []
    for name in modules(argv):
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        code = f"from tests.bench import {name} as module; module.run()"
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT)
        took = time.perf_counter() - start
        if result.returncode:
            failed.append(name)
            print(f"   {name} FAILED (exit {result.returncode}) after {took:.1f} s", flush=True)
        else:
            print(f"   ({took:.1f} s)", flush=True)
    if failed:
        print(f"Failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
