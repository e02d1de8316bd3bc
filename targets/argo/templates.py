"""A task's own template: the `script` (or `container`) that runs in its pod, with its inputs,
outputs, volumes, sidecars, retries and deadline."""

from __future__ import annotations

from typing import Any

from ...compiler import ir
from ...compiler.diagnostics import Span
from .. import kubernetes
from . import artifacts, checkout, steps, syntax
from .context import RAN, RAN_PATH, RESULTS_VOLUME, Context, checkout_ref, input_name, task_refs

Json = dict[str, Any]

OIDC_VOLUME = "shipspec-oidc"
OIDC_DIR = "/var/run/secrets/shipspec/oidc"
OIDC_FILE = "token"
OIDC_EXPIRATION_S = 3600
"""A projected service-account token lives an hour; the kubelet renews it at 80% of that (the
API server's minimum is 600 s)."""


def leaf(ctx: Context, task: ir.Task, *, exported: bool = True) -> Json:
    """The template a task's pod runs. `exported`: results a finally task reads get a
    `globalName` here (a matrix wrapper exports the aggregated list instead)."""
    out: Json = {"name": ctx.leaf_names[task.name]}
    inputs: Json = {}
    refs = task_refs(task)
    if refs:
        inputs["parameters"] = [{"name": input_name(r)} for r in refs]
    files = artifacts.template_inputs(ctx, task)
    if files:
        inputs["artifacts"] = files
    if inputs:
        out["inputs"] = inputs
    outputs: Json = {}
    if task.results:
        outputs["parameters"] = [_output(ctx, task, r, exported) for r in task.results]
    ran = ctx.global_names.get((task.name, RAN))
    if ran:
        outputs.setdefault("parameters", []).append(
            {"name": RAN, "valueFrom": {"path": RAN_PATH, "default": "true"}, "globalName": ran})
    stored = artifacts.template_outputs(ctx, task)
    if stored:
        outputs["artifacts"] = stored
    if outputs:
        out["outputs"] = outputs
    if task.retry:
        out["retryStrategy"] = _retry(task.retry)
    if task.timeout_s is not None:
        out["activeDeadlineSeconds"] = task.timeout_s
    group = _secret_group(task)
    if pod := _pod_security(ctx, task, group):
        out["securityContext"] = pod
    volumes = _volumes(ctx, task, group)
    if task.steps:
        container_set, extra = _container_set(ctx, task, bool(files), bool(outputs))
        volumes += extra
    if volumes:
        out["volumes"] = volumes
    if task.steps:
        out["containerSet"] = container_set
    else:
        out["script" if task.script is not None or task.checkout else "container"] = _main(ctx, task)
    if task.sidecars:
        out["sidecars"] = [_sidecar(ctx, s) for s in task.sidecars]
    return out


def _pod_security(ctx: Context, task: ir.Task, group: int | None) -> Json:
    """The pod's security context: the secret files' fsGroup, and for a task that moves artifacts
    through the repository, the task's own user for the whole pod. Argo's init container unpacks
    inputs and its wait container packs outputs; both run as the pod's user, else as the argoexec
    image's USER 8737 (Dockerfile), and unpacking does not chown (workflow/executor/executor.go
    `untar`). Without this a root task receives files owned by 8737, which `git` refuses ("dubious
    ownership"), and the wait container cannot pack files only their owner may read. The task's
    user is its `runAsUser`, else root, the user the spec's tasks run as unless they name one."""
    out: Json = {}
    moved = artifacts.repository(ctx) or task.checkout is not None or any(
        ctx.pipeline.checkout_of(a) for a in task.consumes)
    if (task.consumes or task.produces) and moved:
        security = task.security or ir.SecurityContext()
        out["runAsUser"] = security.run_as_user if security.run_as_user is not None else 0
        if security.run_as_group is not None:
            out["runAsGroup"] = security.run_as_group
    if group is not None:
        out["fsGroup"] = group
    return out


def _secret_group(task: ir.Task) -> int | None:
    """The pod's `fsGroup` for a task with secret files that runs as a non-root user: the kubelet
    makes secret files root's, and group-owned by the fsGroup, which it also gives every container
    as a supplementary group; without one, a `runAsUser: 1000` task cannot read its 0400 files.
    Only then: an fsGroup also makes the kubelet chown the pod's other volumes (caches)."""
    return kubernetes.fs_group(task.security) if task.secret_files else None


