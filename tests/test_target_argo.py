"""The Argo backend on hand-built IR: the emitted structure, and every document through the
validators (Argo's strict schema, hera's models, shellcheck on every script)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from ir_builders import deps

import schema_check
import validators
from shipspec.compiler import ir, rules, scripts
from shipspec.compiler.diagnostics import Severity, Span
from shipspec.targets import argo, yamlout
from shipspec.targets.argo import syntax
from shipspec.targets.base import EmitOptions, Emitted

Json = dict[str, Any]

# --- IR builders ------------------------------------------------------------------------------


def span(line: int) -> Span:
    return Span("spec.yaml", line, 1, line, 20)


def param_ref(name: str, type_: ir.ParamType = ir.ParamType.STRING) -> ir.ParamRef:
    return ir.ParamRef(name, type_)


def result_ref(task: str, result: str, as_list: bool = False) -> ir.ResultRef:
    return ir.ResultRef(task, result, as_list)


def text(*parts: str | ir.Ref, line: int = 1) -> ir.Template:
    return ir.Template(tuple(parts), span(line))


def env_of(ref: ir.Ref) -> ir.EnvVar:
    """The env var lowering creates for a reference used in a script."""
    return ir.EnvVar(ir.env_name(ref), text(ref))


def eq(left: ir.Operand, *right: ir.Scalar | ir.Ref, op: ir.CompareOp = ir.CompareOp.EQ) -> ir.Compare:
    values = tuple(v if not isinstance(v, str | bool | int) else ir.Literal(v) for v in right)
    return ir.Compare(left, op, values, span(40))


def task(name: str, script: str | None = 'echo "hello"\n', **fields: Any) -> ir.Task:
    return ir.Task(name=name, image="alpine:3.20", script=script, span=span(10), **fields)


def writes(*results: str) -> str:
    return "".join(f"printf '%s' value > \"$SHIPSPEC_RESULTS/{r}\"\n" for r in results)


def pipeline(*tasks: ir.Task, finally_tasks: tuple[ir.Task, ...] = (), **fields: Any) -> ir.Pipeline:
    return ir.Pipeline(name="demo", source="spec.yaml", tasks=tasks, finally_tasks=finally_tasks, span=span(1),
                       **fields)


# --- emitting and validating ------------------------------------------------------------------


def emit(p: ir.Pipeline, kind: str = "Workflow") -> Emitted:
    return argo.emit(p, EmitOptions(argo_kind=kind))


def validate(docs: list[Json], tmp_path: Path) -> None:
    """Every validator must be silent: strict schema, hera models, shellcheck on each script."""
    path = tmp_path / "argo.yaml"
    path.write_text(yamlout.dump(docs, "spec.yaml", "argo"), encoding="utf-8")
    assert validators.argo_schema(path) == []
    assert validators.hera_models(path) == []
    scripts = validators.shell_scripts("argo", path)
    findings = {k: v for k, v in validators.shellcheck_many(scripts).items() if v}
    assert findings == {}


def compile_ok(p: ir.Pipeline, tmp_path: Path, kind: str = "Workflow") -> Json:
    out = emit(p, kind)
    assert out.diagnostics == []
    assert len(out.documents) == 1
    validate(out.documents, tmp_path)
    return out.documents[0]


def errors(p: ir.Pipeline, kind: str = "Workflow") -> list[str]:
    out = emit(p, kind)
    return [f"{d.rule.code} {d.message}" for d in out.diagnostics if d.severity is Severity.ERROR]


def template(doc: Json, name: str) -> Json:
    return next(t for t in doc["spec"]["templates"] if t["name"] == name)


def dag_task(doc: Json, name: str, dag: str = "main") -> Json:
    return next(t for t in template(doc, dag)["dag"]["tasks"] if t["name"] == name)


def env_values(container: Json) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container["env"]}


def arguments(dag_task_: Json) -> dict[str, str]:
    return {p["name"]: p["value"] for p in dag_task_["arguments"]["parameters"]}


# --- what the engine does with the text -------------------------------------------------------

STATUS = '{{=workflow.status == "Succeeded" ? "Succeeded" : "Failed"}}'
"""`pipeline.status` as the Argo backend writes it in a value."""
WHEN_STATUS = "(workflow.status == 'Succeeded' ? 'Succeeded' : 'Failed')"
"""The same inside a `when` expression tag."""


def collected(task: str, result: str) -> str:
    """A matrix task's result as its collector computes it (dag.py `_collector`)."""
    return f"sprig.toRawJson(map(fromJSON(tasks.{task}.outputs.parameters['shipspec-instances']), #.{result}))"


_TERNARY = re.compile(r'\{\{=workflow\.status == "(\w+)" \? "(\w+)" : "(\w+)"\}\}')


def kubelet_expand(text: str, env: dict[str, str]) -> str:
    """Kubernetes' expansion of env values, command and args (third_party/forked/golang/expansion):
    `$(NAME)` of a defined var is replaced, `$$` becomes `$`, anything else after `$` is kept."""
    out, i = [], 0
    while i < len(text):
        if text[i] != "$" or i + 1 == len(text):
            out.append(text[i])
            i += 1
            continue
        nxt, end = text[i + 1], text.find(")", i + 2)
        if nxt == "(" and end != -1:
            name = text[i + 2:end]
            out.append(env.get(name, f"$({name})"))
            i = end + 1
        else:
            out.append("$" if nxt == "$" else "$" + nxt)
            i += 2
    return "".join(out)


def argo_substitute(text: str, values: dict[str, str]) -> str:
    """Argo's simple tags `{{name}}`, and the `$`-doubling tags of `kubelet_safe`, replaced by
    their values (every tag must be known)."""
    text = _KUBELET_SAFE.sub(lambda m: values[m.group(1)].replace("$", "$$"), text)
    return re.sub(r"\{\{([^=}][^}]*)\}\}", lambda m: values[m.group(1)], text)


_KUBELET_SAFE = re.compile(r"\{\{=sprig\.replace\('\$', '\$\$', (inputs\.parameters\.[A-Za-z0-9_]+)\)\}\}")


def kubelet_safe(name: str) -> str:
    """The env/args form of input `name`: its value with each `$` doubled (syntax.kubelet_safe_input)."""
    return "{{=sprig.replace('$', '$$', inputs.parameters." + name + ")}}"


def argo_status(text: str, workflow_status: str) -> str:
    """The `workflow.status == "X" ? "A" : "B"` expression tag, evaluated as expr-lang does."""
    return _TERNARY.sub(lambda m: m.group(2) if workflow_status == m.group(1) else m.group(3), text)


def argo_when(when: str, variables: dict[str, str]) -> bool:
    """Whether Argo v4 runs a DAG task with this `when`, given its variables' values (workflow/
    controller/dag.go `resolveDependencyReferences`, util/template, steps.go `shouldExecute`).

    The `when` must be one expression tag: fasttemplate ends a tag at the first `}}`, and a simple
    tag would splice a value into the text. The tag body is cut from the task's JSON text (Go's
    encoder writes `<>&` as `\\u003c`…), passed through util/json.Fix, JSON-unescaped, then run by
    expr-lang with the variables as values (`_Expr`); govaluate reads the result, `true` or `false`.
    """
    result = _expression_tag(when, variables)
    assert isinstance(result, bool), result
    return result


def argo_value(value: str, variables: dict[str, str]) -> str:
    """The text Argo v4 writes in place of an argument that is one expression tag (util/template
    `expressionReplaceCore`): the value of the expression, which must be a string here."""
    result = _expression_tag(value, variables)
    assert isinstance(result, str), result
    return result


def _expression_tag(tag: str, variables: dict[str, str]) -> Any:
    assert tag.startswith("{{=") and tag.endswith("}}"), tag
    body = tag[3:-2]
    assert "{{" not in body and "}}" not in body, tag
    text = json.dumps(body, ensure_ascii=False)[1:-1]
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)  # encoding/json
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(escaped, char)  # util/json.Fix
    return _Expr(json.loads(f'"{text}"'), variables).value


class _Expr:
    """The part of expr-lang (v1.17, as Argo v4 uses it) a shipspec `when` is written in: string
    literals with Go escapes, variables from Argo's dotted names (util/expand: nested maps, a key
    that is also a parent dropped), `.`/`?.`/`[…]`, `==`, `!=`, `in`, `not in`, `&&`, `||`, `??`,
    `?:`, parentheses and lists. A missing map key is nil; reading a field of nil is an error."""

    _TOKEN = re.compile(
        r"""\s*(?:('(?:[^'\\]|\\.)*')|([A-Za-z_][A-Za-z0-9_]*)|(\?\.|\?\?|==|!=|&&|\|\||[.\[\](),?:]))""", re.S)
    _PRECEDENCE = {"||": 10, "&&": 15, "==": 20, "!=": 20, "in": 20, "not in": 20, "startsWith": 20,
                   "endsWith": 20, "contains": 20, "??": 500}
    _ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\",
                "'": "'", '"': '"', "`": "`", "?": "?"}

    def __init__(self, source: str, variables: dict[str, str]) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while source[pos:].strip():
            match = self._TOKEN.match(source, pos)
            assert match, f"expr-lang cannot read {source[pos:]!r}"
            string, name, op = match.groups()
            self.tokens.append(("str", self._unescape(string[1:-1])) if string is not None
                               else ("name", name) if name is not None else ("op", op))
            pos = match.end()
        self.env = self._expand(variables)
        self.pos = 0
        self.value = self._ternary()
        assert self.pos == len(self.tokens), source

    @classmethod
    def _unescape(cls, text: str) -> str:
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # expr-lang normalises line ends
        out, i = [], 0
        while i < len(text):
            if text[i] != "\\":
                out.append(text[i])
                i += 1
            elif text[i + 1] in cls._ESCAPES:
                out.append(cls._ESCAPES[text[i + 1]])
                i += 2
            else:
                width = {"x": 2, "u": 4, "U": 8}[text[i + 1]]
                out.append(chr(int(text[i + 2:i + 2 + width], 16)))
                i += 2 + width
        return "".join(out)

    @staticmethod
    def _expand(variables: dict[str, str]) -> dict[str, Any]:
        keys = sorted(variables)
        kept = [k for k, after in zip(keys, [*keys[1:], ""], strict=True) if not after.startswith(k + ".")]
        env: dict[str, Any] = {}
        for key in kept:
            *parents, last = key.split(".")
            node = env
            for part in parents:
                node = node.setdefault(part, {})
            node[last] = variables[key]
        return env

    def _peek(self) -> str | None:
        if self.pos == len(self.tokens) or self.tokens[self.pos][0] == "str":
            return None
        return self.tokens[self.pos][1]

    def _take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.tokens[self.pos]
        assert expected is None or token == ("op", expected), (token, expected)
        self.pos += 1
        return token

    def _ternary(self) -> Any:
        condition = self._binary(0)
        if self._peek() != "?":
            return condition
        self._take("?")
        yes = self._ternary()
        self._take(":")
        no = self._ternary()
        assert isinstance(condition, bool)
        return yes if condition else no

    def _operator(self) -> str | None:
        op = self._peek()
        if op == "not" and self.pos + 1 < len(self.tokens) and self.tokens[self.pos + 1] == ("name", "in"):
            return "not in"
        return op if op in self._PRECEDENCE else None

    def _binary(self, min_precedence: int) -> Any:
        left = self._postfix()
        while (op := self._operator()) and self._PRECEDENCE[op] >= min_precedence:
            self.pos += len(op.split())
            right = self._binary(self._PRECEDENCE[op] + 1)
            if op in ("&&", "||"):
                assert isinstance(left, bool) and isinstance(right, bool), (left, op, right)
                left = (left and right) if op == "&&" else (left or right)
            elif op == "??":
                left = right if left is None else left
            elif op in ("in", "not in"):
                assert isinstance(right, list)
                left = (left in right) == (op == "in")
            elif op in ("startsWith", "endsWith", "contains"):
                assert isinstance(left, str) and isinstance(right, str), (left, op, right)
                left = {"startsWith": left.startswith, "endsWith": left.endswith,
                        "contains": left.__contains__}[op](right)
            else:
                left = (left == right) == (op == "==")
        return left

    def _postfix(self) -> Any:
        value = self._primary()
        while self._peek() in (".", "?.", "["):
            access = self._take()[1]
            optional = access == "?."
            if access == "[" or (optional and self._peek() == "["):
                if optional:
                    self._take("[")
                key = self._ternary()
                self._take("]")
            else:
                kind, key = self._take()
                assert kind == "name"
            if value is None and optional:
                continue
            assert isinstance(value, dict), f"cannot fetch {key} from {value!r}"
            value = value.get(key)
        return value

    def _primary(self) -> Any:
        kind, token = self._take()
        if kind == "str":
            return token
        if kind == "name":
            if token in ("true", "false"):
                return token == "true"
            if token == "not":  # unary, binds tighter than every binary operator
                operand = self._postfix()
                assert isinstance(operand, bool)
                return not operand
            assert token in self.env, f"unknown name {token}"
            return self.env[token]
        if token == "(":
            value = self._ternary()
            self._take(")")
            return value
        assert token == "[", token
        items = []
        while self._peek() != "]":
            items.append(self._ternary())
            if self._peek() == ",":
                self._take(",")
        self._take("]")
        return items


# --- tests ------------------------------------------------------------------------------------


def go_ci() -> ir.Pipeline:
    """P1's shape: checkout -> test (when enable_test) -> build, with params and a result."""
    enable = param_ref("enable_test", ir.ParamType.BOOL)
    commit = result_ref("checkout", "commit")
    tag = param_ref("container_tag")
    checkout = task("checkout", writes("commit"), results=(ir.Result("commit", "short commit id"),),
                    env=(env_of(param_ref("repo_url")),), timeout_s=1200)
    test = task("test", 'go test ./...\n', depends=deps("checkout"), when=eq(enable, True),
                caches=(ir.CacheMount("gomod", "/go/pkg/mod"),), env=(ir.EnvVar("GOMODCACHE", text("/go/pkg/mod")),))
    build = task(
        "build", 'echo "building $IMAGE"\n', depends=(ir.Dependency("test", True), ir.Dependency("checkout", False)),
        env=(ir.EnvVar("IMAGE", text("registry/app:", tag, "-", commit)),),
        security=ir.SecurityContext(run_as_user=1000, seccomp="Unconfined"),
        resources=ir.Resources(requests=(("cpu", "500m"), ("memory", "1Gi")), limits=(("memory", "2Gi"),)),
    )
    params = (
        ir.Param("repo_url", ir.ParamType.STRING, None, "the repository to build"),
        ir.Param("container_tag", ir.ParamType.STRING, "v1.0.0"),
        ir.Param("enable_test", ir.ParamType.BOOL, True),
    )
    return pipeline(checkout, test, build, params=params, caches=(ir.Cache("gomod"),),
                    description="Go CI", labels=(("team", "platform"),), namespace="ci")


def test_script_env_results_depends(tmp_path: Path) -> None:
    doc = compile_ok(go_ci(), tmp_path)
    spec = doc["spec"]
    assert list(spec) == ["entrypoint", "arguments", "volumes", "templates"]
    assert spec["entrypoint"] == "main"
    assert spec["arguments"]["parameters"] == [
        {"name": "repo_url", "description": "the repository to build"},  # required: no value
        {"name": "container_tag", "value": "v1.0.0"},
        {"name": "enable_test", "value": "true"},
    ]
    checkout = template(doc, "checkout")
    assert checkout["inputs"] == {"parameters": [{"name": "params_repo_url"}]}
    assert checkout["outputs"]["parameters"] == [
        {"name": "commit", "valueFrom": {"path": "/tmp/shipspec/results/commit", "default": ""},
         "description": "short commit id"}
    ]
    assert checkout["activeDeadlineSeconds"] == 1200
    script = checkout["script"]
    assert script["command"] == ["sh"]
    assert script["source"] == "set -e\n" + writes("commit")  # the user's script under errexit
    assert script["env"] == [
        {"name": "SHIPSPEC_RESULTS", "value": "/tmp/shipspec/results"},
        {"name": "SHIPSPEC_PARAM_REPO_URL", "value": kubelet_safe("params_repo_url")},
    ]
    assert script["volumeMounts"] == [{"name": "shipspec-results", "mountPath": "/tmp/shipspec/results"}]
    assert checkout["volumes"] == [{"name": "shipspec-results", "emptyDir": {}}]
    assert dag_task(doc, "checkout") == {
        "name": "checkout", "template": "checkout",
        "arguments": {"parameters": [{"name": "params_repo_url", "value": "{{workflow.parameters.repo_url}}"}]},
    }
    assert dag_task(doc, "test")["depends"] == "checkout"
    assert dag_task(doc, "test")["when"] == "{{=workflow.parameters.enable_test == 'true'}}"
    build = dag_task(doc, "build")
    assert build["depends"] == "test && checkout"
    assert arguments(build) == {
        "params_container_tag": "{{workflow.parameters.container_tag}}",
        "tasks_checkout_commit": "{{tasks.checkout.outputs.parameters.commit}}",
    }
    env = template(doc, "build")["script"]["env"]
    assert env == [{"name": "IMAGE", "value": "registry/app:" + kubelet_safe("params_container_tag") + "-"
                    + kubelet_safe("tasks_checkout_commit")}]


