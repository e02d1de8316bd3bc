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


def mounts(task: ir.Task) -> list[tuple[str, bool]]:
    """(container path, read-only) of every host directory or file the task sees, parents first
    (a nested mount must come after the one it is inside)."""
    found: list[tuple[str, bool]] = [(ir.RESULTS_DIR, False)] if task.results else []
    found += [(absolute(p), False) for p in (*(a.path for a in task.consumes), *(a.path for a in task.produces),
                                             *(m.path for m in task.caches))]
    found += [(absolute(f.path), True) for f in task.secret_files]
    if task.oidc is not None:
        found.append((OIDC_TOKEN_DIR, True))
    return sorted(found, key=lambda m: m[0].count("/"))


def run_command(task: ir.Task, env_names: list[str]) -> str:
    """The `docker run` line of the main step, one option per line."""
    place = Place(host=True)
    options = ["--rm --user 0"]
    if task.sidecars:
        options.append(f'--network "${NETWORK_ENV}"')
    options += [f"-e {_name(n)}" for n in env_names]
    for path, read_only in mounts(task):
        host = place.task_path(path)
        options.append('-v "$RUNNER_TEMP"' + shell_word(f"{host.text}:{path}" + (":ro" if read_only else "")))
    if task.working_dir:
        options.append(f"-w {shell_word(task.working_dir)}")
    argv = [*task.command, *task.args]
    if task.command:
        options.append(f"--entrypoint {template_word(task.command[0])}")
        argv = argv[1:]
    image = " ".join([shell_word(task.image), *(template_word(t) for t in argv)])
    return "exec docker run " + " \\\n  ".join([*options, image])


def _name(name: str) -> str:
    return name if gx.is_identifier(name) and "-" not in name else shell_word(name)