def _volumes(ctx: Context, task: ir.Task, group: int | None) -> list[Json]:
    """The pod's own volumes. The results directory exists before the command runs, for `script` and
    `container` alike, and even on a read-only root filesystem. Secret volumes are per template, so
    each task gets the mode its user needs: 0400 for root (ssh refuses a key others can read), 0440
    with the fsGroup for a non-root user."""
    out: list[Json] = [{"name": RESULTS_VOLUME, "emptyDir": {}}] if task.results else []
    out += artifacts.volumes(ctx, task)
    if task.oidc is not None:
        out.append(_oidc_volume(task.oidc))
    mode = kubernetes.SECRET_MODE if group is None else kubernetes.SECRET_MODE_GROUP
    secrets = dict.fromkeys(f.secret.secret for f in task.secret_files)
    out += [kubernetes.secret_volume(ctx.secret_volumes[s], s, mode) for s in secrets]
    return out


def _oidc_volume(oidc: ir.Oidc) -> Json:
    """The task's identity token for `audience`: a projected service-account token of the pod's
    account, which the kubelet writes and renews (the cluster's OIDC issuer signs it)."""
    token = {"path": OIDC_FILE, "audience": oidc.audience, "expirationSeconds": OIDC_EXPIRATION_S}
    return {"name": OIDC_VOLUME, "projected": {"sources": [{"serviceAccountToken": token}]}}


def _output(ctx: Context, task: ir.Task, result: ir.Result, exported: bool) -> Json:
    """A result read from its file. Argo's executor removes one trailing newline from the value
    (workflow/executor/executor.go `SaveParameters`: `strings.TrimSuffix(…, "\\n")`), the rule on
    every engine. `default: ""` is what a consumer reads when the task was skipped by its `when`
    (Argo's controller puts a skipped node's declared defaults in scope; without one, v4 fails the
    consumer), as on GitHub. It is also the value of a result the task never wrote, the meaning chosen
    for every engine: the executor stores the default when the file is missing, where it would
    otherwise fail a task that ran fine (`SaveParameters` again)."""
    out: Json = {"name": result.name, "valueFrom": {"path": f"{ir.RESULTS_DIR}/{result.name}", "default": ""}}
    global_name = ctx.global_names.get((task.name, result.name))
    if exported and global_name:
        out["globalName"] = global_name
    if result.description:
        out["description"] = result.description
    return out


def _retry(retry: ir.Retry) -> Json:
    """Retry on failures and on errors (`Always`), like the other engines' retries.

    The n-th retry waits `duration * factor^(n-1)` (workflow/controller/operator.go
    `processNodeRetries`). The spec's `maxDuration` caps each of those waits: that is Argo's `cap`
    (v3.7+, argo-workflows#13782). Argo's own `maxDuration` means something else, a budget from the
    first attempt's start after which no retry is made and which becomes the retry pods' deadline,
    so mapping the name would silently turn five promised retries into fewer."""
    out: Json = {"limit": retry.limit, "retryPolicy": "Always"}
    if retry.backoff:
        backoff: Json = {"duration": kubernetes.go_duration(retry.backoff.duration_s)}
        if retry.backoff.factor is not None:
            backoff["factor"] = retry.backoff.factor
        if retry.backoff.max_duration_s is not None:
            backoff["cap"] = kubernetes.go_duration(retry.backoff.max_duration_s)
        out["backoff"] = backoff
    return out