def test_metadata_labels_description_namespace(tmp_path: Path) -> None:
    doc = compile_ok(go_ci(), tmp_path)
    assert doc["apiVersion"] == "argoproj.io/v1alpha1"
    assert doc["metadata"] == {
        "generateName": "demo-", "namespace": "ci", "labels": {"team": "platform"},
        "annotations": {"workflows.argoproj.io/description": "Go CI"},
    }


def test_security_context_and_resources(tmp_path: Path) -> None:
    script = template(compile_ok(go_ci(), tmp_path), "build")["script"]
    assert script["securityContext"] == {"runAsUser": 1000, "seccompProfile": {"type": "Unconfined"}}
    assert script["resources"] == {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "2Gi"}}


def test_caches_are_existing_pvcs(tmp_path: Path) -> None:
    doc = compile_ok(go_ci(), tmp_path)
    pvc = {"claimName": "demo-cache-gomod"}
    assert doc["spec"]["volumes"] == [{"name": "cache-gomod", "persistentVolumeClaim": pvc}]
    mounts = template(doc, "test")["script"]["volumeMounts"]
    assert mounts == [{"name": "cache-gomod", "mountPath": "/go/pkg/mod"}]


def test_when_and_or_in(tmp_path: Path) -> None:
    env, branch, n = param_ref("env"), param_ref("branch"), param_ref("n", ir.ParamType.INT)
    cond = ir.All((
        eq(env, "prod", "staging", op=ir.CompareOp.IN),
        ir.Any((eq(branch, "main"), eq(n, 3, op=ir.CompareOp.NE))),
        eq(branch, "x", "y", op=ir.CompareOp.NOT_IN),
    ))
    params = tuple(ir.Param(p, ir.ParamType.STRING, "main") for p in ("env", "branch", "n"))
    doc = compile_ok(pipeline(task("deploy", when=cond), params=params), tmp_path)
    e, b, nn = (f"workflow.parameters.{p}" for p in ("env", "branch", "n"))
    when = dag_task(doc, "deploy")["when"]
    assert when == (
        f"{{{{={e} in ['prod', 'staging'] && ({b} == 'main' || {nn} != '3') && {b} not in ['x', 'y']}}}}"
    )
    for env, branch, n, runs in (("prod", "main", "1", True), ("staging", "dev", "4", True),
                                 ("dev", "main", "1", False), ("prod", "dev", "3", False),
                                 ("prod", "x", "4", False), ("prod", "y", "1", False)):
        values = {"workflow.parameters.env": env, "workflow.parameters.branch": branch, "workflow.parameters.n": n}
        assert argo_when(when, values) is runs, values


def test_when_literal_quotes_are_escaped(tmp_path: Path) -> None:
    p = pipeline(task("t", when=eq(param_ref("msg"), "it's \"x\" \\")),
                 params=(ir.Param("msg", ir.ParamType.STRING, "a"),))
    doc = compile_ok(p, tmp_path)
    when = dag_task(doc, "t")["when"]
    assert when == "{{=workflow.parameters.msg == 'it\\'s \"x\" \\x5c'}}"
    assert argo_when(when, {"workflow.parameters.msg": "it's \"x\" \\"})
    assert not argo_when(when, {"workflow.parameters.msg": "it's \"x\" "})


def test_matrix_literal_two_axes(tmp_path: Path) -> None:
    os_, arch = ir.MatrixRef("os"), ir.MatrixRef("arch")
    matrix = ir.Matrix((ir.MatrixAxis("os", ("linux", "darwin")), ir.MatrixAxis("arch", ("amd64", "arm64"))))
    t = task("build", 'echo "$SHIPSPEC_MATRIX_OS/$SHIPSPEC_MATRIX_ARCH"\n', env=(env_of(os_), env_of(arch)),
             matrix=matrix, when=eq(os_, "linux", "darwin", op=ir.CompareOp.IN))
    doc = compile_ok(pipeline(t), tmp_path)
    call = dag_task(doc, "build")
    assert call["withItems"] == [
        {"os": "linux", "arch": "amd64"}, {"os": "linux", "arch": "arm64"},
        {"os": "darwin", "arch": "amd64"}, {"os": "darwin", "arch": "arm64"},
    ]
    assert arguments(call) == {"matrix_os": "{{item.os}}", "matrix_arch": "{{item.arch}}"}
    assert call["when"] == "{{=item.os in ['linux', 'darwin']}}"
    assert list(call) == ["name", "template", "arguments", "when", "withItems"]


def test_matrix_one_literal_axis_uses_plain_items(tmp_path: Path) -> None:
    v = ir.MatrixRef("v")
    t = task("t", 'echo "$SHIPSPEC_MATRIX_V"\n', env=(env_of(v),),
             matrix=ir.Matrix((ir.MatrixAxis("v", ("a", True, 3)),)))
    doc = compile_ok(pipeline(t), tmp_path)
    assert dag_task(doc, "t")["withItems"] == ["a", "true", "3"]
    assert arguments(dag_task(doc, "t")) == {"matrix_v": "{{item}}"}


def test_matrix_array_param_and_fan_in(tmp_path: Path) -> None:
    platforms = param_ref("platforms", ir.ParamType.ARRAY)
    build = task("build", writes("digest"), results=(ir.Result("digest"),), env=(env_of(ir.MatrixRef("platform")),),
                 matrix=ir.Matrix((ir.MatrixAxis("platform", platforms),)))
    digests = result_ref("build", "digest", as_list=True)
    push = task("push", 'echo "$SHIPSPEC_TASK_BUILD_DIGEST"\n', env=(env_of(digests),), depends=deps("build"))
    p = pipeline(build, push, params=(ir.Param("platforms", ir.ParamType.ARRAY, ("linux/amd64", "linux/arm64")),))
    doc = compile_ok(p, tmp_path)
    assert doc["spec"]["arguments"]["parameters"] == [{"name": "platforms", "value": '["linux/amd64","linux/arm64"]'}]
    inner = dag_task(doc, "build", "build-matrix")
    assert inner["withParam"] == "{{workflow.parameters.platforms}}"
    assert arguments(inner) == {"matrix_platform": "{{item}}"}
    # the collector's output is the JSON list of the instances' strings
    assert arguments(dag_task(doc, "push")) == {"tasks_build_digest": "{{tasks.build.outputs.parameters.digest}}"}


def test_matrix_param_crossed_with_other_axis_is_unsupported() -> None:
    axes = (ir.MatrixAxis("p", param_ref("ps", ir.ParamType.ARRAY), span(7)), ir.MatrixAxis("q", ("a",)))
    p = pipeline(task("t", matrix=ir.Matrix(axes)), params=(ir.Param("ps", ir.ParamType.ARRAY, ("x",)),))
    out = emit(p)
    assert [(d.rule, d.span.line) for d in out.diagnostics] == [(rules.UNSUPPORTED_ON_TARGET, 7)]
    assert "crosses an array param" in out.diagnostics[0].message


def test_max_parallel_wraps_the_matrix_in_a_dag_with_parallelism(tmp_path: Path) -> None:
    commit, v = result_ref("checkout", "commit"), ir.MatrixRef("v")
    checkout = task("checkout", writes("commit"), results=(ir.Result("commit"),))
    t = task("test", writes("report"), env=(env_of(commit), env_of(v)), depends=deps("checkout"),
             results=(ir.Result("report"),),
             when=ir.All((eq(v, "a", op=ir.CompareOp.NE), eq(commit, "x", op=ir.CompareOp.NE))),
             matrix=ir.Matrix((ir.MatrixAxis("v", ("a", "b", "c")),), max_parallel=2))
    after = task("after", 'echo "$SHIPSPEC_TASK_TEST_REPORT"\n', depends=deps("test"),
                 env=(env_of(result_ref("test", "report", as_list=True)),))
    doc = compile_ok(pipeline(checkout, t, after), tmp_path)
    call = dag_task(doc, "test")
    assert call == {"name": "test", "template": "test-results", "depends": "checkout",
                    "arguments": {"parameters": [{"name": "tasks_checkout_commit",
                                                  "value": "{{tasks.checkout.outputs.parameters.commit}}"}]}}
    collector = template(doc, "test-results")
    assert collector["inputs"] == {"parameters": [{"name": "tasks_checkout_commit"}]}
    assert collector["dag"]["tasks"] == [{"name": "test", "template": "test-matrix", "arguments": {"parameters": [
        {"name": "tasks_checkout_commit", "value": "{{inputs.parameters.tasks_checkout_commit}}"}]}}]
    assert "parallelism" not in collector
    wrapper = template(doc, "test-matrix")
    assert wrapper["parallelism"] == 2
    assert wrapper["inputs"] == {"parameters": [{"name": "tasks_checkout_commit"}]}
    assert wrapper["outputs"] == {"parameters": [
        {"name": "shipspec-instances",
         "valueFrom": {"parameter": "{{tasks.test.outputs.parameters}}", "default": "[]"}}]}
    inner = wrapper["dag"]["tasks"]
    assert inner == [{
        "name": "test", "template": "test",
        "arguments": {"parameters": [
            {"name": "tasks_checkout_commit", "value": "{{inputs.parameters.tasks_checkout_commit}}"},
            {"name": "matrix_v", "value": "{{item}}"}]},
        "when": "{{=item != 'a' && inputs.parameters.tasks_checkout_commit != 'x'}}",
        "withItems": ["a", "b", "c"],
    }]
    assert arguments(dag_task(doc, "after")) == {"tasks_test_report": "{{tasks.test.outputs.parameters.report}}"}


def test_max_parallel_condition_without_matrix_stays_outside(tmp_path: Path) -> None:
    t = task("t", matrix=ir.Matrix((ir.MatrixAxis("v", ("a", "b")),), max_parallel=1),
             when=eq(param_ref("go", ir.ParamType.BOOL), True))
    doc = compile_ok(pipeline(t, params=(ir.Param("go", ir.ParamType.BOOL, False),)), tmp_path)
    assert dag_task(doc, "t")["when"] == "{{=workflow.parameters.go == 'true'}}"
    assert "when" not in template(doc, "t-matrix")["dag"]["tasks"][0]


def test_finally_with_status_and_results(tmp_path: Path) -> None:
    status, tag = ir.StatusRef(), result_ref("build", "tag")
    digests = result_ref("scan", "digest", as_list=True)
    build = task("build", writes("tag"), results=(ir.Result("tag"),))
    scan = task("scan", writes("digest"), results=(ir.Result("digest"),),
                matrix=ir.Matrix((ir.MatrixAxis("v", ("a", "b")),)))
    notify = task("notify", 'echo "$SHIPSPEC_PIPELINE_STATUS $SHIPSPEC_TASK_BUILD_TAG $SHIPSPEC_TASK_SCAN_DIGEST"\n',
                  env=(env_of(status), env_of(tag), env_of(digests)), is_finally=True, depends=deps("build"),
                  when=eq(status, "Failed"))
    cleanup = task("cleanup", is_finally=True, when=eq(status, "Succeeded", op=ir.CompareOp.NE))
    doc = compile_ok(pipeline(build, scan, finally_tasks=(notify, cleanup)), tmp_path)
    assert doc["spec"]["onExit"] == "exit-handler"
    handler = template(doc, "exit-handler")
    assert [t["name"] for t in handler["dag"]["tasks"]] == ["notify", "cleanup"]
    call = dag_task(doc, "notify", "exit-handler")
    assert "depends" not in call  # the main tasks are over when the exit handler runs
    assert arguments(call) == {
        "pipeline_status": STATUS,
        "tasks_build_tag": "{{=workflow.outputs?.parameters?.build_tag ?? ''}}",
        "tasks_scan_digest": "{{=workflow.outputs?.parameters?.scan_digest ?? ''}}",
    }
    assert call["when"] == f"{{{{={WHEN_STATUS} == 'Failed'}}}}"
    assert dag_task(doc, "cleanup", "exit-handler")["when"] == f"{{{{={WHEN_STATUS} != 'Succeeded'}}}}"
    # a plain task exports its own output; a matrix task's collector exports the list
    assert template(doc, "build")["outputs"]["parameters"][0]["globalName"] == "build_tag"
    assert dag_task(doc, "scan")["template"] == "scan-results"
    outputs = template(doc, "scan-results")["outputs"]["parameters"]
    assert outputs == [{"name": "digest", "globalName": "scan_digest", "valueFrom": {
        "expression": collected("scan", "digest"), "default": ""}}]
    assert "globalName" not in template(doc, "scan")["outputs"]["parameters"][0]
    assert "parallelism" not in template(doc, "scan-matrix")


def test_artifacts_volume_shares_one_claim_by_subpath(tmp_path: Path) -> None:
    """`kubernetes: {artifacts: volume}`: one claim per run (size, class and access mode from the spec,
    kubernetes.run_claim_spec), a subPath per artifact; no artifact repository needed."""
    src = task("checkout", 'git clone https://example.com/x /src\n', produces=(ir.ArtifactOut("source", "/src"),))
    use = task("build", 'ls /work\n', depends=deps("checkout"),
               consumes=(ir.ArtifactIn("source", "checkout", "/work"),))
    doc = compile_ok(pipeline(src, use, artifact_store=ir.ArtifactStore.VOLUME, storage_size="5Gi",
                              storage_class="fast", storage_access_mode="ReadWriteMany"), tmp_path)
    assert doc["spec"]["volumeClaimTemplates"] == [{
        "metadata": {"name": "shipspec-artifacts"},
        "spec": {"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": "5Gi"}},
                 "storageClassName": "fast"},
    }]
    assert "outputs" not in template(doc, "checkout") and "inputs" not in template(doc, "build")
    assert "arguments" not in dag_task(doc, "build")
    assert template(doc, "checkout")["script"]["volumeMounts"] == [
        {"name": "shipspec-artifacts", "mountPath": "/src", "subPath": "source"}]
    assert template(doc, "build")["script"]["volumeMounts"] == [
        {"name": "shipspec-artifacts", "mountPath": "/work", "subPath": "source"}]
    assert "volumeClaimTemplates" not in compile_ok(pipeline(task("t")), tmp_path)["spec"]


