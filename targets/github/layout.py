"""Where a job's own steps find the task's files: inside its job container, or on the runner host.

A task with a `run` script runs in a job container (`container:`), so every step, the actions
included, sees the task's paths as they are. A task with an argv (`command`/`args`) runs its image
with `docker run` from a job on the runner host (`docker.py`), because the image may have no shell
at all (kaniko, distroless) and a job container needs `sh` and `tail`. There each path the task
uses is a host directory under `$RUNNER_TEMP/shipspec/root`, mounted at that path in the
container; the helper steps (artifacts, caches, secret files, results) work on the host copies,
with the host's GNU tar. `$RUNNER_TEMP` is emptied at the start and end of every job (runner:
`runner.temp`, docs.github.com "Variables reference"), so nothing leaks into the next job.

A job on the runner itself (`github.container: false`, a native unit: `RUNNER`) sees the task's
paths where they are on the runner, except its working dir, which is the GitHub workspace
(`$GITHUB_WORKSPACE`, `github.workspace`), where actions and their relative paths look.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ...compiler import ir
from . import expr as gx
from .shell import shell_word

SCRATCH = "/shipspec"
"""Our own files (artifact tar files) live under `<temp>/shipspec`: /tmp in a container, $RUNNER_TEMP on the host."""

HOST_ROOT = SCRATCH + "/root"
"""On the host, the task's path `/p` is `$RUNNER_TEMP/shipspec/root/p`."""


CONTAINER = "container"
"""The job runs in a job container of the task's image (`container:`): a script, or steps in that image."""
DOCKER = "docker"
"""The job runs on the runner host and each container of the task is a `docker run` (docker.py): an
argv, or steps in several images; the task's paths are host directories under `$RUNNER_TEMP`."""
RUNNER = "runner"
"""The job runs on the runner itself (`github.container: false`, or a native unit): the steps see the
runner's files, the task's working directory is the GitHub workspace (where actions and their
relative paths look), and every other path is that very path on the runner."""


def mode(task: ir.Task) -> str:
    """Where the job of `task` runs: CONTAINER, DOCKER or RUNNER (checkout jobs run on the host)."""
    if task.native is not None:
        return RUNNER
    if task.steps:
        if not task.github_container:
            return RUNNER
        own = [s for s in task.steps if is_portable(s)]
        return DOCKER if any(s.image != task.image or not (s.script is not None or s.command) for s in own) \
            else CONTAINER
    if task.script is None:
        return DOCKER
    return CONTAINER if task.github_container else RUNNER


def is_portable(step: ir.Step) -> bool:
    """Does GitHub run the step's portable body (it has one, and no action for GitHub)?"""
    has_body = step.script is not None or bool(step.command) or bool(step.args)
    return has_body and (step.native is None or step.native.github is None)


def on_host(task: ir.Task) -> bool:
    """Does the task's job run without a job container?"""
    return mode(task) != CONTAINER


def absolute(path: str) -> str:
    """A task path as the container sees it: the kubelet makes a relative mount path absolute by
    putting `/` before it (kubernetes pkg/kubelet/kubelet_pods.go, makeMounts: MakeAbsolutePath),
    and docker takes only absolute mount targets."""
    return posixpath.normpath("/" + path.lstrip("/"))


TEMP = "RUNNER_TEMP"
WORKSPACE = "GITHUB_WORKSPACE"
_CONTEXT = {TEMP: "runner.temp", WORKSPACE: "github.workspace"}


@dataclass(frozen=True, slots=True)
class Location:
    """A path the steps use: literal text, after `$RUNNER_TEMP` or `$GITHUB_WORKSPACE` when `root`."""

    text: str
    root: str = ""  # "" | TEMP | WORKSPACE

    @property
    def in_temp(self) -> bool:
        return self.root == TEMP

    @property
    def is_root(self) -> bool:
        """Is it the root itself (the GitHub workspace, as a runner task's working dir)?"""
        return bool(self.root) and self.text == ""

    def join(self, suffix: str) -> Location:
        return Location(self.text + suffix, self.root)

    def parent(self) -> Location:
        return Location(posixpath.dirname(self.text), self.root)

    @property
    def shell(self) -> str:
        """One shell word; the root variable is read by the step's shell, the rest is single-quoted."""
        prefix = f'"${self.root}"' if self.root else ""
        return prefix + shell_word(self.text) if self.text or not prefix else prefix

    @property
    def field(self) -> str:
        """The path in an action's `with:` field (where the `runner` and `github` contexts are available)."""
        return (gx.wrap(_CONTEXT[self.root]) if self.root else "") + gx.escape(self.text)


@dataclass(frozen=True, slots=True)
class Place:
    """Where the steps of one job run: in the task's container, on the host for `docker run`
    (`mapped`: the task's paths under $RUNNER_TEMP), or on the runner itself (`workdir`: the task's
    working dir, which is the GitHub workspace there)."""

    host: bool
    mapped: bool = True
    workdir: str | None = None

    @staticmethod
    def of(task: ir.Task) -> Place:
        kind = mode(task)
        if kind == RUNNER:
            return Place(True, False, absolute(task.working_dir) if task.working_dir else None)
        return Place(kind == DOCKER)

    @property
    def runner(self) -> bool:
        return self.host and not self.mapped

    def task_path(self, path: str) -> Location:
        """Where the steps find the task's `path`."""
        if not self.host:
            return Location(path)
        if self.mapped:
            return Location(HOST_ROOT + absolute(path), TEMP)
        full = absolute(path)
        if self.workdir is not None and (full == self.workdir or full.startswith(self.workdir.rstrip("/") + "/")):
            return Location(full[len(self.workdir.rstrip("/")):].lstrip("/") and
                            "/" + full[len(self.workdir.rstrip("/")):].lstrip("/"), WORKSPACE)
        return Location(full)

    def scratch(self, suffix: str) -> Location:
        """Our own file `/shipspec<suffix>` under the temp directory of this place."""
        return Location(SCRATCH + suffix, TEMP) if self.host else Location("/tmp" + SCRATCH + suffix)
