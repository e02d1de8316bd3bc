"""A task with steps: a `containerSet` template, one container per step in one pod, in order.

Facts (argo-workflows docs/container-set-template.md, cmd/argoexec/commands/emissary.go):
- each container waits for the ones in its `dependencies`; a step depends on the one before it;
- a container whose dependency exited non-zero does not run its command (`waitForDependency`:
  "dependency … exited with non-zero code") and fails, so the template fails: the rule of steps;
- containers share only volumes: the set's `volumeMounts` (every container gets them) hold the
  task's results, artifacts, caches and secrets, and two emptyDirs, /workspace and /tmp, the
  scratch space steps hand files on in (the rest of each container's filesystem is its image's);
- outputs are read from a volume, and Argo's validator wants a container named `main` when the
  template has input artifacts or outputs: the last step's container is named so then;
- there is no per-container deadline or "run after a failure".

So the per-step settings run through `sh` in the step's image (a script step needs it anyway):
- `timeout` -> the body under `timeout SECONDS` (coreutils or busybox);
- `continueOnError` -> the body's failure is logged and the container exits 0;
- `always` (in a task that has such a step): every step records a failure in a marker file instead
  of exiting non-zero, a step that is not `always` is skipped once the marker exists, and the last
  step fails the task when it exists: dependents of a failed container would never run otherwise.
The wrapper is constant text; the step's name is its `$0`, the body its `"$@"`: nothing spliced.

A native step (an engine's own unit) runs its portable body here; with none, it is skipped when the
block says so (setup actions GitHub's runners need), otherwise an error naming step and task.
"""

from __future__ import annotations

import re
from typing import Any

from ...compiler import ir
from .. import kubernetes
from .context import Context

Json = dict[str, Any]

MAIN = "main"
SHARED = (("shipspec-workspace", "/workspace"), ("shipspec-tmp", "/tmp"))
MARKER_DIR = "/var/run/shipspec/steps"
MARKER_VOLUME = "shipspec-steps"
MARKER = f"{MARKER_DIR}/failed"


def runnable(ctx: Context, task: ir.Task) -> list[ir.Step]:
    """The steps that run on Argo; reports a native step without a portable body."""
    out = []
    for step in task.steps:
        if step.script is not None or step.command:
            out.append(step)
        elif step.native is not None and step.native.skip_elsewhere:
            continue
        else:
            why = ("a WorkflowTemplate's template runs as a pod of its own, not as a step inside the task's pod"
                   if step.native is not None and step.native.argo is not None else
                   "it is a native unit with no entry for argo")
            ctx.unsupported(step.span, f"step '{step.name}' of task '{task.name}'",
                            f"{why}, and it has no portable body (`run` or `command`)",
                            "give the step a `run` script that does the same in a container, or make it a task")
    return out


def container_names(steps: list[ir.Step], main: bool) -> list[str]:
    taken: set[str] = set()
    if main:
        taken.add(MAIN)
    names = [kubernetes.unique(s.name, taken) for s in steps[:-1]] if main else []
    if main:
        return [*names, MAIN]
    return [kubernetes.unique(s.name, taken) for s in steps]


def guarded(task: ir.Task, steps: list[ir.Step]) -> bool:
    """Whether the failure marker is needed: a step after the first must run after a failure."""
    return any(s.always for s in steps[1:])


def wrapper(step: ir.Step, *, guard: bool, first: bool, last: bool) -> str | None:
    """The sh text around a step's body, None when the body runs as it is."""
    if not guard and not step.continue_on_error and step.timeout_s is None:
        return None
    lines = []
    if guard and not step.always and not first:
        lines.append(f'if [ -e {MARKER} ]; then echo "shipspec: step $0 skipped: an earlier step failed" >&2; '
                     'exit 0; fi')
    body = f'timeout {step.timeout_s} "$@"' if step.timeout_s is not None else '"$@"'
    if step.continue_on_error:
        lines.append(f'{body} || echo "shipspec: step $0 failed with $?; continuing" >&2')
    elif guard:
        lines.append(f'{body} || {{ code=$?; echo "shipspec: step $0 failed with $code" >&2; : > {MARKER}; }}')
    else:
        lines.append(f"exec {body}")
    if guard and last:
        lines.append(f"if [ -e {MARKER} ]; then exit 1; fi")
    return "\n".join(lines) + "\n"


def shared_volumes(guard: bool) -> list[Json]:
    out: list[Json] = [{"name": name, "emptyDir": {}} for name, _ in SHARED]
    if guard:
        out.append({"name": MARKER_VOLUME, "emptyDir": {}})
    return out


def shared_mounts(guard: bool) -> list[Json]:
    out: list[Json] = [{"name": name, "mountPath": path} for name, path in SHARED]
    if guard:
        out.append({"name": MARKER_VOLUME, "mountPath": MARKER_DIR})
    return out


def input_volume(art: ir.ArtifactIn) -> str:
    return kubernetes.dns_label("input", art.name)


def covered(path: str) -> bool:
    """A path inside the shared emptyDirs: Argo loads an input artifact there for every container."""
    return any(path == p or path.startswith(p.rstrip("/") + "/") for _, p in SHARED)


_KUBELET = re.compile(r"\$\$|\$\((?=[-._a-zA-Z][-._a-zA-Z0-9]*\))")


def kubelet_script(text: str) -> str:
    """A script for `sh -c` in a container's args, which the kubelet expands: `$$` becomes `$` and
    `$(NAME)` the value of the container's env var NAME (an undefined one stays as written; so does
    every `$(` whose text up to the next `)` is no such name, e.g. `$(cat "$F")`: third_party/forked/
    golang/expansion). Exactly those two forms are escaped, so shell command substitutions stay as
    written and the shell receives the script unchanged."""
    return _KUBELET.sub(lambda m: "$$$$" if m.group(0) == "$$" else "$$(", text)
