"""The package type-checks strictly and lints clean: both are part of the suite, not a separate step."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True, check=False)


def test_mypy_strict() -> None:
    result = _run("mypy", "--strict", "--no-error-summary", "compiler", "targets")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff() -> None:
    result = _run("ruff", "check", "--no-cache", "compiler", "targets", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr
