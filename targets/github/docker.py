"""An argv task on GitHub: its image run with `docker run` from a job on the runner host.

A job container cannot run an argv: the runner replaces its entrypoint with `tail -f /dev/null`
and runs every step through `docker exec` of a shell, so an image without `sh` and `tail`
(kaniko's executor, distroless) fails before the task starts, and even with a shell the argv would
be a script. Here the job has no `container:`; its main step runs

    docker run --rm --user 0 [--network N] [-e NAME]... [-v HOST:PATH]... [-w DIR]
               [--entrypoint COMMAND0] IMAGE [COMMAND1...] [ARGS...]

which is the Kubernetes meaning of command and args: `command` replaces the image's ENTRYPOINT
(`--entrypoint` also clears its CMD, as Kubernetes ignores CMD when a command is given), `args`
replace CMD, and `args` alone are given to the image's own entrypoint.

- Env is passed by name (`-e NAME`): docker reads the value from the step's env, so no value (a
  secret least of all) is ever on a command line; argv references are `"${VAR}"` of step env vars.
- Every path the task uses (results, artifacts, caches, secret files) is a host directory under
  `$RUNNER_TEMP` mounted at that path (`layout.py`), read-only for secret files as a secret volume.
- Service containers are reached by name: the runner starts them with or without a job container
  (actions/runner JobExtension), on one network per job, each with its service id as network alias
  (ContainerOperationProvider.StartContainersAsync, DockerCommandManager.DockerCreate
  `--network-alias`), and publishes the network as `job.services.<id>.network`; the task joins it
  with `--network`. Its localhost is its own, as in a job container.
- As root (`--user 0`), as the job containers are: the host directories belong to the runner's
  user, and an image's non-root USER could not write its results or artifacts into them.
- GitHub-hosted Ubuntu runners have the Docker engine running (actions/runner-images
  images/ubuntu/scripts/build/install-docker.sh; the socket is group `docker`'s), which job and
  service containers need as well; the working dir is `-w`, which docker creates when missing.
- Files the task writes belong to root on the host; the helper steps read them as the runner's
  user, so a file the task makes readable to its owner only (mode 0600) cannot be packed or cached.
"""

from __future__ import annotations

from ...compiler import ir
from . import expr as gx
from .layout import Place, absolute
from .shell import shell_word, template_word

OIDC_TOKEN_DIR = "/tmp/shipspec/oidc"
"""The directory of a task's OIDC token file (oidc.py `TOKEN_FILE`), mounted read-only."""

NETWORK_ENV = "SHIPSPEC_NETWORK"
"""The step env var holding the job's service network (`job.services.<id>.network`)."""


def network_expression(task: ir.Task) -> str | None:
    """The network of the job's service containers (one network per job, so any service's)."""
    if not task.sidecars:
        return None
    return gx.wrap(gx.prop(gx.prop("job.services", task.sidecars[0].name), "network"))


STEPS_WORKDIR = "/workspace"
"""Where the `docker run` steps of a task without a working dir share their files (Tekton's steps
share /workspace too)."""

SCRIPT_ENV = "SHIPSPEC_STEP_SCRIPT"
"""The env var holding a script step's text for `sh -ec` in its own image (never spliced into `run:`)."""


def shared_workdir(task: ir.Task) -> str | None:
    """The directory every `docker run` step of a steps task mounts and starts in."""
    if not task.steps:
        return None
    return absolute(task.working_dir or STEPS_WORKDIR)


def mounts(task: ir.Task) -> list[tuple[str, bool]]:
    """(container path, read-only) of every host directory or file the task sees, parents first
    (a nested mount must come after the one it is inside)."""
    found: list[tuple[str, bool]] = [(ir.RESULTS_DIR, False)] if task.results else []
    found += [(absolute(p), False) for p in (*(a.path for a in task.consumes), *(a.path for a in task.produces),
                                             *(m.path for m in task.caches))]
    found += [(absolute(f.path), True) for f in task.secret_files]
    if task.oidc is not None:
        found.append((OIDC_TOKEN_DIR, True))
    shared = shared_workdir(task)
    if shared is not None and all(path != shared for path, _ in found):
        found.append((shared, False))
    return sorted(found, key=lambda m: m[0].count("/"))


def run_command(task: ir.Task, env_names: list[str], step: ir.Step | None = None,
                place: Place | None = None) -> str:
    """The `docker run` line of the task's argv, or of one step in its own image, one option per line.

    A script step runs `sh -ec "$SHIPSPEC_STEP_SCRIPT"`: its text is in the step's env, passed by
    name like every other value."""
    place = place or Place(host=True)
    options = ["--rm --user 0"]
    if task.sidecars:
        options.append(f'--network "${NETWORK_ENV}"')
    names = [*env_names, SCRIPT_ENV] if step is not None and step.script is not None else env_names
    options += [f"-e {_name(n)}" for n in dict.fromkeys(names)]
    for path, read_only in mounts(task):
        host = place.task_path(path)
        spec = f"{host.text}:{path}" + (":ro" if read_only else "")
        options.append((f'-v "${host.root}"' if host.root else "-v ") + shell_word(spec))
    workdir = task.working_dir if step is None else shared_workdir(task)
    if workdir:
        options.append(f"-w {shell_word(workdir)}")
    image_name = task.image if step is None else step.image
    command = task.command if step is None else step.command
    argv = [*command, *(task.args if step is None else step.args)]
    if step is not None and step.script is not None:
        options.append("--entrypoint sh")
        words = [shell_word("-ec"), f'"${SCRIPT_ENV}"']
    else:
        if command:
            options.append(f"--entrypoint {template_word(command[0])}")
            argv = argv[1:]
        words = [template_word(t) for t in argv]
    image = " ".join([shell_word(image_name), *words])
    return "exec docker run " + " \\\n  ".join([*options, image])


def _name(name: str) -> str:
    return name if gx.is_identifier(name) and "-" not in name else shell_word(name)
