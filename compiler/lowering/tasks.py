"""One task: its body (script or argv), env, implied dependencies, results, artifacts, mounts,
sidecars and Kubernetes settings. Scripts and argv are `shell`'s; matrix and retries have their own."""

from __future__ import annotations

from collections.abc import Iterable

from .. import ir, rules, scripts, spec
from ..refs import TaskInfo, did_you_mean, lower_condition
from . import checkout, limits, shell
from .context import Context, as_written, offsets
from .env import env_var
from .matrix import matrix
from .native import NATIVE_TASK_REFUSES, native, refuse_fields
from .site import Site
from .steps import steps


def task(ctx: Context, t: spec.Task, site: Site, is_finally: bool) -> ir.Task:
    _enter(ctx, t, is_finally)
    _group(ctx, t, site)
    clone = _checkout(ctx, t, site, is_finally)
    unit = _native(ctx, t, site)
    env = [env_var(ctx, name, value, site / "env" / name) for name, value in t.env.items()]
    script, anchors = shell.script(ctx, t.run, site / "run", env) if t.run is not None else (None, ())
    command, args = shell.argv_templates(ctx, t, site, env)
    parts = steps(ctx, t, site) if t.steps else ()
    lowered_matrix = matrix(ctx, t.matrix, site / "matrix")
    when = lower_condition(ctx.scope, t.when, offsets(site / "when")) if t.when else None
    consumes = tuple(_consume(ctx, c, site / "consumes" / i) for i, c in enumerate(t.consumes))
    if t.uses is None:
        _require_one_body(ctx, t, site)
    read = command + args + ((clone.repository, clone.ref) if clone else ()) + (unit.inputs if unit else ())
    read += tuple(t for part in parts for t in _step_templates(part))
    read += tuple(ir.Template((a.values,)) for a in (lowered_matrix.axes if lowered_matrix else ())
                  if isinstance(a.values, ir.ResultRef))
    return ir.Task(
        name=t.name,
        image=t.image or "",
        script=script,
        command=command,
        args=args,
        env=tuple(env),
        working_dir=t.working_dir or _source_dir(ctx, consumes),
        depends=_depends(ctx, t, site, env, tuple(a for a in read if a is not None), when, consumes, is_finally),
        when=when,
        results=_results(t, clone, unit, site),
        produces=_produces(t, clone, site),
        consumes=tuple(c for c in consumes if c is not None),
        caches=tuple(_cache(ctx, c, site / "caches" / i) for i, c in enumerate(t.caches)),
        secret_files=tuple(_secret_file(s, site / "secretFiles" / i) for i, s in enumerate(t.secret_files)),
        sidecars=tuple(_sidecar(s, site / "sidecars" / i) for i, s in enumerate(t.sidecars)),
        security=_security(t.kubernetes.security_context if t.kubernetes else None,
                           site / "kubernetes" / "securityContext"),
        resources=_resources(t, site / "kubernetes" / "resources"),
        timeout_s=ctx.seconds(t.timeout, site / "timeout"),
        retry=limits.retry(ctx, t.retries, site / "retries"),
        matrix=lowered_matrix,
        checkout=clone,
        native=unit,
        steps=parts,
        oidc=ir.Oidc(t.oidc.audience, (site / "oidc").span) if t.oidc else None,
        runs_on=t.github.runs_on if t.github else None,
        runs_on_span=(site / "github" / "runsOn").span if t.github and t.github.runs_on else None,
        permissions=tuple(t.github.permissions.items()) if t.github else (),
        permissions_span=(site / "github" / "permissions").span,
        environment=_environment(t.github.environment if t.github else None, site / "github" / "environment"),
        github_container=t.github.container if t.github else True,
        is_finally=is_finally,
        span=(site / "name").span,
        image_span=(site / "image").span,
        script_anchors=anchors,
        script_comments=tuple(scripts.comments(script)) if script is not None else (),
    )


def _enter(ctx: Context, t: spec.Task, is_finally: bool) -> None:
    """Point the scope at this task: what its references may name."""
    info = ctx.scope.tasks.get(t.name)
    if info is None or info.is_finally != is_finally:
        info = TaskInfo(t.name, (), t.matrix is not None, is_finally)
    ctx.scope.task = info
    ctx.scope.axes = tuple(t.matrix.axes) if t.matrix else ()
    ctx.sidecars = tuple(s.name for s in t.sidecars)


