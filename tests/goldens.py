"""Golden cases, found by globbing: a new case is a new folder (or a new example).

- `golden_tests/<case>/spec.yaml` -> expected files in the same folder;
- `examples/<name>.yaml` -> expected files in `golden_tests/examples/<name>/`.
Per target, `<target>.yaml` is the exact output (companions such as `tekton-run.yaml` beside it)
and `<target>.out` the exact diagnostics (concise, one per line); a case has `.out` only when
compiling it reports something. An optional `options.json` holds EmitOptions fields
(e.g. {"argo_kind": "ClusterWorkflowTemplate"}).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from shipspec.compiler.cli import TARGETS, compile_one
from shipspec.compiler.render import concise
from shipspec.targets.base import EmitOptions

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden_tests"


@dataclass(frozen=True)
class Case:
    name: str
    spec: Path
    expected_dir: Path

    @property
    def source(self) -> str:
        return self.spec.relative_to(ROOT).as_posix()

    def options(self) -> EmitOptions:
        path = self.expected_dir / "options.json"
        if not path.exists():
            return EmitOptions()
        fields = json.loads(path.read_text())
        if "run_params" in fields:
            fields["run_params"] = tuple(tuple(pair) for pair in fields["run_params"])
        return EmitOptions(**fields)


def cases() -> list[Case]:
    found = [Case(p.parent.name, p, p.parent) for p in sorted(GOLDEN.glob("*/spec.yaml"))]
    found += [Case(f"examples/{p.stem}", p, GOLDEN / "examples" / p.stem)
              for p in sorted((ROOT / "examples").glob("*.yaml"))]
    return found


def actual(case: Case) -> dict[str, str]:
    """File name -> content that compiling the case produces, one target at a time."""
    out: dict[str, str] = {}
    for target in TARGETS:
        texts, diagnostics = compile_one(case.spec.read_bytes(), case.source, (target,), case.options())
        out |= {f"{name}.yaml": text for name, text in texts.items()}  # the target's file and companions
        if diagnostics:
            out[f"{target}.out"] = "".join(concise(d, {}) + "\n" for d in diagnostics)
    return out


def expected_files(case: Case) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(case.expected_dir.glob("*.yaml"))
            if p.name != "spec.yaml"} | {p.name: p.read_text() for p in case.expected_dir.glob("*.out")}
