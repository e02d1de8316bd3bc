"""Broken specs: exit 1, positioned messages exactly as in `golden_tests/err/<case>.out`, no traceback,
nothing written, nothing executed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from shipspec.compiler.cli import main

ERR = Path(__file__).resolve().parent.parent / "golden_tests" / "err"
CASES = sorted(ERR.glob("*.yaml"))
# cases whose expected output holds an error (the others are warnings only, and compile)
FAILING = [c for c in CASES if ": error: " in c.with_suffix(".out").read_text()]


def _run(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("spec", CASES, ids=lambda p: p.stem)
def test_broken_spec_is_reported_at_its_position(spec: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 update_goldens: bool) -> None:
    monkeypatch.chdir(ERR)
    code, output = _run(capsys, ["validate", spec.name])
    assert code == (1 if ": error: " in output else 0)
    assert output and "Traceback" not in output
    expected = spec.with_suffix(".out")
    if update_goldens:
        expected.write_text(output)
        return
    _assert_lines_match(output.splitlines(), expected.read_text().splitlines())


@pytest.mark.parametrize("spec", FAILING, ids=lambda p: p.stem)
def test_broken_spec_writes_no_output(spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, _ = _run(capsys, ["compile", str(spec), "-o", str(out)])
    assert code == 1
    assert not out.exists() or not any(out.iterdir())


def test_python_tag_runs_no_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "pwned"
    spec = tmp_path / "spec.yaml"
    spec.write_text(f'metadata: !!python/object/apply:os.system ["touch {marker}"]\n')
    code, output = _run(capsys, ["validate", str(spec)])
    assert code == 1 and "not allowed" in output
    assert not marker.exists()


def test_ten_megabyte_file_is_refused_with_a_clear_message(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "huge.yaml"
    spec.write_text("apiVersion: shipspec.dev/v1\n" + "# padding\n" * 1_000_000)
    code, output = _run(capsys, ["validate", str(spec)])
    assert code == 1
    assert re.search(r"huge\.yaml:1:1: error: file is over 1048576 bytes, the limit for a spec", output)


def test_missing_file_is_a_usage_error_not_a_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = _run(capsys, ["validate", str(tmp_path / "nope.yaml")])
    assert code == 2 and "does not exist" in output


def test_deep_nesting_is_refused_not_a_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "deep.yaml"
    spec.write_text("spec: {tasks: " + "[" * 500 + "]" * 500 + "}\n")
    code, output = _run(capsys, ["validate", str(spec)])
    assert code == 1 and "nests deeper than 64 levels" in output


def test_real_process_exit_codes(tmp_path: Path) -> None:
    """The console entry point, as a user runs it: 1 for a bad spec, 2 for bad usage."""
    bad = subprocess.run([sys.executable, "-m", "shipspec.compiler.cli", "validate", str(ERR / "cycle.yaml")],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and "dependency cycle" in bad.stderr and "Traceback" not in bad.stderr
    usage = subprocess.run([sys.executable, "-m", "shipspec.compiler.cli", "compile", "--target", "jenkins",
                            str(ERR / "cycle.yaml")], capture_output=True, text=True, check=False)
    assert usage.returncode == 2 and "Invalid value" in usage.stderr


def _assert_lines_match(actual: list[str], expected: list[str]) -> None:
    """Equal line by line; an expected line written /like this/ is a regular expression."""
    assert len(actual) == len(expected), "\n".join(actual)
    for got, want in zip(actual, expected, strict=True):
        if len(want) > 1 and want.startswith("/") and want.endswith("/"):
            assert re.fullmatch(want[1:-1], got), got
        else:
            assert got == want