def test_secret_files_and_secret_env(tmp_path: Path) -> None:
    docker = ir.SecretRef("docker-config", "config.json")
    t = task("push", 'test -n "$TOKEN"\n', env=(ir.EnvVar("TOKEN", ir.SecretRef("registry", "token")),),
             secret_files=(ir.SecretFile(docker, "/kaniko/.docker/config.json"),
                           ir.SecretFile(ir.SecretRef("docker-config", "ca.pem"), "/certs/ca.pem")))
    doc = compile_ok(pipeline(t), tmp_path)
    assert "volumes" not in doc["spec"]  # a secret volume is the task's own, with the mode its user needs
    assert template(doc, "push")["volumes"] == [
        {"name": "secret-docker-config", "secret": {"secretName": "docker-config", "defaultMode": 0o400}}]
    assert "securityContext" not in template(doc, "push")  # root: no fsGroup
    script = template(doc, "push")["script"]
    assert script["env"] == [{"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "registry", "key": "token"}}}]
    assert script["volumeMounts"] == [
        {"name": "secret-docker-config", "mountPath": "/kaniko/.docker/config.json", "subPath": "config.json",
         "readOnly": True},
        {"name": "secret-docker-config", "mountPath": "/certs/ca.pem", "subPath": "ca.pem", "readOnly": True},
    ]


def test_sidecars_privileged_only_when_asked(tmp_path: Path) -> None:
    dind = ir.Sidecar("dind", "docker:27-dind", args=("--tls=false",), privileged=True,
                      env=(ir.EnvVar("DOCKER_TLS_CERTDIR", text("")),))
    cache = ir.Sidecar("cache", "redis:7", command=("redis-server",))
    t = task("build", 'docker build .\n', sidecars=(dind, cache), env=(ir.EnvVar("DOCKER_HOST", text("tcp://localhost:2375")),))
    doc = compile_ok(pipeline(t), tmp_path)
    assert template(doc, "build")["sidecars"] == [
        {"name": "dind", "image": "docker:27-dind", "args": ["--tls=false"],
         "env": [{"name": "DOCKER_TLS_CERTDIR", "value": ""}], "securityContext": {"privileged": True}},
        {"name": "cache", "image": "redis:7", "command": ["redis-server"]},
    ]


def test_checkout_build_deploy_with_every_spec_field(tmp_path: Path) -> None:
    """P2's shape: an artifact and a result from checkout, a dind sidecar, a docker config file,
    then finally; the spec keys come in Argo's documented order."""
    tag = result_ref("checkout", "tag")
    checkout = task("checkout", 'git clone "$SHIPSPEC_PARAM_REPO" /src\n' + writes("tag"),
                    env=(env_of(param_ref("repo")),), results=(ir.Result("tag"),),
                    produces=(ir.ArtifactOut("source", "/src"),),
                    secret_files=(ir.SecretFile(ir.SecretRef("git-ssh", "id_rsa"), "/root/.ssh/id_rsa"),))
    build = task("build", 'docker build -t "app:$SHIPSPEC_TASK_CHECKOUT_TAG" /src\n', depends=deps("checkout"),
                 env=(env_of(tag), ir.EnvVar("DOCKER_HOST", text("tcp://127.0.0.1:2375"))),
                 consumes=(ir.ArtifactIn("source", "checkout", "/src"),),
                 secret_files=(ir.SecretFile(ir.SecretRef("docker-config", "config.json"),
                                             "/root/.docker/config.json"),),
                 sidecars=(ir.Sidecar("dind", "docker:27-dind", privileged=True),),
                 resources=ir.Resources(requests=(("cpu", "1"),), limits=(("memory", "4Gi"),)))
    cleanup = task("cleanup", 'echo "$SHIPSPEC_TASK_CHECKOUT_TAG"\n', env=(env_of(tag),), is_finally=True)
    p = pipeline(checkout, build, finally_tasks=(cleanup,), params=(ir.Param("repo", ir.ParamType.STRING, None),),
                 service_account="ci-bot", host_network=True, labels=(("app", "demo"),))
    doc = compile_ok(p, tmp_path)
    assert list(doc["spec"]) == ["entrypoint", "arguments", "serviceAccountName", "hostNetwork", "onExit",
                                 "templates"]
    assert doc["spec"]["serviceAccountName"] == "ci-bot" and doc["spec"]["hostNetwork"] is True
    assert [v["name"] for v in template(doc, "checkout")["volumes"]] == [
        "shipspec-results", "artifact-source", "secret-git-ssh"]
    assert [v["name"] for v in template(doc, "build")["volumes"]] == ["secret-docker-config"]
    assert [t["name"] for t in doc["spec"]["templates"]] == ["main", "exit-handler", "checkout", "build", "cleanup"]
    assert [m["name"] for m in template(doc, "build")["script"]["volumeMounts"]] == ["secret-docker-config"]
    assert list(template(doc, "build")["inputs"]) == ["parameters", "artifacts"]
    assert list(template(doc, "checkout")["outputs"]) == ["parameters", "artifacts"]
    assert arguments(dag_task(doc, "cleanup", "exit-handler")) == {
        "tasks_checkout_tag": "{{=workflow.outputs?.parameters?.checkout_tag ?? ''}}"}


def test_retries_with_backoff_and_timeout(tmp_path: Path) -> None:
    retry = ir.Retry(3, ir.Backoff(duration_s=10, factor=2, max_duration_s=5400))
    doc = compile_ok(pipeline(task("flaky", retry=retry, timeout_s=90), task("once", retry=ir.Retry(1))), tmp_path)
    flaky = template(doc, "flaky")
    assert flaky["retryStrategy"] == {"limit": 3, "retryPolicy": "Always",
                                      "backoff": {"duration": "10s", "factor": 2, "cap": "1h30m"}}
    assert flaky["activeDeadlineSeconds"] == 90
    assert template(doc, "once")["retryStrategy"] == {"limit": 1, "retryPolicy": "Always"}


def test_command_task_is_a_container_with_inputs(tmp_path: Path) -> None:
    tag = param_ref("tag")
    pack = task("pack", None, command=(text("pack"),),
                args=(text("build"), text("registry/app:", tag), text("--builder"),
                      text("paketobuildpacks/builder-jammy-base"), text("--publish")),
                results=(ir.Result("digest"),))
    doc = compile_ok(pipeline(pack, params=(ir.Param("tag", ir.ParamType.STRING, "1.2.3"),)), tmp_path)
    t = template(doc, "pack")
    assert "script" not in t
    assert t["container"]["command"] == ["pack"]
    assert t["container"]["args"][1] == "registry/app:" + kubelet_safe("params_tag")
    assert t["container"]["env"] == [{"name": "SHIPSPEC_RESULTS", "value": "/tmp/shipspec/results"}]
    assert t["volumes"] == [{"name": "shipspec-results", "emptyDir": {}}]


def test_pipeline_results_are_outputs_of_main(tmp_path: Path) -> None:
    tag, digests = result_ref("build", "tag"), result_ref("scan", "digest", as_list=True)
    build = task("build", writes("tag"), results=(ir.Result("tag"),))
    scan = task("scan", writes("digest"), results=(ir.Result("digest"),),
                matrix=ir.Matrix((ir.MatrixAxis("v", ("a", "b")),)))
    results = (
        ir.PipelineResult("tag", text(tag), "the image tag"),
        ir.PipelineResult("image", text("registry/app:", tag, "@", param_ref("suffix"))),
        ir.PipelineResult("digests", text(digests)),
        ir.PipelineResult("run", text(ir.RunRef(ir.RunField.NAME))),
        ir.PipelineResult("fixed", text('say "hi"')),
    )
    p = pipeline(build, scan, results=results, params=(ir.Param("suffix", ir.ParamType.STRING, "x"),))
    main = template(compile_ok(p, tmp_path), "main")
    assert main["inputs"] == {"parameters": [
        {"name": "suffix"}, {"name": "shipspec-run-name", "value": "{{workflow.name}}"}]}
    assert main["outputs"]["parameters"] == [
        {"name": "tag", "valueFrom": {"parameter": "{{tasks.build.outputs.parameters.tag}}", "default": ""},
         "description": "the image tag"},
        {"name": "image", "valueFrom": {
            "expression": '"registry/app:" + tasks["build"].outputs.parameters["tag"]'
                          ' + "@" + inputs.parameters["suffix"]',
            "default": ""}},
        {"name": "digests", "valueFrom": {"parameter": "{{tasks.scan.outputs.parameters.digest}}", "default": ""}},
        {"name": "run", "valueFrom": {"expression": 'inputs.parameters["shipspec-run-name"]', "default": ""}},
        {"name": "fixed", "valueFrom": {"expression": '"say \\"hi\\""', "default": ""}},
    ]


def test_run_id_and_name(tmp_path: Path) -> None:
    run_id, run_name = ir.RunRef(ir.RunField.ID), ir.RunRef(ir.RunField.NAME)
    t = task("t", 'echo "$SHIPSPEC_RUN_ID $SHIPSPEC_RUN_NAME"\n', env=(env_of(run_id), env_of(run_name)))
    assert arguments(dag_task(compile_ok(pipeline(t), tmp_path), "t")) == {
        "run_id": "{{workflow.uid}}", "run_name": "{{workflow.name}}"}


def test_run_fields_argo_knows_are_workflow_variables(tmp_path: Path) -> None:
    """run.id, run.name, run.namespace are Argo's own: no param is declared for them."""
    refs = [ir.RunRef(f) for f in (ir.RunField.ID, ir.RunField.NAME, ir.RunField.NAMESPACE)]
    doc = compile_ok(pipeline(task("t", "env\n", env=tuple(env_of(r) for r in refs))), tmp_path)
    assert arguments(dag_task(doc, "t")) == {
        "run_id": "{{workflow.uid}}", "run_name": "{{workflow.name}}", "run_namespace": "{{workflow.namespace}}"}
    assert "arguments" not in doc["spec"]


def test_other_run_fields_are_params_the_backend_declares(tmp_path: Path) -> None:
    """Each field Argo does not know is a workflow param `shipspec-run-<field>`, after the spec's
    params, in RunField order whatever the order of use, only for fields used, with the by-hand
    default and the field's meaning; the DAG task reads it as it reads a spec param."""
    used = (ir.RunField.SHA, ir.RunField.EVENT, ir.RunField.REF_NAME, ir.RunField.ATTEMPT)
    t = task("t", "env\n", env=tuple(env_of(ir.RunRef(f)) for f in used))
    doc = compile_ok(pipeline(t, params=(ir.Param("p", ir.ParamType.STRING, "x"),)), tmp_path)
    assert doc["spec"]["arguments"]["parameters"] == [
        {"name": "p", "value": "x"},
        {"name": "shipspec-run-attempt", "value": "1",
         "description": "run.attempt: " + ir.RUN_FIELDS[ir.RunField.ATTEMPT][0]},
        {"name": "shipspec-run-event", "value": "manual",
         "description": "run.event: " + ir.RUN_FIELDS[ir.RunField.EVENT][0]},
        {"name": "shipspec-run-ref-name", "value": "",
         "description": "run.ref_name: " + ir.RUN_FIELDS[ir.RunField.REF_NAME][0]},
        {"name": "shipspec-run-sha", "value": "", "description": "run.sha: " + ir.RUN_FIELDS[ir.RunField.SHA][0]},
    ]
    assert arguments(dag_task(doc, "t")) == {
        "run_sha": "{{workflow.parameters.shipspec-run-sha}}",
        "run_event": "{{workflow.parameters.shipspec-run-event}}",
        "run_ref_name": "{{workflow.parameters.shipspec-run-ref-name}}",
        "run_attempt": "{{workflow.parameters.shipspec-run-attempt}}"}
    assert env_values(template(doc, "t")["script"])["SHIPSPEC_RUN_SHA"] == kubelet_safe("run_sha")


def test_run_fields_in_argv_sidecars_and_finally_are_declared(tmp_path: Path) -> None:
    actor, repo, branch = ir.RunRef(ir.RunField.ACTOR), ir.RunRef(ir.RunField.REPOSITORY), ir.RunRef(ir.RunField.BRANCH)
    t = task("t", None, command=(text("echo"),), args=(text(actor),),
             sidecars=(ir.Sidecar("db", "postgres:16", env=(env_of(repo),)),))
    final = task("final", "env\n", is_finally=True, env=(env_of(branch),))
    doc = compile_ok(pipeline(t, finally_tasks=(final,)), tmp_path)
    assert [p["name"] for p in doc["spec"]["arguments"]["parameters"]] == [
        "shipspec-run-branch", "shipspec-run-repository", "shipspec-run-actor"]
    assert arguments(dag_task(doc, "final", "exit-handler")) == {
        "run_branch": "{{workflow.parameters.shipspec-run-branch}}"}


def test_when_on_a_declared_run_field_reads_the_param(tmp_path: Path) -> None:
    event = ir.RunRef(ir.RunField.EVENT, span(12))
    doc = compile_ok(pipeline(task("t", when=eq(event, "push"))), tmp_path)
    when = dag_task(doc, "t")["when"]
    assert when == "{{=workflow.parameters['shipspec-run-event'] == 'push'}}"
    assert argo_when(when, {"workflow.parameters.shipspec-run-event": "push"})
    assert not argo_when(when, {"workflow.parameters.shipspec-run-event": "push' || 'a' == 'a"})
    assert [p["name"] for p in doc["spec"]["arguments"]["parameters"]] == ["shipspec-run-event"]


def test_a_param_named_like_a_declared_run_param_is_unsupported() -> None:
    clash = ir.Param("shipspec-run-sha", ir.ParamType.STRING, "", span=span(3))
    used = pipeline(task("t", env=(env_of(ir.RunRef(ir.RunField.SHA, span(5))),)), params=(clash,))
    out = emit(used)
    assert [(d.rule.code, d.severity, d.span.line) for d in out.diagnostics] == [("SS501", Severity.ERROR, 3)]
    assert "a param named 'shipspec-run-sha' is not supported on argo" in out.diagnostics[0].message
    assert emit(pipeline(task("t"), params=(clash,))).diagnostics == []  # run.sha not read: no clash


def test_pipeline_results_read_run_fields_as_params(tmp_path: Path) -> None:
    """A declared run param reaches `main` by name, as a spec param does; Argo's own fields as the tag."""
    results = (ir.PipelineResult("commit", text("at ", ir.RunRef(ir.RunField.SHORT_SHA))),
               ir.PipelineResult("where", text(ir.RunRef(ir.RunField.NAMESPACE))))
    doc = compile_ok(pipeline(task("t"), results=results), tmp_path)
    main = template(doc, "main")
    assert main["inputs"] == {"parameters": [
        {"name": "shipspec-run-short-sha"}, {"name": "shipspec-run-namespace", "value": "{{workflow.namespace}}"}]}
    assert [o["valueFrom"]["expression"] for o in main["outputs"]["parameters"]] == [
        '"at " + inputs.parameters["shipspec-run-short-sha"]', 'inputs.parameters["shipspec-run-namespace"]']
    assert [p["name"] for p in doc["spec"]["arguments"]["parameters"]] == ["shipspec-run-short-sha"]


# --- concurrency -----------------------------------------------------------------------------------


def _concurrent(*parts: str | ir.Ref, cancel: bool = False, **fields: Any) -> ir.Pipeline:
    return pipeline(task("t"), concurrency=ir.Concurrency(text(*parts), cancel, span(7)), **fields)


def test_concurrency_is_a_workflow_mutex_named_after_the_group(tmp_path: Path) -> None:
    """Argo substitutes global variables in spec.synchronization before it takes the lock
    (operator.go setExecWorkflow); a run field read only there is declared too."""
    env = ir.Param("env", ir.ParamType.STRING, "dev")
    p = _concurrent("deploy-", param_ref("env"), "-", ir.RunRef(ir.RunField.REF_NAME), params=(env,))
    out = emit(p)
    assert out.diagnostics == []
    spec = compile_ok(p, tmp_path)["spec"]
    assert spec["synchronization"] == {"mutexes": [
        {"name": "deploy-{{workflow.parameters.env}}-{{workflow.parameters.shipspec-run-ref-name}}"}]}
    assert [p["name"] for p in spec["arguments"]["parameters"]] == ["env", "shipspec-run-ref-name"]
    assert list(spec)[:3] == ["entrypoint", "arguments", "synchronization"]


def test_a_group_of_references_only_is_never_an_empty_mutex_name(tmp_path: Path) -> None:
    """An empty mutex name fails Argo's lock key (sync/lock_name.go validate): the workflow would Error."""
    spec = compile_ok(_concurrent(ir.RunRef(ir.RunField.SHA), ir.RunRef(ir.RunField.NAME)), tmp_path)["spec"]
    assert spec["synchronization"]["mutexes"] == [
        {"name": "shipspec-{{workflow.parameters.shipspec-run-sha}}{{workflow.name}}"}]


def test_cancel_in_progress_is_a_warning_a_newer_run_waits(tmp_path: Path) -> None:
    out = emit(_concurrent("deploy", cancel=True))
    assert [(d.rule.code, d.severity, d.span.line) for d in out.diagnostics] == [("SS501", Severity.WARNING, 7)]
    assert "a newer run waits for the run in progress instead" in out.diagnostics[0].message
    validate(out.documents, tmp_path)
    assert out.documents[0]["spec"]["synchronization"] == {"mutexes": [{"name": "deploy"}]}


def test_argo_syntax_in_a_group_is_reported() -> None:
    """Argo would substitute a literal `{{workflow.name}}` of the group's text."""
    found = errors(_concurrent("deploy-{{workflow.name}}"))
    assert len(found) == 1 and found[0].startswith("SS501 a literal '{{' is not supported on argo")


@pytest.mark.parametrize("kind", ["Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate"])
def test_kinds(kind: str, tmp_path: Path) -> None:
    out = emit(go_ci(), kind)
    doc = out.documents[0]
    validate(out.documents, tmp_path)
    assert doc["kind"] == kind
    meta = doc["metadata"]
    if kind == "Workflow":
        assert meta["generateName"] == "demo-" and "name" not in meta
    else:
        assert meta["name"] == "demo" and "generateName" not in meta
    if kind == "ClusterWorkflowTemplate":
        assert "namespace" not in meta
        assert [(d.severity, d.rule.code) for d in out.diagnostics] == [(Severity.WARNING, "SS501")]
    else:
        assert meta["namespace"] == "ci" and out.diagnostics == []


def test_unknown_kind_is_an_error() -> None:
    out = emit(go_ci(), "CronWorkflow")
    assert out.documents == []
    assert [d.rule.code for d in out.diagnostics] == ["SS501"]


def test_go_template_braces_pass_through(tmp_path: Path) -> None:
    # double quotes: validators.shell_scripts reads any {{…}} as an engine tag (SC2016 in '…')
    script = 'docker inspect -f "{{.Id}}" app\nhelm template x --set "a={{ .Values.b }}"\n'
    doc = compile_ok(pipeline(task("t", script)), tmp_path)
    assert template(doc, "t")["script"]["source"] == "set -e\n" + script


def test_errexit_goes_after_a_shebang(tmp_path: Path) -> None:
    doc = compile_ok(pipeline(task("t", "#!/bin/sh\ncd /tmp\nls\n")), tmp_path)
    assert template(doc, "t")["script"]["source"] == "#!/bin/sh\nset -e\ncd /tmp\nls\n"


@pytest.mark.parametrize("script", [
    "echo '{{workflow.name}}'\n", "echo '{{ inputs.parameters.x }}'\n", "echo '{{=1+1}}'\n",
    "echo '{{'\n", "echo '{{ x {{item}}'\n",
])
def test_braces_argo_would_rewrite_are_unsupported(script: str) -> None:
    assert [e.split(" is ")[0] for e in errors(pipeline(task("t", script)))] == ["SS501 a literal '{{'"]


def test_braces_in_env_literal_are_checked() -> None:
    t = task("t", env=(ir.EnvVar("X", text("{{tasks.a.outputs.parameters.b}}", line=9)),))
    out = emit(pipeline(t))
    assert [(d.rule.code, d.span.line) for d in out.diagnostics] == [("SS501", 9)]


def test_task_named_like_our_templates(tmp_path: Path) -> None:
    doc = compile_ok(pipeline(task("main"), task("exit-handler", depends=deps("main"))), tmp_path)
    assert [t["name"] for t in doc["spec"]["templates"]] == ["main", "main-2", "exit-handler-2"]
    assert dag_task(doc, "main")["template"] == "main-2"


def test_output_is_deterministic() -> None:
    first, second = emit(go_ci()), emit(go_ci())
    assert yamlout.dump(first.documents, "s", "argo") == yamlout.dump(second.documents, "s", "argo")


def test_thousand_tasks(tmp_path: Path) -> None:
    """Emit time for a wide and deep pipeline (printed with -s); the output still validates."""
    tasks = [task("t0", writes("out"), results=(ir.Result("out"),))]
    for i in range(1, 1000):
        prev = result_ref(f"t{i - 1}", "out")
        tasks.append(task(f"t{i}", writes("out"), results=(ir.Result("out"),), env=(env_of(prev),),
                          depends=deps(f"t{i - 1}", f"t{i // 2}"), when=eq(prev, "value")))
    p = pipeline(*tasks)
    start = time.perf_counter()
    out = emit(p)
    elapsed = time.perf_counter() - start
    print(f"\nargo emit, 1000 tasks: {elapsed * 1000:.1f} ms")
    assert out.diagnostics == [] and elapsed < 2.0
    path = tmp_path / "big.yaml"
    path.write_text(yamlout.dump(out.documents, "spec.yaml", "argo"), encoding="utf-8")
    assert validators.argo_schema(path) == []
    assert validators.hera_models(path) == []


def test_pipeline_results_argo_cannot_read_are_unsupported() -> None:
    notify = task("notify", writes("id"), results=(ir.Result("id"),), is_finally=True)
    results = (ir.PipelineResult("id", text(result_ref("notify", "id"))),
               ir.PipelineResult("status", text("s=", ir.StatusRef(span(8)))))
    found = errors(pipeline(task("t"), finally_tasks=(notify,), results=results))
    assert [e.split(" is not")[0] for e in found] == [
        "SS501 a pipeline result from a finally task",
        "SS501 a pipeline result that reads a matrix value or the pipeline status",
    ]


def test_template_kind_name_over_argo_limit() -> None:
    p = ir.Pipeline(name="x" * 64, source="spec.yaml", tasks=(task("t"),), span=span(1))
    assert [d.rule.code for d in emit(p, "WorkflowTemplate").diagnostics] == ["SS501"]
    assert emit(p, "Workflow").diagnostics == []


# --- review findings: kubelet escaping, pipeline.status, skipped producers -----------------------


def test_literal_dollars_reach_the_container_unchanged(tmp_path: Path) -> None:
    """The kubelet expands `$(VAR)` and turns `$$` into `$` in env values, command and args, after
    Argo has substituted its tags: literal text is escaped, and so are the substituted values."""
    price = param_ref("price")
    t = task("t", None, command=(text("echo"),), args=(text("$$HOME"), text("$(FOO)"), text("$HOME")),
             env=(ir.EnvVar("FOO", text("x")), ir.EnvVar("COST", text("cost $$5")),
                  ir.EnvVar("TAIL", text("a$", price, "$(FOO)"))),
             sidecars=(ir.Sidecar("db", "redis:7", command=("redis-server",), args=("--requirepass", "pa$$(FOO)"),
                                  env=(ir.EnvVar("FOO", text("x")), ir.EnvVar("Y", text("$$", price)))),))
    doc = compile_ok(pipeline(t, params=(ir.Param("price", ir.ParamType.STRING, "(FOO)"),)), tmp_path)
    main, sidecar = template(doc, "t")["container"], template(doc, "t")["sidecars"][0]
    assert main["args"] == ["$$$HOME", "$$(FOO)", "$HOME"]
    assert env_values(main) == {"FOO": "x", "COST": "cost $$$5",
                                "TAIL": "a$$" + kubelet_safe("params_price") + "$$(FOO)",
                                "SHIPSPEC_SIDECAR_DB_HOST": "localhost"}
    assert sidecar["args"] == ["--requirepass", "pa$$$$(FOO)"]
    assert env_values(sidecar) == {"FOO": "x", "Y": "$$$$" + kubelet_safe("params_price")}

    def seen(emitted: str) -> str:
        substituted = argo_substitute(emitted, {"inputs.parameters.params_price": "(FOO)"})
        return kubelet_expand(substituted, {"FOO": "x", "HOME": "/root"})

    assert {k: seen(v) for k, v in env_values(main).items()} == {
        "FOO": "x", "COST": "cost $$5", "TAIL": "a$(FOO)$(FOO)", "SHIPSPEC_SIDECAR_DB_HOST": "localhost"}
    assert {k: seen(v) for k, v in env_values(sidecar).items()} == {"FOO": "x", "Y": "$$(FOO)"}
    assert [seen(a) for a in main["args"]] == ["$$HOME", "$(FOO)", "$HOME"]
    assert [seen(a) for a in sidecar["args"]] == ["--requirepass", "pa$$(FOO)"]
    dollars = {"inputs.parameters.params_price": "pa$$word $(FOO)"}
    assert kubelet_expand(argo_substitute(env_values(main)["TAIL"], dollars), {"FOO": "x"}) == "a$pa$$word $(FOO)$(FOO)"


def test_argo_tags_are_not_escaped(tmp_path: Path) -> None:
    """Literal text is escaped for the kubelet; a value arrives through a tag that doubles its `$`."""
    t = task("t", None, command=(text("echo"),), args=(text(param_ref("p")), text("$", ir.RunRef(ir.RunField.ID))))
    doc = compile_ok(pipeline(t, params=(ir.Param("p", ir.ParamType.STRING, "v"),)), tmp_path)
    assert template(doc, "t")["container"]["args"] == [
        kubelet_safe("params_p"), "$$" + kubelet_safe("run_id")]


def test_pipeline_status_is_succeeded_or_failed(tmp_path: Path) -> None:
    """Argo's `workflow.status` may be Error; finally tasks see Failed then, in env and in `when`,
    whichever side of the comparison the status is on."""
    status = ir.StatusRef()
    notify = task("notify", 'echo "$SHIPSPEC_PIPELINE_STATUS"\n', env=(env_of(status),), is_finally=True,
                  when=eq(status, "Failed"))
    left = task("left", is_finally=True, when=ir.Compare(ir.Literal("Failed"), ir.CompareOp.EQ, (status,)))
    ok = task("ok", is_finally=True, when=eq(status, "Succeeded", op=ir.CompareOp.NE))
    doc = compile_ok(pipeline(task("build"), finally_tasks=(notify, left, ok)), tmp_path)
    call = dag_task(doc, "notify", "exit-handler")
    assert arguments(call) == {"pipeline_status": STATUS}
    whens = {n: dag_task(doc, n, "exit-handler")["when"] for n in ("notify", "left", "ok")}
    assert whens == {"notify": f"{{{{={WHEN_STATUS} == 'Failed'}}}}", "left": f"{{{{='Failed' == {WHEN_STATUS}}}}}",
                     "ok": f"{{{{={WHEN_STATUS} != 'Succeeded'}}}}"}
    for phase, spec in (("Succeeded", "Succeeded"), ("Failed", "Failed"), ("Error", "Failed")):
        assert argo_status(arguments(call)["pipeline_status"], phase) == spec
        ran = {n: argo_when(w, {"workflow.status": phase}) for n, w in whens.items()}
        assert ran == {"notify": spec == "Failed", "left": spec == "Failed", "ok": spec == "Failed"}


def test_a_skipped_producer_yields_empty_results(tmp_path: Path) -> None:
    """Every task output has `default: ""`: Argo v4 gives a consumer the producer's default when the
    producer was skipped by its `when`, and fails the consumer when there is none."""
    go = param_ref("go", ir.ParamType.BOOL)
    tag = task("tag", writes("tag"), results=(ir.Result("tag"),), when=eq(go, True))
    scan = task("scan", writes("digest"), results=(ir.Result("digest"),), when=eq(go, True),
                matrix=ir.Matrix((ir.MatrixAxis("v", ("a", "b")),), max_parallel=1))
    use = task("use", 'echo "$SHIPSPEC_TASK_TAG_TAG $SHIPSPEC_TASK_SCAN_DIGEST"\n', depends=deps("tag", "scan"),
               env=(env_of(result_ref("tag", "tag")), env_of(result_ref("scan", "digest", as_list=True))))
    doc = compile_ok(pipeline(tag, scan, use, params=(ir.Param("go", ir.ParamType.BOOL, False),)), tmp_path)
    outputs = {(t["name"], o["name"]): o["valueFrom"] for t in doc["spec"]["templates"]
               for o in t.get("outputs", {}).get("parameters", [])}
    assert outputs == {
        ("tag", "tag"): {"path": "/tmp/shipspec/results/tag", "default": ""},
        ("scan-results", "digest"): {"expression": collected("scan", "digest"), "default": ""},
        ("scan-matrix", "shipspec-instances"): {"parameter": "{{tasks.scan.outputs.parameters}}", "default": "[]"},
        ("scan", "digest"): {"path": "/tmp/shipspec/results/digest", "default": ""},
    }


# --- `when` as an expression tag: values are variables, never text -----------------------------

HOSTILE = ("x' || 'a' == 'a", "it's", "' ] || true || ['", "production' ", "}}", "{{workflow.name}}",
           "a\\", "\\u003c", "\n", 'say "x"', "")
"""Values that would rewrite or break a `when` whose operands were spliced into quotes."""


def _when_kinds() -> ir.Pipeline:
    """One task per reference kind, each compared with the literal 'production'."""
    out, prod = result_ref("unit-test", "go-version"), "production"
    v, os_, arch = ir.MatrixRef("v"), ir.MatrixRef("os"), ir.MatrixRef("arch")
    src = task("unit-test", writes("go-version"), results=(ir.Result("go-version"),))
    tasks = (
        src,
        task("param", when=eq(param_ref("my-env"), prod)),
        task("result", depends=deps("unit-test"), when=eq(out, prod)),
        task("item", env=(env_of(v),), matrix=ir.Matrix((ir.MatrixAxis("v", ("a", "b")),)), when=eq(v, prod)),
        task("axis", env=(env_of(os_), env_of(arch)), when=eq(os_, prod),
             matrix=ir.Matrix((ir.MatrixAxis("os", ("linux",)), ir.MatrixAxis("arch", ("arm64",))))),
        task("wrapped", env=(env_of(v),), depends=deps("unit-test"), when=ir.All((eq(v, "a"), eq(out, prod))),
             matrix=ir.Matrix((ir.MatrixAxis("v", ("a", "b")),), max_parallel=1)),
        task("run-id", when=eq(ir.RunRef(ir.RunField.ID), prod)),
        task("run-name", when=eq(ir.RunRef(ir.RunField.NAME), prod)),
    )
    final = task("final", is_finally=True, when=eq(out, prod))
    return pipeline(*tasks, finally_tasks=(final,), params=(ir.Param("my-env", ir.ParamType.STRING, "dev"),))


# (task, DAG template, the Argo variables its `when` reads, given the value under test)
_KINDS: dict[str, tuple[str, Any]] = {
    "param": ("main", lambda x: {"workflow.parameters.my-env": x, "workflow.parameters.json": "[]"}),
    "result": ("main", lambda x: {"tasks.unit-test.outputs.parameters.go-version": x, "tasks.unit-test.status": "ok"}),
    "item": ("main", lambda x: {"item": x}),
    "axis": ("main", lambda x: {"item": json.dumps({"os": x, "arch": "arm64"}), "item.os": x, "item.arch": "arm64"}),
    "wrapped": ("wrapped-matrix", lambda x: {"item": "a", "inputs.parameters.tasks_unit-test_go-version": x}),
    "run-id": ("main", lambda x: {"workflow.uid": x, "workflow.name": "demo-x"}),
    "run-name": ("main", lambda x: {"workflow.name": x, "workflow.uid": "u"}),
    "final": ("exit-handler", lambda x: {"workflow.outputs.parameters.unit-test_go-version": x,
                                         "workflow.status": "Succeeded"}),
}


def test_when_reference_kinds(tmp_path: Path) -> None:
    """Each reference kind is the variable Argo binds where the DAG task is evaluated: hyphenated
    names are indexed; an item's axis is a key of the item; in a matrix wrapper a result is the
    wrapper's input; in the exit handler it is the global output, "" when it was never exported."""
    doc = compile_ok(_when_kinds(), tmp_path)
    whens = {name: dag_task(doc, name, dag)["when"] for name, (dag, _) in _KINDS.items()}
    assert whens == {
        "param": "{{=workflow.parameters['my-env'] == 'production'}}",
        "result": "{{=tasks['unit-test'].outputs.parameters['go-version'] == 'production'}}",
        "item": "{{=item == 'production'}}",
        "axis": "{{=item.os == 'production'}}",
        "wrapped": "{{=item == 'a' && inputs.parameters['tasks_unit-test_go-version'] == 'production'}}",
        "run-id": "{{=workflow.uid == 'production'}}",
        "run-name": "{{=workflow.name == 'production'}}",
        "final": "{{=(workflow.outputs?.parameters?.['unit-test_go-version'] ?? '') == 'production'}}",
    }
    assert "when" not in dag_task(doc, "wrapped")  # decided per item, inside the wrapper
    for name, (_, variables) in _KINDS.items():
        assert argo_when(whens[name], variables("production")), name
        assert not argo_when(whens[name], variables("staging")), name


@pytest.mark.parametrize("value", HOSTILE)
def test_a_value_cannot_change_the_condition(value: str, tmp_path: Path) -> None:
    """Whatever a param, result, item or run field holds, `== 'production'` is plain text equality:
    the value is bound to a variable of the expression and never becomes part of its text (with
    spliced operands, `x' || 'a' == 'a` made `'x' || 'a' == 'a' == 'production'` and `it's` an
    unclosed string). Nor does the emitted `when` have a simple `{{…}}` tag to splice into."""
    doc = compile_ok(_when_kinds(), tmp_path)
    for name, (dag, variables) in _KINDS.items():
        when = dag_task(doc, name, dag)["when"]
        assert re.findall(r"\{\{", when) == ["{{"] and when.startswith("{{="), when
        assert argo_when(when, variables(value)) is (value == "production"), (name, value)


def test_exit_handler_reads_a_missing_result_as_empty(tmp_path: Path) -> None:
    """A skipped (or never run) task exports no global output: its result compares as "", as a
    skipped producer's does in the main DAG, instead of an unresolvable tag (an erroring task)."""
    out = result_ref("build", "tag")
    build = task("build", writes("tag"), results=(ir.Result("tag"),))
    empty = task("empty", is_finally=True, when=eq(out, ""))
    doc = compile_ok(pipeline(build, finally_tasks=(empty,)), tmp_path)
    when = dag_task(doc, "empty", "exit-handler")["when"]
    assert when == "{{=(workflow.outputs?.parameters?.build_tag ?? '') == ''}}"
    assert argo_when(when, {"workflow.status": "Failed"})
    assert argo_when(when, {"workflow.outputs.parameters.other": "x"})
    assert not argo_when(when, {"workflow.outputs.parameters.build_tag": "v1"})


def test_exit_handler_arguments_read_a_missing_result_as_empty(tmp_path: Path) -> None:
    """A finally task's argument is an expression tag on the global output, "" when the producer
    exported nothing (skipped, failed before writing, never ran), as on GitHub: a simple
    `{{workflow.outputs.parameters.x}}` is left unresolved by Argo and reached the pod as text. The
    same holds for a finally matrix task and for the call of a capped one's wrapper; inside the
    wrapper the value is its input. Hyphenated names are indexed; a value is bound, never spliced."""
    tag, version = result_ref("build", "tag"), result_ref("unit-test", "go-version")
    build = task("build", writes("tag"), results=(ir.Result("tag"),))
    unit = task("unit-test", writes("go-version"), results=(ir.Result("go-version"),))
    use = task("use", 'echo "$SHIPSPEC_TASK_BUILD_TAG"\n', env=(env_of(tag),), depends=deps("build"))
    notify = task("notify", 'echo "$SHIPSPEC_TASK_BUILD_TAG $SHIPSPEC_TASK_UNIT_TEST_GO_VERSION"\n',
                  env=(env_of(tag), env_of(version)), is_finally=True)
    v = ir.MatrixRef("v")
    fan = task("fan", 'echo "$SHIPSPEC_MATRIX_V $SHIPSPEC_TASK_BUILD_TAG"\n', env=(env_of(v), env_of(tag)),
               is_finally=True, matrix=ir.Matrix((ir.MatrixAxis("v", ("a", "b")),)))
    capped = task("capped", 'echo "$SHIPSPEC_MATRIX_V $SHIPSPEC_TASK_UNIT_TEST_GO_VERSION"\n',
                  env=(env_of(v), env_of(version)), is_finally=True,
                  matrix=ir.Matrix((ir.MatrixAxis("v", ("a", "b")),), max_parallel=1))
    doc = compile_ok(pipeline(build, unit, use, finally_tasks=(notify, fan, capped)), tmp_path)
    tag_arg = "{{=workflow.outputs?.parameters?.build_tag ?? ''}}"
    version_arg = "{{=workflow.outputs?.parameters?.['unit-test_go-version'] ?? ''}}"
    assert arguments(dag_task(doc, "notify", "exit-handler")) == {
        "tasks_build_tag": tag_arg, "tasks_unit-test_go-version": version_arg}
    fan_call = dag_task(doc, "fan", "exit-handler")
    assert arguments(fan_call) == {"matrix_v": "{{item}}", "tasks_build_tag": tag_arg}
    assert fan_call["withItems"] == ["a", "b"]
    capped_call = dag_task(doc, "capped", "exit-handler")
    assert capped_call["template"] == "capped-matrix"
    assert arguments(capped_call) == {"tasks_unit-test_go-version": version_arg}
    assert arguments(template(doc, "capped-matrix")["dag"]["tasks"][0]) == {
        "matrix_v": "{{item}}", "tasks_unit-test_go-version": "{{inputs.parameters.tasks_unit-test_go-version}}"}
    # the main DAG reads the task's output as before; only the exit handler reads global outputs
    assert arguments(dag_task(doc, "use")) == {"tasks_build_tag": "{{tasks.build.outputs.parameters.tag}}"}
    assert "{{workflow.outputs" not in json.dumps(doc)
    status = {"workflow.status": "Failed", "workflow.name": "demo-x"}
    for arg, global_name in ((tag_arg, "build_tag"), (version_arg, "unit-test_go-version")):
        assert argo_value(arg, status) == ""  # nothing exported
        assert argo_value(arg, status | {"workflow.outputs.parameters.other": "x"}) == ""
        for value in (*HOSTILE, "v1.2.3", '["a","b"]'):
            assert argo_value(arg, status | {f"workflow.outputs.parameters.{global_name}": value}) == value


def test_when_compares_the_text_of_bools_and_ints(tmp_path: Path) -> None:
    flag, n = param_ref("flag", ir.ParamType.BOOL), param_ref("n", ir.ParamType.INT)
    params = (ir.Param("flag", ir.ParamType.BOOL, False), ir.Param("n", ir.ParamType.INT, 1))
    cond = ir.Any((eq(flag, True), eq(n, 42, 7, op=ir.CompareOp.IN), eq(n, 0, op=ir.CompareOp.NE)))
    doc = compile_ok(pipeline(task("t", when=cond), params=params), tmp_path)
    when = dag_task(doc, "t")["when"]
    assert when == ("{{=workflow.parameters.flag == 'true' || workflow.parameters.n in ['42', '7']"
                    " || workflow.parameters.n != '0'}}")
    for flag_, n_, runs in (("true", "0", True), ("false", "42", True), ("false", "0", False), ("False", "0", False)):
        assert argo_when(when, {"workflow.parameters.flag": flag_, "workflow.parameters.n": n_}) is runs


def test_when_groups_and_empty_groups() -> None:
    a, b = param_ref("a"), param_ref("b")
    cond = ir.Any((ir.All((eq(a, "1"), eq(b, "2"))), ir.All((eq(a, "3"),)), ir.Any(()), ir.All(())))
    p = pipeline(task("t", when=cond), params=(ir.Param("a", ir.ParamType.STRING, "x"),
                                                ir.Param("b", ir.ParamType.STRING, "y")))
    when = argo.emit(p, EmitOptions()).documents[0]["spec"]["templates"][0]["dag"]["tasks"][0]["when"]
    assert when == ("{{=(workflow.parameters.a == '1' && workflow.parameters.b == '2') || workflow.parameters.a == '3'"
                    " || false || true}}")
    assert argo_when(when, {"workflow.parameters.a": "x", "workflow.parameters.b": "y"})


@pytest.mark.parametrize("literal", [
    "it's", "{{workflow.name}}", "a}}b", "{{=1}}", "back\\slash", "\\u003c", "\\x5c", "line\nbreak", "cr\r\nlf",
    "tab\tnul\x00", "\u2028", "é😀", "<&>", '"', "", "${{ x }}",
])
def test_when_literals_reach_argo_unchanged(literal: str, tmp_path: Path) -> None:
    """A literal is an expr-lang string that no step of Argo's changes: braces, backslashes and
    control characters are escapes, so `}}` cannot end the tag, `{{` is never seen as a variable
    (no SS501 any more), and util/json.Fix finds no `\\u003c` to rewrite. It survives the YAML."""
    p = pipeline(task("t", when=eq(param_ref("p"), literal)), params=(ir.Param("p", ir.ParamType.STRING, "v"),))
    doc = compile_ok(p, tmp_path)
    written = tmp_path / "w.yaml"
    written.write_text(yamlout.dump([doc], "spec.yaml", "argo"), encoding="utf-8")
    docs, problems = schema_check.read_documents(written)
    assert problems == []
    when = docs[0][1]["spec"]["templates"][0]["dag"]["tasks"][0]["when"]
    assert when == dag_task(doc, "t")["when"]
    assert "\n" not in when and "\r" not in when
    assert argo_when(when, {"workflow.parameters.p": literal})
    assert not argo_when(when, {"workflow.parameters.p": literal + "x"})


# --- run-time fixes (issue 7) --------------------------------------------------------------------


def test_array_param_default_is_compact_json(tmp_path: Path) -> None:
    """`["a","b"]`, as the GitHub and Tekton backends write a list: the same text on every engine
    (non-ASCII stays as it is: Argo passes UTF-8 through)."""
    p = pipeline(task("t"), params=(ir.Param("platforms", ir.ParamType.ARRAY, ("linux/amd64", "é")),))
    doc = compile_ok(p, tmp_path)
    assert doc["spec"]["arguments"]["parameters"] == [{"name": "platforms", "value": '["linux/amd64","é"]'}]


def _argo_retry_delays(backoff: Json, limit: int, attempt_s: int) -> list[int]:
    """The waits Argo's controller takes before each retry, every attempt failing after `attempt_s`
    (workflow/controller/operator.go `processNodeRetries`): the n-th retry waits
    `duration * factor^(n-1)`, lowered to `cap`; `maxDuration` is a budget from the first attempt's
    start, and a retry whose wait would end past it is not made at all."""
    seconds = {"10s": 10, "2m": 120}
    delays: list[int] = []
    now = 0
    for n in range(1, limit + 1):
        now += attempt_s
        wait = seconds[backoff["duration"]] * backoff.get("factor", 1) ** (n - 1)
        if "cap" in backoff:
            wait = min(wait, seconds[backoff["cap"]])
        if "maxDuration" in backoff and now + wait > seconds[backoff["maxDuration"]]:
            break
        delays.append(wait)
        now += wait
    return delays


def test_backoff_max_duration_caps_each_delay(tmp_path: Path) -> None:
    """The spec's `maxDuration` caps each delay: Argo's `cap` (v3.7+, in the vendored v4.1 schema and
    hera's Backoff). Argo's own `maxDuration` is a total budget from the first attempt's start (and the
    retry pods' deadline), so 5 promised retries of a 30 s task would become 2."""
    retry = ir.Retry(5, ir.Backoff(duration_s=10, factor=2, max_duration_s=120))
    backoff = template(compile_ok(pipeline(task("flaky", retry=retry)), tmp_path), "flaky")["retryStrategy"]["backoff"]
    assert backoff == {"duration": "10s", "factor": 2, "cap": "2m"}
    assert _argo_retry_delays(backoff, 5, attempt_s=30) == [10, 20, 40, 80, 120]
    assert len(_argo_retry_delays({**{k: v for k, v in backoff.items() if k != "cap"}, "maxDuration": "2m"},
                                  5, attempt_s=30)) == 2


def _argo_saved_parameter(value_from: Json, written: str | None) -> str:
    """What Argo's executor stores for an output parameter read from a file (workflow/executor/
    executor.go `SaveParameters`): the file's text, or `valueFrom.default` when there is no file (an
    error without one, which fails the task); then one trailing newline is removed."""
    if written is None:
        assert "default" in value_from, "Argo fails the task: the file does not exist"
        written = value_from["default"]
    return written.removesuffix("\n")


def test_a_result_the_task_never_wrote_is_the_empty_string(tmp_path: Path) -> None:
    """The meaning every engine gives a result the script did not write: "". On Argo, `default: ""`
    on the output: the executor uses it when the file is missing, where it would otherwise fail the
    task that ran fine; a consumer of a skipped producer reads the same default."""
    doc = compile_ok(pipeline(task("t", 'echo "no result written"\n', results=(ir.Result("r"),))), tmp_path)
    value_from = template(doc, "t")["outputs"]["parameters"][0]["valueFrom"]
    assert value_from == {"path": "/tmp/shipspec/results/r", "default": ""}
    assert _argo_saved_parameter(value_from, None) == ""
    assert _argo_saved_parameter(value_from, "v1\n") == "v1"


def test_pipeline_timeout_is_the_workflow_deadline(tmp_path: Path) -> None:
    """`spec.activeDeadlineSeconds`: from the workflow's start, Argo fails what is still running or
    pending when it passes (operator.go `getWorkflowDeadline`, exec_control.go), so the run ends Failed."""
    doc = compile_ok(pipeline(task("t"), timeout_s=3600), tmp_path)
    assert doc["spec"]["activeDeadlineSeconds"] == 3600
    assert "activeDeadlineSeconds" not in compile_ok(pipeline(task("t")), tmp_path)["spec"]


def test_finally_tasks_run_after_the_pipeline_timeout_on_argo(tmp_path: Path) -> None:
    """The spec's timeout bounds the main tasks; the exit handler runs after Argo's deadline and its
    pods are exempt from it (workflowpod.go "ignore the workflow deadline for exit handler"): the
    spec's meaning, so no warning."""
    out = emit(pipeline(task("t"), finally_tasks=(task("notify", is_finally=True),), timeout_s=600))
    assert out.documents[0]["spec"]["activeDeadlineSeconds"] == 600
    assert out.diagnostics == []
    validate(out.documents, tmp_path)


def _readable_by(user: int, groups: set[int], mode: int, owner: int, group: int | None) -> bool:
    """Whether a process of `user` (in `groups`) may read a file of that owner, group and mode."""
    if user == 0:
        return True
    if user == owner:
        return bool(mode & 0o400)
    if group is not None and group in groups:
        return bool(mode & 0o040)
    return bool(mode & 0o004)


@pytest.mark.parametrize(("run_as_user", "run_as_group", "fs_group", "mode"), [
    (None, None, None, 0o400),  # the image's user, root by default: owner-only, as ssh wants
    (0, None, None, 0o400),
    (1000, None, 1000, 0o440),  # a user's own group, as images set it
    (1000, 2000, 2000, 0o440),
])
def test_secret_files_are_readable_by_the_tasks_user(run_as_user: int | None, run_as_group: int | None,
                                                     fs_group: int | None, mode: int, tmp_path: Path) -> None:
    """The kubelet writes secret files as root, group-owned by the pod's `fsGroup` when it has one. A
    task that runs as non-root (ci-go's rootless BuildKit, `runAsUser: 1000`) gets an fsGroup and its
    secret files 0440, so its user, whose group that is, can read them; a root task keeps 0400."""
    security = None if run_as_user is None else ir.SecurityContext(run_as_user=run_as_user, run_as_group=run_as_group)
    config = ir.SecretFile(ir.SecretRef("docker-config", "config.json"), "/home/user/.docker/config.json")
    t = task("push", 'test -s /home/user/.docker/config.json\n', security=security, secret_files=(config,))
    doc = compile_ok(pipeline(t), tmp_path)
    leaf = template(doc, "push")
    assert leaf.get("securityContext") == (None if fs_group is None else {"fsGroup": fs_group})
    assert leaf["volumes"] == [{"name": "secret-docker-config",
                                "secret": {"secretName": "docker-config", "defaultMode": mode}}]
    user = run_as_user or 0
    groups = {run_as_group if run_as_group is not None else user} | ({fs_group} if fs_group is not None else set())
    assert _readable_by(user, groups, mode, owner=0, group=fs_group)
    assert not _readable_by(4242, {4242}, mode, owner=0, group=fs_group)  # nobody else


def test_one_secret_in_root_and_non_root_tasks_gets_each_its_mode(tmp_path: Path) -> None:
    secret = ir.SecretFile(ir.SecretRef("docker-config", "config.json"), "/cfg/config.json")
    rootful = task("a", 'test -s /cfg/config.json\n', secret_files=(secret,))
    rootless = task("b", 'test -s /cfg/config.json\n', secret_files=(secret,),
                    security=ir.SecurityContext(run_as_user=1000, run_as_group=1000))
    doc = compile_ok(pipeline(rootful, rootless), tmp_path)
    assert [v["secret"]["defaultMode"] for v in template(doc, "a")["volumes"]] == [0o400]
    assert [v["secret"]["defaultMode"] for v in template(doc, "b")["volumes"]] == [0o440]
    assert template(doc, "b")["securityContext"] == {"fsGroup": 1000}


def _anchored(name: str, script: str, line: int, col: int, **fields: Any) -> ir.Task:
    """A task whose `run` block starts at `line`:`col` of spec.yaml, each script line one spec line
    (a `|` block without references), anchored as lowering anchors it."""
    anchors, offset = [], 0
    for i, text_line in enumerate(script.split("\n")):
        anchors.append(ir.ScriptAnchor(offset, Span("spec.yaml", line + i, col, line + i, col)))
        offset += len(text_line) + 1
    return task(name, script, script_anchors=tuple(anchors), script_comments=tuple(scripts.comments(script)),
                **fields)


def test_argo_syntax_in_a_script_is_reported_where_it_is() -> None:
    """Each tag Argo would substitute or reject is reported at its own line and column in the spec,
    not at the task's name."""
    script = 'echo start\necho "{{workflow.name}}"\nx=1; echo "{{=1+1}}"\n'
    out = emit(pipeline(_anchored("t", script, line=20, col=9)))
    found = [(d.rule.code, d.span.line, d.span.col, d.span.end_col) for d in out.diagnostics]
    assert found == [("SS501", 21, 15, 15 + len("{{workflow.name}}")), ("SS501", 22, 20, 20 + len("{{=1+1}}"))]
    assert "'{{workflow.name}}' names the Argo variable 'workflow'" in out.diagnostics[0].message


def test_argo_syntax_in_a_shell_comment_is_defused(tmp_path: Path) -> None:
    """A comment never runs, so Argo syntax in it is no error: its `{{` becomes `{ {`, which Argo
    neither substitutes nor rejects, and the shell never reads. Braces in code are untouched."""
    script = ('# deploys {{workflow.name}}, see {{=1}} and {{\necho "{{.Id}}" # {{inputs.parameters.x}}\n'
              "cat <<EOF\n# {{ .Values.b }}\nEOF\n")
    source = template(compile_ok(pipeline(_anchored("t", script, line=5, col=7)), tmp_path), "t")["script"]["source"]
    assert source == ('set -e\n# deploys { {workflow.name}}, see { {=1}} and { {\n'
                      'echo "{{.Id}}" # { {inputs.parameters.x}}\ncat <<EOF\n# {{ .Values.b }}\nEOF\n')
    assert syntax.unsafe_brace(source) is None


def test_argo_syntax_in_code_after_a_comment_is_still_reported() -> None:
    script = "# {{workflow.name}}\necho '{{workflow.uid}}'\n"
    out = emit(pipeline(_anchored("t", script, line=5, col=7)))
    assert [(d.span.line, d.span.col) for d in out.diagnostics] == [(6, 13)]


def _argo_loop_aggregate(values: list[str], result: str) -> tuple[str, str]:
    """What Argo puts in scope for a loop task's output `r` once its instances succeeded with these
    values (workflow/controller/operator.go `processAggregateNodeOutputs`): `tasks.t.outputs.parameters`,
    a JSON list of each instance's outputs as a map of strings, and `tasks.t.outputs.parameters.r`,
    which `aggregatedJSONValueList` builds by parsing every value as JSON and, when all of them are
    objects or lists, nesting the parsed values (re-encoded by Go: keys sorted, no spaces), else
    listing the strings. Go's encoder writes `<`, `>`, `&` as `\\u003c`…"""
    def go_json(value: Any) -> str:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

    parsed: list[Any] = []
    for value in values:
        try:
            parsed.append(json.loads(value))
        except ValueError:
            break
    nested = len(parsed) == len(values) and all(isinstance(v, list | dict) for v in parsed)
    return go_json([{result: v} for v in values]), go_json(parsed if nested else values)


def _collector_value(expression: str, instances: str, result: str) -> str:
    """The collector's `valueFrom.expression`, `sprig.toRawJson(map(fromJSON(X), #.r))`, as Argo
    evaluates it (expr-lang's `fromJSON` and `map`, sprig's `toRawJson`: compact, no HTML escaping)."""
    match = re.fullmatch(r"sprig\.toRawJson\(map\(fromJSON\((.+)\), #(?:\.(\w+)|\['([^']+)'\])\)\)", expression)
    assert match, expression
    assert match.group(2) or match.group(3) == result
    return json.dumps([item[result] for item in json.loads(instances)], separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize("values", [
    ["a", "b"], ['["x"]', '{"k": 1}'], ['{"b":1,"a":2}', "[ 1 ]"], ["1", "true"], ["<&>", "é"], [],
])
def test_matrix_fan_in_is_a_list_of_the_strings(values: list[str], tmp_path: Path) -> None:
    """A later task reading a matrix result gets the JSON list of the instances' strings, as on Tekton.
    Argo's `{{tasks.t.outputs.parameters.r}}` is not that: values that all parse as JSON objects or
    lists come back nested, re-encoded. Its `tasks.t.outputs.parameters` holds the exact strings, but
    as maps, and an expression cannot read it (util/expand drops a key that is the parent of another,
    `…parameters.r`). So the matrix runs in a DAG template (`t-matrix`) whose output is that list of
    maps (a `parameter` reference reads the flat scope), inside another (`t-results`) whose output
    is the list of strings, computed by an expression from the inner DAG task's plain output."""
    build = task("build", writes("digest"), results=(ir.Result("digest"),), env=(env_of(ir.MatrixRef("v")),),
                 matrix=ir.Matrix((ir.MatrixAxis("v", ("a", "b")),)))
    push = task("push", 'echo "$SHIPSPEC_TASK_BUILD_DIGEST"\n', depends=deps("build"),
                env=(env_of(result_ref("build", "digest", as_list=True)),))
    doc = compile_ok(pipeline(build, push), tmp_path)
    assert dag_task(doc, "build")["template"] == "build-results"
    assert arguments(dag_task(doc, "push")) == {"tasks_build_digest": "{{tasks.build.outputs.parameters.digest}}"}
    collector = template(doc, "build-results")
    assert collector["dag"]["tasks"] == [{"name": "build", "template": "build-matrix"}]
    [output] = collector["outputs"]["parameters"]
    assert output["name"] == "digest" and output["valueFrom"]["default"] == ""
    instances = template(doc, "build-matrix")
    assert instances["outputs"]["parameters"] == [{"name": "shipspec-instances", "valueFrom": {
        "parameter": "{{tasks.build.outputs.parameters}}", "default": "[]"}}]
    assert instances["dag"]["tasks"][0]["withItems"] == ["a", "b"]
    maps, aggregated = _argo_loop_aggregate(values, "digest")
    got = _collector_value(output["valueFrom"]["expression"], maps, "digest")
    assert got == json.dumps(values, separators=(",", ":"), ensure_ascii=False)
    if values and all(v.startswith(("[", "{")) for v in values):
        assert json.loads(aggregated) != values  # what reading Argo's aggregate directly gave


# --- artifacts through Argo's artifact repository ------------------------------------------------


def _source_pipeline(*more: ir.Task, producer_when: ir.Condition | None = None, **fields: Any) -> ir.Pipeline:
    src = task("checkout", 'git clone https://example.com/x /src/app\n', produces=(ir.ArtifactOut("source", "/src"),),
               when=producer_when)
    use = task("build", 'ls /work\n', depends=deps("checkout"),
               consumes=(ir.ArtifactIn("source", "checkout", "/work"),))
    params = (ir.Param("go", ir.ParamType.BOOL, True),) if producer_when else ()
    return pipeline(src, use, *more, params=params, **fields)


def _argo_artifact_arguments(arguments_: list[Json], scope: dict[str, Json]) -> list[Json]:
    """The artifacts a DAG task passes once Argo resolved them (workflow/controller/dag.go
    `resolveDependencyReferences`): `from` is looked up in the task's scope, where a skipped producer
    put none of its artifacts; an `optional` one that is not found is dropped, any other is an error."""
    out = []
    for art in arguments_:
        tag = art["from"].removeprefix("{{").removesuffix("}}")
        if tag in scope:
            out.append({"name": art["name"], **scope[tag]})
        else:
            assert art.get("optional"), f"Argo fails the task: Unable to resolve {tag}"
    return out


def _argo_inputs_ok(inputs: list[Json], supplied: list[Json]) -> None:
    """workflow/common/util.go `ProcessArgs`: an input artifact that is not optional must be supplied."""
    names = {a["name"] for a in supplied}
    for art in inputs:
        assert art.get("optional") or art["name"] in names, f"inputs.artifacts.{art['name']} was not supplied"


def test_artifacts_pass_through_the_artifact_repository(tmp_path: Path) -> None:
    """By default each task hands its files to Argo (`outputs.artifacts`, uploaded to the cluster's
    artifact repository by the wait container) and receives them as `inputs.artifacts`, so tasks need
    no shared volume and may run on any node. The produced path is an emptyDir: it exists, empty and
    writable, before the task runs, as the per-run volume's subPath did."""
    doc = compile_ok(_source_pipeline(), tmp_path)
    assert "volumeClaimTemplates" not in doc["spec"]
    checkout = template(doc, "checkout")
    assert checkout["outputs"] == {"artifacts": [{"name": "source", "path": "/src"}]}
    assert checkout["volumes"] == [{"name": "artifact-source", "emptyDir": {}}]
    assert checkout["script"]["volumeMounts"] == [{"name": "artifact-source", "mountPath": "/src"}]
    build = template(doc, "build")
    assert build["inputs"] == {"artifacts": [{"name": "source", "path": "/work"}]}
    assert "volumeMounts" not in build["script"]  # Argo mounts its own input-artifacts volume there
    assert dag_task(doc, "build")["arguments"] == {
        "artifacts": [{"name": "source", "from": "{{tasks.checkout.outputs.artifacts.source}}"}]}


def test_a_consumer_of_a_skipped_producer_still_runs(tmp_path: Path) -> None:
    """A producer skipped by its `when` stores no artifact. The consumer's argument and input are
    `optional`, so Argo drops the unresolved argument instead of failing the consumer (dag.go
    `resolveDependencyReferences`, util.go `ProcessArgs`). Argo then mounts nothing at the path
    (workflowpod.go `addInputArtifactsVolumes`: "skip volume mount", by design since
    argo-workflows#1503), where the spec promises an empty directory: a warning says so."""
    go = param_ref("go", ir.ParamType.BOOL)
    out = emit(_source_pipeline(producer_when=eq(go, True)))
    doc = out.documents[0]
    call = dag_task(doc, "build")
    assert call["arguments"]["artifacts"] == [
        {"name": "source", "from": "{{tasks.checkout.outputs.artifacts.source}}", "optional": True}]
    inputs = template(doc, "build")["inputs"]["artifacts"]
    assert inputs == [{"name": "source", "path": "/work", "optional": True}]
    for scope in ({}, {"tasks.checkout.outputs.artifacts.source": {"s3": {"key": "x"}}}):
        _argo_inputs_ok(inputs, _argo_artifact_arguments(call["arguments"]["artifacts"], scope))
    assert [(d.severity, d.rule.code) for d in out.diagnostics] == [(Severity.WARNING, "SS501")]
    assert "when 'checkout' is skipped, 'build' runs without /work" in out.diagnostics[0].message
    assert "artifacts: volume" in (out.diagnostics[0].hint or "")
    validate(out.documents, tmp_path)


def test_an_unconditional_producer_makes_the_artifact_required(tmp_path: Path) -> None:
    """Without a `when` the producer ran whenever the consumer runs: a missing artifact is Argo's error."""
    doc = compile_ok(_source_pipeline(), tmp_path)
    with pytest.raises(AssertionError, match="Unable to resolve"):
        _argo_artifact_arguments(dag_task(doc, "build")["arguments"]["artifacts"], {})


def test_finally_tasks_read_artifacts_through_global_outputs(tmp_path: Path) -> None:
    """Main tasks are out of scope in the exit handler: the producer exports the artifact with
    `globalName` (set as soon as its pod is done, operator.go `addOutputsToGlobalScope`) and the
    finally task reads `{{workflow.outputs.artifacts.<name>}}`, as Argo's examples/global-outputs.yaml
    does. Optional: when the producer was skipped or never ran there is nothing to read."""
    report = task("report", 'ls /report\n', is_finally=True, consumes=(ir.ArtifactIn("source", "checkout", "/report"),))
    out = emit(_source_pipeline(finally_tasks=(report,)))
    doc = out.documents[0]
    assert template(doc, "checkout")["outputs"]["artifacts"] == [
        {"name": "source", "path": "/src", "globalName": "source"}]
    call = dag_task(doc, "report", "exit-handler")
    assert call["arguments"]["artifacts"] == [
        {"name": "source", "from": "{{workflow.outputs.artifacts.source}}", "optional": True}]
    assert template(doc, "report")["inputs"]["artifacts"] == [{"name": "source", "path": "/report", "optional": True}]
    assert dag_task(doc, "build")["arguments"]["artifacts"][0]["from"] == "{{tasks.checkout.outputs.artifacts.source}}"
    assert [d.message for d in out.diagnostics] == [
        "when 'checkout' is skipped or does not run, 'report' runs without /report: Argo mounts nothing for an "
        "artifact that was not stored"]
    validate(out.documents, tmp_path)


def test_a_matrix_consumer_receives_the_artifact_through_its_wrappers(tmp_path: Path) -> None:
    """`tasks.*` is not in scope inside a wrapper DAG: the wrappers take the artifact as an input and
    hand it on (`{{inputs.artifacts.<name>}}`), optional where the producer may be skipped."""
    v = ir.MatrixRef("v")
    tests = task("test", writes("report"), env=(env_of(v),), depends=deps("checkout"), results=(ir.Result("report"),),
                 consumes=(ir.ArtifactIn("source", "checkout", "/work"),),
                 matrix=ir.Matrix((ir.MatrixAxis("v", ("a", "b")),), max_parallel=1))
    doc = compile_ok(_source_pipeline(tests), tmp_path)
    source = [{"name": "source", "from": "{{tasks.checkout.outputs.artifacts.source}}"}]
    passed = [{"name": "source", "from": "{{inputs.artifacts.source}}"}]
    assert dag_task(doc, "test")["arguments"]["artifacts"] == source
    for wrapper in ("test-results", "test-matrix"):
        assert template(doc, wrapper)["inputs"]["artifacts"] == [{"name": "source"}]
        assert template(doc, wrapper)["dag"]["tasks"][0]["arguments"]["artifacts"] == passed
    assert template(doc, "test")["inputs"]["artifacts"] == [{"name": "source", "path": "/work"}]


def test_a_matrix_producer_of_an_artifact_is_unsupported_with_the_repository() -> None:
    """Argo aggregates a loop's parameters and results, never its instances' artifacts (argo-workflows
    #934, #9061: `tasks.<loop>.outputs.artifacts` does not exist); its map-reduce workaround needs
    keys of a known repository type. The per-run volume can: the instances share its directory."""
    t = task("build", 'echo "$SHIPSPEC_MATRIX_V" > "/out/$SHIPSPEC_MATRIX_V"\n', env=(env_of(ir.MatrixRef("v")),),
             produces=(ir.ArtifactOut("binaries", "/out", span(14)),),
             matrix=ir.Matrix((ir.MatrixAxis("v", ("a", "b")),)))
    out = emit(pipeline(t))
    assert [(d.rule.code, d.span.line) for d in out.diagnostics if d.severity is Severity.ERROR] == [("SS501", 14)]
    assert "an artifact of a matrix task is not supported on argo" in out.diagnostics[0].message
    assert "kubernetes: {artifacts: volume}" in (out.diagnostics[0].hint or "")
    assert emit(pipeline(t, artifact_store=ir.ArtifactStore.VOLUME)).diagnostics == []


def test_a_pod_moving_repository_artifacts_runs_as_the_tasks_user(tmp_path: Path) -> None:
    """Argo's init and wait containers unpack and pack artifacts as the pod's user (else argoexec's
    8737, and untar does not chown): the task's runAsUser, or root, so the files are the task's own."""
    src = task("checkout", "git clone https://example.com/x /src\n", produces=(ir.ArtifactOut("source", "/src"),))
    build = task("build", "git -C /src describe\n", depends=deps("checkout"),
                 consumes=(ir.ArtifactIn("source", "checkout", "/src"),),
                 security=ir.SecurityContext(run_as_user=1000, run_as_group=3000))
    plain = task("plain")
    doc = compile_ok(pipeline(src, build, plain), tmp_path)
    assert template(doc, "checkout")["securityContext"] == {"runAsUser": 0}
    assert template(doc, "build")["securityContext"] == {"runAsUser": 1000, "runAsGroup": 3000}
    assert "securityContext" not in template(doc, "plain")
    on_volume = compile_ok(pipeline(src, build, artifact_store=ir.ArtifactStore.VOLUME), tmp_path)
    assert "securityContext" not in template(on_volume, "checkout")


# --- triggers: CronWorkflows, Argo Events ------------------------------------------------------


def triggered(*, push: ir.PushTrigger | None = None, pull_request: ir.PullRequestTrigger | None = None,
              schedules: tuple[ir.Schedule, ...] = (), fields: tuple[ir.RunField, ...] = ()) -> ir.Pipeline:
    """A pipeline with those triggers whose task reads those run fields (so they are declared)."""
    t = task("t", "env\n", env=tuple(env_of(ir.RunRef(f)) for f in fields))
    triggers = ir.Triggers(push, pull_request, schedules, span=span(50))
    return pipeline(t, params=(ir.Param("greeting", ir.ParamType.STRING, default="hi", span=span(2)),),
                    triggers=triggers)


def validate_companion(docs: list[Json], tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yamlout.dump(docs, "spec.yaml", "argo"), encoding="utf-8")
    assert validators.argo_schema(path) == []
    assert validators.hera_models(path) == []


def test_default_triggers_write_no_companion() -> None:
    assert emit(pipeline(task("t"))).companions == {}


def test_schedules_are_cron_workflows_per_time_zone(tmp_path: Path) -> None:
    schedules = (ir.Schedule("0 3 * * *", span=span(51)), ir.Schedule("0 4 * * 1", "Europe/Paris", span=span(52)),
                 ir.Schedule("30 5 * * *", "UTC", span=span(53)))
    out = emit(triggered(schedules=schedules, fields=(ir.RunField.EVENT, ir.RunField.SHA)))
    assert out.diagnostics == []
    crons = out.companions["argo-cron"]
    assert [(c["metadata"]["name"], c["spec"]["schedules"], c["spec"]["timezone"]) for c in crons] == [
        ("demo-1", ["0 3 * * *", "30 5 * * *"], "UTC"), ("demo-2", ["0 4 * * 1"], "Europe/Paris")]
    spec = crons[0]["spec"]
    assert spec["concurrencyPolicy"] == "Allow" and "schedule" not in spec
    params = {p["name"]: p["value"] for p in spec["workflowSpec"]["arguments"]["parameters"]}
    assert params == {"greeting": "hi", "shipspec-run-event": "schedule", "shipspec-run-sha": ""}
    assert spec["workflowSpec"]["templates"] == out.documents[0]["spec"]["templates"]  # the Workflow, inline
    assert out.documents[0]["spec"]["arguments"]["parameters"][1]["value"] == "manual"  # main doc untouched
    validate_companion(crons, tmp_path, "argo-cron")


def test_one_time_zone_is_one_cron_workflow_named_after_the_pipeline() -> None:
    out = emit(triggered(schedules=(ir.Schedule("0 3 * * *"),)))
    assert [c["metadata"]["name"] for c in out.companions["argo-cron"]] == ["demo"]


def test_a_template_is_referenced_by_the_cron_workflow(tmp_path: Path) -> None:
    out = emit(triggered(schedules=(ir.Schedule("0 3 * * *"),), fields=(ir.RunField.EVENT,)), "ClusterWorkflowTemplate")
    spec = out.companions["argo-cron"][0]["spec"]["workflowSpec"]
    assert spec == {"workflowTemplateRef": {"name": "demo", "clusterScope": True},
                    "arguments": {"parameters": [{"name": "shipspec-run-event", "value": "schedule"}]}}
    validate_companion(out.companions["argo-cron"], tmp_path, "argo-cron")


def test_a_cron_workflow_name_too_long_is_an_error() -> None:
    p = triggered(schedules=(ir.Schedule("0 3 * * *", span=span(51)),))
    p = ir.Pipeline(**{**{f: getattr(p, f) for f in p.__dataclass_fields__}, "name": "x" * 53})
    assert any("CronWorkflow name" in e for e in errors(p))


def sensor_of(out: Emitted) -> Json:
    return next(d for d in out.companions["argo-events"] if d["kind"] == "Sensor")


def filters(out: Emitted, dependency: str) -> list[Json]:
    dep = next(d for d in sensor_of(out)["spec"]["dependencies"] if d["name"] == dependency)
    result: list[Json] = dep["filters"]["data"]
    return result


def test_push_and_pull_request_are_an_event_source_and_a_sensor(tmp_path: Path) -> None:
    push = ir.PushTrigger(branches=("main", "release/*"), tags=("v*",), branches_ignore=(), span=span(51))
    pr = ir.PullRequestTrigger(branches=("main",), span=span(55))
    fields = (ir.RunField.EVENT, ir.RunField.REF_NAME, ir.RunField.SHA, ir.RunField.SHORT_SHA, ir.RunField.PR_NUMBER)
    out = emit(triggered(push=push, pull_request=pr, fields=fields))
    assert [d.severity for d in out.diagnostics] == [Severity.WARNING]  # no signature check
    docs = out.companions["argo-events"]
    assert [(d["kind"], d["metadata"]["name"]) for d in docs] == [("EventSource", "demo"), ("Sensor", "demo")]
    assert filters(out, "push") == [
        {"path": "header.X-Github-Event.0", "type": "string", "value": ["^push$"]},
        {"path": "body.deleted", "type": "bool", "value": ["false"]},
        {"path": "body.ref", "type": "string",
         "value": ["^refs/heads/main$", "^refs/heads/release/[^/]*$", "^refs/tags/v[^/]*$"]}]
    assert filters(out, "pull-request") == [
        {"path": "header.X-Github-Event.0", "type": "string", "value": ["^pull_request$"]},
        {"path": "body.action", "type": "string", "value": ["^opened$", "^synchronize$", "^reopened$"]},
        {"path": "body.pull_request.base.ref", "type": "string", "value": ["^main$"]}]
    triggers = sensor_of(out)["spec"]["triggers"]
    assert [t["template"]["conditions"] for t in triggers] == ["push", "pull-request"]
    wf = triggers[0]["template"]["argoWorkflow"]
    assert wf["operation"] == "submit"
    assert wf["source"]["resource"]["spec"]["templates"] == out.documents[0]["spec"]["templates"]
    bound = {p["dest"]: p["src"] for p in wf["parameters"]}
    assert bound == {  # index 0 is the spec's own param; `value` is the fallback when a source fails
        "spec.arguments.parameters.1.value": {"dependencyName": "push", "value": "push"},
        "spec.arguments.parameters.2.value": {
            "dependencyName": "push",
            "dataTemplate": '{{ .Input.body.ref | trimPrefix "refs/heads/" | trimPrefix "refs/tags/" }}', "value": ""},
        "spec.arguments.parameters.3.value": {"dependencyName": "push", "dataKey": "body.after", "value": ""},
        "spec.arguments.parameters.4.value": {"dependencyName": "push",
                                              "dataTemplate": "{{ .Input.body.after | substr 0 7 }}", "value": ""}}
    pr_bound = {p["dest"]: p["src"] for p in triggers[1]["template"]["argoWorkflow"]["parameters"]}
    assert pr_bound["spec.arguments.parameters.5.value"] == {"dependencyName": "pull-request", "dataKey": "body.number",
                                                              "value": ""}
    pr_dependency = sensor_of(out)["spec"]["dependencies"][1]
    assert pr_dependency["filters"]["exprs"] == [{"expr": "head == base", "fields": [
        {"name": "head", "path": "body.pull_request.head.repo.full_name"},
        {"name": "base", "path": "body.repository.full_name"}]}]  # a fork's pull request starts nothing
    validate_companion(docs, tmp_path, "argo-events")


def test_ignored_refs_are_negated_filters_and_keep_the_other_ref_kind_out() -> None:
    out = emit(triggered(push=ir.PushTrigger(branches_ignore=("wip/**",))))
    assert filters(out, "push")[2:] == [
        {"path": "body.ref", "type": "string", "value": ["^refs/heads/"]},
        {"path": "body.ref", "type": "string", "value": ["^refs/heads/wip/.*$"], "comparator": "!="}]


def test_a_push_without_filters_matches_every_ref() -> None:
    assert filters(emit(triggered(push=ir.PushTrigger())), "push") == [
        {"path": "header.X-Github-Event.0", "type": "string", "value": ["^push$"]},
        {"path": "body.deleted", "type": "bool", "value": ["false"]}]


def test_pull_request_path_filters_are_not_supported() -> None:
    out = errors(triggered(push=ir.PushTrigger(paths=("src/**",), span=span(51)),
                           pull_request=ir.PullRequestTrigger(paths_ignore=("docs/**",), span=span(55))))
    assert [e.split(" is not")[0] for e in out] == ["SS501 a pull request path filter"]


def test_a_template_is_submitted_by_reference_from_the_sensor(tmp_path: Path) -> None:
    out = emit(triggered(push=ir.PushTrigger(), fields=(ir.RunField.SHA,)), "WorkflowTemplate")
    resource = sensor_of(out)["spec"]["triggers"][0]["template"]["argoWorkflow"]["source"]["resource"]
    assert resource == {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"generateName": "demo-"},
                        "spec": {"workflowTemplateRef": {"name": "demo"},
                                 "arguments": {"parameters": [{"name": "shipspec-run-sha", "value": ""}]}}}
    validate_companion(out.companions["argo-events"], tmp_path, "argo-events")


def test_events_schema_check_rejects_a_typo(tmp_path: Path) -> None:
    path = tmp_path / "argo-events.yaml"
    path.write_text("apiVersion: argoproj.io/v1alpha1\nkind: EventSource\nmetadata: {name: x}\n"
                    "spec: {webhok: {}}\n", encoding="utf-8")
    assert validators.argo_schema(path) != []


def test_a_negated_pattern_in_a_list_is_a_negated_filter() -> None:
    out = emit(triggered(pull_request=ir.PullRequestTrigger(branches=("release/*", "!release/old"))))
    assert filters(out, "pull-request")[2:] == [
        {"path": "body.pull_request.base.ref", "type": "string", "value": ["^release/[^/]*$"]},
        {"path": "body.pull_request.base.ref", "type": "string", "value": ["^release/old$"], "comparator": "!="}]


def test_a_pattern_after_a_negated_one_is_a_warning() -> None:
    out = emit(triggered(push=ir.PushTrigger(branches=("!wip", "wip"), span=span(51))))
    assert any("re-include" in d.message and d.span.line == 51 for d in out.diagnostics)


# --- checkout, oidc, string tests, repositories, run settings ---------------------------------


def _checkout_pipeline(**checkout: Any) -> ir.Pipeline:
    source = ir.Task("source", "", results=tuple(ir.Result(r) for r in ir.CHECKOUT_RESULTS),
                     produces=(ir.ArtifactOut("source", "/workspace/source"),), checkout=ir.Checkout(**checkout))
    use = task("test", "go test ./...\n", depends=deps("source"), working_dir="/workspace/source",
               consumes=(ir.ArtifactIn("source", "source", "/workspace/source"),))
    return pipeline(source, use, repository=ir.Repository("example/app", clone_url="https://github.com/example/app.git"))


def test_checkout_consumers_clone_the_checkouts_sha(tmp_path: Path) -> None:
    doc = compile_ok(_checkout_pipeline(), tmp_path)
    own = dag_task(doc, "source")["arguments"]["artifacts"][0]["git"]
    used = dag_task(doc, "test")["arguments"]["artifacts"][0]["git"]
    assert own["revision"] == "{{workflow.parameters.shipspec-run-sha}}"
    assert used["revision"] == "{{tasks.source.outputs.parameters.sha}}"
    assert own["repo"] == used["repo"] == "{{workflow.parameters.shipspec-run-clone-url}}"
    assert used["depth"] == 1 and used["disableSubmodules"] is True
    params = {p["name"]: p["value"] for p in doc["spec"]["arguments"]["parameters"]}
    assert params["shipspec-run-clone-url"] == "https://github.com/example/app.git"  # run_default
    assert "outputs" not in template(doc, "test") and "artifacts" not in template(doc, "source")["outputs"]
    assert template(doc, "test")["inputs"]["artifacts"] == [{"name": "source", "path": "/workspace/source"}]


def test_a_checkout_needs_no_run_volume(tmp_path: Path) -> None:
    p = _checkout_pipeline()
    doc = compile_ok(pipeline(*p.tasks, repository=p.repository, artifact_store=ir.ArtifactStore.VOLUME), tmp_path)
    assert "volumeClaimTemplates" not in doc["spec"]
    assert dag_task(doc, "test")["arguments"]["artifacts"][0]["git"]["revision"] == (
        "{{tasks.source.outputs.parameters.sha}}")
    assert "volumeMounts" not in template(doc, "test")["script"]


def test_checkout_options_and_what_argo_cannot_clone(tmp_path: Path) -> None:
    token = ir.SecretRef("reader", "token")
    repo = text("example/", param_ref("name"))
    tasks = _checkout_pipeline(repository=repo, depth=0, tags=True, submodules="recursive", token=token).tasks
    doc = compile_ok(pipeline(*tasks, params=(ir.Param("name", ir.ParamType.STRING, "app"),)), tmp_path)
    git = dag_task(doc, "test")["arguments"]["artifacts"][0]["git"]
    assert git["repo"] == "https://github.com/example/{{workflow.parameters.name}}.git"
    assert "depth" not in git and "disableSubmodules" not in git and git["fetch"] == ["refs/tags/*:refs/tags/*"]
    assert git["usernameSecret"] == git["passwordSecret"] == {"name": "reader", "key": "token"}
    assert any("lfs" in e for e in errors(_checkout_pipeline(lfs=True)))
    assert any("submodules: top" in e for e in errors(_checkout_pipeline(submodules="top")))


@pytest.mark.parametrize("head", ["detached", "branch", "packed"])
def test_checkout_script_reports_the_cloned_commit(head: str, tmp_path: Path) -> None:
    import subprocess

    from shipspec.targets.argo import checkout

    sha = "0123456789abcdef0123456789abcdef01234567"
    git = tmp_path / "src" / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    results = tmp_path / "results"
    results.mkdir()
    if head == "detached":
        (git / "HEAD").write_text(sha + "\n")
    else:
        (git / "HEAD").write_text("ref: refs/heads/main\n")
    if head == "branch":
        (git / "refs" / "heads" / "main").write_text(sha + "\n")
    if head == "packed":
        (git / "packed-refs").write_text(f"# pack-refs\n{sha} refs/heads/main\n")
    ref = "refs/tags/$(touch pwned)" if head == "detached" else ""
    subprocess.run(["sh", "-e", "-c", checkout.SCRIPT], cwd=tmp_path / "src", check=True,
                   env={"PATH": "/usr/bin:/bin", "SHIPSPEC_RESULTS": str(results), checkout.REF_ENV: ref})
    assert (results / "sha").read_text() == sha
    assert (results / "short-sha").read_text().strip() == sha[:7]
    assert (results / "ref").read_text() == (ref or "refs/heads/main")
    assert not (tmp_path / "src" / "pwned").exists()


def test_oidc_is_a_projected_token_file(tmp_path: Path) -> None:
    doc = compile_ok(pipeline(task("sign", oidc=ir.Oidc("sigstore"))), tmp_path)
    leaf = template(doc, "sign")
    (volume,) = leaf["volumes"]
    token = volume["projected"]["sources"][0]["serviceAccountToken"]
    assert token == {"path": "token", "audience": "sigstore", "expirationSeconds": 3600}
    mount = next(m for m in leaf["script"]["volumeMounts"] if m["name"] == volume["name"])
    assert mount["readOnly"] is True
    path = env_values(leaf["script"])[ir.OIDC_TOKEN_ENV]
    assert path == f"{mount['mountPath']}/{token['path']}"


@pytest.mark.parametrize(("op", "right", "value", "holds"), [
    (ir.CompareOp.STARTS_WITH, "refs/tags/v", "refs/tags/v1.2", True),
    (ir.CompareOp.NOT_STARTS_WITH, "refs/tags/v", "refs/tags/v1.2", False),
    (ir.CompareOp.ENDS_WITH, "-rc", "1.0-rc", True),
    (ir.CompareOp.CONTAINS, "'}}", "a'}}b", True),
    (ir.CompareOp.NOT_CONTAINS, "dev", "1.0.0", True),
])
def test_string_tests_in_when(op: ir.CompareOp, right: str, value: str, holds: bool, tmp_path: Path) -> None:
    p = pipeline(task("t", when=eq(param_ref("v"), right, op=op)), params=(ir.Param("v", ir.ParamType.STRING, ""),))
    when = dag_task(compile_ok(p, tmp_path), "t")["when"]
    assert argo_when(when, {"workflow.parameters.v": value}) is holds


@pytest.mark.parametrize(("labels", "holds"), [('["preview","bug"]', True), ('["pre"]', False),
                                               ('["previews"]', False), ("[]", False)])
def test_pr_labels_membership_is_not_a_substring(labels: str, holds: bool, tmp_path: Path) -> None:
    p = pipeline(task("t", when=eq(ir.RunRef(ir.RunField.PR_LABELS), "preview", op=ir.CompareOp.CONTAINS)))
    when = dag_task(compile_ok(p, tmp_path), "t")["when"]
    assert argo_when(when, {"workflow.parameters.shipspec-run-pr-labels": labels}) is holds


def _events(p: ir.Pipeline) -> list[Json]:
    emitted = emit(p)
    assert not [d for d in emitted.diagnostics if d.severity is Severity.ERROR]
    return emitted.companions[argo.EVENTS_COMPANION]


def test_a_github_repository_listens_with_the_signed_github_source(tmp_path: Path) -> None:
    triggers = ir.Triggers(push=ir.PushTrigger(branches=("main",)), pull_request=ir.PullRequestTrigger())
    repo = ir.Repository("example/app", webhook_secret=ir.SecretRef("hook", "token"))
    p = pipeline(task("t", env=(env_of(ir.RunRef(ir.RunField.PR_LABELS)),)), triggers=triggers, repository=repo)
    emitted = emit(p)
    assert not any("signature" in d.message for d in emitted.diagnostics)
    source, sensor = emitted.companions[argo.EVENTS_COMPANION]
    github = source["spec"]["github"]["github"]
    assert github["repositories"] == [{"owner": "example", "names": ["app"]}]
    assert github["webhookSecret"] == {"name": "hook", "key": "token"}
    assert sensor["spec"]["dependencies"][0]["filters"]["data"][0]["path"] == "headers.X-Github-Event.0"
    pr = sensor["spec"]["triggers"][1]["template"]["argoWorkflow"]["parameters"]
    assert [x["src"]["dataKey"] for x in pr] == ["body.pull_request.labels.#.name"]
    validate([source, sensor], tmp_path)


def test_a_gitlab_project_listens_with_the_gitlab_source(tmp_path: Path) -> None:
    triggers = ir.Triggers(push=ir.PushTrigger(), pull_request=ir.PullRequestTrigger())
    repo = ir.Repository("group/sub/app", provider="gitlab")
    p = pipeline(task("t", env=(env_of(ir.RunRef(ir.RunField.SHA)), env_of(ir.RunRef(ir.RunField.OWNER)))),
                 triggers=triggers, repository=repo)
    source, sensor = _events(p)
    gitlab = source["spec"]["gitlab"]["gitlab"]
    assert gitlab["projects"] == ["group/sub/app"]
    assert gitlab["secretToken"] == {"name": f"{p.name}-webhook", "key": "secret"}
    push, mr = (t["template"]["argoWorkflow"]["parameters"] for t in sensor["spec"]["triggers"])
    assert push[0]["src"]["dataKey"] == "body.checkout_sha"
    assert mr[0]["src"]["dataKey"] == "body.object_attributes.last_commit.id"
    assert "dir" in push[1]["src"]["dataTemplate"]
    validate([source, sensor], tmp_path)
    labeled = pipeline(task("t"), triggers=ir.Triggers(pull_request=ir.PullRequestTrigger(types=("labeled",))),
                       repository=repo)
    assert any("'labeled'" in e for e in errors(labeled))


def test_run_settings(tmp_path: Path) -> None:
    run = ir.RunSettings(labels=(("team", "a"),), annotations=(("note", "x"),), delete_after_success_s=60,
                         delete_after_failure_s=60, pod_gc="OnPodCompletion")
    doc = compile_ok(pipeline(task("t"), run=run), tmp_path)
    assert doc["metadata"]["labels"] == {"team": "a"} and doc["metadata"]["annotations"]["note"] == "x"
    assert doc["spec"]["ttlStrategy"] == {"secondsAfterCompletion": 60}
    assert doc["spec"]["podGC"] == {"strategy": "OnPodCompletion"}
    template_doc = compile_ok(pipeline(task("t"), run=run), tmp_path, kind="WorkflowTemplate")
    assert template_doc["spec"]["workflowMetadata"] == {"labels": {"team": "a"}, "annotations": {"note": "x"}}
    assert "labels" not in template_doc["metadata"]
    assert any("keepRuns" in e for e in errors(pipeline(task("t"), run=ir.RunSettings(keep_runs=3))))


def _lua_filter(p: ir.Pipeline, body: Json) -> bool:
    """Run the push dependency's script filter as Argo Events does: gopher-lua is Lua 5.1, the
    event data the global `event` (lists as 1-based tables), `true` returned passes."""
    lupa = pytest.importorskip("lupa.lua51")
    script = _events(p)[1]["spec"]["dependencies"][0]["filters"]["script"]
    lua = lupa.LuaRuntime()
    lua.globals().event = lua.table_from({"headers": {}, "body": body}, recursive=True)
    return bool(lua.execute(script))


@pytest.mark.parametrize(("files", "ref", "runs"), [
    ([["src/a.go"]], "refs/heads/main", True),
    ([["docs/x.md"], ["src/gen/y.go"]], "refs/heads/main", False),  # `!src/gen/**` is the last match
    ([["docs/x.md"], ["go.mod"]], "refs/heads/main", True),
    ([["go%mod"]], "refs/heads/main", False),  # the glob's `.` is literal
    ([["docs/x.md"]], "refs/tags/v1", True),  # no path filter for tags
    ([], "refs/heads/new", True),  # no commit listed: cannot tell
])
def test_push_path_filter_is_a_lua_script(files: list[list[str]], ref: str, runs: bool) -> None:
    push = ir.PushTrigger(paths=("src/**", "!src/gen/**", "go.mod"))
    p = pipeline(task("t"), triggers=ir.Triggers(push=push))
    commits = [{"added": f, "modified": [], "removed": []} for f in files]
    assert _lua_filter(p, {"ref": ref, "commits": commits}) is runs


def test_push_paths_ignore_and_quotes_in_globs() -> None:
    push = ir.PushTrigger(paths_ignore=('docs/**', 'a"b\\'))
    p = pipeline(task("t"), triggers=ir.Triggers(push=push))
    body = {"ref": "refs/heads/main", "commits": [{"modified": ["docs/a.md", 'a"b\\']}]}
    assert _lua_filter(p, body) is False
    body["commits"].append({"removed": ["src/x"]})
    assert _lua_filter(p, body) is True
    assert _lua_filter(p, {"ref": "refs/heads/main", "total_commits_count": 30,
                           "commits": [{"modified": ["docs/a.md"]}]}) is True


# --- wave 2: steps, native tasks, dynamic matrix, a task's status ------------------------------

import subprocess  # noqa: E402

from shipspec.targets.argo import steps as argo_steps  # noqa: E402


def _step(name: str, script: str | None = None, **fields: Any) -> ir.Step:
    return ir.Step(name=name, image="alpine:3.20", script=script, span=span(20), **fields)


def _steps_task(*steps_: ir.Step, **fields: Any) -> ir.Task:
    return ir.Task(name="build", image="alpine:3.20", steps=steps_, span=span(10), **fields)


def _run_container_set(containers: list[Json], marker_dir: Path) -> dict[str, int]:
    """Argo's emissary in miniature: a container runs when the one it depends on exited 0
    (emissary.go `waitForDependency`), else it fails without running; commands run in local sh with
    the marker directory moved under tmp."""
    codes: dict[str, int] = {}
    for c in containers:
        deps_ = c.get("dependencies", [])
        if any(codes[d] != 0 for d in deps_):
            codes[c["name"]] = 64
            continue
        argv = [w.replace(argo_steps.MARKER_DIR, str(marker_dir)).replace("$$", "$")
                for w in [*c.get("command", []), *c.get("args", [])]]
        codes[c["name"]] = subprocess.run(argv, check=False).returncode
    return codes


def test_steps_are_a_container_set_in_order(tmp_path: Path) -> None:
    t = _steps_task(_step("a", "echo a\n"), _step("b", "echo b\n"), results=(ir.Result("r"),))
    doc = compile_ok(pipeline(t), tmp_path)
    cs = template(doc, "build")["containerSet"]
    assert [c["name"] for c in cs["containers"]] == ["a", "main"]  # outputs need a container `main`
    assert cs["containers"][1]["dependencies"] == ["a"]
    assert {m["mountPath"] for m in cs["volumeMounts"]} >= {"/workspace", "/tmp", ir.RESULTS_DIR}
    assert cs["containers"][0]["command"] == ["sh", "-c"]
    assert cs["containers"][0]["args"] == ["set -e\necho a\n"]


def test_always_step_runs_after_a_failure_and_the_task_fails(tmp_path: Path) -> None:
    log = tmp_path / "log"
    t = _steps_task(_step("a", f"echo a >> {log}; false\n"), _step("b", f"echo b >> {log}\n"),
                    _step("c", f"echo c >> {log}\n", always=True))
    doc = compile_ok(pipeline(t), tmp_path)
    (tmp_path / "m").mkdir()
    codes = _run_container_set(template(doc, "build")["containerSet"]["containers"], tmp_path / "m")
    assert log.read_text() == "a\nc\n"  # b skipped, c ran
    assert codes["c"] != 0  # the last step fails the task


def test_continue_on_error_and_timeout(tmp_path: Path) -> None:
    log = tmp_path / "log"
    t = _steps_task(_step("a", "false\n", continue_on_error=True), _step("b", "sleep 5\n", timeout_s=1),
                    _step("c", f"echo c >> {log}\n"))
    doc = compile_ok(pipeline(t), tmp_path)
    codes = _run_container_set(template(doc, "build")["containerSet"]["containers"], tmp_path)
    assert codes["a"] == 0 and codes["b"] == 124 and codes["c"] == 64
    assert not log.exists()


def test_native_step_without_body_is_an_error() -> None:
    unit = ir.Native(github=ir.GitHubAction("actions/setup-go", "a" * 40))
    t = _steps_task(_step("setup", None, native=unit), _step("b", "echo b\n"))
    assert any("step 'setup' of task 'build'" in e for e in errors(pipeline(t)))
    skip = ir.Native(github=ir.GitHubAction("actions/setup-go", "a" * 40), skip_elsewhere=True)
    assert errors(pipeline(_steps_task(_step("setup", None, native=skip), _step("b", "echo b\n")))) == []


def test_kubelet_script_escapes_only_what_the_kubelet_expands() -> None:
    assert argo_steps.kubelet_script('a=$(cat "$F") $$ $(HOME)') == 'a=$(cat "$F") $$$$ $$(HOME)'


def test_native_task_is_a_template_ref(tmp_path: Path) -> None:
    ref = ir.ArgoTemplateRef("ci", "build", True, (("image", text(param_ref("image"), ":latest")),))
    native = ir.Task(name="build", image="", native=ir.Native(argo=ref, outputs=("digest",)), span=span(10))
    reader = task("show", "echo \"$D\"\n", env=(ir.EnvVar("D", text(result_ref("build", "digest"))),),
                  depends=deps("build"))
    p = pipeline(native, reader, params=(ir.Param("image", ir.ParamType.STRING, "x"),))
    doc = compile_ok(p, tmp_path)
    call = dag_task(doc, "build")
    assert call["templateRef"] == {"name": "ci", "template": "build", "clusterScope": True}
    assert arguments(call) == {"image": "{{workflow.parameters.image}}:latest"}
    assert arguments(dag_task(doc, "show")) == {"tasks_build_digest": "{{tasks.build.outputs.parameters.digest}}"}
    assert "build" not in {t["name"] for t in doc["spec"]["templates"]}
    missing = ir.Task(name="build", image="", native=ir.Native(github=ir.GitHubAction("a/b", "a" * 40)), span=span(10))
    assert any("task 'build' has no native unit for argo" in e for e in errors(pipeline(missing)))


def test_matrix_include_exclude_and_dynamic(tmp_path: Path) -> None:
    m = ir.Matrix((ir.MatrixAxis("os", ("linux", "windows")), ir.MatrixAxis("arch", ("amd64", "arm64"))),
                  include=((("os", "darwin"), ("arch", "arm64")), (("os", "linux"), ("arch", "amd64"))),
                  exclude=((("os", "windows"),),))
    doc = compile_ok(pipeline(task("t", matrix=m)), tmp_path)
    assert dag_task(doc, "t")["withItems"] == [{"os": "linux", "arch": "amd64"}, {"os": "linux", "arch": "arm64"},
                                               {"os": "darwin", "arch": "arm64"}]
    plan = task("plan", writes("list"), results=(ir.Result("list"),))
    dyn = ir.Matrix((ir.MatrixAxis("s", result_ref("plan", "list")),))
    doc = compile_ok(pipeline(plan, task("t", matrix=dyn, depends=deps("plan"))), tmp_path)
    assert dag_task(doc, "t")["withParam"] == "{{tasks.plan.outputs.parameters.list}}"
    crossed = ir.Matrix((ir.MatrixAxis("s", result_ref("plan", "list")), ir.MatrixAxis("o", ("a",))))
    assert any("crosses a task's result" in e for e in errors(pipeline(plan, task("t", matrix=crossed))))


def test_task_status_in_the_exit_handler(tmp_path: Path) -> None:
    ref = ir.StatusRef(task="t")
    final = task("f", 'echo "$S"\n', env=(ir.EnvVar("S", text(ref)),), is_finally=True)
    doc = compile_ok(pipeline(task("t"), finally_tasks=(final,)), tmp_path)
    ran = next(o for o in template(doc, "t")["outputs"]["parameters"] if o["name"] == "shipspec-ran")
    assert ran["globalName"] == "t_shipspec-ran" and ran["valueFrom"]["default"] == "true"
    value = arguments(dag_task(doc, "f", "exit-handler"))["tasks_t_status"]
    assert "workflow.failures" in value and ".displayName == 't'" in value
    assert "'Succeeded'" in value and "'Skipped'" in value


def test_dynamic_matrix_inside_its_wrapper(tmp_path: Path) -> None:
    plan = task("plan", writes("list"), results=(ir.Result("list"),))
    dyn = ir.Matrix((ir.MatrixAxis("s", result_ref("plan", "list")),), max_parallel=2)
    t = task("t", writes("r"), matrix=dyn, depends=deps("plan"), results=(ir.Result("r"),))
    doc = compile_ok(pipeline(plan, t), tmp_path)
    assert arguments(dag_task(doc, "t")) == {"tasks_plan_list": "{{tasks.plan.outputs.parameters.list}}"}
    inner = template(doc, "t-matrix")["dag"]["tasks"][0]
    assert inner["withParam"] == "{{inputs.parameters.tasks_plan_list}}"


def test_native_task_refuses_what_a_call_cannot_set() -> None:
    unit = ir.Native(argo=ir.ArgoTemplateRef("ci", "build"))
    t = ir.Task(name="build", image="", native=unit, timeout_s=60, retry=ir.Retry(2), span=span(10))
    found = errors(pipeline(t))
    assert any("retries on the native task 'build'" in e for e in found)
    assert any("a timeout on the native task 'build'" in e for e in found)


def test_dynamic_matrix_from_a_conditional_producer_warns() -> None:
    plan = task("plan", writes("list"), results=(ir.Result("list"),), when=eq(param_ref("p"), "x"))
    dyn = ir.Matrix((ir.MatrixAxis("s", result_ref("plan", "list")),))
    out = emit(pipeline(plan, task("t", matrix=dyn, depends=deps("plan")),
                        params=(ir.Param("p", ir.ParamType.STRING, "x"),)))
    assert [d.severity for d in out.diagnostics] == [Severity.WARNING]
    assert "withParam" in out.diagnostics[0].message
