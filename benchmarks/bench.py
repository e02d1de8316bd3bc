"""Startup and compile-time figures for the README, measured in one run on this machine.

    python benchmarks/bench.py            # medians of 7 cold processes, and in-process scaling

Cold-process rows are compared with the cost of starting Python and importing the YAML parser,
which is the floor for a pre-commit hook. Scaling rows compile generated chains of N tasks to all
targets in one process and should grow linearly.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7


def cold(argv: list[str]) -> float:
    """Median wall time, in ms, of running `argv` as a fresh process."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def generated(n: int) -> str:
    """A chain-and-fan DAG of n tasks, each reading a param and the previous task's result."""
    tasks = []
    for i in range(n):
        task = {"name": f"task-{i}", "image": "alpine:3.20",
                "run": 'printf x > "$SHIPSPEC_RESULTS/out"\necho "$INPUT"\n', "results": ["out"],
                "env": {"INPUT": "~{ params.greeting }" if i == 0 else f"~{{ tasks.task-{i - 1}.results.out }}"}}
        if i >= 2:
            task["depends"] = [f"task-{i - 2}"]
        tasks.append(task)
    spec = {"apiVersion": "shipspec.dev/v1", "kind": "Pipeline", "metadata": {"name": f"gen-{n}"},
            "spec": {"params": [{"name": "greeting", "default": "hi"}], "tasks": tasks,
                     "results": [{"name": "last", "value": f"~{{ tasks.task-{n - 1}.results.out }}"}]}}
    return json.dumps(spec)


def in_process(n: int, target: str) -> float | None:
    """Median ms to compile a generated spec for one target; None when the target refuses it
    (GitHub does not run workflow files over 500 KB, which 1000 tasks exceed)."""
    from shipspec.compiler.cli import compile_one

    text = generated(n)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        texts, _ = compile_one(text, "gen.yaml", (target,))
        times.append((time.perf_counter() - start) * 1000)
        if target not in texts:
            return None
    return statistics.median(times)


def broken_specs() -> tuple[str, float]:
    """The slowest broken spec of golden_tests/err (plus a 10 MB file), in one warm process: ms."""
    from shipspec.compiler.cli import TARGETS, compile_one

    cases = {p.name: p.read_bytes() for p in sorted((ROOT / "golden_tests" / "err").glob("*.yaml"))}
    cases["10 MB file"] = b"apiVersion: shipspec.dev/v1\n" + b"# padding\n" * 1_000_000
    worst = ("", 0.0)
    for name, raw in cases.items():
        start = time.perf_counter()
        compile_one(raw, name, TARGETS)
        ms = (time.perf_counter() - start) * 1000
        worst = max(worst, (name, ms), key=lambda w: w[1])
    return worst


def main() -> None:
    exe = shutil.which("shipspec", path=str(Path(sys.executable).parent)) or "shipspec"
    py = sys.executable
    out = Path(tempfile.mkdtemp())
    rows = [
        ("python -c pass", cold([py, "-c", "pass"])),
        ('python -c "import ruamel.yaml"', cold([py, "-c", "import ruamel.yaml"])),
        ('python -c "import pydantic, ruamel.yaml"', cold([py, "-c", "import pydantic, ruamel.yaml"])),
        # `import pydantic` is lazy; using models loads pydantic.main, the fair floor for validating
        ('python -c "from pydantic import BaseModel; from ruamel.yaml import YAML"',
         cold([py, "-c", "from pydantic import BaseModel; from ruamel.yaml import YAML"])),
        ("shipspec --version", cold([exe, "--version"])),
        ("shipspec validate examples/hello-world.yaml", cold([exe, "validate", "examples/hello-world.yaml"])),
        ("shipspec compile examples/hello-world.yaml -t argo", cold([exe, "compile", "examples/hello-world.yaml",
                                                                     "-t", "argo"])),
        ("shipspec compile examples/ci-go.yaml -t all -o DIR", cold([exe, "compile", "examples/ci-go.yaml",
                                                                    "-o", str(out)])),
    ]
    print(f"| command (cold process, median of {RUNS}) | ms |\n|---|---:|")
    for label, ms in rows:
        print(f"| `{label}` | {ms:.0f} |")
    from shipspec.compiler.cli import TARGETS, compile_one

    compile_one(generated(2), "gen.yaml", TARGETS)  # imports, once
    print("\n| generated spec, in one process (ms; per task) | " + " | ".join(TARGETS) + " |")
    print("|---|" + "---:|" * len(TARGETS))
    for n in (10, 100, 1000):
        cells = [in_process(n, t) for t in TARGETS]
        shown = [f"{ms:.0f} ({ms / n:.2f})" if ms is not None else "over GitHub's 500 KB file limit"
                 for ms in cells]
        print(f"| {n} tasks | " + " | ".join(shown) + " |")
    name, ms = broken_specs()
    print(f"\nSlowest of the broken-spec corpus (golden_tests/err and a 10 MB file), warm: {name}, {ms:.1f} ms")


if __name__ == "__main__":
    main()
