"""Artifacts on Argo: through the cluster's artifact repository (the default), or on one per-run volume.

Repository (`ir.ArtifactStore.REPOSITORY`): the producer's template lists the path in
`outputs.artifacts` (the wait container archives it and uploads it once the task is done, whether it
succeeded or not: workflow/executor/postmain.go), the consumer's in `inputs.artifacts` (its init
container downloads it into Argo's own volume, mounted at the path), and the DAG task passes
`from: "{{tasks.P.outputs.artifacts.N}}"`. No volume is shared, so tasks run on any node in parallel.
The cluster needs an artifact repository (the controller's `artifactRepository`, or a default
`artifact-repositories` ConfigMap), as Argo's own artifact examples do.
- The produced path is an emptyDir, so it exists, empty and writable by any user, when the task
  starts, as the per-run volume's subPath did; the wait container reads it from the volume mirror.
- A producer skipped by its `when` stores nothing: the consumer's argument and input are `optional`
  (dag.go `resolveDependencyReferences` drops an optional argument it cannot resolve; util.go
  `ProcessArgs` then accepts the missing input), so the consumer still runs. Argo mounts nothing at
  the path then (workflowpod.go `addInputArtifactsVolumes`, "skip volume mount", a deliberate change
  of argo-workflows#1503) where the spec promises an empty directory, and a mount of our own at
  that path is refused by Argo's validator and would break the download (#16144): a warning says so.
- Finally tasks run in the exit handler, where `tasks.*` is out of scope: the producer exports the
  artifact with `globalName` and the finally task reads `{{workflow.outputs.artifacts.N}}` (Argo's
  examples/global-outputs.yaml), optional, since the producer may not have run.
- A matrix task's instances cannot hand on one artifact: Argo aggregates a loop's parameters and
  results, never its artifacts (#934, #9061). SS501; the per-run volume can.

Volume (`ir.ArtifactStore.VOLUME`): one `volumeClaimTemplates` claim per run (kubernetes.run_claim_spec:
size, class, access mode), each artifact a `subPath` of it; ReadWriteOnce keeps the run's pods on the
claim's node, ReadWriteMany (if the storage class has it) lets them spread.
"""

from __future__ import annotations

from typing import Any

from ...compiler import ir
from .. import kubernetes
from . import checkout, syntax
from .context import ARTIFACTS_VOLUME, Context, Scope

Json = dict[str, Any]


def repository(ctx: Context) -> bool:
    return ctx.pipeline.artifact_store is ir.ArtifactStore.REPOSITORY


def _cloned(ctx: Context, art: ir.ArtifactIn) -> bool:
    """A checkout's files: a git input artifact of each consumer (checkout.py), in either store."""
    return ctx.pipeline.checkout_of(art) is not None


def _stored_in(ctx: Context, task: ir.Task) -> list[ir.ArtifactIn]:
    return [a for a in task.consumes if not _cloned(ctx, a)]


def _stored_out(task: ir.Task) -> tuple[ir.ArtifactOut, ...]:
    return () if task.checkout is not None else task.produces


def on_volume(ctx: Context) -> bool:
    """Whether the run needs its volume: the volume store, and an artifact other than a checkout's."""
    return not repository(ctx) and any(_stored_out(t) for t in ctx.pipeline.all_tasks)


def check(ctx: Context) -> None:
    """What the repository cannot do as the spec says: reported once per artifact or consumer."""
    checkout.check(ctx)
    if not repository(ctx):
        return
    for task in ctx.pipeline.all_tasks:
        if task.matrix:
            for out in _stored_out(task):
                ctx.unsupported(
                    out.span, "an artifact of a matrix task",
                    "Argo hands on a loop's parameters and results, never its instances' artifacts",
                    "use `kubernetes: {artifacts: volume}`: the instances then write to one directory of the "
                    "run's volume")
        for art in _stored_in(ctx, task):
            if _optional(ctx, task, art):
                producer = ctx.pipeline.task(art.producer)
                why = "is skipped" if not task.is_finally else "is skipped or does not run"
                ctx.note(art.span, f"when '{producer.name}' {why}, '{task.name}' runs without {art.path}: "
                         "Argo mounts nothing for an artifact that was not stored",
                         f"test for the directory in the script (`[ -d {art.path} ]`), or use "
                         "`kubernetes: {artifacts: volume}`, which gives an empty directory")


