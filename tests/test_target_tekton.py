"""The Tekton backend on hand-built IR: document structure, SS501 cases, and the engine's validators.

Every stream the backend emits without errors goes through the Tekton v1 schemas, tekton-lint
(warnings count) and shellcheck. tekton-lint 1.1.0 predates matrix support; `_lint` drops exactly
the findings that follow from that (see `_matrix_false_positives`) and nothing else.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shlex
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from ir_builders import env, ref_env, tpl

import validators
from shipspec.compiler import ir
from shipspec.compiler import scripts as shipspec_scripts
from shipspec.compiler.diagnostics import Severity, Span
from shipspec.targets import kubernetes, tekton, yamlout
from shipspec.targets.base import EmitOptions, Emitted
from shipspec.targets.tekton import helpers, syntax

Doc = dict[str, Any]
STR, BOOL, INT, ARRAY = ir.ParamType.STRING, ir.ParamType.BOOL, ir.ParamType.INT, ir.ParamType.ARRAY
IMAGE = "alpine:3.20"


# --- building IR by hand ------------------------------------------------------------------------


def at(line: int) -> Span:
    return Span("spec.yaml", line, 1, line, 2)


def task(name: str, script: str | None = "echo hello\n", **fields: Any) -> ir.Task:
    return ir.Task(name=name, image=fields.pop("image", IMAGE), script=script, **fields)


def after(*names: str) -> tuple[ir.Dependency, ...]:
    return tuple(ir.Dependency(n, explicit=True) for n in names)


def pipeline(*tasks: ir.Task, **fields: Any) -> ir.Pipeline:
    return ir.Pipeline(name=fields.pop("name", "demo"), source="spec.yaml", tasks=tasks, **fields)


def emit(p: ir.Pipeline, **options: Any) -> Emitted:
    return tekton.emit(p, EmitOptions(**options))


def _clean(out: Emitted, warnings: int) -> None:
    found = [(d.rule.code, d.message) for d in out.diagnostics if d.severity is Severity.ERROR or not warnings]
    assert found == [] and len(out.diagnostics) == warnings


def documents(p: ir.Pipeline, warnings: int = 0) -> Doc:
    """The Pipeline of a pipeline that must compile cleanly (but for `warnings`): alone in its file."""
    out = emit(p)
    _clean(out, warnings)
    assert [d["kind"] for d in out.documents] == ["Pipeline"] and out.companions == {}
    return out.documents[0]


def run_document(p: ir.Pipeline, *params: tuple[str, str], warnings: int = 0) -> Doc:
    """The PipelineRun that `tekton_run` adds, in a file of its own; the Pipeline stays the same."""
    out = emit(p, tekton_run=True, run_params=params)
    _clean(out, warnings)
    assert out.documents == emit(p).documents
    assert list(out.companions) == ["tekton-run"] and [d["kind"] for d in out.companions["tekton-run"]] == [
        "PipelineRun"]
    run: Doc = out.companions["tekton-run"][0]
    return run


def codes(p: ir.Pipeline) -> list[str]:
    return sorted(d.rule.code for d in emit(p).diagnostics)


def messages(p: ir.Pipeline) -> list[str]:
    return [f"{d.rule.code} {d.message} | {d.hint}" for d in emit(p).diagnostics]


def ptask(doc: Doc, name: str) -> Doc:
    spec = doc["spec"]
    return next(t for t in (*spec["tasks"], *spec.get("finally", ())) if t["name"] == name)


def step(doc: Doc, name: str, index: int | None = None) -> Doc:
    """The task's main step (named after it), or the step at `index`."""
    steps: list[Doc] = ptask(doc, name)["taskSpec"]["steps"]
    return next(s for s in steps if s["name"] == name) if index is None else steps[index]


def env_of(step_doc: Doc) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in step_doc.get("env", ())}


# --- validators -----------------------------------------------------------------------------------


def _matrix_false_positives(docs: list[Doc]) -> list[re.Pattern[str]]:
    """tekton-lint 1.1.0 knows no `matrix`: it misses the axes as params, does not strip `[*]` from
    an aggregated result (`$(tasks.t.results.r[*])`, the only form Tekton accepts for a matrix
    task), and finds `[*]` outside its kebab-case name pattern."""
    patterns = [re.compile(r"warning: Invalid name for '[a-z0-9-]+\[\*\]' at .* \[prefer-kebab-case\]$"),
                # the git resolver's own param name (its API, not ours), as validators.py knows it too
                re.compile(r"warning: Invalid name for 'pathInRepo' at .*\.ref\.params\[\d+\]\.name .*"
                           r"\[prefer-kebab-case\]$")]
    for doc in docs:
        spec = doc["spec"] if doc["kind"] == "Pipeline" else {}
        for t in (*spec.get("tasks", ()), *spec.get("finally", ())):
            for result in t.get("taskSpec", {}).get("results", ()):
                if result.get("type") == "array":  # a dynamic matrix's list, read whole
                    patterns.append(re.compile(re.escape(f"'{result['name']}[*]' is not a result in Task "
                                                         f"'{t['name']}'") + r"\) \[no-undefined-result\]$"))
            if "matrix" not in t:
                continue
            axes = [a["name"] for a in t["matrix"].get("params", ())]
            axes += [p["name"] for entry in t["matrix"].get("include", ()) for p in entry["params"]]
            for axis in dict.fromkeys(axes):
                patterns.append(re.compile(re.escape(f"references task '{t['name']}', but parameter '{axis}' "
                                                     "is not supplied") + r".*\[no-missing-param\]$"))
            for result in t["taskSpec"].get("results", ()):
                patterns.append(re.compile(re.escape(f"'{result['name']}[*]' is not a result in Task '{t['name']}'")
                                           + r"\) \[no-undefined-result\]$"))
    return patterns


def _lint(path: Path, docs: list[Doc]) -> list[str]:
    known = _matrix_false_positives(docs)
    return [p for p in validators.tekton_lint([path])[path] if not any(k.search(p) for k in known)]


def assert_valid(docs: list[Doc], tmp_path: Path) -> Path:
    """Schemas, tekton-lint and shellcheck find nothing in the emitted stream."""
    path = tmp_path / "tekton.yaml"
    path.write_text(yamlout.dump(docs, "spec.yaml", "tekton"), encoding="utf-8")
    assert list(yaml.safe_load_all(path.read_text(encoding="utf-8"))) == docs  # YAML 1.1 reads it back as is
    assert validators.tekton_schema(path) == []
    assert _lint(path, docs) == []
    scripts = validators.shell_scripts("tekton", path)
    assert {label: found for label, found in validators.shellcheck_many(scripts).items() if found} == {}
    return path


def valid_documents(p: ir.Pipeline, tmp_path: Path, warnings: int = 0) -> Doc:
    pipe = documents(p, warnings)
    assert_valid([pipe], tmp_path)
    return pipe


def valid_run(p: ir.Pipeline, tmp_path: Path, *params: tuple[str, str], warnings: int = 0) -> Doc:
    """The run, through Tekton's PipelineRun schema (tekton-lint lints nothing without metadata.name)."""
    run = run_document(p, *params, warnings=warnings)
    path = tmp_path / "tekton-run.yaml"
    path.write_text(yamlout.dump([run], "spec.yaml", "tekton"), encoding="utf-8")
    assert list(yaml.safe_load_all(path.read_text(encoding="utf-8"))) == [run]
    assert validators.tekton_schema(path) == []
    return run


# --- script, env, results, dependencies, conditions ---------------------------------------------

REPO = ir.ParamRef("repo-url", STR)
ENABLE = ir.ParamRef("enable-test", BOOL)
MODE = ir.ParamRef("mode", STR)
VERSION = ir.ResultRef("build", "version")
_PARAMS = {p.name: p for p in (ir.Param("repo-url", STR, None, "the repository to clone"),
                               ir.Param("enable-test", BOOL, True), ir.Param("mode", STR, "fast"),
                               ir.Param("retries", INT, 3))}
PARAMS = tuple(_PARAMS.values())


def params(*names: str) -> tuple[ir.Param, ...]:
    """Only the params a pipeline reads (tekton-lint warns about unused ones, as SS203 does)."""
    return tuple(_PARAMS[n] for n in names)


def test_script_env_results_depends_and_when(tmp_path: Path) -> None:
    build = task("build", 'git clone "${SHIPSPEC_PARAM_REPO_URL}" src\nprintf 1.2.3 > "$SHIPSPEC_RESULTS/version"\n',
                 env=(ref_env(REPO), env("GREETING", "hello $(date) from ", REPO)),
                 results=(ir.Result("version", "semantic version"),), working_dir="/work")
    test = task("test", 'echo "testing ${SHIPSPEC_TASK_BUILD_VERSION}"\n', env=(ref_env(VERSION),),
                depends=(ir.Dependency("build", explicit=False),),
                when=ir.All((ir.Compare(ENABLE, ir.CompareOp.EQ, (ir.Literal(True),)),
                             ir.Compare(MODE, ir.CompareOp.IN, (ir.Literal("fast"), ir.Literal("full"))),
                             ir.Compare(MODE, ir.CompareOp.NE, (ir.Literal("off"),)))))
    pipe = valid_documents(pipeline(build, test, params=params("repo-url", "enable-test", "mode")), tmp_path)

    b = ptask(pipe, "build")
    assert list(b) == ["name", "taskSpec", "params"]
    assert b["params"] == [{"name": "repo-url", "value": "$(params.repo-url)"}]
    assert b["taskSpec"]["params"] == [{"name": "repo-url", "type": "string"}]
    assert b["taskSpec"]["results"] == [{"name": "version", "description": "semantic version"}]
    main = step(pipe, "build")
    assert list(main) == ["name", "image", "workingDir", "env", "script"]
    assert main["workingDir"] == "/work"
    assert env_of(main) == {"SHIPSPEC_RESULTS": "/tekton/results", "SHIPSPEC_PARAM_REPO_URL": "$(params.repo-url)",
                            "GREETING": "hello $$(date) from $(params.repo-url)"}
    assert main["script"].startswith("#!/bin/sh\nset -e\ngit clone ")

    t = ptask(pipe, "test")
    assert list(t) == ["name", "taskSpec", "runAfter", "when", "params"]
    assert t["runAfter"] == ["build"]
    assert t["params"] == [{"name": "build-version", "value": "$(tasks.build.results.version)"}]
    assert env_of(step(pipe, "test")) == {"SHIPSPEC_TASK_BUILD_VERSION": "$(params.build-version)"}
    assert t["when"] == [
        {"input": "$(params.enable-test)", "operator": "in", "values": ["true"]},
        {"input": "$(params.mode)", "operator": "in", "values": ["fast", "full"]},
        {"input": "$(params.mode)", "operator": "notin", "values": ["off"]},
    ]


def test_params_bool_int_array_and_required(tmp_path: Path) -> None:
    params = (*PARAMS, ir.Param("platforms", ARRAY, ("linux/amd64", "linux/arm64"), "targets"),
              ir.Param("tags", ARRAY, None))
    uses = task("use", 'echo "$A $B $C $D"\n',
                env=(env("A", REPO), env("B", ENABLE), env("C", ir.ParamRef("retries", INT)), env("D", MODE)),
                matrix=ir.Matrix((ir.MatrixAxis("platform", ir.ParamRef("platforms", ARRAY)),
                                  ir.MatrixAxis("tag", ir.ParamRef("tags", ARRAY)))))
    pipe = valid_documents(pipeline(uses, params=params), tmp_path)
    assert pipe["spec"]["params"] == [
        {"name": "repo-url", "type": "string", "description": "the repository to clone"},
        {"name": "enable-test", "type": "string", "default": "true"},
        {"name": "mode", "type": "string", "default": "fast"},
        {"name": "retries", "type": "string", "default": "3"},
        {"name": "platforms", "type": "array", "description": "targets", "default": ["linux/amd64", "linux/arm64"]},
        {"name": "tags", "type": "array"},
    ]


# --- the PipelineRun: a file of its own, with a value for every param the run needs ---------------


def test_the_pipeline_is_alone_in_its_file_the_run_is_a_companion(tmp_path: Path) -> None:
    """`kubectl apply -f` (and a GitOps sync) refuses a generateName object and `kubectl create -f`
    needs one: the Pipeline and a run of it never share a file."""
    p = pipeline(task("t"))
    assert emit(p).companions == {}
    run = valid_run(p, tmp_path)
    assert run == {"apiVersion": "tekton.dev/v1", "kind": "PipelineRun", "metadata": {"generateName": "demo-run-"},
                   "spec": {"pipelineRef": {"name": "demo"}}}


def test_run_params_in_declaration_order_required_ones_given(tmp_path: Path) -> None:
    """Every required param gets the value given (-p NAME=VALUE), in the order the spec declares
    them; a param with a default is left to it unless given; an array takes a JSON list."""
    t = task("t", 'echo "$A $B $C $D $E"\n', env=(env("A", REPO), env("B", MODE), env("C", ENABLE),
                                                 env("D", ir.ParamRef("tags", ARRAY)), env("E", ir.ParamRef("n", INT))))
    p = pipeline(t, params=(_PARAMS["repo-url"], _PARAMS["mode"], _PARAMS["enable-test"],
                            ir.Param("tags", ARRAY, None), ir.Param("n", INT, None)))
    run = valid_run(p, tmp_path, ("tags", '["v1", "latest"]'), ("enable-test", "false"), ("n", "3"),
                    ("repo-url", "https://example.com/r.git"))
    assert run["spec"]["params"] == [
        {"name": "repo-url", "value": "https://example.com/r.git"},
        {"name": "enable-test", "value": "false"},
        {"name": "tags", "value": ["v1", "latest"]},
        {"name": "n", "value": "3"},
    ]
    assert list(run["spec"]) == ["pipelineRef", "params"]


def test_run_param_without_default_needs_a_value() -> None:
    p = pipeline(task("t", env=(env("A", REPO), env("B", MODE))),
                 params=(ir.Param("repo-url", STR, None, span=at(8)), _PARAMS["mode"]))
    found = emit(p, tekton_run=True, run_params=(("mode", "slow"),)).diagnostics
    assert [(d.severity, d.span.line, d.message) for d in found] == [
        (Severity.ERROR, 8, "param repo-url has no default: give it with -p repo-url=VALUE")]
    assert emit(p).diagnostics == []  # the Pipeline alone needs no value: a run gives it


_ARRAY_HINT = "give a JSON list of strings, e.g. -p tags='[\"a\", \"b\"]'"


@pytest.mark.parametrize("given, line, message", [
    (("colour", "red"), 3, "-p colour: the pipeline has no param colour"),
    (("tags", "v1"), 9, f"-p tags: param tags is an array: {_ARRAY_HINT}"),
    (("tags", '["v1", 2]'), 9, f"-p tags: param tags is an array: {_ARRAY_HINT}"),
    (("enable-test", "yes"), 10, "-p enable-test: param enable-test is a bool: give true or false"),
    (("retries", "many"), 11, "-p retries: param retries is an int: give a whole number"),
])
def test_run_param_values_are_checked(given: tuple[str, str], line: int, message: str) -> None:
    p = pipeline(task("t", env=(env("A", ir.ParamRef("tags", ARRAY)), env("B", ENABLE),
                                env("C", ir.ParamRef("retries", INT)))),
                 params=(ir.Param("tags", ARRAY, ("x",), span=at(9)), ir.Param("enable-test", BOOL, True, span=at(10)),
                         ir.Param("retries", INT, 3, span=at(11))), span=at(3))
    found = emit(p, tekton_run=True, run_params=(given,)).diagnostics
    assert [(d.severity, d.span.line, d.message) for d in found] == [(Severity.ERROR, line, message)]


def test_run_params_are_ignored_without_a_run() -> None:
    assert emit(pipeline(task("t")), run_params=(("colour", "red"),)).diagnostics == []


def test_an_or_is_decided_by_a_guard_task(tmp_path: Path) -> None:
    """`||` has no `when` form: a guard task `<task>-when` evaluates it and the task tests its result."""
    either = ir.Any((ir.Compare(MODE, ir.CompareOp.EQ, (ir.Literal("a"),)),
                     ir.Compare(ENABLE, ir.CompareOp.EQ, (ir.Literal(False),))), span=at(7))
    pipe = valid_documents(pipeline(task("t", when=ir.All((either,))), params=params("enable-test", "mode")), tmp_path)
    assert [t["name"] for t in pipe["spec"]["tasks"]] == ["t-when", "t"]
    assert ptask(pipe, "t")["when"] == [{"input": "$(tasks.t-when.results.holds)", "operator": "in",
                                         "values": ["true"]}]
    guard = ptask(pipe, "t-when")
    assert guard["params"] == [{"name": "mode", "value": "$(params.mode)"},
                               {"name": "enable-test", "value": "$(params.enable-test)"}]
    main = step(pipe, "t-when")
    assert main["image"] == helpers.HELPER_IMAGE
    assert env_of(main) == {"SHIPSPEC_RESULTS": "/tekton/results", "SHIPSPEC_PARAM_MODE": "$(params.mode)",
                            "SHIPSPEC_WHEN_1": "a", "SHIPSPEC_PARAM_ENABLE_TEST": "$(params.enable-test)",
                            "SHIPSPEC_WHEN_2": "false"}
    assert ('if { [ "$SHIPSPEC_PARAM_MODE" = "$SHIPSPEC_WHEN_1" ] || [ "$SHIPSPEC_PARAM_ENABLE_TEST" = '
            '"$SHIPSPEC_WHEN_2" ]; }; then') in main["script"]
    assert "$(" not in main["script"].replace("$(printf", "")  # nothing for Tekton to substitute
    # an Any of one item is that item: no guard
    single = ir.Any((ir.Compare(MODE, ir.CompareOp.EQ, (ir.Literal("a"),)),))
    pipe = documents(pipeline(task("t", when=single), params=PARAMS))
    assert ptask(pipe, "t")["when"] == [{"input": "$(params.mode)", "operator": "in", "values": ["a"]}]


