"""`concurrency` on Argo: one workflow-level mutex named after the group.

`spec.synchronization.mutexes: [{name: <group>}]` (the list form exists since v3.6 and is the only
one in v4: pkg/apis/workflow/v1alpha1 `Synchronization.Mutexes`). A workflow holds the mutex from
before its first node until it completes; a newer one with the same name waits, Pending, in the
queue (workflow/controller/operator.go `operate`: `syncManager.TryAcquire` before any node runs).
The mutex is per namespace (sync/lock_name.go `getMutexLockName`: the workflow's own by default).

The group is written with simple tags, `deploy-{{workflow.parameters.shipspec-run-ref-name}}`: Argo
substitutes the global variables (`workflow.parameters.*`, `workflow.name`, `workflow.uid`,
`workflow.namespace`) in the whole spec but its templates before it acquires the lock
(operator.go `setExecWorkflow` -> `substituteGlobalVariables`; asserted by operator_test.go
`TestSubstituteGlobalVariables`, a mutex named `{{workflow.parameters.mutex}}`). A simple tag's value
is JSON-escaped as it goes in (util/template simple_template.go), so any text is safe there.

What a name may hold: any text, `/` included (the lock key is `<namespace>/Mutex/<name>`, split
with `SplitN(…, 3)`: lock_name.go `DecodeLockName`, lock_name_test.go
"TestMutexLocksCanContainSlashes"), but not nothing: an empty name fails `lockName.validate`
("ResourceName is missing"), which Argo's encoder turns into a panic and the workflow into Error.
A group that is only references (`~{ params.env }`) can be empty at run time, so its name gets the
fixed prefix `shipspec-`: each group still has one name, the same in every pipeline.

Argo cannot cancel the run in progress: with `cancel_in_progress` a newer run waits for it instead
(a warning).
"""

from __future__ import annotations

from typing import Any

from ...compiler import ir
from . import run, syntax
from .context import Context

Json = dict[str, Any]

EMPTY_GUARD = "shipspec-"
"""Before a group with no literal text, whose value could be empty (see above)."""


def synchronization(ctx: Context) -> Json | None:
    """`spec.synchronization`, or None without a concurrency group."""
    c = ctx.pipeline.concurrency
    if c is None:
        return None
    if c.cancel_in_progress:
        ctx.note(c.span, "cancelInProgress is not supported on argo: a workflow's mutex queues the newer run, it "
                 "cannot cancel the one holding it, so a newer run waits for the run in progress instead",
                 "drop cancelInProgress, or stop the older run with `argo stop`")
    return {"mutexes": [{"name": _name(ctx, c.group)}]}


def _name(ctx: Context, group: ir.Template) -> str:
    parts = [_part(ctx, part, group) for part in group.parts]
    literal = any(isinstance(part, str) and part for part in group.parts)
    return ("" if literal else EMPTY_GUARD) + "".join(parts)


def _part(ctx: Context, part: str | ir.Ref, group: ir.Template) -> str:
    if isinstance(part, str):
        return ctx.literal(part, group.span)
    if isinstance(part, ir.ParamRef):
        return syntax.workflow_param(part.name)
    if isinstance(part, ir.RunRef):
        return run.simple_tag(part.kind)
    return ""  # lowering admits only params and run fields in a group (lowering/params.py `concurrency`)