def _optional(ctx: Context, consumer: ir.Task, art: ir.ArtifactIn) -> bool:
    """Whether the artifact may be missing when the consumer runs: its producer has a `when`, or the
    consumer is a finally task (the producer may not have run at all). Otherwise a missing artifact
    stays Argo's error."""
    return consumer.is_finally or ctx.pipeline.task(art.producer).when is not None


def global_name(art: ir.ArtifactOut) -> str:
    """Artifact names are unique in a pipeline, and global artifacts have a namespace of their own."""
    return art.name


# --- the task's own template --------------------------------------------------------------------


def template_inputs(ctx: Context, task: ir.Task) -> list[Json]:
    """`inputs.artifacts` of the task's template: where Argo puts each artifact (a checkout task's
    own clone, the checkouts it consumes, and from the repository what it consumes)."""
    own = [{"name": a.name, "path": ctx.literal(a.path, a.span)} for a in task.produces] if task.checkout else []
    return own + [_with_optional({"name": a.name, "path": ctx.literal(a.path, a.span)},
                                 not _cloned(ctx, a) and _optional(ctx, task, a))
                  for a in task.consumes if _cloned(ctx, a) or repository(ctx)]


def template_outputs(ctx: Context, task: ir.Task) -> list[Json]:
    """`outputs.artifacts`; exported as a global output when a finally task reads it."""
    if not repository(ctx):
        return []
    read_by_finally = {a.name for t in ctx.pipeline.finally_tasks for a in t.consumes}
    out = []
    for art in _stored_out(task):
        entry: Json = {"name": art.name, "path": ctx.literal(art.path, art.span)}
        if art.name in read_by_finally:
            entry["globalName"] = global_name(art)
        out.append(entry)
    return out


def volumes(ctx: Context, task: ir.Task) -> list[Json]:
    """An emptyDir for each produced path (repository only)."""
    if not repository(ctx):
        return []
    return [{"name": _out_volume(a), "emptyDir": {}} for a in _stored_out(task)]


def mounts(ctx: Context, task: ir.Task) -> list[Json]:
    """The produced paths' emptyDirs (repository: Argo mounts the consumed ones itself), or a
    `subPath` of the run's volume for each produced and consumed artifact."""
    if repository(ctx):
        return [{"name": _out_volume(a), "mountPath": ctx.literal(a.path, a.span)} for a in _stored_out(task)]
    used = [*((a.name, a.path, a.span) for a in _stored_out(task)),
            *((a.name, a.path, a.span) for a in _stored_in(ctx, task))]
    return [{"name": ARTIFACTS_VOLUME, "mountPath": ctx.literal(path, span), "subPath": name}
            for name, path, span in used]


def _out_volume(art: ir.ArtifactOut) -> str:
    return kubernetes.dns_label("artifact", art.name)


# --- DAG side ------------------------------------------------------------------------------------


def arguments(ctx: Context, task: ir.Task, scope: Scope) -> list[Json]:
    """`arguments.artifacts` of the DAG task that calls the task (or its wrapper) from `scope`: a
    checkout's git location (checkout.py), or where the repository has the artifact."""
    out: list[Json] = []
    if task.checkout is not None:
        out += [{"name": a.name, "git": checkout.source(ctx, task, task.checkout, scope)} for a in task.produces]
    for art in task.consumes:
        if _cloned(ctx, art) and scope is not Scope.WRAPPED:
            out.append({"name": art.name, "git": checkout.pinned(ctx, task, art, scope)})
        elif _cloned(ctx, art) or repository(ctx):
            out.append(_with_optional({"name": art.name, "from": _source(ctx, art, scope)},
                                      not _cloned(ctx, art) and _optional(ctx, task, art)))
    return out


def wrapper_inputs(ctx: Context, task: ir.Task) -> list[Json]:
    """`inputs.artifacts` of a matrix task's wrapper DAG templates, which hand them on."""
    return [_with_optional({"name": a.name}, not _cloned(ctx, a) and _optional(ctx, task, a))
            for a in task.consumes if _cloned(ctx, a) or repository(ctx)]


def _source(ctx: Context, art: ir.ArtifactIn, scope: Scope) -> str:
    if scope is Scope.WRAPPED:  # also a checkout's: the wrapper received its git location
        return syntax.input_artifact(art.name)
    if scope is Scope.EXIT:
        produced = next(a for a in ctx.pipeline.task(art.producer).produces if a.name == art.name)
        return syntax.global_artifact(global_name(produced))
    return syntax.task_artifact(art.producer, art.name)


def _with_optional(entry: Json, optional: bool) -> Json:
    return entry | {"optional": True} if optional else entry