def test_a_guarded_condition_whose_results_are_read_goes_on_the_step(tmp_path: Path) -> None:
    """A task whose results are read keeps its `when` in its step (`skips`): the guard's result too."""
    cond = ir.Compare(MODE, ir.CompareOp.STARTS_WITH, (ir.Literal("f"),))
    build = task("build", "echo 1 > \"$SHIPSPEC_RESULTS/version\"\n", when=cond, results=(ir.Result("version"),))
    use = task("use", 'echo "$SHIPSPEC_TASK_BUILD_VERSION"\n', env=(ref_env(VERSION),))
    pipe = valid_documents(pipeline(build, use, params=params("mode")), tmp_path)
    assert "when" not in ptask(pipe, "build")
    assert step(pipe, "build")["when"] == [{"input": "$(params.build-when-holds)", "operator": "in",
                                            "values": ["true"]}]


def test_a_finally_task_cannot_have_a_guard() -> None:
    either = ir.Any((ir.Compare(MODE, ir.CompareOp.EQ, (ir.Literal("a"),)),
                     ir.Compare(MODE, ir.CompareOp.EQ, (ir.Literal("b"),))), span=at(9))
    p = pipeline(task("t"), finally_tasks=(task("f", when=either, is_finally=True),), params=params("mode"))
    found = emit(p).diagnostics
    assert [(d.rule.code, d.span.line) for d in found] == [("SS501", 9)]
    assert "finally task 'f'" in found[0].message


GUARD_CASES = [
    # (condition, env values, holds)
    (ir.Compare(MODE, ir.CompareOp.STARTS_WITH, (ir.Literal("refs/tags/v"),)), {"mode": "refs/tags/v1.2"}, True),
    (ir.Compare(MODE, ir.CompareOp.STARTS_WITH, (ir.Literal("refs/tags/v"),)), {"mode": "refs/heads/v"}, False),
    (ir.Compare(MODE, ir.CompareOp.STARTS_WITH, (ir.Literal("*"),)), {"mode": "abc"}, False),  # literal `*`
    (ir.Compare(MODE, ir.CompareOp.STARTS_WITH, (ir.Literal("*"),)), {"mode": "*abc"}, True),
    (ir.Compare(MODE, ir.CompareOp.NOT_ENDS_WITH, (ir.Literal("-rc"),)), {"mode": "1.0-rc"}, False),
    (ir.Compare(MODE, ir.CompareOp.NOT_ENDS_WITH, (ir.Literal("-rc"),)), {"mode": "1.0"}, True),
    (ir.Compare(MODE, ir.CompareOp.CONTAINS, (ir.Literal("[a]"),)), {"mode": "x[a]y"}, True),
    (ir.Compare(MODE, ir.CompareOp.CONTAINS, (ir.Literal("[a]"),)), {"mode": "xay"}, False),  # not a bracket set
    (ir.Compare(MODE, ir.CompareOp.NOT_CONTAINS, (ir.Literal("dev"),)), {"mode": "1.0-dev"}, False),
    (ir.Compare(MODE, ir.CompareOp.IN, (ir.Literal("a"), ir.Literal("b"))), {"mode": "b"}, True),
    (ir.Compare(MODE, ir.CompareOp.NOT_IN, (ir.Literal("a"), ir.Literal("b"))), {"mode": "b"}, False),
    (ir.Compare(ir.RunRef(ir.RunField.PR_LABELS), ir.CompareOp.CONTAINS, (ir.Literal("ok"),)),
     {"labels": '["bug","ok"]'}, True),
    (ir.Compare(ir.RunRef(ir.RunField.PR_LABELS), ir.CompareOp.CONTAINS, (ir.Literal("ok"),)),
     {"labels": '["okay","bug"]'}, False),  # membership, not a substring
    (ir.Compare(ir.RunRef(ir.RunField.PR_LABELS), ir.CompareOp.CONTAINS, (ir.Literal("ok"),)),
     {"labels": '["x\\",\\"ok"]'}, False),  # one label `x","ok`
    (ir.Compare(ir.RunRef(ir.RunField.PR_LABELS), ir.CompareOp.NOT_CONTAINS, (ir.Literal("ok"),)),
     {"labels": "[]"}, True),
    (ir.Compare(ir.RunRef(ir.RunField.PR_LABELS), ir.CompareOp.CONTAINS, (ir.Literal('a "b"'),)),
     {"labels": '["a \\"b\\""]'}, True),
    (ir.Any((ir.Compare(MODE, ir.CompareOp.EQ, (ir.Literal("x"),)),
             ir.All((ir.Compare(MODE, ir.CompareOp.ENDS_WITH, (ir.Literal("z"),)),
                     ir.Compare(MODE, ir.CompareOp.NE, (ir.Literal("zz"),)))))), {"mode": "az"}, True),
    (ir.Any((ir.Compare(MODE, ir.CompareOp.EQ, (ir.Literal("x"),)),
             ir.All((ir.Compare(MODE, ir.CompareOp.ENDS_WITH, (ir.Literal("z"),)),
                     ir.Compare(MODE, ir.CompareOp.NE, (ir.Literal("zz"),)))))), {"mode": "zz"}, False),
]


@pytest.mark.parametrize("shell", ["dash", "bash", "busybox"])
@pytest.mark.parametrize(("cond", "values", "holds"), GUARD_CASES)
def test_guard_script_evaluates_the_condition_on_literal_values(tmp_path: Path, shell: str, cond: ir.Condition,
                                                                values: dict[str, str], holds: bool) -> None:
    """The guard's script in each shell, with the values as Tekton's env gives them: `*`, `[` and
    quotes in a value or a literal are plain characters."""
    from shipspec.targets.tekton import guards

    diags: list[Any] = []
    guard = guards.guard_task(task("t"), cond, "t-when", diags)
    assert diags == [] and guard.script is not None
    env_vars = {"SHIPSPEC_RESULTS": str(tmp_path)}
    for var in guard.env:
        assert isinstance(var.value, ir.Template)
        literal = var.value.literal
        if literal is not None:
            env_vars[var.name] = literal
        else:
            env_vars[var.name] = values["labels" if var.name == "SHIPSPEC_RUN_PR_LABELS" else "mode"]
    run_script(shell, syntax.script(guard.script), [], tmp_path, **env_vars)
    assert (tmp_path / "holds").read_text(encoding="utf-8") == ("true" if holds else "false")


def test_a_label_is_compared_as_go_writes_it_in_json() -> None:
    from shipspec.targets.tekton import guards

    assert guards.go_json('a<b>&"c"') == '"a\\u003cb\\u003e\\u0026\\"c\\""'
    assert json.loads(guards.go_json("é ü")) == "é ü"


def test_literal_on_the_left_of_a_comparison_becomes_the_value() -> None:
    cond = ir.Compare(ir.Literal("prod"), ir.CompareOp.NE, (MODE,))
    pipe = documents(pipeline(task("t", when=cond), params=PARAMS))
    assert ptask(pipe, "t")["when"] == [{"input": "$(params.mode)", "operator": "notin", "values": ["prod"]}]


# --- skips: a task skipped by its `when` does not stop those after it, on every engine ----------


def changes_and_publish(publish_command: bool = False) -> ir.Pipeline:
    """monorepo-service: `publish` runs only when `changes` says so; a later task and the pipeline
    result read publish's image, which is "" when it was skipped (as on Argo and GitHub)."""
    changed = ir.ResultRef("changes", "changed")
    changes = task("changes", 'printf true > "$SHIPSPEC_RESULTS/changed"\n', results=(ir.Result("changed"),))
    cond = ir.All((ir.Compare(changed, ir.CompareOp.EQ, (ir.Literal("true"),)),
                   ir.Compare(MODE, ir.CompareOp.NOT_IN, (ir.Literal("dry"), ir.Literal("off")))))
    body: dict[str, Any] = ({"script": None, "command": (tpl("/ko/build"),), "args": (tpl("--bare"),)}
                            if publish_command else {"script": 'ko build > "$SHIPSPEC_RESULTS/image"\n'})
    publish = task("publish", **body, results=(ir.Result("image"),), when=cond, image="ghcr.io/ko-build/ko:v0.17.1",
                   depends=(ir.Dependency("changes", explicit=False),))
    image = ir.ResultRef("publish", "image")
    deploy = task("deploy", 'echo "deploying ${SHIPSPEC_TASK_PUBLISH_IMAGE:-nothing new}"\n', env=(ref_env(image),),
                  depends=(ir.Dependency("publish", explicit=False),))
    lint = task("lint", "echo lint\n", when=ir.Compare(MODE, ir.CompareOp.NE, (ir.Literal("off"),)))
    return pipeline(changes, publish, deploy, lint, params=params("mode"),
                    results=(ir.PipelineResult("image", tpl(image)),))


@pytest.mark.parametrize("publish_command", [False, True], ids=["run", "command"])
def test_a_skipped_task_whose_results_are_read_yields_empty_results(tmp_path: Path, publish_command: bool) -> None:
    """Tekton skips every task that reads a result of a `when`-skipped task (and their readers);
    Argo and GitHub pass "". So a task whose results are read keeps its condition in its main
    step (a step `when`, tasks.md "Guarding Step execution using when expressions", evaluated by
    the entrypoint), the TaskRun runs, and trim-results writes "" for each result not written."""
    pipe = valid_documents(changes_and_publish(publish_command), tmp_path)
    publish = ptask(pipe, "publish")
    assert "when" not in publish
    assert publish["params"] == [{"name": "changes-changed", "value": "$(tasks.changes.results.changed)"},
                                 {"name": "mode", "value": "$(params.mode)"}]
    assert publish["taskSpec"]["params"] == [{"name": "changes-changed", "type": "string"},
                                             {"name": "mode", "type": "string"}]
    main, trim = publish["taskSpec"]["steps"]
    assert main["when"] == [{"input": "$(params.changes-changed)", "operator": "in", "values": ["true"]},
                            {"input": "$(params.mode)", "operator": "notin", "values": ["dry", "off"]}]
    assert list(main)[-1] == "when" and "when" not in trim  # trim-results always runs
    assert ("script" in main) is not publish_command  # a command task needs no shell for it
    # readers see the task as run: nothing of theirs changes
    assert "when" not in ptask(pipe, "deploy") and ptask(pipe, "deploy")["runAfter"] == ["publish"]
    assert pipe["spec"]["results"] == [{"name": "image", "value": "$(tasks.publish.results.image)"}]
    # a task nobody reads results of keeps its pipeline-level `when`: Tekton skips it, the rest go on
    assert ptask(pipe, "lint")["when"] == [{"input": "$(params.mode)", "operator": "notin", "values": ["off"]}]
    assert "when" not in step(pipe, "lint")


def test_a_condition_read_by_a_finally_task_guards_the_step_too(tmp_path: Path) -> None:
    """A finally task that reads a result of a task with `when` no longer depends on that task
    having run: only a failure can still skip it (the warning says so)."""
    build = task("build", 'printf v1 > "$SHIPSPEC_RESULTS/version"\n', results=(ir.Result("version"),),
                 when=ir.Compare(ENABLE, ir.CompareOp.EQ, (ir.Literal(True),)))
    notify = task("notify", 'echo "$V"\n', env=(env("V", ir.ResultRef("build", "version", span=at(30))),),
                  is_finally=True)
    p = pipeline(build, finally_tasks=(notify,), params=params("enable-test"))
    pipe = valid_documents(p, tmp_path, warnings=1)
    assert "when" not in ptask(pipe, "build")
    assert step(pipe, "build")["when"] == [{"input": "$(params.enable-test)", "operator": "in", "values": ["true"]}]
    [warned] = emit(p).diagnostics
    assert (warned.severity, warned.span.line) == (Severity.WARNING, 30)
    assert warned.message == ("a task result in a finally task is not fully supported on tekton: finally task "
                              "'notify' is skipped if task 'build' fails before it writes result 'version', or "
                              "does not run because an earlier task failed")


# --- matrix and fan-in ------------------------------------------------------------------------------


def fan_out_and_in(**matrix_fields: Any) -> ir.Pipeline:
    build = task("build", 'echo "$SHIPSPEC_MATRIX_OS-$SHIPSPEC_MATRIX_ARCH" > "$SHIPSPEC_RESULTS/digest"\n',
                 env=(ref_env(ir.MatrixRef("os")), ref_env(ir.MatrixRef("arch"))), results=(ir.Result("digest"),),
                 matrix=ir.Matrix((ir.MatrixAxis("os", ("linux", "darwin")),
                                   ir.MatrixAxis("arch", ir.ParamRef("arches", ARRAY))), **matrix_fields, span=at(12)))
    digests = ir.ResultRef("build", "digest", as_list=True)
    publish = task("publish", 'echo "$SHIPSPEC_TASK_BUILD_DIGEST" | jq .\n', env=(ref_env(digests),),
                   args=(), depends=(ir.Dependency("build", explicit=False),))
    return pipeline(build, publish, params=(ir.Param("arches", ARRAY, ("amd64", "arm64")),),
                    results=(ir.PipelineResult("digests", tpl(digests), "one per platform"),))


def test_matrix_axes_and_fan_in_as_json(tmp_path: Path) -> None:
    pipe = valid_documents(fan_out_and_in(), tmp_path)
    build = ptask(pipe, "build")
    assert build["matrix"] == {"params": [{"name": "os", "value": ["linux", "darwin"]},
                                          {"name": "arch", "value": "$(params.arches)"}]}
    assert "params" not in build  # a param goes to the matrix or to params, never both
    assert build["taskSpec"]["params"] == [{"name": "os", "type": "string"}, {"name": "arch", "type": "string"}]
    assert env_of(step(pipe, "build"))["SHIPSPEC_MATRIX_OS"] == "$(params.os)"

    publish = ptask(pipe, "publish")
    assert publish["params"] == [{"name": "build-digest", "value": "$(tasks.build.results.digest[*])"}]
    assert publish["taskSpec"]["params"] == [{"name": "build-digest", "type": "array"}]
    to_json, main = publish["taskSpec"]["steps"]
    assert to_json["name"] == "build-digest-json"
    assert to_json["args"] == ["$(params.build-digest[*])"]
    assert to_json["results"] == [{"name": "json"}]
    assert env_of(main) == {"SHIPSPEC_TASK_BUILD_DIGEST": "$(steps.build-digest-json.results.json)"}
    assert pipe["spec"]["results"] == [{"name": "digests", "type": "array", "description": "one per platform",
                                        "value": "$(tasks.build.results.digest[*])"}]


@pytest.mark.parametrize("shell", ["dash", "bash", "busybox"])
def test_json_list_step_writes_json(tmp_path: Path, shell: str) -> None:
    """The list step's script, run as Tekton runs it: arguments in, a JSON list of strings out."""
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    command = [shell, "sh"] if shell == "busybox" else [shell]  # busybox: Alpine's sh
    pipe = documents(fan_out_and_in())
    out = tmp_path / "json"
    script = step(pipe, "publish", 0)["script"].replace(syntax.step_result_path("json"), str(out))
    (tmp_path / "list.sh").write_text(script, encoding="utf-8")
    values = ["plain", 'quote " and \\ backslash', "tab\tnew\nline\r", "\x1b[1mbold\x7f", "", "é 中", "-n", "$(x)"]
    subprocess.run([*command, str(tmp_path / "list.sh"), *values], check=True, timeout=60)
    assert json.loads(out.read_text(encoding="utf-8")) == values
    subprocess.run([*command, str(tmp_path / "list.sh")], check=True, timeout=60)
    assert out.read_text(encoding="utf-8") == "[]"


def run_script(shell: str, script: str, args: list[str], tmp_path: Path, **env_vars: str) -> None:
    """A step's script, run as Tekton runs it (busybox: Alpine's sh)."""
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    command = [shell, "sh"] if shell == "busybox" else [shell]
    path = tmp_path / f"step-{len(list(tmp_path.iterdir()))}.sh"
    path.write_text(script, encoding="utf-8")
    subprocess.run([*command, str(path), *args], check=True, timeout=60, env={"PATH": "/usr/bin:/bin", **env_vars})


def test_results_lose_one_trailing_newline_in_a_last_step(tmp_path: Path) -> None:
    """Argo and GitHub drop one trailing newline from a result; Tekton keeps results verbatim, so a
    last step rewrites each declared result file without it."""
    tag = task("tag", 'git rev-parse --short HEAD > "$SHIPSPEC_RESULTS/tag"\n',
               results=(ir.Result("tag"), ir.Result("notes.txt")), security=ir.SecurityContext(run_as_user=1000))
    plain = task("trim-results", 'echo hi\n')  # a task of that name: the step name stays unique in it
    odd = task("trim-results", 'echo hi > "$SHIPSPEC_RESULTS/x"\n', results=(ir.Result("x"),))
    pipe = valid_documents(pipeline(tag, plain), tmp_path)
    main, trim = ptask(pipe, "tag")["taskSpec"]["steps"]
    assert main["name"] == "tag"
    assert trim == {"name": "trim-results", "image": helpers.HELPER_IMAGE, "args": ["tag", "notes.txt"],
                    "securityContext": {"runAsUser": 1000}, "script": syntax.TRIM_RESULTS_SCRIPT}
    assert len(ptask(pipe, "trim-results")["taskSpec"]["steps"]) == 1  # no results, no step
    odd_pipe = documents(pipeline(odd))
    assert [s["name"] for s in ptask(odd_pipe, "trim-results")["taskSpec"]["steps"]] == [
        "trim-results", "trim-results-2"]