def _group(ctx: Context, t: spec.Task, site: Site) -> None:
    if t.group is None:
        return
    if t.uses is not None:
        ctx.report(rules.WRONG_TYPE, site / "group", "a `uses:` task takes no defaults",
                   "remove `group`")
    elif t.group not in ctx.groups:
        ctx.report(rules.UNKNOWN_REFERENCE, site / "group", f"group '{t.group}' is not defined",
                   did_you_mean(t.group, ctx.groups) or "define it under spec.groups")


def _step_templates(step: ir.Step) -> tuple[ir.Template, ...]:
    """What a step reads besides the task's env: its own env, argv and native inputs."""
    own = tuple(e.value for e in step.env if isinstance(e.value, ir.Template))
    return own + step.command + step.args + (step.native.inputs if step.native else ())


def _native(ctx: Context, t: spec.Task, site: Site) -> ir.Native | None:
    if not isinstance(t.uses, spec.Native):
        return None
    refuse_fields(ctx, t, site, NATIVE_TASK_REFUSES, "native",
                  "a native unit runs the engine's own step or task: pass values through its inputs, and "
                  "declare what it reports as `outputs`")
    if t.uses.otherwise == "skip":
        ctx.report(rules.WRONG_TYPE, site / "uses" / "otherwise", "a task cannot be skipped on the engines its "
                   "unit has no entry for: the tasks after it would miss it", "give each engine an entry")
    return native(ctx, t.uses, site / "uses")


def _results(t: spec.Task, clone: ir.Checkout | None, unit: ir.Native | None, site: Site) -> tuple[ir.Result, ...]:
    if clone is not None:
        return checkout.results(site)
    if unit is not None:
        return tuple(ir.Result(name, None, (site / "uses" / "outputs" / i).span) for i, name in enumerate(unit.outputs))
    return tuple(_result(r, site / "results" / i) for i, r in enumerate(t.results))


def _checkout(ctx: Context, t: spec.Task, site: Site, is_finally: bool) -> ir.Checkout | None:
    if t.uses is None:
        if t.with_ is not None:
            ctx.report(rules.WRONG_TYPE, site / "with", "`with` gives the inputs of a `uses:` task",
                       "add `uses: checkout`, or remove `with`")
        return None
    if t.uses != "checkout":  # a native unit; blocks were expanded before validation
        return None
    if is_finally:
        ctx.report(rules.WRONG_TYPE, site / "uses", "a checkout cannot be a finally task: nothing runs after it "
                   "to read its files", "move it under `tasks:`")
    return checkout.checkout(ctx, t, site)


def _source_dir(ctx: Context, consumes: Iterable[ir.ArtifactIn | None]) -> str | None:
    """A task that reads one checkout works in its files unless it says otherwise."""
    clones = [c.path for c in consumes if c is not None and c.producer in ctx.checkouts]
    return clones[0] if len(clones) == 1 else None


def _produces(t: spec.Task, clone: ir.Checkout | None, site: Site) -> tuple[ir.ArtifactOut, ...]:
    if clone is not None:
        return (ir.ArtifactOut(t.name, clone.path, (site / "uses").span),)
    return tuple(ir.ArtifactOut(a.name, a.path, (site / "produces" / i).span) for i, a in enumerate(t.produces))


def _require_one_body(ctx: Context, t: spec.Task, site: Site) -> None:
    if t.steps:
        for field in ("run", "command", "args"):
            if getattr(t, field):
                ctx.report(rules.WRONG_TYPE, site / field, f"task '{t.name}' has `steps`, so its `{field}` "
                           "would never run", f"make it a step, or remove `{field}`")
        return
    if t.image is None:
        ctx.report(rules.MISSING_FIELD, site, "missing required field 'image'",
                   "add `image:`, or `uses: checkout` for a clone of the repository")
    if (t.run is None) == (not t.command):
        ctx.report(rules.MISSING_FIELD if t.run is None else rules.WRONG_TYPE, site / "name",
                   f"task '{t.name}' needs either `run` (a script) or `command`, not "
                   + ("neither" if t.run is None else "both"),
                   "give it a `run:` script, or a `command:` with `args:`")
    elif t.run is not None and t.args:
        ctx.report(rules.WRONG_TYPE, site / "args", "`args` go with `command`, not with `run`",
                   "pass values to the script through `env`, or use `command:` with `args:`")
    elif t.command and not t.command[0]:
        ctx.report(rules.WRONG_TYPE, site / "command" / 0, "the command is empty", "name the program to run")


