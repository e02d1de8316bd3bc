"""Where a job's own steps find the task's files: inside its job container, or on the runner host.

A task with a `run` script runs in a job container (`container:`), so every step, the actions
included, sees the task's paths as they are. A task with an argv (`command`/`args`) runs its image
with `docker run` from a job on the runner host (`docker.py`), because the image may have no shell
at all (kaniko, distroless) and a job container needs `sh` and `tail`. There each path the task
uses is a host directory under `$RUNNER_TEMP/shipspec/root`, mounted at that path in the
container; the helper steps (artifacts, caches, secret files, results) work on the host copies,
with the host's GNU tar. `$RUNNER_TEMP` is emptied at the start and end of every job (runner:
`runner.temp`, docs.github.com "Variables reference"), so nothing leaks into the next job.
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


def on_host(task: ir.Task) -> bool:
    """Does the task's job run on the runner host (an argv run with `docker run`)?"""
    return task.script is None


def absolute(path: str) -> str:
    """A task path as the container sees it: the kubelet makes a relative mount path absolute by
    putting `/` before it (kubernetes pkg/kubelet/kubelet_pods.go, makeMounts: MakeAbsolutePath),
    and docker takes only absolute mount targets."""
    return posixpath.normpath("/" + path.lstrip("/"))


@dataclass(frozen=True, slots=True)
class Location:
    """A path the steps use: literal text, after `$RUNNER_TEMP` when `in_temp` (host jobs)."""

    text: str
    in_temp: bool = False

    def join(self, suffix: str) -> Location:
        return Location(self.text + suffix, self.in_temp)

    @property
    def shell(self) -> str:
        """One shell word; `$RUNNER_TEMP` is read by the step's shell, the rest is single-quoted."""
        return ('"$RUNNER_TEMP"' if self.in_temp else "") + shell_word(self.text)

    @property
    def field(self) -> str:
        """The path in an action's `with:` field (where the `runner` context is available)."""
        return (gx.wrap("runner.temp") if self.in_temp else "") + gx.escape(self.text)


@dataclass(frozen=True, slots=True)
class Place:
    """Where the steps of one job run: in the task's container, or on the runner host."""

    host: bool

    @staticmethod
    def of(task: ir.Task) -> Place:
        return Place(on_host(task))

    def task_path(self, path: str) -> Location:
        """Where the steps find the task's `path`."""
        return Location(HOST_ROOT + absolute(path), True) if self.host else Location(path)

    def scratch(self, suffix: str) -> Location:
        """Our own file `/shipspec<suffix>` under the temp directory of this place."""
        return Location(SCRATCH + suffix, True) if self.host else Location("/tmp" + SCRATCH + suffix)