def test_helper_steps_run_in_a_pinned_image_of_their_own(tmp_path: Path) -> None:
    """kaniko, distroless and the like have no /bin/sh: the steps shipspec adds (trim-results, a
    list as JSON, pipeline.status) run in one small image pinned by digest, as the task's user, so
    they can read and write the task's files."""
    assert re.fullmatch(r"[a-z0-9./-]+/busybox@sha256:[0-9a-f]{64}", helpers.HELPER_IMAGE)
    kaniko = "gcr.io/kaniko-project/executor:v1.23.2"
    arches = ir.ParamRef("arches", ARRAY)
    build = task("build", None, image=kaniko, command=(tpl("/kaniko/executor"),),
                 args=(tpl("--dockerfile=Dockerfile"),), env=(ref_env(arches),), results=(ir.Result("digest"),),
                 security=ir.SecurityContext(run_as_user=1000, seccomp="RuntimeDefault"))
    notify = task("notify", None, image="gcr.io/distroless/static-debian12", command=(tpl("/notify"),),
                  env=(ref_env(ir.StatusRef()),), is_finally=True)
    pipe = valid_documents(pipeline(build, finally_tasks=(notify,), params=(ir.Param("arches", ARRAY, ("amd64",)),),
                                    results=(ir.PipelineResult("digest", tpl(ir.ResultRef("build", "digest"))),)),
                           tmp_path)
    security = {"runAsUser": 1000, "seccompProfile": {"type": "RuntimeDefault"}}
    steps = ptask(pipe, "build")["taskSpec"]["steps"]
    assert [(s["name"], s["image"], s.get("securityContext")) for s in steps] == [
        ("arches-json", helpers.HELPER_IMAGE, security), ("build", kaniko, security),
        ("trim-results", helpers.HELPER_IMAGE, security)]
    assert [(s["name"], s["image"]) for s in ptask(pipe, "notify")["taskSpec"]["steps"]] == [
        ("pipeline-status", helpers.HELPER_IMAGE), ("notify", "gcr.io/distroless/static-debian12")]


_RESULT_FILES = {
    "echo": ("abc1234\n", "abc1234"),  # echo, git rev-parse, date: the newline goes
    "printf": ("abc1234", "abc1234"),  # printf without a newline: unchanged
    "lines": ("line 1\n\nline 3\n", "line 1\n\nline 3"),  # inner newlines stay
    "two": ("v\n\n", "v\n"),  # exactly one goes
    "only": ("\n", ""),
    "empty": ("", ""),
    "spaces": ("  padded \t\n", "  padded \t"),
    "unicode": ("é 中 \\ $(x) -n\n", "é 中 \\ $(x) -n"),
}


@pytest.mark.parametrize("shell", ["dash", "bash", "busybox"])
def test_trim_results_step_drops_exactly_one_newline(tmp_path: Path, shell: str) -> None:
    """The main step (under set -e) writes results, then the trim step runs on Tekton's results dir."""
    results = tmp_path / "results"
    results.mkdir()
    pipe = documents(pipeline(task("t", results=tuple(ir.Result(name) for name in _RESULT_FILES))))
    trim = step(pipe, "t", -1)
    assert trim["args"] == list(_RESULT_FILES)
    script = trim["script"].replace(syntax.RESULTS_DIR, str(results))
    writes = "".join(f"printf '%s' {shlex.quote(before)} > \"$SHIPSPEC_RESULTS/{name}\"\n"
                     for name, (before, _) in _RESULT_FILES.items() if name != "echo")
    writes += 'echo abc1234 > "$SHIPSPEC_RESULTS/echo"\n'
    run_script(shell, syntax.script(writes), [], tmp_path, SHIPSPEC_RESULTS=str(results))
    run_script(shell, script, [*_RESULT_FILES, "unwritten"], tmp_path)
    got = {p.name: p.read_bytes().decode() for p in results.iterdir()}
    # a result the task never wrote is "" on every engine (Argo's default; Tekton would fail its readers)
    assert got == {name: after for name, (_, after) in _RESULT_FILES.items()} | {"unwritten": ""}


@pytest.mark.parametrize("shell", ["dash", "bash", "busybox"])
@pytest.mark.parametrize("word, expected", [("Succeeded", "Succeeded"), ("Completed", "Succeeded"),
                                            ("Failed", "Failed"), ("None", "Failed")])
def test_status_step_says_succeeded_or_failed(tmp_path: Path, shell: str, word: str, expected: str) -> None:
    """$(tasks.status) is Succeeded, Failed, Completed (success with skipped tasks) or None (cancelled,
    timed out); shipspec promises Succeeded or Failed."""
    notify = task("notify", 'echo "$SHIPSPEC_PIPELINE_STATUS"\n', env=(ref_env(ir.StatusRef()),), is_finally=True)
    pipe = valid_documents(pipeline(task("build"), finally_tasks=(notify,)), tmp_path)
    status_step, main = ptask(pipe, "notify")["taskSpec"]["steps"]
    assert env_of(main) == {"SHIPSPEC_PIPELINE_STATUS": "$(steps.pipeline-status.results.status)"}
    out = tmp_path / "status"
    run_script(shell, status_step["script"].replace(syntax.step_result_path("status"), str(out)), [word], tmp_path)
    assert out.read_text(encoding="utf-8") == expected


def test_matrix_max_parallel_is_unsupported() -> None:
    found = emit(fan_out_and_in(max_parallel=2)).diagnostics
    assert [(d.rule.code, d.span.line) for d in found] == [("SS501", 12)]
    assert found[0].message.startswith("matrix maxParallel is not supported on tekton")
    assert found[0].hint == "remove maxParallel"


def test_array_param_in_env_is_json_too(tmp_path: Path) -> None:
    arches = ir.ParamRef("arches", ARRAY)
    t = task("t", 'echo "$SHIPSPEC_PARAM_ARCHES"\n', env=(ref_env(arches),))
    pipe = valid_documents(pipeline(t, params=(ir.Param("arches", ARRAY, ("amd64",)),)), tmp_path)
    assert ptask(pipe, "t")["params"] == [{"name": "arches", "value": "$(params.arches[*])"}]
    assert env_of(step(pipe, "t")) == {"SHIPSPEC_PARAM_ARCHES": "$(steps.arches-json.results.json)"}


def test_input_names_stay_distinct(tmp_path: Path) -> None:
    """A matrix axis keeps its name (the matrix param must match it); a clashing ref gets a suffix."""
    os_param = ir.ParamRef("os", STR)
    t = task("t", 'echo "$A $B"\n', env=(env("A", ir.MatrixRef("os")), env("B", os_param)),
             matrix=ir.Matrix((ir.MatrixAxis("os", ("linux", "darwin")),)))
    pipe = valid_documents(pipeline(t, params=(ir.Param("os", STR, "linux"),)), tmp_path)
    assert ptask(pipe, "t")["params"] == [{"name": "os-2", "value": "$(params.os)"}]
    assert env_of(step(pipe, "t")) == {"A": "$(params.os)", "B": "$(params.os-2)"}


def test_task_params_are_kebab_case_user_names_are_kept(tmp_path: Path) -> None:
    """Names the backend makes up follow Tekton's kebab-case convention; the user's own names
    (pipeline params, results) keep their spelling, since runs and scripts use them."""
    repo, message = ir.ParamRef("repo_url", STR), ir.ResultRef("cat", "messageFromFile")
    cat = task("cat", 'printf hi > "$SHIPSPEC_RESULTS/messageFromFile"\n', results=(ir.Result("messageFromFile"),))
    hello = task("hello", 'echo "$A $B $C"\n', env=(env("A", repo), env("B", message), env("C", ir.MatrixRef("GOOS"))),
                 depends=after("cat"), matrix=ir.Matrix((ir.MatrixAxis("GOOS", ("linux",)),)))
    p = pipeline(cat, hello, params=(ir.Param("repo_url", STR, None),))
    pipe = documents(p)
    h = ptask(pipe, "hello")
    assert [p["name"] for p in h["taskSpec"]["params"]] == ["goos", "repo-url", "cat-message-from-file"]
    assert h["matrix"]["params"][0]["name"] == "goos"
    assert h["params"] == [{"name": "repo-url", "value": "$(params.repo_url)"},
                           {"name": "cat-message-from-file", "value": "$(tasks.cat.results.messageFromFile)"}]
    assert valid_run(p, tmp_path, ("repo_url", "x"))["spec"]["params"] == [{"name": "repo_url", "value": "x"}]
    path = tmp_path / "tekton.yaml"
    path.write_text(yamlout.dump([pipe], "spec.yaml", "tekton"), encoding="utf-8")
    assert validators.tekton_schema(path) == []
    style = re.compile(r"warning: Invalid name for '(repo_url|messageFromFile)' .*\[prefer-kebab-case\]$")
    assert [p for p in _lint(path, [pipe]) if not style.search(p)] == []


def test_list_in_sidecar_env_is_unsupported() -> None:
    arches = ir.ParamRef("arches", ARRAY, span=at(9))
    t = task("t", sidecars=(ir.Sidecar("db", "postgres:16", env=(ir.EnvVar("X", tpl(arches)),)),))
    assert codes(pipeline(t, params=(ir.Param("arches", ARRAY, ("a",)),))) == ["SS501"]


def test_status_in_sidecar_env_is_unsupported() -> None:
    """A sidecar starts before the step that turns Tekton's status into Succeeded or Failed."""
    t = task("t", is_finally=True,
             sidecars=(ir.Sidecar("db", "postgres:16", env=(ir.EnvVar("X", tpl(ir.StatusRef(span=at(9)))),)),))
    found = emit(pipeline(task("main"), finally_tasks=(t,))).diagnostics
    assert [(d.rule.code, d.span.line) for d in found] == [("SS501", 9)]
    assert found[0].message.startswith("pipeline.status in a sidecar's env (task 't') is not supported on tekton")


# --- finally, status, pipeline results --------------------------------------------------------------


def test_finally_reads_status_and_results(tmp_path: Path) -> None:
    build = task("build", 'printf v1 > "$SHIPSPEC_RESULTS/version"\n', results=(ir.Result("version"),))
    report = task("report", 'echo "$SHIPSPEC_PIPELINE_STATUS $SHIPSPEC_TASK_BUILD_VERSION"\n'
                            'printf sent > "$SHIPSPEC_RESULTS/receipt"\n',
                  env=(ref_env(ir.StatusRef()), ref_env(VERSION)), results=(ir.Result("receipt"),),
                  depends=(ir.Dependency("build", explicit=False),), is_finally=True,
                  when=ir.Compare(ir.StatusRef(), ir.CompareOp.EQ, (ir.Literal("Succeeded"),)))
    alert = task("alert", 'echo "failed"\n', is_finally=True, retry=ir.Retry(1),
                 when=ir.Compare(ir.StatusRef(), ir.CompareOp.NE, (ir.Literal("Failed"),)))
    results = (ir.PipelineResult("summary", tpl(VERSION, "/", ir.ResultRef("report", "receipt"))),)
    pipe = valid_documents(pipeline(build, finally_tasks=(report, alert), results=results), tmp_path, warnings=1)

    assert [t["name"] for t in pipe["spec"]["finally"]] == ["report", "alert"]
    rep = ptask(pipe, "report")
    assert "runAfter" not in rep  # Tekton starts every finally task after all main tasks
    assert rep["params"] == [{"name": "pipeline-status", "value": "$(tasks.status)"},
                             {"name": "build-version", "value": "$(tasks.build.results.version)"}]
    # the value a finally task reads is Succeeded or Failed: a first step maps Tekton's four words
    status_step = step(pipe, "report", 0)
    assert status_step["name"] == "pipeline-status"
    assert status_step["args"] == ["$(params.pipeline-status)"]
    assert status_step["results"] == [{"name": "status"}]
    assert env_of(step(pipe, "report"))["SHIPSPEC_PIPELINE_STATUS"] == "$(steps.pipeline-status.results.status)"
    # Tekton says Completed for a success with skipped tasks, None after a cancel or timeout. The
    # pipeline result reads report's receipt: its condition guards its step (see the skips below).
    assert "when" not in rep
    assert step(pipe, "report")["when"] == [
        {"input": "$(params.pipeline-status)", "operator": "in", "values": ["Succeeded", "Completed"]}]
    assert ptask(pipe, "alert")["when"] == [
        {"input": "$(tasks.status)", "operator": "notin", "values": ["Failed", "None"]}]
    assert ptask(pipe, "alert")["retries"] == 1
    assert pipe["spec"]["results"] == [
        {"name": "summary", "value": "$(tasks.build.results.version)/$(finally.report.results.receipt)"}]
    assert list(pipe["spec"]) == ["tasks", "finally", "results"]


def test_finally_task_reading_a_result_is_a_warning(tmp_path: Path) -> None:
    """Tekton skips a finally task whose result reference (params or `when`) cannot be resolved,
    i.e. when that task failed before writing it or never ran; Argo and GitHub run it all the same."""
    build = task("build", 'printf v1 > "$SHIPSPEC_RESULTS/version"\nprintf d > "$SHIPSPEC_RESULTS/digest"\n',
                 results=(ir.Result("version"), ir.Result("digest")))
    version, digest = ir.ResultRef("build", "version", span=at(20)), ir.ResultRef("build", "digest", span=at(22))
    report = task("report", 'echo "$V"\n', env=(env("V", version), env("W", "again ", version)), is_finally=True,
                  when=ir.Compare(digest, ir.CompareOp.NE, (ir.Literal(""),)))
    status_only = task("notify", 'echo "$S"\n', env=(env("S", ir.StatusRef()),), is_finally=True)
    p = pipeline(build, finally_tasks=(report, status_only))
    found = emit(p).diagnostics
    assert [(d.rule.code, d.severity, d.span.line) for d in found] == [
        ("SS501", Severity.WARNING, 20), ("SS501", Severity.WARNING, 22)]  # one per result read
    assert found[0].message == ("a task result in a finally task is not fully supported on tekton: finally task "
                                "'report' is skipped if task 'build' fails before it writes result 'version', or "
                                "does not run because an earlier task failed")
    assert found[0].hint is not None and "artifact" in found[0].hint
    valid_documents(p, tmp_path, warnings=2)  # a warning: the documents are written


@pytest.mark.parametrize("value, why", [
    (tpl(MODE), "from task results only"),
    (tpl("v", ir.RunRef(ir.RunField.ID)), "from task results only"),
    (tpl(ir.RunRef(ir.RunField.SHA)), "from task results only"),
    (tpl("constant"), "reads no task result"),
    (tpl("$", VERSION), "every `$`"),
    (tpl("all: ", ir.ResultRef("build", "version", as_list=True)), "part of a text"),
])
def test_pipeline_result_values_tekton_cannot_build(value: ir.Template, why: str) -> None:
    p = pipeline(task("build", results=(ir.Result("version"),)), params=PARAMS,
                 results=(ir.PipelineResult("r", value, span=at(30)),))
    found = emit(p).diagnostics
    assert [(d.rule.code, d.span.line) for d in found] == [("SS501", 30)]
    assert why in found[0].message


# --- files: artifacts, caches, secrets -----------------------------------------------------------


def test_artifacts_workspace_and_claim(tmp_path: Path) -> None:
    checkout = task("checkout", "git clone https://example.com/repo.git /src\n",
                    produces=(ir.ArtifactOut("source", "/src"), ir.ArtifactOut("notes", "/notes")))
    build = task("build", "make -C /workspace/src\n", depends=(ir.Dependency("checkout", explicit=False),),
                 consumes=(ir.ArtifactIn("source", "checkout", "/workspace/src"),))
    p = pipeline(checkout, build, storage_size="5Gi", storage_class="fast-ssd")
    pipe, run = valid_documents(p, tmp_path), valid_run(p, tmp_path)
    assert pipe["spec"]["workspaces"] == [{"name": "artifacts", "description": syntax_description(pipe)}]
    assert ptask(pipe, "checkout")["workspaces"] == [
        {"name": "source", "workspace": "artifacts", "subPath": "source"},
        {"name": "notes", "workspace": "artifacts", "subPath": "notes"}]
    assert ptask(pipe, "checkout")["taskSpec"]["workspaces"] == [{"name": "source", "mountPath": "/src"},
                                                                 {"name": "notes", "mountPath": "/notes"}]
    assert ptask(pipe, "build")["taskSpec"]["workspaces"] == [{"name": "source", "mountPath": "/workspace/src"}]
    assert run["spec"]["workspaces"] == [{"name": "artifacts", "volumeClaimTemplate": {"spec": {
        "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Gi"}},
        "storageClassName": "fast-ssd"}}}]


def syntax_description(pipe: Doc) -> str:
    description: str = pipe["spec"]["workspaces"][0]["description"]
    assert "artifact" in description
    return description