def _main(ctx: Context, task: ir.Task) -> Json:
    if task.checkout is not None:
        return _checkout_main(ctx, task, task.checkout)
    out: Json = {"image": ctx.literal(task.image, task.image_span)}
    if task.script is not None:
        out["command"] = ["sh"]  # Argo appends the script's path
        out["source"] = _errexit(ctx.script(task, task.script))
    else:
        if task.command:
            out["command"] = [template_text(ctx, t) for t in task.command]
        if task.args:
            out["args"] = [template_text(ctx, t) for t in task.args]
    env = ([_results_env()] if task.results else []) + [_env(ctx, var) for var in task.env]
    env += [{"name": s.host_env, "value": ir.SIDECAR_HOST_KUBERNETES} for s in task.sidecars]
    if task.oidc is not None:
        env.append({"name": ir.OIDC_TOKEN_ENV, "value": f"{OIDC_DIR}/{OIDC_FILE}"})
    if env:
        out["env"] = env
    if task.working_dir:
        out["workingDir"] = ctx.literal(task.working_dir, task.span)
    if task.resources:
        out["resources"] = kubernetes.resources(task.resources)
    if task.security:
        out["securityContext"] = kubernetes.security_context(task.security)
    mounts = _mounts(ctx, task)
    if mounts:
        out["volumeMounts"] = mounts
    return out


def _container_set(ctx: Context, task: ir.Task, has_inputs: bool, has_outputs: bool) -> tuple[Json, list[Json]]:
    """The steps as containers in order (steps.py), and the volumes they share besides the task's."""
    run = steps.runnable(ctx, task)
    if not run:
        ctx.unsupported(task.span, f"task '{task.name}' with no step that runs on argo",
                        "every step is a native unit for other engines", "give a step a `run` script")
        return {"containers": []}, []
    guard = steps.guarded(task, run)
    names = steps.container_names(run, has_inputs or has_outputs)
    containers = []
    for i, (step, name) in enumerate(zip(run, names, strict=True)):
        container = _step_container(ctx, task, step, name, first=i == 0, guard=guard, last=i == len(run) - 1)
        if i:
            container["dependencies"] = [names[i - 1]]
        containers.append(container)
    mounts = steps.shared_mounts(guard) + _mounts(ctx, task)
    extra = steps.shared_volumes(guard)
    uncovered = [a for a in task.consumes if (artifacts.repository(ctx) or ctx.pipeline.checkout_of(a))
                 and not steps.covered(a.path)]
    extra += [{"name": steps.input_volume(a), "emptyDir": {}} for a in uncovered]
    mounts += [_mount(steps.input_volume(a), ctx.literal(a.path, a.span)) for a in uncovered]
    return {"volumeMounts": mounts, "containers": containers}, extra


def _step_container(ctx: Context, task: ir.Task, step: ir.Step, name: str, *, first: bool, guard: bool,
                    last: bool) -> Json:
    """One step's container: its body (`sh -c` of the script, or its argv), under the wrapper when
    it has per-step settings; the task's env, then the step's."""
    out: Json = {"name": name, "image": ctx.literal(step.image, step.image_span)}
    if step.script is not None:
        body_command = ["sh", "-c"]
        body_args = [steps.kubelet_script(ctx.literal(_errexit(step.script), step.span))]
    else:
        body_command = [template_text(ctx, t) for t in step.command]
        body_args = [template_text(ctx, t) for t in step.args]
    wrapper = steps.wrapper(step, guard=guard, first=first, last=last)
    if wrapper is None:
        if body_command:
            out["command"] = body_command
        if body_args:
            out["args"] = body_args
    else:
        out["command"] = ["sh", "-c", steps.kubelet_script(wrapper), step.name]
        out["args"] = body_command + body_args
    env = ([_results_env()] if task.results else []) + [_env(ctx, var) for var in (*task.env, *step.env)]
    env += [{"name": s.host_env, "value": ir.SIDECAR_HOST_KUBERNETES} for s in task.sidecars]
    if task.oidc is not None:
        env.append({"name": ir.OIDC_TOKEN_ENV, "value": f"{OIDC_DIR}/{OIDC_FILE}"})
    if env:
        out["env"] = env
    if task.working_dir:
        out["workingDir"] = ctx.literal(task.working_dir, task.span)
    if task.resources:
        out["resources"] = _step_resources(task.resources, first)
    if task.security:
        out["securityContext"] = kubernetes.security_context(task.security)
    return out


def _step_resources(r: ir.Resources, first: bool) -> Json:
    """The pod requests the sum of its containers', and the steps run one at a time: the first
    container requests what the task asks, the others nothing (explicitly: a limit alone would make
    Kubernetes request the limit); each is capped by the task's limits."""
    if first:
        return kubernetes.resources(r)
    out: Json = {}
    if r.limits:
        out["requests"] = {k: "0" for k, _ in r.limits}
        out["limits"] = dict(r.limits)
    return out


