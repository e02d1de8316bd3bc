"""Every checked-in expected file passes the engines' own judges, with no findings.

Each tool runs once over all files of its target (the Node tools cost ~1 s to start), and each file
is its own test so a failure names the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import validators

GOLDEN = Path(__file__).resolve().parent.parent / "golden_tests"


def _files(target: str) -> list[Path]:
    """The target's files: `<target>.yaml` and its companions (`tekton-run.yaml`)."""
    return sorted(p for p in GOLDEN.rglob(f"{target}*.yaml") if p.stem.split("-")[0] == target)


def _batch(tools: list[Callable[[list[Path]], dict[Path, list[str]]]], files: list[Path]) -> dict[Path, list[str]]:
    problems: dict[Path, list[str]] = {f: [] for f in files}
    for tool in tools:
        for path, found in tool(files).items():
            problems[Path(path)] += found
    return problems


def _shellcheck(target: validators.Target) -> Callable[[list[Path]], dict[Path, list[str]]]:
    def run(files: list[Path]) -> dict[Path, list[str]]:
        scripts = [(f"{f}\0{label}", text) for f in files for label, text in validators.shell_scripts(target, f)]
        found: dict[Path, list[str]] = {f: [] for f in files}
        for label, problems in validators.shellcheck_many(scripts).items():
            found[Path(label.split("\0")[0])] += [f"{label.split(chr(0))[1]}: {p}" for p in problems]
        return found
    return run


def _per_file(check: Callable[[Path], list[str]]) -> Callable[[list[Path]], dict[Path, list[str]]]:
    return lambda files: {f: check(f) for f in files}


TOOLS = {
    "argo": [_per_file(validators.argo_schema), _per_file(validators.hera_models), _shellcheck("argo")],
    "tekton": [_per_file(validators.tekton_schema), validators.tekton_lint_checked, _shellcheck("tekton")],
    "github": [validators.actionlint, validators.workflow_parser, validators.zizmor, _shellcheck("github")],
}


@pytest.fixture(scope="session")
def findings() -> dict[str, dict[Path, list[str]]]:
    return {target: _batch(tools, _files(target)) for target, tools in TOOLS.items()}


@pytest.mark.parametrize("path", [f for t in TOOLS for f in _files(t)],
                         ids=lambda p: p.relative_to(GOLDEN).as_posix())
def test_expected_file_passes_engine_validators(path: Path, findings: dict[str, dict[Path, list[str]]]) -> None:
    target = path.stem.split("-")[0]
    assert findings[target][path] == [], "\n".join(findings[target][path])


def test_every_target_has_expected_files() -> None:
    for target in TOOLS:
        assert len(_files(target)) >= 5, target