def test_caches_secret_files_and_secret_env(tmp_path: Path) -> None:
    t = task("test", "go test ./...\n",
             env=(ir.EnvVar("TOKEN", ir.SecretRef("registry", "token")),),
             caches=(ir.CacheMount("gomod", "/go/pkg/mod"), ir.CacheMount("gobuild", "/root/.cache/go-build")),
             secret_files=(ir.SecretFile(ir.SecretRef("docker-config", "config.json"), "/root/.docker/config.json"),
                           ir.SecretFile(ir.SecretRef("docker-config", "ca.pem"), "/etc/ssl/ca.pem"),
                           ir.SecretFile(ir.SecretRef("tls.certs", "key"), "/etc/tls/key")))
    p = pipeline(t, caches=(ir.Cache("gomod"), ir.Cache("gobuild")))
    pipe, run = valid_documents(p, tmp_path), valid_run(p, tmp_path)
    spec = ptask(pipe, "test")["taskSpec"]
    assert spec["volumes"] == [
        {"name": "cache-gomod", "persistentVolumeClaim": {"claimName": "demo-cache-gomod"}},
        {"name": "cache-gobuild", "persistentVolumeClaim": {"claimName": "demo-cache-gobuild"}},
        {"name": "secret-docker-config", "secret": {"secretName": "docker-config", "defaultMode": 0o400}},
        # a dot is not allowed in a volume name
        {"name": "secret-4", "secret": {"secretName": "tls.certs", "defaultMode": 0o400}},
    ]
    main = step(pipe, "test")
    assert main["volumeMounts"] == [
        {"name": "cache-gomod", "mountPath": "/go/pkg/mod"},
        {"name": "cache-gobuild", "mountPath": "/root/.cache/go-build"},
        {"name": "secret-docker-config", "readOnly": True, "mountPath": "/root/.docker/config.json",
         "subPath": "config.json"},
        {"name": "secret-docker-config", "readOnly": True, "mountPath": "/etc/ssl/ca.pem", "subPath": "ca.pem"},
        {"name": "secret-4", "readOnly": True, "mountPath": "/etc/tls/key", "subPath": "key"},
    ]
    assert env_of(main) == {"TOKEN": {"secretKeyRef": {"name": "registry", "key": "token"}}}
    assert "workspaces" not in pipe["spec"] and "workspaces" not in run["spec"]


@pytest.mark.parametrize("security, mode", [
    (None, 0o400), (ir.SecurityContext(run_as_user=0), 0o400), (ir.SecurityContext(seccomp="RuntimeDefault"), 0o400),
    (ir.SecurityContext(run_as_user=1000, run_as_group=1000), 0o444), (ir.SecurityContext(run_as_user=65532), 0o444),
])
def test_secret_files_are_readable_by_the_task_user(tmp_path: Path, security: ir.SecurityContext | None,
                                                    mode: int) -> None:
    """The kubelet makes secret files root's; a Pipeline cannot give a task's pod an fsGroup (pod
    templates belong to runs), so a task that runs as a non-root user (ci-go's rootless BuildKit,
    runAsUser 1000) gets its secret volume world-readable, or it could not read the files at all.
    Root tasks keep owner-only files."""
    config = ir.SecretFile(ir.SecretRef("docker-config", "config.json"), "/home/user/.docker/config.json")
    t = task("build", "buildctl-daemonless.sh build\n", security=security, secret_files=(config,))
    pipe = valid_documents(pipeline(t), tmp_path)
    assert ptask(pipe, "build")["taskSpec"]["volumes"] == [
        {"name": "secret-docker-config", "secret": {"secretName": "docker-config", "defaultMode": mode}}]
    assert step(pipe, "build").get("securityContext") == (kubernetes.security_context(security) or None
                                                           if security else None)


# --- containers: sidecars, security, resources, command ----------------------------------------------


def test_sidecar_security_context_and_resources(tmp_path: Path) -> None:
    build = task("build", 'docker build -t "$IMAGE" .\n', env=(env("IMAGE", "registry.example.com/app:", REPO),),
                 sidecars=(ir.Sidecar("dind", "docker:27.3-dind", args=("--storage-driver=vfs",),
                                      env=(env("DOCKER_TLS_CERTDIR", ""),), privileged=True),
                           ir.Sidecar("cache", "redis:7.4", command=("redis-server",), args=("--port", "6380"))),
                 security=ir.SecurityContext(run_as_user=1000, run_as_group=3000, seccomp="Unconfined"),
                 resources=ir.Resources(requests=(("cpu", "500m"), ("memory", "1Gi")), limits=(("memory", "2Gi"),)))
    pipe = valid_documents(pipeline(build, params=params("repo-url")), tmp_path)
    spec = ptask(pipe, "build")["taskSpec"]
    assert list(spec) == ["params", "steps", "sidecars"]
    assert spec["sidecars"] == [
        {"name": "dind", "image": "docker:27.3-dind", "args": ["--storage-driver=vfs"],
         "env": [{"name": "DOCKER_TLS_CERTDIR", "value": ""}], "securityContext": {"privileged": True}},
        {"name": "cache", "image": "redis:7.4", "command": ["redis-server"], "args": ["--port", "6380"]},
    ]
    main = step(pipe, "build")
    assert main["securityContext"] == {"runAsUser": 1000, "runAsGroup": 3000, "seccompProfile": {"type": "Unconfined"}}
    assert main["computeResources"] == {"limits": {"memory": "2Gi"}, "requests": {"cpu": "500m", "memory": "1Gi"}}
    assert list(main) == ["name", "image", "env", "computeResources", "securityContext", "script"]


