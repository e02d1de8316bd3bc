"""Blocks: typed inputs with positioned errors, expansion into steps, and the generated reference."""

from __future__ import annotations

import subprocess
import typing
from pathlib import Path

import pytest

import validators
from shipspec.compiler import ir, spec
from shipspec.compiler.blocks import BLOCKS, BUILT_IN, reference
from shipspec.compiler.frontend import compile_spec

ROOT = Path(__file__).resolve().parent.parent
HEAD = "apiVersion: shipspec.dev/v1\nkind: Pipeline\nmetadata:\n  name: t\nspec:\n"


def _pipeline(body: str) -> ir.Pipeline:
    result = compile_spec(HEAD + body, "t.yaml")
    assert result.ok, result.diagnostics
    assert result.pipeline is not None
    return result.pipeline


GO = """\
  params:
    - name: min
      type: int
      default: 80
  caches:
    - name: gomod
  tasks:
    - name: source
      uses: checkout
    - name: test
      uses: go
      with: {version: "1.23", lint: true, coverage: 80, cache: gomod}
      consumes: [{artifact: source}]
"""


def test_the_go_block_sets_up_tests_gates_coverage_and_lints_in_steps() -> None:
    task = _pipeline(GO).task("test")
    assert task.image == "golang:1.23-bookworm" and not task.github_container
    assert [s.name for s in task.steps] == ["setup-go", "test", "coverage", "lint"]
    setup, test, coverage, lint = task.steps
    assert setup.native is not None and setup.native.github is not None and setup.script is None
    assert setup.native.github.action == "actions/setup-go" and len(setup.native.github.sha) == 40
    assert dict((k, v.literal) for k, v in setup.native.github.inputs)["cache"] == "false"
    assert test.script is not None and "go test -race -coverprofile" in test.script
    assert lint.image.startswith("golangci/golangci-lint:") and lint.native is not None
    assert [r.name for r in task.results] == ["coverage"]
    assert [(c.cache, c.path) for c in task.caches] == [("gomod", "/tmp/shipspec-cache/go")]
    assert {e.name for e in task.env} >= {"PROJECT_DIR", "COVERAGE_MIN", "GOMODCACHE"}
    assert task.depends_on == ("source",) and task.working_dir == "/workspace/source"


def test_an_input_keeps_its_position_and_may_be_an_expression() -> None:
    p = _pipeline(GO.replace("coverage: 80", "coverage: 80") + """\
    - name: version
      uses: version
      with: {base: "~{ params.min }"}
""")
    base = next(e for e in p.task("version").env if e.name == "BASE")
    assert isinstance(base.value, ir.Template) and base.value.refs == (ir.ParamRef("min", ir.ParamType.INT),)
    assert base.span.line == 21


@pytest.mark.parametrize(("with_", "message"), [
    ("{version: '1.23', lnt: true}", "unknown field 'lnt'"),
    ("{version: 'latest'}", "version: 'latest' is not"),
    ("{lint: true}", "missing required field 'version'"),
    ("{version: '1.23', coverage: 120}", "coverage: must be at most 100"),
])
def test_a_bad_input_is_an_error_at_its_line(with_: str, message: str) -> None:
    result = compile_spec(HEAD + f"""\
  tasks:
    - name: test
      uses: go
      with: {with_}
""", "t.yaml")
    assert len(result.diagnostics) == 1, result.diagnostics
    d = result.diagnostics[0]
    assert message in d.message and d.span.line == 9, d


def test_an_unknown_block_is_named_with_a_suggestion() -> None:
    result = compile_spec(HEAD + "  tasks:\n    - name: t\n      uses: pyhton\n", "t.yaml")
    assert [(d.span.line, d.message, d.hint) for d in result.diagnostics] == [
        (8, "there is no block 'pyhton'", "did you mean 'python'?")]


def test_a_block_task_cannot_also_say_what_the_block_makes() -> None:
    result = compile_spec(HEAD + "  tasks:\n    - name: t\n      uses: go\n      with: {version: '1.23'}\n"
                          "      run: go test\n", "t.yaml")
    assert [(d.span.line, d.message.split(": the")[0]) for d in result.diagnostics] == [
        (10, "a `uses: go` task has no `run`")]


def test_the_version_block_script_follows_each_scheme(tmp_path: Path) -> None:
    script = _pipeline("  tasks:\n    - name: v\n      uses: version\n").task("v").script
    assert script is not None
    cases = [({"SCHEME": "auto", "REF_TYPE": "tag", "REF_NAME": "v1.2.3"}, "1.2.3"),
             ({"SCHEME": "auto", "REF_TYPE": "branch", "REF_NAME": "main", "BASE": "1.0.0"}, "1.0.0-abc1234"),
             ({"SCHEME": "commit", "PR_NUMBER": "7", "PR_SUFFIX": "true"}, "abc1234-pr7")]
    for env, expected in cases:
        full = {"REF_TYPE": "", "REF_NAME": "", "SHORT_SHA": "abc1234", "PR_NUMBER": "", "PR_SUFFIX": "false",
                "BASE": "0.0.0", **env, "SHIPSPEC_RESULTS": str(tmp_path), "PATH": "/usr/bin:/bin"}
        subprocess.run(["sh", "-ec", script], env=full, check=True, capture_output=True)
        assert (tmp_path / "version").read_text() == expected
    bad = {"SCHEME": "tag", "REF_TYPE": "tag", "REF_NAME": "release-1", "SHORT_SHA": "x", "PR_NUMBER": "",
           "PR_SUFFIX": "false", "BASE": "", "SHIPSPEC_RESULTS": str(tmp_path), "PATH": "/usr/bin:/bin"}
    assert subprocess.run(["sh", "-ec", script], env=bad, capture_output=True).returncode == 1


