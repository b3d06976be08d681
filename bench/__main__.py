"""Run the benchmarks: ``python -m bench [NAME...]`` (``make bench`` runs them all).

A benchmark is a module of this folder with a ``run(results_dir)`` function;
it writes its figures to ``bench/results/NAME.json`` and ``NAME.md``. One with
``ON_DEMAND = True`` (hours of work, like ``servers_large``) runs only when named.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def benchmarks() -> dict[str, object]:
    """Every module of bench/ that has a ``run`` function, by name."""
    found = {}
    for info in pkgutil.iter_modules([str(HERE)]):
        module = importlib.import_module(f"bench.{info.name}")
        if callable(getattr(module, "run", None)):
            found[info.name] = module
    return found


def main(argv: list[str]) -> int:
    available = benchmarks()
    names = argv or sorted(name for name, module in available.items() if not getattr(module, "ON_DEMAND", False))
    unknown = [name for name in names if name not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(sorted(available))}", file=sys.stderr)
        return 2
    for name in names:
        start = time.perf_counter()
        print(f"bench {name} …", flush=True)
        available[name].run(RESULTS)
        print(f"bench {name}: {time.perf_counter() - start:.0f} s → {RESULTS / (name + '.md')}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