def test_command_and_args_read_params_and_results(tmp_path: Path) -> None:
    """P4's hello-world task: command and args (argv, no shell) with a result in them."""
    msg = ir.ResultRef("cat", "message-from-file")
    cat = task("cat", 'cat /files/welcome.md | tee "$SHIPSPEC_RESULTS/message-from-file"\n',
               results=(ir.Result("message-from-file", "the message obtained from the file"),),
               consumes=(ir.ArtifactIn("files", "wget", "/files"),), depends=after("wget"))
    wget = task("wget", 'wget -P /files "$SHIPSPEC_PARAM_URL"\n', env=(ref_env(ir.ParamRef("url", STR)),),
                image="busybox:1.36", produces=(ir.ArtifactOut("files", "/files"),))
    hello = task("hello-world", None, image="ubuntu:24.04", command=(tpl("echo"),),
                 args=(tpl("Hello World: ", msg), tpl("costs $5, $$ and $(HOME)")), depends=after("cat"))
    p = pipeline(wget, cat, hello, params=(ir.Param("url", STR, "", "resource that we want to fetch"),),
                 results=(ir.PipelineResult("message", tpl(msg)),), name="hello-world-pipeline",
                 annotations=(("description", "Fetch resource from internet, cat content and then say hello"),))
    pipe, run = valid_documents(p, tmp_path), valid_run(p, tmp_path)
    main = step(pipe, "hello-world")
    assert list(main) == ["name", "image", "command", "args"]
    assert main["command"] == ["echo"]
    # Kubernetes expands $(VAR) and $$ in args: literal text is escaped for it, refs are not.
    assert main["args"] == ["Hello World: $(params.cat-message-from-file)", "costs $5, $$$ and $$(HOME)"]
    assert ptask(pipe, "hello-world")["params"] == [
        {"name": "cat-message-from-file", "value": "$(tasks.cat.results.message-from-file)"}]
    assert pipe["spec"]["params"] == [{"name": "url", "type": "string",
                                       "description": "resource that we want to fetch", "default": ""}]
    assert pipe["metadata"]["annotations"] == {
        "description": "Fetch resource from internet, cat content and then say hello"}
    assert run == {"apiVersion": "tekton.dev/v1", "kind": "PipelineRun",
                   "metadata": {"generateName": "hello-world-pipeline-run-"},
                   "spec": {"pipelineRef": {"name": "hello-world-pipeline"},
                            "workspaces": [{"name": "artifacts", "volumeClaimTemplate": {"spec": {
                                "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}}]}}


def kubelet_expand(text: str, defined: dict[str, str]) -> str:
    """Kubernetes' expansion of env values, command and args (third_party/forked/golang/expansion)."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("$$", i):
            out.append("$")
            i += 2
        elif text.startswith("$(", i) and (end := text.find(")", i + 2)) != -1:
            name = text[i + 2:end]
            out.append(defined.get(name, text[i:end + 1]))
            i = end + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


@given(st.text(alphabet="$()HOMEa "), st.sampled_from(["v", "(HOME)", "$x", "$(HOME)"]))
def test_literal_text_survives_kubernetes_expansion(text: str, value: str) -> None:
    defined = {"HOME": "/root"}
    assert kubelet_expand(kubernetes.kubelet_escape(text, value_follows=False), defined) == text
    escaped = kubernetes.kubelet_escape(text, value_follows=True)
    assert kubelet_expand(escaped + value, defined) == text + kubelet_expand(value, defined)


# --- retries, timeout, run refs ----------------------------------------------------------------------


def test_retries_and_timeout(tmp_path: Path) -> None:
    p = pipeline(task("a", retry=ir.Retry(3), timeout_s=1200), task("b", retry=ir.Retry(0), timeout_s=3661),
                 task("c", timeout_s=90))
    pipe = valid_documents(p, tmp_path)
    a = ptask(pipe, "a")
    assert (a["retries"], a["timeout"]) == (3, "20m")
    assert "retries" not in ptask(pipe, "b") and ptask(pipe, "b")["timeout"] == "1h1m1s"
    assert ptask(pipe, "c")["timeout"] == "1m30s"
    assert list(ptask(pipe, "a")) == ["name", "taskSpec", "retries", "timeout"]


def test_no_timeout_unless_the_spec_sets_one(tmp_path: Path) -> None:
    """Only what the spec asks: a task's own `timeout`, and the spec's pipeline timeout on the run
    (Tekton's cluster default, default-timeout-minutes, applies to the rest)."""
    p = pipeline(task("long"), task("short", timeout_s=600), finally_tasks=(task("cleanup", is_finally=True),))
    pipe, run = valid_documents(p, tmp_path), valid_run(p, tmp_path)
    assert [(t["name"], t.get("timeout")) for t in (*pipe["spec"]["tasks"], *pipe["spec"]["finally"])] == [
        ("long", None), ("short", "10m"), ("cleanup", None)]
    assert run["spec"] == {"pipelineRef": {"name": "demo"}}
    timed = pipeline(task("long"), timeout_s=5400)
    assert valid_run(timed, tmp_path)["spec"] == {"pipelineRef": {"name": "demo"}, "timeouts": {"pipeline": "1h30m"}}


def test_pipeline_timeout_without_a_run_is_a_warning() -> None:
    """A Tekton Pipeline has no timeout of its own: only a PipelineRun carries one."""
    p = pipeline(task("t"), timeout_s=1200, timeout_span=at(4))
    found = emit(p).diagnostics
    assert [(d.rule.code, d.severity, d.span.line) for d in found] == [("SS501", Severity.WARNING, 4)]
    assert found[0].message == ("a pipeline timeout is not fully supported on tekton: a Tekton Pipeline has "
                                "no timeout of its own, a PipelineRun has (timeouts.pipeline)")
    assert found[0].hint == ("add --tekton-run to write a run with it, or start runs with "
                             "`tkn pipeline start --timeout 20m`")
    assert "timeout" not in yamlout.dump(emit(p).documents, "spec.yaml", "tekton")
    assert emit(p, tekton_run=True).diagnostics == []


def test_retry_backoff_is_unsupported() -> None:
    retry = ir.Retry(3, ir.Backoff(10, 2, 300), span=at(21))
    found = emit(pipeline(task("a", retry=retry))).diagnostics
    assert [(d.rule.code, d.span.line) for d in found] == [("SS501", 21)]
    assert found[0].message == ("retries.backoff is not supported on tekton: "
                                "Tekton retries a failed task at once, without a delay")
    assert found[0].hint == "remove retries.backoff (keep retries.limit), or sleep at the start of the script"


def test_run_refs_tekton_knows_are_its_context(tmp_path: Path) -> None:
    """run.id, run.name and run.namespace are the PipelineRun's own: no param is declared for them."""
    own = (ir.RunField.ID, ir.RunField.NAME, ir.RunField.NAMESPACE)
    t = task("t", 'echo "$SHIPSPEC_RUN_ID $SHIPSPEC_RUN_NAME $SHIPSPEC_RUN_NAMESPACE"\n',
             env=tuple(ref_env(ir.RunRef(f)) for f in own))
    pipe = valid_documents(pipeline(t), tmp_path)
    assert ptask(pipe, "t")["params"] == [{"name": "run-id", "value": "$(context.pipelineRun.uid)"},
                                          {"name": "run-name", "value": "$(context.pipelineRun.name)"},
                                          {"name": "run-namespace", "value": "$(context.pipelineRun.namespace)"}]
    assert "params" not in pipe["spec"]


SHA, BRANCH, EVENT, ATTEMPT = (ir.RunRef(f) for f in (ir.RunField.SHA, ir.RunField.BRANCH, ir.RunField.EVENT,
                                                      ir.RunField.ATTEMPT))


def run_context_pipeline(**fields: Any) -> ir.Pipeline:
    """run.sha, run.event and run.attempt in env, run.branch in a `when`; a spec param `mode`."""
    t = task("t", 'echo "$SHIPSPEC_RUN_SHA $SHIPSPEC_RUN_EVENT $A $M"\n',
             env=(ref_env(SHA), ref_env(EVENT), env("A", "try ", ATTEMPT), env("M", MODE)),
             when=ir.Compare(BRANCH, ir.CompareOp.EQ, (ir.Literal("main"),)))
    return pipeline(t, params=params("mode"), **fields)


def test_other_run_fields_are_params_the_pipeline_declares(tmp_path: Path) -> None:
    """Tekton knows no commit, ref or event: each field used is a string param of its own, after
    the spec's params, in RunField order, with the by-hand default and the field's meaning."""
    pipe = valid_documents(run_context_pipeline(), tmp_path)
    declared = [ir.RunField.ATTEMPT, ir.RunField.EVENT, ir.RunField.BRANCH, ir.RunField.SHA]
    assert pipe["spec"]["params"] == [{"name": "mode", "type": "string", "default": "fast"}] + [
        {"name": ir.run_param(f), "type": "string", "description": ir.RUN_FIELDS[f][0],
         "default": ir.RUN_FIELDS[f][1]} for f in declared]
    assert [p.get("default") for p in pipe["spec"]["params"][1:]] == ["1", "manual", "", ""]
    t = ptask(pipe, "t")
    assert t["when"] == [{"input": "$(params.shipspec-run-branch)", "operator": "in", "values": ["main"]}]
    assert t["params"] == [{"name": "run-sha", "value": "$(params.shipspec-run-sha)"},
                           {"name": "run-event", "value": "$(params.shipspec-run-event)"},
                           {"name": "run-attempt", "value": "$(params.shipspec-run-attempt)"},
                           {"name": "mode", "value": "$(params.mode)"}]
    assert env_of(step(pipe, "t"))["A"] == "try $(params.run-attempt)"


def test_a_run_field_in_a_guarded_condition_reaches_the_step(tmp_path: Path) -> None:
    """A task whose results are read keeps its `when` on its main step: the run param arrives as a task param."""
    build = task("build", "echo 1 > \"$SHIPSPEC_RESULTS/v\"\n", results=(ir.Result("v"),),
                 when=ir.Compare(SHA, ir.CompareOp.NE, (ir.Literal(""),)))
    use = task("use", 'echo "$SHIPSPEC_TASK_BUILD_V"\n', env=(ref_env(ir.ResultRef("build", "v")),),
               depends=(ir.Dependency("build", explicit=False),))
    pipe = valid_documents(pipeline(build, use), tmp_path)
    assert ptask(pipe, "build")["params"] == [{"name": "run-sha", "value": "$(params.shipspec-run-sha)"}]
    assert step(pipe, "build")["when"] == [{"input": "$(params.run-sha)", "operator": "notin", "values": [""]}]
    assert [p["name"] for p in pipe["spec"]["params"]] == ["shipspec-run-sha"]


def test_only_the_run_fields_used_are_declared(tmp_path: Path) -> None:
    pipe = valid_documents(pipeline(task("t", 'echo "$SHIPSPEC_RUN_SHA"\n', env=(ref_env(SHA), ref_env(SHA)))),
                           tmp_path)
    assert [p["name"] for p in pipe["spec"]["params"]] == ["shipspec-run-sha"]
    assert "params" not in documents(pipeline(task("t")))["spec"]


def test_a_spec_param_named_like_a_run_param_is_unsupported() -> None:
    """The backend declares shipspec-run-sha itself: a spec param of that name would be a second one."""
    t = task("t", 'echo "$SHIPSPEC_RUN_SHA $P"\n',
             env=(ref_env(SHA), env("P", ir.ParamRef("shipspec-run-sha", STR))))
    p = pipeline(t, params=(ir.Param("shipspec-run-sha", STR, "x", span=at(6)),))
    found = emit(p).diagnostics
    assert [(d.rule.code, d.severity, d.span.line) for d in found] == [("SS501", Severity.ERROR, 6)]
    assert found[0].message == ("param name 'shipspec-run-sha' is not supported on tekton: the backend declares "
                                "a param of that name for run.sha")
    assert found[0].hint == "rename the param"
    unused = pipeline(task("t", 'echo "$P"\n', env=(env("P", ir.ParamRef("shipspec-run-sha", STR)),)),
                      params=(ir.Param("shipspec-run-sha", STR, "x", span=at(6)),))
    assert emit(unused).diagnostics == []  # run.sha unused: nothing is declared, nothing collides


def test_a_run_can_give_run_params_which_are_optional(tmp_path: Path) -> None:
    """`-p shipspec-run-sha=…` for the params the backend declares; without one, its default applies."""
    p = run_context_pipeline()
    assert "params" not in valid_run(p, tmp_path)["spec"]
    run = valid_run(p, tmp_path, ("shipspec-run-sha", "0123abc"), ("mode", "slow"), ("shipspec-run-event", "push"))
    assert run["spec"]["params"] == [{"name": "mode", "value": "slow"},
                                     {"name": "shipspec-run-event", "value": "push"},
                                     {"name": "shipspec-run-sha", "value": "0123abc"}]
    found = emit(p, tekton_run=True, run_params=(("shipspec-run-ref", "refs/heads/main"),)).diagnostics
    assert [d.message for d in found] == ["-p shipspec-run-ref: the pipeline has no param shipspec-run-ref"]
    assert found[0].hint == ("declared params: mode, shipspec-run-attempt, shipspec-run-branch, "
                             "shipspec-run-event, shipspec-run-sha")


def test_concurrency_is_unsupported() -> None:
    """Tekton Pipelines has no concurrency control; Pipelines-as-Code's only applies to the runs it starts."""
    group = ir.Concurrency(tpl("deploy-", BRANCH), cancel_in_progress=True, span=at(4))
    found = emit(pipeline(task("t"), concurrency=group)).diagnostics
    assert [(d.rule.code, d.severity, d.span.line) for d in found] == [("SS501", Severity.ERROR, 4)]
    assert found[0].message.startswith("concurrency is not supported on tekton: Tekton Pipelines has no "
                                       "concurrency control")
    assert "Pipelines-as-Code" in found[0].message and "group" in found[0].message
    assert found[0].hint is not None and "Pipelines-as-Code" in found[0].hint and "drop concurrency" in found[0].hint


def test_matrix_value_in_a_condition_is_unsupported() -> None:
    t = task("t", matrix=ir.Matrix((ir.MatrixAxis("os", ("linux",)),)),
             when=ir.Compare(ir.MatrixRef("os", span=at(4)), ir.CompareOp.EQ, (ir.Literal("linux"),)))
    found = emit(pipeline(t)).diagnostics
    assert [(d.rule.code, d.span.line) for d in found] == [("SS501", 4)]


# --- literal text Tekton would take for its own -------------------------------------------------------


_LITERAL_CASES: dict[str, dict[str, Any]] = {
    "script": {"script": "echo $(params.token)"},
    "env": {"env": (env("X", "echo $(params.token)"),)},
    "args": {"script": None, "command": (tpl("sh"),), "args": (tpl("echo $(params.token)"),)},
    "when": {"when": ir.Compare(MODE, ir.CompareOp.EQ, (ir.Literal("$(date)"),))},
    "matrix": {"matrix": ir.Matrix((ir.MatrixAxis("os", ("$(date)",)),))},
    "working_dir": {"working_dir": "/src/$(context.taskRun.name)"},
    "sidecar": {"sidecars": (ir.Sidecar("s", "redis:7.4", args=("echo $(params.token)",)),)},
    # Tekton substitutes the image, and the mount paths of workspaces and volumes, too
    "image": {"image": "registry.example.com/app:$(params.tag)", "image_span": at(40)},
    "sidecar_image": {"sidecars": (ir.Sidecar("s", "redis:$(params.tag)", span=at(41)),)},
    "produces": {"produces": (ir.ArtifactOut("out", "/out/$(context.taskRun.name)", span=at(42)),)},
    "consumes": {"consumes": (ir.ArtifactIn("src", "other", "/src/$(params.dir)", span=at(43)),)},
    "caches": {"caches": (ir.CacheMount("gomod", "/go/$(workspaces.x.path)", span=at(44)),)},
    "secret_files": {"secret_files": (ir.SecretFile(ir.SecretRef("s", "k"), "/etc/$(params.f)", span=at(45)),)},
}


@pytest.mark.parametrize("where", list(_LITERAL_CASES))
def test_tekton_variable_in_literal_text_is_unsupported(where: str) -> None:
    found = emit(pipeline(task("t", **_LITERAL_CASES[where]), params=PARAMS)).diagnostics
    assert len(found) == 1 and found[0].message.startswith("the literal text '$(")
    assert "has no escape" in found[0].message and found[0].rule.code == "SS501"
    expected_line = {"image": 40, "sidecar_image": 41, "produces": 42, "consumes": 43, "caches": 44,
                     "secret_files": 45}.get(where)
    assert expected_line is None or found[0].span.line == expected_line


def scripted(script: str, first_line: int = 10) -> ir.Task:
    """A `run: |` task as lowering builds it: one anchor per line (column 9), and its comments."""
    starts = [0] + [i + 1 for i, c in enumerate(script) if c == "\n" and i + 1 < len(script)]
    anchors = tuple(ir.ScriptAnchor(o, Span("spec.yaml", first_line + n, 9, first_line + n, 10))
                    for n, o in enumerate(starts))
    return task("t", script, span=at(7), script_anchors=anchors,
                script_comments=tuple(shipspec_scripts.comments(script)))


def test_tekton_variable_in_a_script_is_reported_where_it_is_written() -> None:
    script = 'echo start\necho "$(date) and $(params.token)"\necho $(context.taskRun.name)\n'
    found = emit(pipeline(scripted(script), params=PARAMS)).diagnostics
    assert [(d.rule.code, d.span.line, d.span.col, d.span.end_col) for d in found] == [
        ("SS501", 11, 9 + 18, 9 + 18 + len("$(params.token)")),
        ("SS501", 12, 9 + 5, 9 + 5 + len("$(context.taskRun.name)"))]
    assert found[0].message.startswith("the literal text '$(params.token)' in the run script of task 't'")


def test_tekton_variable_in_a_shell_comment_is_defused(tmp_path: Path) -> None:
    """Tekton substitutes and checks `$(…)` in the whole script text, comments too: an unknown
    param would be rejected, a known one spliced in (a newline in its value would end the comment).
    A comment never runs, so `$(` there becomes `$\\(`; the shell does the same as before."""
    script = ('# use $(params.token) and $(tasks.a.results.b) here\n'
              'echo "#not-a-comment"  # $(params.token)\n'
              "cat <<'EOF'\n# $(date) in a here-document is data\nEOF\n")
    pipe = valid_documents(pipeline(scripted(script), params=()), tmp_path)
    assert step(pipe, "t")["script"] == syntax.SCRIPT_PROLOGUE + (
        '# use $\\(params.token) and $\\(tasks.a.results.b) here\n'
        'echo "#not-a-comment"  # $\\(params.token)\n'
        "cat <<'EOF'\n# $(date) in a here-document is data\nEOF\n")
    in_heredoc = scripted("cat <<EOF\n# $(params.token)\nEOF\n")
    assert codes(pipeline(in_heredoc, params=PARAMS)) == ["SS501"]  # data, not a comment: Tekton would substitute


def test_messages_use_the_spec_field_names() -> None:
    """The spec says maxParallel, retries.backoff, workingDir, secretFiles: never the IR's snake_case."""
    t = task("t", working_dir="/w/$(params.x)", retry=ir.Retry(2, ir.Backoff(5)),
             secret_files=(ir.SecretFile(ir.SecretRef("s", "k"), "/etc/$(params.f)"),),
             matrix=ir.Matrix((ir.MatrixAxis("os", ("linux",)),), max_parallel=1))
    found = [f"{d.message} {d.hint}" for d in emit(pipeline(t)).diagnostics]
    assert len(found) == 4
    for text in found:
        assert re.search(r"\b[a-z]+_[a-z_]+\b", text) is None, text
    assert any("maxParallel" in text for text in found) and any("retries.backoff" in text for text in found)


def test_shell_command_substitution_passes_through(tmp_path: Path) -> None:
    t = task("t", 'echo "built at $(date +%s) by $(id -u)"\n', env=(env("WHEN", "$(date)"),))
    pipe = valid_documents(pipeline(t), tmp_path)
    assert "$(date +%s)" in step(pipe, "t")["script"]
    assert env_of(step(pipe, "t")) == {"WHEN": "$$(date)"}


@pytest.mark.parametrize("shell", ["dash", "bash", "busybox"])
def test_script_with_its_own_shebang_still_stops_at_the_first_failure(tmp_path: Path, shell: str) -> None:
    """Tekton adds its `set -e` preamble only to a script without `#!` (pkg/pod/script.go), so a
    `run` that starts with `#!/bin/sh` would go on after a failing command, as it does not on Argo
    and GitHub. The shebang stays first; `set -e` comes right after it."""
    pipe = documents(pipeline(task("t", "#!/bin/sh\nfalse\necho went on > \"$OUT\"\n")))
    script = step(pipe, "t")["script"]
    assert script == '#!/bin/sh\nset -e\nfalse\necho went on > "$OUT"\n'
    out = tmp_path / "out"
    with pytest.raises(subprocess.CalledProcessError):
        run_script(shell, script, [], tmp_path, OUT=str(out))
    assert not out.exists()


# --- names, metadata, run settings -------------------------------------------------------------------


def test_names_over_tekton_limits() -> None:
    long_task = "t" * 64
    found = emit(pipeline(task(long_task, span=at(3)), name="p" * 64)).diagnostics
    assert sorted(d.rule.code for d in found) == ["SS501", "SS501"]
    assert any(f"'{long_task}' has 64 characters; tekton allows 63" in d.message for d in found)


@pytest.mark.parametrize("build, what", [
    (lambda: pipeline(task("Build")), "task name 'Build'"),
    (lambda: pipeline(task("t", results=(ir.Result("-bad"),))), "result name '-bad'"),
    (lambda: pipeline(task("t"), params=(ir.Param("1st", STR, "x"),)), "param name '1st'"),
    (lambda: pipeline(task("t", sidecars=(ir.Sidecar("Redis", "redis:7.4"),))), "sidecar name 'Redis'"),
])
def test_names_outside_tekton_patterns(build: Any, what: str) -> None:
    found = messages(build())
    assert found and all(m.startswith(f"SS501 {what} is not supported on tekton") for m in found)


def test_metadata_and_run_settings(tmp_path: Path) -> None:
    p = pipeline(task("t"), namespace="ci", labels=(("app", "shop"), ("team", "platform")),
                 annotations=(("owner", "platform@example.com"),), description="Build and ship the shop.",
                 service_account="builder", host_network=True)
    pipe, run = valid_documents(p, tmp_path), valid_run(p, tmp_path)
    assert pipe["metadata"] == {"name": "demo", "namespace": "ci", "labels": {"app": "shop", "team": "platform"},
                                "annotations": {"owner": "platform@example.com"}}
    assert pipe["spec"]["description"] == "Build and ship the shop."
    assert list(pipe["spec"]) == ["description", "tasks"]
    assert run == {"apiVersion": "tekton.dev/v1", "kind": "PipelineRun",
                   "metadata": {"generateName": "demo-run-", "namespace": "ci"},
                   "spec": {"pipelineRef": {"name": "demo"},
                            "taskRunTemplate": {"podTemplate": {"hostNetwork": True},
                                                "serviceAccountName": "builder"}}}


# --- the whole thing: one big pipeline, determinism, speed ---------------------------------------------


def everything() -> ir.Pipeline:
    """Every feature at once (P1/P2-like): it must still be valid as a whole."""
    base = fan_out_and_in()
    checkout = task("checkout", 'git clone "$SHIPSPEC_PARAM_REPO_URL" /src\n', env=(ref_env(REPO),),
                    produces=(ir.ArtifactOut("source", "/src"),), timeout_s=600, retry=ir.Retry(2))
    test = task("test", "go test ./...\n", depends=after("checkout"),
                consumes=(ir.ArtifactIn("source", "checkout", "/src"),),
                caches=(ir.CacheMount("gomod", "/go/pkg/mod"),),
                when=ir.Compare(ENABLE, ir.CompareOp.EQ, (ir.Literal(True),)),
                resources=ir.Resources(requests=(("cpu", "1"),)),
                security=ir.SecurityContext(1000, 1000, "RuntimeDefault"))
    notify = task("notify", 'echo "$SHIPSPEC_PIPELINE_STATUS"\n', env=(ref_env(ir.StatusRef()),), is_finally=True)
    return ir.Pipeline(name="shop", source="spec.yaml", params=(*params("repo-url", "enable-test"), *base.params),
                       tasks=(checkout, test, *base.tasks), finally_tasks=(notify,), results=base.results,
                       caches=(ir.Cache("gomod"),), service_account="ci")


def test_everything_together_is_valid_and_deterministic(tmp_path: Path) -> None:
    pipe = valid_documents(everything(), tmp_path)
    run = valid_run(everything(), tmp_path, ("repo-url", "https://example.com/shop.git"))
    first = yamlout.dump([pipe, run], "spec.yaml", "tekton")
    again = emit(everything(), tekton_run=True, run_params=(("repo-url", "https://example.com/shop.git"),))
    assert yamlout.dump([*again.documents, *again.companions["tekton-run"]], "spec.yaml", "tekton") == first


def big_pipeline(n: int) -> ir.Pipeline:
    tasks = [task("t0", 'printf x > "$SHIPSPEC_RESULTS/out"\n', results=(ir.Result("out"),))]
    for i in range(1, n):
        prev = ir.ResultRef(f"t{i - 1}", "out")
        tasks.append(task(f"t{i}", 'printf "%s" "$SHIPSPEC_TASK_IN" > "$SHIPSPEC_RESULTS/out"\n',
                          env=(env("SHIPSPEC_TASK_IN", prev), env("REPO", REPO)), results=(ir.Result("out"),),
                          depends=(ir.Dependency(f"t{i - 1}", explicit=False),), timeout_s=600,
                          when=ir.Compare(ENABLE, ir.CompareOp.EQ, (ir.Literal(True),))))
    return pipeline(*tasks, params=params("repo-url", "enable-test"))


def test_emit_time_for_1000_tasks(tmp_path: Path) -> None:
    p = big_pipeline(1000)
    start = time.perf_counter()
    out = emit(p)
    elapsed = time.perf_counter() - start
    assert out.diagnostics == [] and len(out.documents[0]["spec"]["tasks"]) == 1000
    print(f"tekton emit, 1000 tasks: {elapsed * 1000:.0f} ms")
    assert elapsed < 2.0
    assert validators.tekton_schema(assert_valid_path(out.documents, tmp_path)) == []


def assert_valid_path(docs: list[Doc], tmp_path: Path) -> Path:
    path = tmp_path / "big.yaml"
    path.write_text(yamlout.dump(docs, "spec.yaml", "tekton"), encoding="utf-8")
    return path


def test_finally_tasks_run_after_the_pipeline_timeout(tmp_path: Path) -> None:
    """`timeouts.pipeline` would cancel finally TaskRuns too, and finally tasks run after
    `timeouts.tasks` only when `timeouts.finally` is set: the spec's timeout bounds the main tasks."""
    p = pipeline(task("long"), finally_tasks=(task("notify", is_finally=True),), timeout_s=5400)
    assert valid_run(p, tmp_path)["spec"]["timeouts"] == {"pipeline": "0", "tasks": "1h30m", "finally": "0"}


# --- triggers: Tekton Triggers documents, a file of their own ------------------------------------

ALL_RUN = tuple(ir.RunRef(f) for f in ir.RunField)


def triggered(triggers: ir.Triggers, *refs: ir.RunRef, **fields: Any) -> ir.Pipeline:
    """A pipeline that reads `refs` (all run fields by default) in env, started by `triggers`."""
    used = refs or ALL_RUN
    t = task("t", "echo \"$SHIPSPEC_RUN_SHA\"\n", env=tuple(ref_env(r) for r in used))
    return pipeline(t, triggers=triggers, **fields)


def trigger_docs(p: ir.Pipeline, tmp_path: Path) -> dict[str, Doc]:
    """The companion `tekton-triggers`, clean, through the Triggers schemas and tekton-lint (with the
    Pipeline beside it, which its template references); by `Kind/name`."""
    out = emit(p)
    _clean(out, 0)
    assert list(out.companions) == ["tekton-triggers"]
    docs = out.companions["tekton-triggers"]
    path = tmp_path / "tekton-triggers.yaml"
    path.write_text(yamlout.dump(docs, "spec.yaml", "tekton"), encoding="utf-8")
    (tmp_path / "tekton.yaml").write_text(yamlout.dump(out.documents, "spec.yaml", "tekton"), encoding="utf-8")
    assert validators.tekton_triggers_schema(path) == []
    assert validators.tekton_lint_checked([path]) == {path: []}
    return {f"{d['kind']}/{d['metadata']['name']}": d for d in docs}


def cel_params(listener: Doc, trigger: str) -> dict[str, Any]:
    t = next(t for t in listener["spec"]["triggers"] if t["name"] == trigger)
    cel = next(i for i in t["interceptors"] if i["ref"]["name"] == "cel")
    return {p["name"]: p["value"] for p in cel["params"]}


PUSH_MAIN = ir.PushTrigger(branches=("main",), tags=("v*",), paths=("services/orders/**",))
PR_MAIN = ir.PullRequestTrigger(branches=("main",))


def test_no_event_trigger_no_companion() -> None:
    """The default (manual + call) needs nothing on Tekton: a Pipeline can always be started and referenced."""
    assert emit(triggered(ir.Triggers())).companions == {}
    assert emit(triggered(ir.Triggers(manual=False, call=False))).companions == {}


def test_push_and_pull_request_make_listener_bindings_and_template(tmp_path: Path) -> None:
    docs = trigger_docs(triggered(ir.Triggers(push=PUSH_MAIN, pull_request=PR_MAIN)), tmp_path)
    assert list(docs) == ["EventListener/demo", "TriggerBinding/demo-push", "TriggerBinding/demo-pull-request",
                          "TriggerTemplate/demo"]
    listener = docs["EventListener/demo"]
    assert listener["spec"]["serviceAccountName"] == "demo-triggers"
    push, pr = listener["spec"]["triggers"]
    assert (push["name"], pr["name"]) == ("push", "pull-request")
    assert push["bindings"] == [{"ref": "demo-push"}] and push["template"] == {"ref": "demo"}
    github = push["interceptors"][0]
    assert github["ref"] == {"name": "github", "kind": "ClusterInterceptor"}
    assert github["params"] == [
        {"name": "secretRef", "value": {"secretName": "demo-webhook", "secretKey": "secret"}},
        {"name": "eventTypes", "value": ["push"]},
        {"name": "addChangedFiles", "value": {"enabled": True}}]
    # no path filter on the pull request: no changed files asked for
    assert [p["name"] for p in pr["interceptors"][0]["params"]] == ["secretRef", "eventTypes"]
    assert pr["interceptors"][0]["params"][1]["value"] == ["pull_request"]


def test_push_filter_keeps_githubs_meaning(tmp_path: Path) -> None:
    """Branches with paths, or tags (paths are not evaluated for tags); deletions start nothing."""
    docs = trigger_docs(triggered(ir.Triggers(push=PUSH_MAIN)), tmp_path)
    assert cel_params(docs["EventListener/demo"], "push")["filter"] == (
        "!body.deleted && ((body.ref.startsWith('refs/heads/') && body.ref.matches('^refs/heads/main$') && "
        "extensions.changed_files.split(',').exists(f, f.matches('^services/orders/.*$'))) || "
        "(body.ref.startsWith('refs/tags/') && body.ref.matches('^refs/tags/v[^/]*$')))")


def test_push_branch_filters_alone_keep_tags_out_and_vice_versa() -> None:
    only_branches = tekton.triggers.push_filter(ir.PushTrigger(branches_ignore=("wip/**",)))
    assert only_branches == ("!body.deleted && body.ref.startsWith('refs/heads/') && "
                             "!body.ref.matches('^refs/heads/wip/.*$')")
    only_tags = tekton.triggers.push_filter(ir.PushTrigger(tags=("v1.*", "v2.*")))
    assert only_tags == ("!body.deleted && body.ref.startsWith('refs/tags/') && "
                         "body.ref.matches('^refs/tags/(?:v1\\\\.[^/]*|v2\\\\.[^/]*)$')")
    assert tekton.triggers.push_filter(ir.PushTrigger()) == "!body.deleted"


def test_paths_ignore_runs_unless_every_file_is_ignored() -> None:
    found = tekton.triggers.push_filter(ir.PushTrigger(paths=("src/**",), paths_ignore=("**.md",)))
    assert found == ("!body.deleted && ((body.ref.startsWith('refs/heads/') && extensions.changed_files.split(',')"
                     ".exists(f, f.matches('^src/.*$') && !f.matches('^.*\\\\.md$'))) || "
                     "(body.ref.startsWith('refs/tags/')))")


def test_pull_request_filter_types_base_branch_and_no_forks() -> None:
    found = tekton.triggers.pull_request_filter(ir.PullRequestTrigger(branches=("main", "release/*"),
                                                                      types=("opened", "labeled")))
    assert found == ("body.action in ['opened', 'labeled'] && "
                     "body.pull_request.head.repo.full_name == body.repository.full_name && "
                     "body.pull_request.base.ref.matches('^(?:main|release/[^/]*)$')")


def test_bindings_take_run_params_from_the_payload(tmp_path: Path) -> None:
    docs = trigger_docs(triggered(ir.Triggers(push=PUSH_MAIN, pull_request=PR_MAIN)), tmp_path)
    push = {p["name"]: p["value"] for p in docs["TriggerBinding/demo-push"]["spec"]["params"]}
    pr = {p["name"]: p["value"] for p in docs["TriggerBinding/demo-pull-request"]["spec"]["params"]}
    assert push["shipspec-run-sha"] == "$(body.after)" and push["shipspec-run-ref"] == "$(body.ref)"
    assert push["shipspec-run-event"] == "push" and push["shipspec-run-branch"] == "$(extensions.branch)"
    assert push["shipspec-run-repository"] == "$(body.repository.full_name)"
    assert push["shipspec-run-actor"] == "$(body.sender.login)"
    assert "shipspec-run-pr-number" not in push  # the template's default "" stays
    assert "shipspec-run-url" not in push and "shipspec-run-attempt" not in push  # no payload source
    assert pr["shipspec-run-sha"] == "$(body.pull_request.head.sha)"
    assert pr["shipspec-run-ref"] == "refs/pull/$(body.number)/head"
    assert pr["shipspec-run-pr-number"] == "$(body.number)"
    assert pr["shipspec-run-pr-base-ref"] == "$(body.pull_request.base.ref)"
    assert pr["shipspec-run-short-sha"] == "$(extensions.short_sha)"
    assert pr["shipspec-run-pr-labels"] == "$(extensions.pr_labels)" and "shipspec-run-pr-labels" not in push
    overlays = cel_params(docs["EventListener/demo"], "pull-request")["overlays"]
    assert overlays == [{"key": "short_sha", "expression": "body.pull_request.head.sha.truncate(7)"},
                        {"key": "pr_labels", "expression": "body.pull_request.labels.map(l, l.name).marshalJSON()"}]
    assert [o["key"] for o in cel_params(docs["EventListener/demo"], "push")["overlays"]] == [
        "ref_type", "ref_name", "branch", "short_sha"]


def test_only_declared_run_params_are_bound(tmp_path: Path) -> None:
    docs = trigger_docs(triggered(ir.Triggers(push=ir.PushTrigger()), SHA), tmp_path)
    assert docs["TriggerBinding/demo-push"]["spec"]["params"] == [{"name": "shipspec-run-sha",
                                                                   "value": "$(body.after)"}]
    assert "overlays" not in cel_params(docs["EventListener/demo"], "push")
    template = docs["TriggerTemplate/demo"]["spec"]
    assert template["params"] == [{"name": "shipspec-run-sha", "description": ir.RUN_FIELDS[ir.RunField.SHA][0],
                                   "default": ""}]


def test_template_holds_the_pipeline_run(tmp_path: Path) -> None:
    p = triggered(ir.Triggers(push=ir.PushTrigger()), SHA, service_account="builder")
    run = trigger_docs(p, tmp_path)["TriggerTemplate/demo"]["spec"]["resourcetemplates"][0]
    assert run["kind"] == "PipelineRun" and run["metadata"] == {"generateName": "demo-run-"}
    assert run["spec"]["pipelineRef"] == {"name": "demo"}
    assert run["spec"]["params"] == [{"name": "shipspec-run-sha", "value": "$(tt.params.shipspec-run-sha)"}]
    assert run["spec"]["taskRunTemplate"] == {"serviceAccountName": "builder"}
    path = tmp_path / "run.yaml"
    path.write_text(yamlout.dump([run], "spec.yaml", "tekton"), encoding="utf-8")
    assert validators.tekton_schema(path) == []


def test_required_param_cannot_come_from_an_event() -> None:
    p = triggered(ir.Triggers(push=ir.PushTrigger()), SHA, params=(ir.Param("mode", STR, None, span=at(4)),))
    assert messages(p) == ["SS011 param mode has no default: a run started by an event cannot give it"
                           " | give the param a default"]


def test_schedule_is_unsupported_at_its_place() -> None:
    p = triggered(ir.Triggers(schedules=(ir.Schedule("0 3 * * *", span=at(7)),)))
    out = emit(p)
    assert [(d.rule.code, d.span.line) for d in out.diagnostics] == [("SS501", 7)]
    assert out.diagnostics[0].message == "a schedule is not supported on tekton: Tekton has no cron"
    assert "CronJob that posts to the EventListener" in (out.diagnostics[0].hint or "")


def test_triggers_schema_check_reaches_the_embedded_pipeline_run(tmp_path: Path) -> None:
    """The check the companion passes is not vacuous: an unknown field, in a binding or in the run
    a template holds, is found."""
    docs = emit(triggered(ir.Triggers(push=ir.PushTrigger()), SHA)).companions["tekton-triggers"]
    docs[1]["spec"]["parms"] = []
    docs[2]["spec"]["resourcetemplates"][0]["spec"]["pipelineRefs"] = {}
    path = tmp_path / "bad.yaml"
    path.write_text(yamlout.dump(docs, "spec.yaml", "tekton"), encoding="utf-8")
    found = validators.tekton_triggers_schema(path)
    assert len(found) == 2 and "parms" in found[0] and "$.spec.resourcetemplates[0].spec" in found[1]


def test_event_listener_name_leaves_room_for_its_service() -> None:
    """Triggers names the listener's Service `el-<name>`, so it rejects a name over 60 characters
    (event_listener_validation.go); the Pipeline itself may have 63."""
    name = "p" * 61
    p = triggered(ir.Triggers(push=ir.PushTrigger(), span=at(5)), SHA, name=name)
    assert messages(p) == [f"SS501 EventListener name '{name}' has 61 characters; tekton allows 60"
                           " | shorten the pipeline name to 60 characters or fewer"]
    assert [d.span.line for d in emit(p).diagnostics] == [5]
    assert messages(triggered(ir.Triggers(), SHA, name=name)) == []


# --- checkout, oidc, run settings, Pipelines-as-Code, repositories -------------------------------

from shipspec.targets.tekton import checkout as tekton_checkout  # noqa: E402

REPOSITORY = ir.Repository("example/app", clone_url="https://github.com/example/app.git")
SOURCE = ir.Task(name="source", image="", checkout=ir.Checkout(),
                 results=tuple(ir.Result(r) for r in ir.CHECKOUT_RESULTS),
                 produces=(ir.ArtifactOut("source", "/workspace/source"),))
SOURCE_IN = ir.ArtifactIn("source", "source", "/workspace/source")


def consumer(*refs: ir.Ref) -> ir.Task:
    return task("test", 'echo "$SHIPSPEC_TASK_SOURCE_SHA"\n', consumes=(SOURCE_IN,), working_dir="/workspace/source",
                env=tuple(ref_env(r) for r in refs), depends=after("source"))


def lint_checked(docs: list[Doc], tmp_path: Path, name: str = "tekton.yaml") -> None:
    """Schemas and tekton-lint (the catalog Task named, as the golden validators lint it)."""
    path = tmp_path / name
    path.write_text(yamlout.dump(docs, "spec.yaml", "tekton"), encoding="utf-8")
    assert validators.tekton_schema(path) == []
    assert validators.tekton_lint_checked([path]) == {path: []}
    scripts = validators.shell_scripts("tekton", path)
    assert {label: found for label, found in validators.shellcheck_many(scripts).items() if found} == {}


def test_catalog_checkout_is_git_clone_by_resolver_pinned_to_its_release(tmp_path: Path) -> None:
    sha, short, ref = (ir.ResultRef("source", r) for r in ir.CHECKOUT_RESULTS)
    p = pipeline(SOURCE, consumer(sha, short, ref), repository=REPOSITORY)
    pipe = documents(p)
    lint_checked([pipe], tmp_path)
    clone = ptask(pipe, "source")
    assert clone["taskRef"] == {"resolver": "git", "params": [
        {"name": "url", "value": "https://github.com/tektoncd-catalog/git-clone.git"},
        {"name": "revision", "value": "c166e56217829ecc2062059030a8a0fcc0e1a88f"},
        {"name": "pathInRepo", "value": "task/git-clone/git-clone.yaml"}]}
    assert clone["params"] == [{"name": "url", "value": "$(params.shipspec-run-clone-url)"},
                               {"name": "revision", "value": "$(params.shipspec-run-sha)"},
                               {"name": "depth", "value": "1"}, {"name": "submodules", "value": "false"}]
    assert clone["workspaces"] == [{"name": "output", "workspace": "artifacts", "subPath": "source"}]
    declared = {q["name"]: q["default"] for q in pipe["spec"]["params"]}
    assert declared["shipspec-run-clone-url"] == "https://github.com/example/app.git"  # run_default
    use = ptask(pipe, "test")
    assert use["workspaces"] == [{"name": "source", "workspace": "artifacts", "subPath": "source"}]
    fed = {q["name"]: q["value"] for q in use["params"]}
    assert fed == {"source-commit": "$(tasks.source.results.commit)",
                   "source-short-sha": "$(tasks.source.results.commit)",
                   "run-ref": "$(params.shipspec-run-ref)"}
    values = env_of(step(pipe, "test"))
    assert values["SHIPSPEC_TASK_SOURCE_SHORT_SHA"] == "$(steps.source-short-sha.results.short-sha)"
    run = run_document(p)
    assert run["spec"]["taskRunSpecs"] == [{"pipelineTaskName": "source",
                                            "podTemplate": {"securityContext": {"fsGroup": 65532}}}]


@pytest.mark.parametrize("shell", ["dash", "bash", "busybox"])
def test_short_sha_step_cuts_seven_characters(tmp_path: Path, shell: str) -> None:
    script = tekton_checkout.SHORT_SHA_SCRIPT.replace('"$(step.results.short-sha.path)"', '"$OUT"')
    run_script(shell, script, ["0123456789abcdef"], tmp_path, OUT=str(tmp_path / "out"))
    assert (tmp_path / "out").read_text(encoding="utf-8") == "0123456"


def test_checkout_repository_owner_name_is_a_url_on_the_provider_host() -> None:
    gitlab = ir.Repository("group/sub/app", provider="gitlab", clone_url="https://gitlab.com/group/sub/app.git")
    clone = dataclasses.replace(SOURCE, checkout=ir.Checkout(repository=tpl("group/charts"), ref=tpl("main"), depth=0))
    pipe = documents(pipeline(clone, consumer(), repository=gitlab))
    assert ptask(pipe, "source")["params"][:3] == [
        {"name": "url", "value": "https://gitlab.com/group/charts.git"}, {"name": "revision", "value": "main"},
        {"name": "depth", "value": "0"}]


@pytest.mark.parametrize(("options", "expected"), [
    ({"tags": True}, ["tags"]), ({"submodules": "top"}, ["submodules: true"]),
    ({"token": ir.SecretRef("reader", "token")}, ["token"]), ({"lfs": True}, ["lfs"]),
    ({"submodules": "recursive"}, [])])
def test_catalog_checkout_options_it_cannot_take(options: dict[str, Any], expected: list[str]) -> None:
    clone = dataclasses.replace(SOURCE, checkout=ir.Checkout(**options))
    found = messages(pipeline(clone, consumer(), repository=REPOSITORY))
    assert [m.split(" in checkout")[0].removeprefix("SS501 ") for m in found] == expected
    assert all("--tekton-checkout inline" in m for m in found if "lfs" not in m)


def test_inline_checkout_is_a_step_of_our_own_with_values_in_env(tmp_path: Path) -> None:
    token = ir.SecretRef("reader", "token")
    clone = dataclasses.replace(SOURCE, checkout=ir.Checkout(ref=tpl(MODE), depth=10, tags=True, token=token))
    p = pipeline(clone, consumer(ir.ResultRef("source", "short-sha")), repository=REPOSITORY, params=params("mode"))
    out = emit(p, tekton_checkout="inline")
    _clean(out, 0)
    pipe = out.documents[0]
    assert_valid([pipe], tmp_path)
    main = step(pipe, "source")
    assert main["image"] == tekton_checkout.GIT_IMAGE and main["script"] == syntax.script(tekton_checkout.CLONE_SCRIPT)
    values = env_of(main)
    assert values["SHIPSPEC_CHECKOUT_URL"] == "$(params.run-clone-url)"
    assert values["SHIPSPEC_CHECKOUT_REVISION"] == values["SHIPSPEC_CHECKOUT_REF"] == "$(params.mode)"
    assert values["SHIPSPEC_CHECKOUT_DEPTH"] == "10" and values["SHIPSPEC_CHECKOUT_TAGS"] == "true"
    assert values["SHIPSPEC_CHECKOUT_TOKEN"] == {"secretKeyRef": {"name": "reader", "key": "token"}}
    assert ptask(pipe, "source")["workspaces"] == [{"name": "source", "workspace": "artifacts", "subPath": "source"}]
    assert env_of(step(pipe, "test"))["SHIPSPEC_TASK_SOURCE_SHORT_SHA"] == "$(params.source-short-sha)"


@pytest.mark.parametrize("shell", ["dash", "bash", "busybox"])
def test_inline_clone_script_checks_out_the_revision_and_keeps_no_token(tmp_path: Path, shell: str) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    origin = tmp_path / "origin"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(origin)]
    subprocess.run(["git", "init", "-q", "-b", "main", str(origin)], check=True)
    for n in ("1", "2"):
        (origin / "f").write_text(n, encoding="utf-8")
        subprocess.run([*git, "add", "f"], check=True)
        subprocess.run([*git, "commit", "-q", "-m", n], check=True)
    subprocess.run([*git, "tag", "v1"], check=True)
    first = subprocess.run([*git, "rev-parse", "HEAD~1"], check=True, capture_output=True, text=True).stdout.strip()
    dest, results = tmp_path / "dest", tmp_path / "results"
    dest.mkdir()
    results.mkdir()
    (dest / "stale").write_text("x", encoding="utf-8")
    env_vars = {"SHIPSPEC_CHECKOUT_URL": f"file://{origin}", "SHIPSPEC_CHECKOUT_REVISION": first,
                "SHIPSPEC_CHECKOUT_REF": "refs/heads/main", "SHIPSPEC_CHECKOUT_DEPTH": "0",
                "SHIPSPEC_CHECKOUT_TAGS": "true", "SHIPSPEC_CHECKOUT_SUBMODULES": "none",
                "SHIPSPEC_CHECKOUT_DIR": str(dest), "SHIPSPEC_CHECKOUT_USER": "x-access-token",
                "SHIPSPEC_CHECKOUT_TOKEN": "s3cret-token", "SHIPSPEC_RESULTS": str(results),
                "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"}
    run_script(shell, syntax.script(tekton_checkout.CLONE_SCRIPT), [], tmp_path, **env_vars)
    assert (results / "sha").read_text(encoding="utf-8") == first
    assert (results / "short-sha").read_text(encoding="utf-8") == first[:7]
    assert (results / "ref").read_text(encoding="utf-8") == "refs/heads/main"
    assert (dest / "f").read_text(encoding="utf-8") == "1" and not (dest / "stale").exists()
    tags = subprocess.run(["git", "-C", str(dest), "tag"], check=True, capture_output=True, text=True).stdout
    assert tags.split() == ["v1"]
    assert not any("s3cret" in f.read_text(errors="replace") for f in (dest / ".git").rglob("*") if f.is_file())
    # no revision: the remote's default branch
    env_vars["SHIPSPEC_CHECKOUT_REVISION"] = ""
    run_script(shell, syntax.script(tekton_checkout.CLONE_SCRIPT), [], tmp_path, **env_vars)
    assert (dest / "f").read_text(encoding="utf-8") == "2"


def test_oidc_is_a_projected_service_account_token(tmp_path: Path) -> None:
    t = task("sign", "cosign version\n", oidc=ir.Oidc("sigstore"))
    pipe = valid_documents(pipeline(t), tmp_path)
    spec = ptask(pipe, "sign")["taskSpec"]
    assert spec["volumes"] == [{"name": "shipspec-oidc", "projected": {"sources": [{"serviceAccountToken": {
        "audience": "sigstore", "expirationSeconds": 3600, "path": "token"}}]}}]
    main = step(pipe, "sign")
    assert main["volumeMounts"] == [{"name": "shipspec-oidc", "readOnly": True,
                                     "mountPath": "/var/run/secrets/shipspec/oidc"}]
    assert env_of(main)[ir.OIDC_TOKEN_ENV] == "/var/run/secrets/shipspec/oidc/token"


def test_run_labels_and_annotations_are_the_pipeline_runs(tmp_path: Path) -> None:
    settings = ir.RunSettings(labels=(("team", "payments"),), annotations=(("tekton.dev/auto-cleanup-pvc", "true"),))
    run = valid_run(pipeline(task("t"), run=settings), tmp_path)
    assert run["metadata"] == {"generateName": "demo-run-", "labels": {"team": "payments"},
                               "annotations": {"tekton.dev/auto-cleanup-pvc": "true"}}


def test_run_retention_tekton_cannot_say() -> None:
    settings = ir.RunSettings(delete_after_success_s=3600, delete_after_failure_s=60, delete_after_span=at(3),
                              pod_gc="OnPodSuccess", pod_gc_span=at(4), keep_runs=5, keep_runs_span=at(5))
    found = emit(pipeline(task("t"), run=settings)).diagnostics
    assert [(d.rule.code, d.span.line) for d in found] == [("SS501", 3), ("SS501", 4), ("SS501", 5)]
    assert "--tekton-triggers pac" in found[2].hint
    keep = pipeline(task("t"), run=dataclasses.replace(settings, delete_after_success_s=None,
                                                       delete_after_failure_s=None, pod_gc=None))
    assert [d.span.line for d in emit(keep, tekton_triggers="pac").diagnostics] == [5]  # no event: no PaC run
    pushed = dataclasses.replace(keep, triggers=ir.Triggers(push=ir.PushTrigger()))
    assert emit(pushed, tekton_triggers="pac").diagnostics == []


PAC_TRIGGERS = ir.Triggers(push=ir.PushTrigger(branches=("main",), tags=("v*",), paths=("src/**",)),
                           pull_request=ir.PullRequestTrigger(branches=("main",), paths_ignore=("docs/**",)))


def pac_docs(p: ir.Pipeline, tmp_path: Path, warnings: int = 0) -> dict[str, Doc]:
    out = emit(p, tekton_triggers="pac")
    _clean(out, warnings)
    assert list(out.companions) == ["tekton-pac"]
    docs = out.companions["tekton-pac"]
    lint_checked(docs, tmp_path, "tekton-pac.yaml")
    return {d["metadata"]["name"]: d for d in docs}


def test_pac_runs_one_pipeline_run_per_event_kind_with_its_annotations(tmp_path: Path) -> None:
    used = (ir.RunRef(ir.RunField.SHA), ir.RunRef(ir.RunField.REF), ir.RunRef(ir.RunField.PR_NUMBER))
    group = ir.Concurrency(tpl("ci-", ir.RunRef(ir.RunField.REF)), cancel_in_progress=True)
    p = triggered(PAC_TRIGGERS, *used, repository=REPOSITORY, concurrency=group, run=ir.RunSettings(keep_runs=3))
    docs = pac_docs(p, tmp_path, warnings=1)  # `v*`: PaC's `*` also matches '/'
    push, pr = docs["demo-push"], docs["demo-pull-request"]
    prefix = "pipelinesascode.tekton.dev/"
    assert push["metadata"]["annotations"] == {
        prefix + "on-event": "[push]", prefix + "on-target-branch": "[main, refs/tags/v*]",
        prefix + "on-path-change": "[src/**]", prefix + "max-keep-runs": "3", prefix + "cancel-in-progress": "true"}
    assert pr["metadata"]["annotations"][prefix + "on-event"] == "[pull_request]"
    assert pr["metadata"]["annotations"][prefix + "on-path-change-ignore"] == "[docs/**]"
    assert {q["name"]: q["value"] for q in push["spec"]["params"]} == {
        "shipspec-run-ref": "{{ body.ref }}", "shipspec-run-sha": "{{ revision }}"}
    assert {q["name"]: q["value"] for q in pr["spec"]["params"]} == {
        "shipspec-run-ref": "refs/pull/{{ pull_request_number }}/head", "shipspec-run-sha": "{{ revision }}",
        "shipspec-run-pr-number": "{{ pull_request_number }}"}
    assert push["spec"]["pipelineSpec"] == emit(p).documents[0]["spec"] and "pipelineRef" not in push["spec"]


def test_pac_cannot_give_what_it_has_no_variable_for() -> None:
    p = triggered(ir.Triggers(pull_request=ir.PullRequestTrigger(types=("opened", "labeled"))),
                  ir.RunRef(ir.RunField.PR_LABELS, at(6)), ir.RunRef(ir.RunField.SHORT_SHA, at(7)))
    found = [(d.span.line, d.message.split(" is not")[0]) for d in emit(p, tekton_triggers="pac").diagnostics]
    assert (6, "run.pr_labels with Pipelines-as-Code") in found and (7, "run.short_sha with Pipelines-as-Code") in found
    assert any("pull request types" in m for _, m in found)


def test_pac_text_pac_would_replace_is_unsupported() -> None:
    p = triggered(ir.Triggers(push=ir.PushTrigger()), ir.RunRef(ir.RunField.SHA))
    p = dataclasses.replace(p, tasks=(dataclasses.replace(p.tasks[0], script="echo '{{ revision }}'\n"),))
    assert any("{{ revision }}" in m for m in messages(dataclasses.replace(p)) + [
        d.message for d in emit(p, tekton_triggers="pac").diagnostics])
    assert [d.rule.code for d in emit(p, tekton_triggers="pac").diagnostics] == ["SS501"]


def test_concurrency_with_pac_is_cancel_in_progress_only() -> None:
    waits = ir.Concurrency(tpl(ir.RunRef(ir.RunField.REF)), cancel_in_progress=False, span=at(4))
    p = triggered(ir.Triggers(push=ir.PushTrigger()), ir.RunRef(ir.RunField.SHA), concurrency=waits)
    assert [(d.rule.code, d.span.line) for d in emit(p, tekton_triggers="pac").diagnostics] == [("SS501", 4)]
    other = dataclasses.replace(waits, group=tpl("deploy"), cancel_in_progress=True)
    assert codes(dataclasses.replace(p, concurrency=other)) == ["SS501"]


def test_webhook_secret_comes_from_the_repository(tmp_path: Path) -> None:
    repo = dataclasses.replace(REPOSITORY, webhook_secret=ir.SecretRef("app-webhook", "token"))
    docs = trigger_docs(triggered(ir.Triggers(push=PUSH_MAIN), ir.RunRef(ir.RunField.SHA), repository=repo), tmp_path)
    github = docs["EventListener/demo"]["spec"]["triggers"][0]["interceptors"][0]
    assert github["params"][0] == {"name": "secretRef", "value": {"secretName": "app-webhook", "secretKey": "token"}}


def test_gitlab_events_go_through_the_gitlab_interceptor(tmp_path: Path) -> None:
    repo = ir.Repository("group/sub/app", provider="gitlab", clone_url="https://gitlab.com/group/sub/app.git")
    p = triggered(ir.Triggers(push=PUSH_MAIN, pull_request=PR_MAIN), repository=repo)
    docs = trigger_docs(p, tmp_path)
    push, mr = docs["EventListener/demo"]["spec"]["triggers"]
    assert push["interceptors"][0]["ref"]["name"] == "gitlab"
    assert push["interceptors"][0]["params"][1] == {"name": "eventTypes", "value": ["Push Hook", "Tag Push Hook"]}
    assert mr["interceptors"][0]["params"][1] == {"name": "eventTypes", "value": ["Merge Request Hook"]}
    assert "body.commits.exists(c, (c.added + c.modified + c.removed).exists(f, f.matches(" in cel_params(
        docs["EventListener/demo"], "push")["filter"]
    assert "source_project_id == body.object_attributes.target_project_id" in cel_params(
        docs["EventListener/demo"], "pull-request")["filter"]
    bound = {q["name"]: q["value"] for q in docs["TriggerBinding/demo-pull-request"]["spec"]["params"]}
    assert bound["shipspec-run-sha"] == "$(body.object_attributes.last_commit.id)"
    assert bound["shipspec-run-pr-number"] == "$(body.object_attributes.iid)"
    assert bound["shipspec-run-actor"] == "$(body.user.username)"
    overlays = {o["key"]: o["expression"] for o in cel_params(docs["EventListener/demo"], "pull-request")["overlays"]}
    assert overlays["pr_labels"] == "body.labels.map(l, l.title).marshalJSON()"
    template = {q["name"]: q["default"] for q in docs["TriggerTemplate/demo"]["spec"]["params"]}
    assert template["shipspec-run-repository"] == "group/sub/app" and template["shipspec-run-owner"] == "group/sub"
    with_paths = dataclasses.replace(p, triggers=ir.Triggers(pull_request=ir.PullRequestTrigger(paths=("a/**",))))
    assert codes(with_paths) == ["SS501"]


def test_tekton_variable_in_a_checkout_ref_is_unsupported() -> None:
    clone = dataclasses.replace(SOURCE, checkout=ir.Checkout(ref=ir.Template(("$(params.x)",), at(5))))
    found = emit(pipeline(clone, consumer(), repository=REPOSITORY)).diagnostics
    assert [(d.rule.code, d.span.line) for d in found] == [("SS501", 5)]
    assert "the checkout of task 'source'" in found[0].message


def test_a_catalog_checkout_whose_results_are_read_cannot_be_skipped() -> None:
    cond = ir.Compare(MODE, ir.CompareOp.EQ, (ir.Literal("x"),), at(4))
    clone = dataclasses.replace(SOURCE, when=cond)
    p = pipeline(clone, consumer(ir.ResultRef("source", "sha")), repository=REPOSITORY, params=params("mode"))
    assert [(d.rule.code, d.span.line) for d in emit(p).diagnostics] == [("SS501", 4)]
    assert emit(p, tekton_checkout="inline").diagnostics == []
    unread = pipeline(clone, consumer(), repository=REPOSITORY, params=params("mode"))
    assert ptask(documents(unread), "source")["when"] == [{"input": "$(params.mode)", "operator": "in",
                                                          "values": ["x"]}]


# --- steps, native units, dynamic matrix, a task's status ---------------------------------------


def steps_task(*steps: ir.Step, **fields: Any) -> ir.Task:
    return ir.Task(name=fields.pop("name", "build"), image=IMAGE, steps=steps, **fields)


def sh_step(name: str, script: str = "true\n", **fields: Any) -> ir.Step:
    return ir.Step(name=name, image=fields.pop("image", IMAGE), script=script, span=at(30), **fields)


def user_steps(pipe: Doc, name: str = "build") -> list[Doc]:
    return [s for s in ptask(pipe, name)["taskSpec"]["steps"] if s["image"] != helpers.HELPER_IMAGE]


def test_steps_are_the_task_specs_steps_with_their_own_settings(tmp_path: Path) -> None:
    build = steps_task(
        sh_step("deps", "go mod download\n"),
        sh_step("test", 'go test ./... > "$SHIPSPEC_RESULTS/log"\n', env=(env("TARGET", ir.ParamRef("target", STR)),
                                                                          env("GOFLAGS", "-mod=mod")),
                timeout_s=600),
        ir.Step("vet", IMAGE, command=(tpl("go"), tpl("vet")), continue_on_error=True),
        sh_step("report", "echo finished\n", image="busybox:1.37", always=True),
        env=(env("GOFLAGS", "-mod=readonly"), env("CGO_ENABLED", "0")), results=(ir.Result("log"),),
        working_dir="/workspace/src")
    out = emit(pipeline(build, params=(ir.Param("target", STR, "linux"),)))
    assert [d.message.split(":")[0] for d in out.diagnostics] == [
        "a step timeout is not fully supported on tekton with continueOnError or a later always step"]
    pipe = out.documents[0]
    assert_valid([pipe], tmp_path)
    names = [s["name"] for s in ptask(pipe, "build")["taskSpec"]["steps"]]
    assert names == ["deps", "deps-passed", "test", "test-passed", "vet", "report", "trim-results", "steps-failed"]
    deps, test, vet, report = user_steps(pipe)
    assert (deps["image"], report["image"]) == (IMAGE, "busybox:1.37")
    # the task's env for every step, then the step's own; a name in both is the step's
    # and one HOME, Tekton's /tekton/home, which the steps share as they share /tmp
    assert env_of(test) == {"SHIPSPEC_RESULTS": "/tekton/results", "HOME": "/tekton/home", "CGO_ENABLED": "0",
                            "TARGET": "$(params.target)", "GOFLAGS": "-mod=mod"}
    assert [s["workingDir"] for s in (deps, test, vet, report)] == ["/workspace/src"] * 4
    assert test["timeout"] == "10m" and vet["command"] == ["go", "vet"]
    # steps before an always step go on after a failure; continueOnError is onError: continue too
    assert [s.get("onError") for s in (deps, test, vet, report)] == ["continue", "continue", "continue", None]
    assert "when" not in deps and "when" not in report  # an always step runs whatever came before
    assert test["when"] == [{"input": "$(steps.deps-passed.results.passed)", "operator": "in", "values": ["true"]}]
    assert vet["when"] == [{"input": "$(steps.test-passed.results.passed)", "operator": "in", "values": ["true"]}]
    gate = step(pipe, "build", 3)
    assert gate["args"] == ["$(steps.step-deps.exitCode.path)", "$(steps.step-test.exitCode.path)"]
    assert step(pipe, "build", -1)["args"] == ["deps", "$(steps.step-deps.exitCode.path)",
                                               "test", "$(steps.step-test.exitCode.path)"]
    # one filesystem: /tmp is an emptyDir of the task, mounted in each step
    assert ptask(pipe, "build")["taskSpec"]["volumes"] == [{"name": "shipspec-tmp", "emptyDir": {}}]
    assert all({"name": "shipspec-tmp", "mountPath": "/tmp"} in s["volumeMounts"] for s in (deps, test, report))


def simulate(pipe: Doc, task_name: str, failing: set[str], tmp_path: Path) -> tuple[bool, list[str]]:
    """Run a taskSpec's steps as Tekton's entrypoint does (pkg/entrypoint/entrypointer.go): in order;
    a step whose `when` is false is skipped with exit code 0; a failed step without onError: continue
    skips every later step and fails the task; each step's exit code is left in its exitCode file.
    The user's steps "run" by exiting 1 when named in `failing`; helper steps run their real scripts
    in busybox sh. (task succeeded?, the steps that ran)."""
    steps_dir = tmp_path / "steps"
    results: dict[str, str] = {}
    ran = []
    for s in ptask(pipe, task_name)["taskSpec"]["steps"]:
        def subst(text: str, s: Doc = s) -> str:
            text = re.sub(r"\$\(steps\.step-([a-z0-9-]+)\.exitCode\.path\)",
                          lambda m: str(steps_dir / f"step-{m.group(1)}" / "exitCode"), text)
            text = re.sub(r"\$\(steps\.([a-z0-9-]+)\.results\.([a-z]+)\)", lambda m: results[m.group(1)], text)
            return text.replace("$(step.results.passed.path)", str(tmp_path / f"{s['name']}.passed"))
        (steps_dir / f"step-{s['name']}").mkdir(parents=True)
        exit_file = steps_dir / f"step-{s['name']}" / "exitCode"
        if not all((subst(w["input"]) in w["values"]) == (w["operator"] == "in") for w in s.get("when", ())):
            exit_file.write_text("0")
            continue
        ran.append(s["name"])
        if s["image"] == helpers.HELPER_IMAGE:
            if s["name"] == "trim-results":
                code = 0
            else:
                path = tmp_path / f"{s['name']}.sh"
                path.write_text(subst(s["script"]), encoding="utf-8")
                code = subprocess.run(["busybox", "sh", str(path), *(subst(a) for a in s.get("args", ()))],
                                      timeout=60, capture_output=True).returncode
                if (tmp_path / f"{s['name']}.passed").exists():
                    results[s["name"]] = (tmp_path / f"{s['name']}.passed").read_text()
        else:
            code = 1 if s["name"] in failing else 0
        if code and s.get("onError") != "continue":
            return False, ran
        exit_file.write_text(str(code))
    return True, ran


STEPS = (sh_step("deps"), sh_step("test"), ir.Step("vet", IMAGE, script="true\n", continue_on_error=True),
         sh_step("report", always=True), sh_step("publish"))


@pytest.mark.parametrize("failing, succeeded, ran", [
    (set(), True, ["deps", "test", "vet", "report", "publish"]),
    ({"deps"}, False, ["deps", "report"]),  # the always step runs; nothing else after the failure
    ({"test"}, False, ["deps", "test", "report"]),
    ({"vet"}, True, ["deps", "test", "vet", "report", "publish"]),  # continueOnError: the task succeeds
    ({"report"}, False, ["deps", "test", "vet", "report"]),  # after the last always step: Tekton's own rule
    ({"test", "vet"}, False, ["deps", "test", "report"]),
])
def test_always_steps_run_after_a_failure_and_the_task_still_fails(
        tmp_path: Path, failing: set[str], succeeded: bool, ran: list[str]) -> None:
    if shutil.which("busybox") is None:
        pytest.skip("busybox is not installed")
    pipe = valid_documents(pipeline(steps_task(*STEPS)), tmp_path)
    ok, steps_run = simulate(pipe, "build", failing, tmp_path / "run")
    assert ok is succeeded
    assert [s for s in steps_run if s in {"deps", "test", "vet", "report", "publish"}] == ran


def test_steps_without_always_are_plain_steps(tmp_path: Path) -> None:
    pipe = valid_documents(pipeline(steps_task(sh_step("a"), sh_step("b", continue_on_error=True, timeout_s=90))),
                           tmp_path, warnings=1)
    a, b = ptask(pipe, "build")["taskSpec"]["steps"]
    assert "onError" not in a and "when" not in b and b["onError"] == "continue" and b["timeout"] == "1m30s"


def test_a_guarded_steps_task_guards_every_step(tmp_path: Path) -> None:
    cond = ir.Compare(ir.ParamRef("mode", STR), ir.CompareOp.EQ, (ir.Literal("full"),), at(5))
    build = steps_task(sh_step("a"), sh_step("b", always=True), when=cond, results=(ir.Result("r"),))
    reader = task("read", 'echo "$X"\n', env=(env("X", ir.ResultRef("build", "r")),), depends=after("build"))
    pipe = valid_documents(pipeline(build, reader, params=(ir.Param("mode", STR, "full"),)), tmp_path)
    a, b = user_steps(pipe)
    assert a["when"] == b["when"] == [{"input": "$(params.mode)", "operator": "in", "values": ["full"]}]


def test_a_step_with_nothing_for_tekton_is_an_error_unless_skipped_elsewhere(tmp_path: Path) -> None:
    action = ir.GitHubAction("actions/setup-go", "a" * 40, "v6")
    setup = ir.Step("setup", "", native=ir.Native(github=action, span=at(40)), span=at(39))
    out = emit(pipeline(steps_task(setup, sh_step("test"))))
    assert [(d.rule.code, d.span.line) for d in out.diagnostics] == [("SS501", 40)]
    assert out.diagnostics[0].message == (
        "step 'setup' of task 'build' is not supported on tekton: it has no native unit for tekton and no portable "
        "body (`run` or `command`)")
    skipped = dataclasses.replace(setup, native=ir.Native(github=action, skip_elsewhere=True))
    pipe = valid_documents(pipeline(steps_task(skipped, sh_step("test"))), tmp_path)
    assert [s["name"] for s in ptask(pipe, "build")["taskSpec"]["steps"]] == ["test"]
    with_body = dataclasses.replace(setup, image=IMAGE, script="go version\n")
    pipe = valid_documents(pipeline(steps_task(with_body, sh_step("test"))), tmp_path)
    assert user_steps(pipe)[0]["script"].endswith("go version\n")


STEP_ACTION = ir.TektonRef("git", (("url", "https://github.com/example/actions.git"), ("revision", "c" * 40),
                                   ("pathInRepo", "stepaction/lint/lint.yaml")),
                           (("args", tpl("--path=", ir.ParamRef("dir", STR))),), span=at(50))


def test_a_native_step_is_a_step_action_by_resolver(tmp_path: Path) -> None:
    lint = ir.Step("lint", "", native=ir.Native(tekton=STEP_ACTION), timeout_s=60, continue_on_error=True)
    pipe = valid_documents(pipeline(steps_task(lint, sh_step("test")), params=(ir.Param("dir", STR, "."),)),
                           tmp_path, warnings=1)  # a timeout with continueOnError: Tekton stops at a timeout
    first = ptask(pipe, "build")["taskSpec"]["steps"][0]
    assert first == {"name": "lint", "timeout": "1m", "onError": "continue",
                     "ref": {"resolver": "git", "params": [
                         {"name": "url", "value": "https://github.com/example/actions.git"},
                         {"name": "revision", "value": "c" * 40},
                         {"name": "pathInRepo", "value": "stepaction/lint/lint.yaml"}]},
                     "params": [{"name": "args", "value": "--path=$(params.dir)"}]}
    assert ptask(pipe, "build")["params"] == [{"name": "dir", "value": "$(params.dir)"}]


def test_a_step_action_gets_no_env_nor_workspace() -> None:
    lint = ir.Step("lint", "", native=ir.Native(tekton=dataclasses.replace(STEP_ACTION, workspace="source")))
    out = emit(pipeline(steps_task(lint, env=(env("A", "1"),)), params=(ir.Param("dir", STR, "."),)))
    assert [(d.rule.code, d.severity.name, d.message.split(":")[0]) for d in out.diagnostics] == [
        ("SS501", "ERROR", "a workspace for StepAction step 'lint' is not supported on tekton"),
        ("SS501", "WARNING", "the task's env, mounts and securityContext are not fully supported on tekton for a "
                             "StepAction step")]


BUILDAH = ir.TektonRef("bundles", (("bundle", "ghcr.io/tektoncd/catalog/buildah:0.9"), ("name", "buildah"),
                                   ("kind", "task")),
                       (("IMAGE", tpl(ir.ParamRef("image", STR), ":", ir.ResultRef("version", "v"))),),
                       workspace="source", span=at(60))


def native_pipeline(unit: ir.TektonRef | None = BUILDAH, **fields: Any) -> ir.Pipeline:
    source = task("source", "echo hi > /workspace/src/a\n", produces=(ir.ArtifactOut("src", "/workspace/src"),))
    version = task("version", 'printf 1 > "$SHIPSPEC_RESULTS/v"\n', results=(ir.Result("v"),))
    native = ir.Native(tekton=unit, github=ir.GitHubAction("docker/build-push-action", "b" * 40),
                       outputs=("IMAGE_DIGEST",), span=at(59))
    build = ir.Task("build", "", native=native, results=(ir.Result("IMAGE_DIGEST"),),
                    consumes=fields.pop("consumes", (ir.ArtifactIn("src", "source", "/workspace/src"),)),
                    depends=after("source", "version"), span=at(58), **fields)
    report = task("report", 'echo "$D"\n', env=(env("D", ir.ResultRef("build", "IMAGE_DIGEST")),),
                  depends=after("build"))
    return pipeline(source, version, build, report, params=(ir.Param("image", STR, "registry.example.com/app"),))


def test_a_native_task_is_a_task_ref_by_resolver(tmp_path: Path) -> None:
    pipe = documents(native_pipeline(timeout_s=600))
    assert ptask(pipe, "build") == {
        "name": "build",
        "taskRef": {"resolver": "bundles",
                    "params": [{"name": "bundle", "value": "ghcr.io/tektoncd/catalog/buildah:0.9"},
                               {"name": "name", "value": "buildah"}, {"name": "kind", "value": "task"}]},
        "runAfter": ["source", "version"],
        "params": [{"name": "IMAGE", "value": "$(params.image):$(tasks.version.results.v)"}],
        "workspaces": [{"name": "source", "workspace": "artifacts", "subPath": "src"}],
        "timeout": "10m"}
    assert ptask(pipe, "report")["params"] == [{"name": "build-image-digest",
                                                "value": "$(tasks.build.results.IMAGE_DIGEST)"}]
    path = assert_valid_path([pipe], tmp_path)
    assert validators.tekton_schema(path) == []
    assert validators.tekton_lint_checked([path]) == {path: []}  # the Task by resolver as a stand-in


@pytest.mark.parametrize("unit, fields, expected", [
    (None, {}, "task 'build' is not supported on tekton: task 'build' has no native unit for tekton"),
    (dataclasses.replace(BUILDAH, workspace=None), {},
     "consumes in native task 'build' without a workspace is not supported on tekton"),
    (BUILDAH, {"consumes": ()}, "workspace 'source' of native task 'build' is not supported on tekton"),
    (dataclasses.replace(BUILDAH, params=(("STATUS", tpl(ir.StatusRef())),)), {"is_finally": False},
     "pipeline.status as a param of native task 'build' is not supported on tekton"),
])
def test_what_a_native_task_cannot_take(unit: ir.TektonRef | None, fields: dict[str, Any], expected: str) -> None:
    found = emit(native_pipeline(unit, **fields)).diagnostics
    assert [d.rule.code for d in found] == ["SS501"] and found[0].message.startswith(expected)


def dynamic(**matrix_fields: Any) -> ir.Pipeline:
    plan = task("plan", 'printf \'["a","b"]\' > "$SHIPSPEC_RESULTS/services"\n', results=(ir.Result("services"),))
    services = ir.ResultRef("plan", "services")
    test = task("test", 'echo "$SHIPSPEC_MATRIX_SERVICE"\n', env=(ref_env(ir.MatrixRef("service")),),
                matrix=ir.Matrix((ir.MatrixAxis("service", services),), span=at(20), **matrix_fields),
                depends=(ir.Dependency("plan", explicit=False),))
    count = task("count", 'echo "$SHIPSPEC_TASK_PLAN_SERVICES" | jq length\n', env=(ref_env(services),),
                 depends=(ir.Dependency("plan", explicit=False),))
    return pipeline(plan, test, count)


def test_a_dynamic_matrix_fans_out_over_an_array_result(tmp_path: Path) -> None:
    pipe = valid_documents(dynamic(), tmp_path)
    plan = ptask(pipe, "plan")["taskSpec"]
    assert plan["results"] == [{"name": "services", "type": "array"}]
    assert plan["steps"][-1]["args"] == ["services[]"]  # [] when the task did not write it
    assert ptask(pipe, "test")["matrix"] == {"params": [{"name": "service",
                                                         "value": "$(tasks.plan.results.services[*])"}]}
    # another reader gets the array as the JSON text it was
    count = ptask(pipe, "count")
    assert count["params"] == [{"name": "plan-services", "value": "$(tasks.plan.results.services[*])"}]
    assert env_of(step(pipe, "count"))["SHIPSPEC_TASK_PLAN_SERVICES"] == "$(steps.plan-services-json.results.json)"


@pytest.mark.parametrize("shell", ["dash", "bash", "busybox"])
def test_trim_step_writes_an_empty_list_for_an_unwritten_array_result(tmp_path: Path, shell: str) -> None:
    results = tmp_path / "results"
    results.mkdir()
    (results / "written").write_text('["x"]\n')
    trim = step(documents(dynamic()), "plan", -1)
    run_script(shell, trim["script"].replace(syntax.RESULTS_DIR, str(results)), ["services[]", "written[]", "s"],
               tmp_path)
    assert {p.name: p.read_text() for p in results.iterdir()} == {"services": "[]", "written": '["x"]', "s": ""}


def test_matrix_include_and_exclude(tmp_path: Path) -> None:
    axes = (ir.MatrixAxis("os", ("linux", "windows")), ir.MatrixAxis("arch", ("amd64", "arm64")))
    include = ((("os", "darwin"), ("arch", "arm64")),)
    build = task("build", 'echo "$SHIPSPEC_MATRIX_OS"\n', env=(ref_env(ir.MatrixRef("os")),),
                 matrix=ir.Matrix(axes, include=include))
    pipe = valid_documents(pipeline(build), tmp_path)
    assert ptask(pipe, "build")["matrix"]["include"] == [
        {"name": "darwin-arm64", "params": [{"name": "os", "value": "darwin"}, {"name": "arch", "value": "arm64"}]}]
    excluded = dataclasses.replace(build, matrix=ir.Matrix(axes, include=include, exclude=((("os", "windows"),),)))
    pipe = valid_documents(pipeline(excluded), tmp_path)
    matrix = ptask(pipe, "build")["matrix"]
    assert list(matrix) == ["include"]  # listed exactly, as Tekton has no exclude
    assert [entry["name"] for entry in matrix["include"]] == ["linux-amd64", "linux-arm64", "darwin-arm64"]


def test_exclude_with_a_dynamic_axis_is_unsupported() -> None:
    found = emit(dynamic(exclude=((("service", "a"),),))).diagnostics
    assert [(d.rule.code, d.span.line) for d in found] == [("SS501", 20)]
    assert found[0].message.startswith("matrix exclude with an axis from a param or a task result is not supported")


@pytest.mark.parametrize("shell", ["dash", "bash", "busybox"])
@pytest.mark.parametrize("word, expected", [("Succeeded", "Succeeded"), ("Failed", "Failed"), ("None", "Skipped")])
def test_a_tasks_status_is_succeeded_failed_or_skipped(tmp_path: Path, shell: str, word: str, expected: str) -> None:
    status = ir.StatusRef(task="build")
    notify = task("notify", 'echo "$S"\n', env=(env("S", status),), is_finally=True)
    rollback = task("rollback", is_finally=True,
                    when=ir.Compare(status, ir.CompareOp.EQ, (ir.Literal("Skipped"),)))
    pipe = valid_documents(pipeline(task("build"), finally_tasks=(notify, rollback)), tmp_path)
    assert ptask(pipe, "notify")["params"] == [{"name": "build-status", "value": "$(tasks.build.status)"}]
    assert ptask(pipe, "rollback")["when"] == [{"input": "$(tasks.build.status)", "operator": "in",
                                                "values": ["None"]}]
    status_step, main = ptask(pipe, "notify")["taskSpec"]["steps"]
    assert env_of(main) == {"S": "$(steps.build-status.results.status)"}
    out = tmp_path / "status"
    run_script(shell, status_step["script"].replace(syntax.step_result_path("status"), str(out)), [word], tmp_path)
    assert out.read_text(encoding="utf-8") == expected


def test_a_task_whose_steps_are_all_skipped_here_is_an_error() -> None:
    action = ir.GitHubAction("actions/setup-go", "a" * 40, "v6")
    setup = ir.Step("setup", "", native=ir.Native(github=action, skip_elsewhere=True))
    found = emit(pipeline(steps_task(setup, span=at(7)))).diagnostics
    assert [(d.rule.code, d.span.line) for d in found] == [("SS501", 7)]
    assert "a Tekton Task needs a step" in found[0].message


def test_gate_names_stay_dns_labels(tmp_path: Path) -> None:
    long = "s" * 63
    pipe = valid_documents(pipeline(steps_task(sh_step(long), sh_step("b", always=True), sh_step("c"))), tmp_path)
    assert [s["name"] for s in ptask(pipe, "build")["taskSpec"]["steps"]] == [long, "passed-1", "b", "c",
                                                                              "steps-failed"]


def test_a_steps_tasks_requests_are_on_its_first_step_its_limits_on_each(tmp_path: Path) -> None:
    """A pod requests the sum of its containers' requests, and steps run one at a time."""
    resources = ir.Resources(requests=(("cpu", "500m"),), limits=(("memory", "1Gi"),))
    pipe = valid_documents(pipeline(steps_task(sh_step("a"), sh_step("b"), resources=resources)), tmp_path)
    a, b = user_steps(pipe)
    assert a["computeResources"] == {"requests": {"cpu": "500m"}, "limits": {"memory": "1Gi"}}
    assert b["computeResources"] == {"limits": {"memory": "1Gi"}}