def test_the_spec_knows_exactly_the_blocks_there_are() -> None:
    assert set(typing.get_args(spec.BlockName)) == {*BLOCKS, *BUILT_IN}


def test_the_block_reference_is_generated_from_the_blocks(update_goldens: bool) -> None:
    page = ROOT / "docs" / "blocks.md"
    if update_goldens:
        page.write_text(reference.render())
    assert page.read_text() == reference.render()


BLOCK_TASKS = {
    "go": "{version: '1.23', lint: true, build: true, coverage: 80, reports: true}",
    "node": "{version: '22', lint: true, build: true, coverage: 80}",
    "python": "{version: '3.12', lint: true, build: true, coverage: 80}",
    "java": "{version: '21', lint: true, build: true, coverage: 80, reports: true}",
    "version": "{scheme: auto}",
    "image": "{image: ghcr.io/acme/shop, tags: [v1, latest], platforms: [linux/amd64, linux/arm64], "
             "password: {secret: github, key: token}, layerCache: true, "
             "also: [{image: docker.io/acme/shop, username: acme, password: {secret: hub, key: token}}]}",
    "notify": "{webhook: {secret: chat, key: url}}",
    "scan": "{image: ghcr.io/acme/shop:v1, password: {secret: github, key: token}}",
    "sign": "{image: ghcr.io/acme/shop@sha256:00, sbom: true, provenance: true}",
    "helm": "{chart: deploy/chart, version: 1.2.3, registry: oci://ghcr.io/acme/charts}",
    "publish": "{to: oci, target: ghcr.io/acme/docs:v1, files: [site.tar.gz]}",
}


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_every_block_script_passes_shellcheck(name: str) -> None:
    section = "finally" if name == "notify" else "tasks"
    body = f"  tasks:\n    - {{name: first, image: 'alpine:3.20', run: echo}}\n  {section}:\n" if section == "finally" \
        else "  tasks:\n"
    task_text = f"    - name: t\n      uses: {name}\n      with: {BLOCK_TASKS[name]}\n"
    result = compile_spec(HEAD + body + task_text, "t.yaml")
    assert result.pipeline is not None and result.ok, result.diagnostics
    task = result.pipeline.task("t")
    scripts = [s.script for s in task.steps if s.script] + ([task.script] if task.script else [])
    assert scripts
    found = validators.shellcheck_many((str(i), script) for i, script in enumerate(scripts))
    assert not any(found.values()), found


def test_ko_cannot_push_to_several_repositories() -> None:
    result = compile_spec(HEAD + "  tasks:\n    - name: t\n      uses: image\n      with: {image: r.io/a, builder: ko, "
                          "also: [{image: s.io/a}]}\n", "t.yaml")
    assert [d.message for d in result.diagnostics] == [
        "with: `also` needs builder dockerfile or buildpacks: ko pushes to one repository"]


def test_the_provenance_step_writes_valid_json_whatever_the_values(tmp_path: Path) -> None:
    import json

    task = _pipeline("  tasks:\n    - name: s\n      uses: sign\n      with: {image: r.io/a@sha256:00, "
                     "key: {secret: c, key: k}, provenance: true}\n").task("s")
    script = next(s.script for s in task.steps if s.name == "provenance")
    assert script is not None
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "cosign").write_text("#!/bin/sh\nexit 0\n")
    (tmp_path / "bin" / "cosign").chmod(0o755)
    env = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path / "home"), "IMAGE": "r.io/a@sha256:00",
           "SBOM_DIR": str(tmp_path / "sbom"), "COSIGN_KEY": "k", "REGISTRY_USERNAME": "u",
           "SOURCE_URL": "https://github.com/a/b.git", "SOURCE_REF": 'refs/tags/v1"\\x', "SOURCE_SHA": "abc",
           "BUILDER_ID": "https://ci.example.com/runs/1", "RUN_ID": "1"}
    subprocess.run(["sh", "-ec", script], env=env, check=True, capture_output=True)
    predicate = json.loads((tmp_path / "sbom" / "provenance.json").read_text())
    assert predicate["buildDefinition"]["externalParameters"]["ref"] == 'refs/tags/v1"\\x'
    assert predicate["buildDefinition"]["resolvedDependencies"][0]["digest"] == {"gitCommit": "abc"}
    assert predicate["runDetails"]["builder"]["id"] == "https://ci.example.com/runs/1"
