"""One IR task as a pipeline task with an inline `taskSpec`: steps, sidecars, mounts, guards.

Keys follow the Go field order of Tekton's API types (docs/pipeline-api.md), which is also the
order `kubectl get -o yaml` shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...compiler import ir
from ...compiler.diagnostics import Diagnostic
from .. import kubernetes
from . import checkout, checks, helpers, inputs, matrix, native, syntax
from . import steps as task_steps

Doc = dict[str, Any]

_STATUS_WORDS = {"Succeeded": ["Succeeded", "Completed"], "Failed": ["Failed", "None"]}
"""`$(tasks.status)` says Completed for success with skipped tasks, None after a cancel or timeout."""
_TASK_STATUS_WORDS = {"Skipped": ["None"]}
"""`$(tasks.t.status)` is Succeeded, Failed or None: skipped, or never run (pipelines.md, "Using
Execution Status of pipelineTask")."""


def pipeline_task(task: ir.Task, pipeline: ir.Pipeline, diags: list[Diagnostic], *, guarded: bool = False) -> Doc:
    """Keys in the order of Tekton's docs: name, taskSpec, runAfter, when, params, matrix,
    workspaces, retries, timeout.

    `guarded` (see `skips`): the task's `when` goes on its main step, not on the pipeline task.

    `timeout` only when the spec sets one. Without it Tekton applies the cluster's default
    (default-timeout-minutes, 60 in a default install; config/config-defaults.yaml), or the run's
    `timeouts` where they are longer (pipelineruns.md, "Configuring a failure timeout")."""
    if task.checkout is not None:
        if guarded and task.when is not None:
            diags.append(checks.unsupported(
                task.when.span, f"a condition on checkout '{task.name}' whose results are read",
                "the catalog git-clone Task has no step shipspec can guard, and Tekton skips every task that "
                "reads the results of a skipped task", "add --tekton-checkout inline, or read no result of it"))
        return _catalog_checkout(task, diags)
    if task.native is not None:
        return _native(task, guarded, diags)
    found = inputs.collect(task, diags, condition=guarded)
    step_when: list[Doc] = []
    if guarded and task.when is not None:
        step_when = _when(task.when, diags, lambda ref: syntax.param(found[ref].name) if ref in found else None)
    out: Doc = {"name": task.name, "taskSpec": _task_spec(task, pipeline, found, step_when, diags)}
    if task.depends and not task.is_finally:  # finally tasks all start after the main tasks
        out["runAfter"] = list(task.depends_on)
    if task.when is not None and not guarded and (when := _when(task.when, diags)):
        out["when"] = when
    if params := inputs.task_params(found):
        out["params"] = params
    if task.matrix is not None:
        out["matrix"] = matrix.matrix_doc(task, found, diags)
    if artifacts := _artifacts(task):
        out["workspaces"] = [{"name": name, "workspace": syntax.ARTIFACTS_WORKSPACE, "subPath": name}
                             for name, _ in artifacts]
    if task.retry is not None:
        out |= _retries(task.retry, diags)
    if task.timeout_s is not None:
        out["timeout"] = kubernetes.go_duration(task.timeout_s)
    return out


def _catalog_checkout(task: ir.Task, diags: list[Diagnostic]) -> Doc:
    """The catalog git-clone Task by resolver (`checkout`); its `when` stays on the pipeline task."""
    task_ref, params, workspaces = checkout.catalog_task(task, _pipeline_text)
    out: Doc = {"name": task.name, "taskRef": task_ref}
    if task.depends:
        out["runAfter"] = list(task.depends_on)
    if task.when is not None and (when := _when(task.when, diags)):
        out["when"] = when
    out["params"] = params
    out["workspaces"] = workspaces
    if task.retry is not None:
        out |= _retries(task.retry, diags)
    if task.timeout_s is not None:
        out["timeout"] = kubernetes.go_duration(task.timeout_s)
    return out


def _native(task: ir.Task, guarded: bool, diags: list[Diagnostic]) -> Doc:
    """A native Task by resolver (`native`), with the retries and timeout of any pipeline task."""
    out = native.native_task(task, guarded, diags, lambda cond: _when(cond, diags)) or {"name": task.name}
    if task.retry is not None:
        out |= _retries(task.retry, diags)
    if task.timeout_s is not None:
        out["timeout"] = kubernetes.go_duration(task.timeout_s)
    return out


def _pipeline_text(template: ir.Template) -> str:
    """A pipeline task's param value: literal text and the pipeline's own references."""
    return "".join(p if isinstance(p, str) else (syntax.pipeline_ref(p) or "") for p in template.parts)


OIDC_VOLUME = "shipspec-oidc"
OIDC_DIR = "/var/run/secrets/shipspec/oidc"
OIDC_EXPIRATION_S = 3600
"""An hour, the kubelet's default for a projected token (at least 600 is required)."""


def _oidc_volume(oidc: ir.Oidc) -> Doc:
    """A projected service-account token for the audience: the kubelet refreshes it before it expires."""
    token = {"audience": oidc.audience, "expirationSeconds": OIDC_EXPIRATION_S, "path": "token"}
    return {"name": OIDC_VOLUME, "projected": {"sources": [{"serviceAccountToken": token}]}}


def _task_spec(task: ir.Task, pipeline: ir.Pipeline, found: inputs.Inputs, step_when: list[Doc],
               diags: list[Diagnostic]) -> Doc:
    """Keys in the order of Tekton's Task docs: params, workspaces, results, volumes, steps, sidecars."""
    spec: Doc = {}
    if params := inputs.spec_params(found):
        spec["params"] = params
    if artifacts := _artifacts(task):
        spec["workspaces"] = [{"name": name, "mountPath": path} for name, path in artifacts]
    arrays = {r for t, r in matrix.array_results(pipeline) if t == task.name}
    if task.results:
        spec["results"] = [{"name": r.name} | ({"type": "array"} if r.name in arrays else {})
                           | ({"description": r.description} if r.description else {}) for r in task.results]
    security = (kubernetes.security_context(task.security) or None) if task.security else None
    volumes = _volume_names(task)
    shared_tmp = task_steps.shares_tmp(task)
    if volumes or task.oidc is not None or shared_tmp:
        spec["volumes"] = [_volume(kind, name, volume, task, pipeline) for (kind, name), volume in volumes.items()]
        spec["volumes"] += [_oidc_volume(task.oidc)] if task.oidc is not None else []
        spec["volumes"] += [{"name": task_steps.TMP_VOLUME, "emptyDir": {}}] if shared_tmp else []
    steps = inputs.value_steps(found, security)
    closing: list[Doc] = []
    if task.steps:
        taken = {s["name"] for s in steps}
        user, closing = task_steps.task_steps(task, found, _common(task, found, security, volumes, step_when),
                                              taken, diags)
        steps += user
    else:
        steps.append(_main_step(task, found, security, volumes, step_when))
    if task.results:
        steps.append(_trim_results_step(task, {s["name"] for s in steps + closing}, security, arrays))
    spec["steps"] = steps + closing
    if task.sidecars:
        spec["sidecars"] = [_sidecar(s, found) for s in task.sidecars]
    return spec


def _artifacts(task: ir.Task) -> list[tuple[str, str]]:
    """(artifact, path): each is a sub-directory of the run's volume, mounted at its path."""
    return [(a.name, a.path) for a in task.produces] + [(a.name, a.path) for a in task.consumes]


def _main_step(task: ir.Task, found: inputs.Inputs, security: Doc | None,
               volumes: dict[tuple[str, str], str], when: list[Doc]) -> Doc:
    """The task's one step, named after it: the user's script or command; `when` guards it."""
    step: Doc = {"name": task.name, "image": task.image}
    if task.command:
        step["command"] = [inputs.render(t, found) for t in task.command]
    if task.args:
        step["args"] = [inputs.render(t, found) for t in task.args]
    if task.working_dir:
        step["workingDir"] = task.working_dir
    env = _env(task.env, found, results=bool(task.results))
    env += [{"name": s.host_env, "value": ir.SIDECAR_HOST_KUBERNETES} for s in task.sidecars]
    if task.oidc is not None:
        env.append({"name": ir.OIDC_TOKEN_ENV, "value": f"{OIDC_DIR}/token"})
    if env:
        step["env"] = env
    if task.resources is not None and (resources := kubernetes.resources(task.resources)):
        step["computeResources"] = resources
    if mounts := _mounts(task, volumes):
        step["volumeMounts"] = mounts
    if security:
        step["securityContext"] = security
    if task.script is not None:
        step["script"] = syntax.script(syntax.defuse_comments(task.script, task.in_script_comment))
    if when:
        step["when"] = when
    return step


def _common(task: ir.Task, found: inputs.Inputs, security: Doc | None, volumes: dict[tuple[str, str], str],
            when: list[Doc]) -> task_steps.Common:
    """What each step of a task with steps gets from the task (`steps`)."""
    extra = [{"name": s.host_env, "value": ir.SIDECAR_HOST_KUBERNETES} for s in task.sidecars]
    if task.oidc is not None:
        extra.append({"name": ir.OIDC_TOKEN_ENV, "value": f"{OIDC_DIR}/token"})
    resources = kubernetes.resources(task.resources) if task.resources is not None else None
    env = _env(task.env, found, results=bool(task.results))
    if task_steps.shares_tmp(task) and not any(var.name == "HOME" for var in task.env):
        env.insert(1 if task.results else 0, {"name": "HOME", "value": task_steps.SHARED_HOME})
    return task_steps.Common(env=env, extra_env=extra,
                             working_dir=task.working_dir, resources=resources or None,
                             mounts=task_steps.tmp_mounts(task) + _mounts(task, volumes), security=security,
                             when=when)


def _trim_results_step(task: ir.Task, taken: set[str], security: Doc | None, arrays: set[str]) -> Doc:
    """After the main step: each result without one trailing newline, the rule Argo and GitHub
    follow (`git rev-parse HEAD > "$SHIPSPEC_RESULTS/sha"` gives the sha alone). Tekton keeps a
    result verbatim (tasks.md, "Emitting Results"), and a result never written fails its readers:
    this step writes it "" instead. Runs when the main step succeeded, or was skipped by its
    `when` (`skips`): then every result is "", as Argo and GitHub give it."""
    name = kubernetes.unique("trim-results", taken)
    args = [r.name + ("[]" if r.name in arrays else "") for r in task.results]
    script = syntax.TRIM_ARRAY_RESULTS_SCRIPT if arrays else syntax.TRIM_RESULTS_SCRIPT
    return helpers.helper_step(name, args, script, security)


def _env(env: tuple[ir.EnvVar, ...], found: inputs.Inputs, *, results: bool) -> list[Doc]:
    out: list[Doc] = [{"name": ir.RESULTS_ENV, "value": syntax.RESULTS_DIR}] if results else []
    for var in env:
        if isinstance(var.value, ir.SecretRef):
            out.append(kubernetes.secret_env(var.name, var.value))
        else:
            out.append({"name": var.name, "value": inputs.render(var.value, found)})
    return out


def _volume_names(task: ir.Task) -> dict[tuple[str, str], str]:
    """(kind, cache or secret name) -> volume name, a DNS label unique in the task."""
    keys = [("cache", m.cache) for m in task.caches] + [("secret", f.secret.secret) for f in task.secret_files]
    names: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for kind, name in keys:
        if (kind, name) not in names:
            wanted = f"{kind}-{name}"
            fallback = f"{kind}-{len(names) + 1}"
            names[(kind, name)] = kubernetes.unique(wanted if kubernetes.is_dns_label(wanted) else fallback, taken)
    return names


def _volume(kind: str, name: str, volume: str, task: ir.Task, pipeline: ir.Pipeline) -> Doc:
    """Caches: the PVC the platform team created once; secrets: the secret, one file per key."""
    if kind == "cache":
        return kubernetes.cache_volume(volume, pipeline, name)
    return kubernetes.secret_volume(volume, name, _secret_mode(task))


SECRET_MODE_NON_ROOT = 0o444
"""Secret files of a task that runs as a non-root user: readable by all of its pod.

The kubelet makes secret files root's, and the pod's `fsGroup`'s if it has one
(`kubernetes.SECRET_MODE_GROUP`); but a Tekton Pipeline cannot set a pod security context per
task: pod templates belong to runs (PipelineRun `taskRunTemplate`/`taskRunSpecs`), and a Pipeline
must also run when started without ours (`tkn pipeline start`). So a task that sets a non-root
`runAsUser` would get EACCES from owner-only files. World-readable is safe here: the pod holds only
this task's steps (and sidecars, which do not mount the volume), and ssh still takes a root-owned
0444 key (openssh authfile.c `sshkey_perm_ok` checks only files the user owns). A root task keeps
`kubernetes.SECRET_MODE` (0400)."""


def _secret_mode(task: ir.Task) -> int:
    non_root = task.security is not None and bool(task.security.run_as_user)
    return SECRET_MODE_NON_ROOT if non_root else kubernetes.SECRET_MODE


def _mounts(task: ir.Task, volumes: dict[tuple[str, str], str]) -> list[Doc]:
    caches = [{"name": volumes[("cache", m.cache)], "mountPath": m.path} for m in task.caches]
    secrets = [{"name": volumes[("secret", f.secret.secret)], "readOnly": True, "mountPath": f.path,
                "subPath": f.secret.key} for f in task.secret_files]
    oidc = [{"name": OIDC_VOLUME, "readOnly": True, "mountPath": OIDC_DIR}] if task.oidc is not None else []
    return caches + secrets + oidc


def _sidecar(sidecar: ir.Sidecar, found: inputs.Inputs) -> Doc:
    out: Doc = {"name": sidecar.name, "image": sidecar.image}
    if sidecar.command:
        out["command"] = [kubernetes.kubelet_escape(c, value_follows=False) for c in sidecar.command]
    if sidecar.args:
        out["args"] = [kubernetes.kubelet_escape(a, value_follows=False) for a in sidecar.args]
    if env := _env(sidecar.env, found, results=False):
        out["env"] = env
    if sidecar.privileged:
        out["securityContext"] = {"privileged": True}
    return out


# --- guards: when, matrix, retries ----------------------------------------------------------


Render = Callable[[ir.Ref], "str | None"]
"""A reference as a `when` input or value: the pipeline's own (`$(params.p)`, `$(tasks.t.results.r)`)
for a pipeline task's `when`, the task param that carries it for a step's."""


def _when(cond: ir.Condition, diags: list[Diagnostic], render: Render = syntax.pipeline_ref) -> list[Doc]:
    """Tekton ANDs its `when` list: `All` flattens into it, `Any` has no form without CEL."""
    if isinstance(cond, ir.Compare):
        expression = _when_expression(cond, diags, render)
        return [expression] if expression else []
    if isinstance(cond, ir.Any) and len(cond.items) != 1:
        diags.append(checks.unsupported(
            cond.span, "an `||` condition",
            "Tekton ANDs its `when` expressions; `cel:` conditions need the enable-cel-in-whenexpression feature flag",
            "split the task in two, or decide in an earlier task and compare its result"))
        return []
    return [w for item in cond.items for w in _when(item, diags, render)]


def _when_expression(cond: ir.Compare, diags: list[Diagnostic], render: Render) -> Doc | None:
    left, right = cond.left, cond.right
    if isinstance(left, ir.Literal) and len(right) == 1 and not isinstance(right[0], ir.Literal):
        left, right = right[0], (left,)  # `'x' == ref`: the ref is the input
    operand = _operand(left, diags, render)
    values = [_operand(r, diags, render) for r in right]
    if operand is None or any(v is None for v in values):
        return None
    if isinstance(left, ir.StatusRef):
        words = _STATUS_WORDS if left.task is None else _TASK_STATUS_WORDS
        values = [word for v in values if v is not None for word in words.get(v, [v])]
    operator = "in" if cond.op in (ir.CompareOp.EQ, ir.CompareOp.IN) else "notin"
    return {"input": operand, "operator": operator, "values": values}


def _operand(operand: ir.Operand, diags: list[Diagnostic], render: Render) -> str | None:
    if isinstance(operand, ir.Literal):
        return syntax.text(operand.value)
    if isinstance(operand, ir.MatrixRef):
        diags.append(checks.unsupported(
            operand.span, f"matrix.{operand.axis} in a condition",
            "Tekton evaluates `when` once per pipeline task, before the matrix fans out",
            "test the value in the script and exit 0 to skip"))
        return None
    if syntax.is_array(operand):  # the IR's checks reject this (SS302) before a backend runs
        diags.append(checks.unsupported(operand.span, "a list in a condition",
                                        "a `when` expression compares one value", "compare single values"))
        return None
    return render(operand)


def _retries(retry: ir.Retry, diags: list[Diagnostic]) -> Doc:
    if retry.backoff is not None:
        diags.append(checks.unsupported(
            retry.span, "retries.backoff", "Tekton retries a failed task at once, without a delay",
            "remove retries.backoff (keep retries.limit), or sleep at the start of the script"))
    return {"retries": retry.limit} if retry.limit else {}