def _depends(ctx: Context, t: spec.Task, site: Site, env: list[ir.EnvVar], argv: tuple[ir.Template, ...],
             when: ir.Condition | None, consumes: Iterable[ir.ArtifactIn | None],
             is_finally: bool) -> tuple[ir.Dependency, ...]:
    """Written dependencies, and those implied by the results and artifacts the task reads."""
    deps = [ir.Dependency(d, True, (site / "depends" / i).span) for i, d in enumerate(t.depends)]
    if is_finally and deps:
        ctx.report(rules.FINALLY_DEPENDENCY, site / "depends",
                   f"finally task '{t.name}' cannot wait for other tasks: finally tasks run "
                   "together after all others", "remove `depends`, or merge the ordered work into one task")
        return ()
    if is_finally:
        return ()
    refs = [r for e in env if isinstance(e.value, ir.Template) for r in e.value.refs]
    refs += [r for a in argv for r in a.refs]
    refs += list(ir.condition_refs(when)) if when else []
    deps += [ir.Dependency(ref.task, False, ref.span) for ref in refs if isinstance(ref, ir.ResultRef)]
    deps += [ir.Dependency(c.producer, False, c.span) for c in consumes if c is not None]
    return tuple(deps)


def _result(r: str | spec.ResultDecl, site: Site) -> ir.Result:
    if isinstance(r, str):
        return ir.Result(r, None, site.span)
    return ir.Result(r.name, r.description, site.span, r.optional)


def _consume(ctx: Context, use: spec.ArtifactUse, site: Site) -> ir.ArtifactIn | None:
    producer = ctx.producers.get(use.artifact)
    if producer is None:
        ctx.report(rules.UNKNOWN_REFERENCE, site / "artifact", f"no task produces artifact '{use.artifact}'",
                   did_you_mean(use.artifact, ctx.producers) or "add it to a task's `produces`")
        return None
    task_name, path = producer
    current = ctx.scope.task
    if current is not None and task_name == current.name:
        ctx.report(rules.RESULT_NOT_UPSTREAM, site / "artifact",
                   f"task '{task_name}' consumes the artifact '{use.artifact}' it produces itself")
        return None
    return ir.ArtifactIn(use.artifact, task_name, use.path or path, site.span)


def _cache(ctx: Context, use: spec.CacheUse, site: Site) -> ir.CacheMount:
    if use.name not in ctx.cache_names:
        ctx.report(rules.UNKNOWN_REFERENCE, site / "name", f"cache '{use.name}' is not declared",
                   did_you_mean(use.name, ctx.cache_names) or "declare it under spec.caches")
    return ir.CacheMount(use.name, use.path, site.span)


def _secret_file(s: spec.SecretFileDecl, site: Site) -> ir.SecretFile:
    return ir.SecretFile(ir.SecretRef(s.secret, s.key, site.span), s.path, site.span)


def _sidecar(s: spec.Sidecar, site: Site) -> ir.Sidecar:
    env = [_literal_env(name, value, site / "env" / name) for name, value in s.env.items()]
    return ir.Sidecar(s.name, s.image, tuple(s.command), tuple(s.args), tuple(env), s.privileged,
                      site.span, (site / "image").span)


def _literal_env(name: str, value: spec.EnvValue, site: Site) -> ir.EnvVar:
    """Sidecar env: text and secrets only (a `~{` in it is reported as out of place)."""
    if isinstance(value, spec.SecretKeyRef):
        return ir.EnvVar(name, ir.SecretRef(value.secret, value.key, site.span), site.key_span)
    return ir.EnvVar(name, ir.literal(as_written(value, site), site.span), site.key_span)


def _environment(env: str | spec.Environment | None, site: Site) -> ir.Environment | None:
    if env is None:
        return None
    if isinstance(env, str):
        return ir.Environment(env, None, site.span)
    return ir.Environment(env.name, env.url, site.span)


def _security(s: spec.SecurityContext | None, site: Site) -> ir.SecurityContext | None:
    if s is None:
        return None
    return ir.SecurityContext(s.run_as_user, s.run_as_group, s.seccomp, site.span)


def _resources(t: spec.Task, site: Site) -> ir.Resources | None:
    res = t.kubernetes.resources if t.kubernetes else None
    if res is None:
        return None
    return ir.Resources(tuple((k, as_written(v, site / "requests" / k)) for k, v in res.requests.items()),
                        tuple((k, as_written(v, site / "limits" / k)) for k, v in res.limits.items()), site.span)