def _checkout_main(ctx: Context, task: ir.Task, co: ir.Checkout) -> Json:
    """A checkout's own container: the clone is its input artifact; this writes the results."""
    env = [_results_env(), {"name": checkout.REF_ENV, "value": template_text(ctx, checkout_ref(co))}]
    return {"image": checkout.IMAGE, "command": ["sh"], "source": _errexit(checkout.SCRIPT), "env": env,
            "workingDir": ctx.literal(co.path, co.span), "volumeMounts": _mounts(ctx, task)}


def _errexit(script: str) -> str:
    """The script under `set -e`, as on every engine. In the text, not in `command`, so that
    readers and shellcheck see it; after a `#!` line, which stays first."""
    if script.startswith("#!"):
        shebang, _, rest = script.partition("\n")
        return f"{shebang}\nset -e\n{rest}"
    return f"set -e\n{script}"


def template_text(ctx: Context, template: ir.Template) -> str:
    """An env value, command or args item. Inside a template every reference is one of its inputs;
    the kubelet expands `$(VAR)` and turns `$$` into `$` after Argo has substituted the tags, so
    literal text is escaped for it and so is each value (`syntax.kubelet_safe_input`)."""
    parts = template.parts
    out = []
    for i, part in enumerate(parts):
        if isinstance(part, str):
            follows = i + 1 < len(parts) and not isinstance(parts[i + 1], str)
            out.append(_kubelet_literal(ctx, part, template.span, value_follows=follows))
        else:
            out.append(syntax.kubelet_safe_input(input_name(part)))
    return "".join(out)


def _kubelet_literal(ctx: Context, text: str, span: Span, *, value_follows: bool = False) -> str:
    """Literal text for a container's env, command or args: checked for Argo, escaped for the kubelet."""
    return kubernetes.kubelet_escape(ctx.literal(text, span), value_follows=value_follows)


def _results_env() -> Json:
    return {"name": ir.RESULTS_ENV, "value": ir.RESULTS_DIR}


def _env(ctx: Context, var: ir.EnvVar) -> Json:
    if isinstance(var.value, ir.SecretRef):
        return kubernetes.secret_env(var.name, var.value)
    return {"name": var.name, "value": template_text(ctx, var.value)}


def _mount(name: str, path: str, sub_path: str | None = None, read_only: bool = False) -> Json:
    out: Json = {"name": name, "mountPath": path}
    if sub_path:
        out["subPath"] = sub_path
    if read_only:
        out["readOnly"] = True
    return out


def _mounts(ctx: Context, task: ir.Task) -> list[Json]:
    """Results dir, artifacts (artifacts.py), caches, secret files."""
    mounts = [_mount(RESULTS_VOLUME, ir.RESULTS_DIR)] if task.results else []
    mounts += artifacts.mounts(ctx, task)
    mounts += [_mount(ctx.cache_volumes[c.cache], _path(ctx, c.path, c.span)) for c in task.caches]
    mounts += [
        _mount(ctx.secret_volumes[f.secret.secret], _path(ctx, f.path, f.span), f.secret.key, read_only=True)
        for f in task.secret_files
    ]
    if task.oidc is not None:
        mounts.append(_mount(OIDC_VOLUME, OIDC_DIR, read_only=True))
    return mounts


def _path(ctx: Context, path: str, span: Span) -> str:
    return ctx.literal(path, span)


def _sidecar(ctx: Context, sidecar: ir.Sidecar) -> Json:
    """Privileged only when the spec asks (docker-in-docker needs it)."""
    out: Json = {"name": sidecar.name, "image": ctx.literal(sidecar.image, sidecar.span)}
    if sidecar.command:
        out["command"] = [_kubelet_literal(ctx, c, sidecar.span) for c in sidecar.command]
    if sidecar.args:
        out["args"] = [_kubelet_literal(ctx, a, sidecar.span) for a in sidecar.args]
    if sidecar.env:
        out["env"] = [_env(ctx, var) for var in sidecar.env]
    if sidecar.privileged:
        out["securityContext"] = {"privileged": True}
    return out
