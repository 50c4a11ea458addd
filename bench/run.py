#!/usr/bin/env python3
"""Run one of the benchmarks in this folder: ``bench/run.py NAME [options]``.

NAME is the part before ``_bench.py`` (``search`` runs search_bench.py);
the options go to that benchmark (``bench/run.py search --help`` lists them).
``make bench ARGS="search --backend both --articles 100000"`` does the same.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(
        path.name.removesuffix("_bench.py") for path in HERE.glob("*_bench.py")
    )


def main(argv: list[str]) -> int:
    names = available()
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in names:
        print(__doc__.strip())
        print("\nBenchmarks: " + ", ".join(names))
        return 0 if not argv or argv[0] in ("-h", "--help") else 2
    script = HERE / f"{argv[0]}_bench.py"
    return subprocess.run([sys.executable, str(script), *argv[1:]]).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
