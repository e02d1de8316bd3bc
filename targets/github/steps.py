"""The steps of one GitHub job: everything a Kubernetes pod gets from its volumes, done by hand.

Order: prepare directories, download artifacts, restore caches, write secret files, the task,
then (even after a failure, for finally jobs) pack and upload artifacts, save caches, publish results.
Every value reaches a shell through `env:`; `run:` text holds only our own shell and the user's
script, both escaped for `${{`. Shell: `sh -e {0}`, the POSIX shell the IR's scripts are written for
(GitHub's own default in a container; bash is often absent from images). The helper steps run where
the job runs: in the task's container (a script task), on the runner host (an argv task, whose
main step is `docker run`, docker.py, or steps in several images), or on the runner itself
(`github.container: false`, a native unit); `layout.Place` says where they find the task's paths.
A task's `steps` (tasksteps.py) and a native task's action (native.py) take the main step's place.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...compiler import ir
from . import checkout, native, oidc
from . import expr as gx
from .docker import NETWORK_ENV, mounts, network_expression, run_command
from .failfast import stop_run_step
from .layout import Place, absolute
from .pins import uses
from .shell import shell_word
from .tasksteps import task_steps

Step = dict[str, Any]

SHELL = "sh -e {0}"
ARTIFACTS_DIR = Place(host=False).scratch("/artifacts").text
"""Where tar files of artifacts are packed (`out/<name>`) and downloaded (`in/<name>`), in a job
container; on the host `$RUNNER_TEMP/shipspec/artifacts`."""

NOT_CANCELLED = gx.wrap("!cancelled()")

ARTIFACT_PREFIX_INPUT = "shipspec-artifact-prefix"
"""The workflow_call input that tells apart two calls of this workflow in one run (see `artifact_name`)."""

_PUBLISH_RESULTS = r"""publish() {
  file="$SHIPSPEC_RESULTS/$1"
  value=
  if [ -f "$file" ]; then
    value=$(cat "$file" && printf x)
    value=${value%x}
    value=${value%"$newline"}
  fi
  delimiter=SHIPSPEC_EOF
  while case "
$value
" in *"
$delimiter
"*) true ;; *) false ;; esac; do
    delimiter="${delimiter}_"
  done
  printf '%s<<%s\n%s\n%s\n' "$1" "$delimiter" "$value" "$delimiter" >> "$GITHUB_OUTPUT"
}
newline='
'
"""


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a job's steps need to know beyond the task itself."""

    pipeline: str
    matrix_tasks: frozenset[str]  # producers whose artifacts come in one piece per instance
    scope: gx.Scope = field(default_factory=lambda: gx.Scope(""))
    checkouts: Mapping[str, ir.Checkout] = field(default_factory=dict)  # checkout tasks by name
    called: bool = True  # the workflow has workflow_call, and so the artifact-prefix input


def _run(name: str, script: str, *, id_: str | None = None, if_: str | None = None,
         working_directory: str | None = None, env: dict[str, str] | None = None) -> Step:
    step: Step = {"name": gx.escape(name)}
    if id_:
        step["id"] = id_
    if if_:
        step["if"] = if_
    step["run"] = gx.escape(script)
    step["shell"] = SHELL
    if working_directory:
        step["working-directory"] = working_directory
    if env:
        step["env"] = env
    return step


def _action(name: str, action: str, with_: dict[str, str | bool], if_: str | None = None) -> Step:
    step: Step = {"name": gx.escape(name)}
    if if_:
        step["if"] = if_
    step["uses"] = uses(action)
    step["with"] = with_
    return step


def artifact_name(ctx: JobContext, artifact: str) -> str:
    """`<prefix><pipeline>__<artifact>`: artifact names are per run, and a called workflow shares its
    caller's run. The pipeline name tells different workflows apart; the prefix, the workflow_call
    input `shipspec-artifact-prefix` (default ''), two calls of the same one, when the caller gives
    each call its own. Every job of one call reads the same input, so producer and consumers agree.
    A workflow that cannot be called has no such input, nor a caller to share its run with."""
    prefix = gx.wrap(gx.prop("inputs", ARTIFACT_PREFIX_INPUT)) if ctx.called else ""
    return prefix + f"{ctx.pipeline}__{artifact}"


def steps(task: ir.Task, ctx: JobContext, env: dict[str, str]) -> list[Step]:
    """All steps of the job, in order; `env` is the task's own step env (already rendered)."""
    if task.checkout is not None:  # actions/checkout on the host, nothing to upload (checkout.py)
        return [*checkout.job_steps(task, ctx.scope), stop_run_step()]
    place = Place.of(task)
    out = [_short_sha()] if reads_short_sha(task) else []
    out += _prepare(task, place)
    for a in task.consumes:
        clone = ctx.checkouts.get(a.producer)
        if clone is not None:
            out += checkout.consumer_steps(a, clone, ctx.scope, place)
        else:
            out += _download(a, ctx, task.is_finally, place)
    if task.caches and not place.host:
        out.append(_gnu_tar())
    out += [_restore(m, ctx, task.name, place) for m in task.caches]
    out += [_secret_file(f, place) for f in task.secret_files]
    if task.oidc is not None:
        out.append(oidc.token_step(task.oidc, place))
    out += _main(task, env, ctx, place)
    for p in task.produces:
        out += _upload(p, ctx, task.matrix is not None, place)
    out += [_save(m, ctx, task.name, place) for m in task.caches]
    if task.results and task.matrix is None and task.native is None:  # a native unit's are its outputs
        out.append(_publish(task, place))
    if not task.is_finally:
        out.append(stop_run_step())
    return out


def reads_short_sha(task: ir.Task) -> bool:
    """Does the task's step env hold `run.short_sha` (its env, or a reference in command/args)?"""
    refs = [r for e in task.env if isinstance(e.value, ir.Template) for r in e.value.refs]
    refs += [r for t in (*task.command, *task.args) for r in t.refs]
    for s in task.steps:
        refs += [r for e in s.env if isinstance(e.value, ir.Template) for r in e.value.refs]
        refs += [r for t in (*s.command, *s.args) for r in t.refs]
    units = [s.native for s in task.steps] + [task.native]
    refs += [r for u in units if u is not None and u.github is not None for _, t in u.github.inputs for r in t.refs]
    return any(isinstance(r, ir.RunRef) and r.kind is ir.RunField.SHORT_SHA for r in refs)


def _short_sha() -> Step:
    """`run.short_sha`, the first 7 characters of the commit: GitHub's expressions have no substring
    function, so the job's first step cuts `run.sha` (passed in env) and publishes it as a step
    output, which the task's step env reads (`expr.SHORT_SHA`). An output rather than `$GITHUB_ENV`:
    it reaches only the env that names it."""
    return _run("Short commit sha", "printf 'short-sha=%.7s\\n' \"$SHIPSPEC_SHA\" >> \"$GITHUB_OUTPUT\"",
                id_=gx.SHORT_SHA_STEP, env={"SHIPSPEC_SHA": gx.wrap(gx.RUN_SHA)})


def _prepare(task: ir.Task, place: Place) -> list[Step]:
    """Directories a pod would have as mounts exist before the task runs (and before actions write)."""
    if place.runner:
        return _prepare_runner(task, place)
    if place.host:
        return _prepare_host(task, place)
    paths = [*(a.path for a in task.produces), *(m.path for m in task.caches)]
    if task.working_dir:
        paths.append(task.working_dir)
    dirs = [place.task_path(p).shell for p in paths]
    if task.results:
        dirs.insert(0, f'"${ir.RESULTS_ENV}"')
    if not dirs:
        return []
    return [_run("Prepare directories", "mkdir -p " + " ".join(dirs))]


def _prepare_host(task: ir.Task, place: Place) -> list[Step]:
    """Every host directory `docker run` mounts, made fresh (docker would make a missing one as root).

    What the task writes there belongs to root, which the runner's user cannot delete: on a
    self-hosted runner that keeps its disk, the runner's own cleanup of $RUNNER_TEMP fails silently
    (actions/runner TempDirectoryManager logs and goes on), so a later job would find the files.
    `rm -rf` first makes that a loud failure, never a stale artifact. Its working dir is made by
    `docker run -w`, in the image's file system.
    """
    dirs = [p for p, _ in mounts(task) if not _is_file(task, p)]
    dirs += [posixpath.dirname(p) for p, _ in mounts(task) if _is_file(task, p)]
    if not dirs:
        return []
    made = " ".join(place.task_path(d).shell for d in dict.fromkeys(dirs))
    return [_run("Prepare directories", f"rm -rf {place.scratch('').shell}\nmkdir -p {made}")]


_MAKE_DIR = """make() {
  mkdir -p "$1" 2>/dev/null || { sudo mkdir -p "$1" && sudo chown "$(id -u):$(id -g)" "$1"; }
}
"""


def _prepare_runner(task: ir.Task, place: Place) -> list[Step]:
    """The task's directories on the runner itself, at their own paths (the working dir is the
    GitHub workspace). A path the runner's user may not create (e.g. /workspace, beside the root)
    is made with sudo, which GitHub-hosted runners grant without a password, and given to that
    user; a self-hosted runner without it fails here, loudly."""
    paths = [*(a.path for a in task.consumes), *(a.path for a in task.produces), *(m.path for m in task.caches)]
    paths += [posixpath.dirname(absolute(f.path)) for f in task.secret_files]
    if task.working_dir:
        paths.append(task.working_dir)
    if task.results and task.native is None:
        paths.insert(0, ir.RESULTS_DIR)
    dirs = [place.task_path(p) for p in paths]
    words = list(dict.fromkeys(d.shell for d in dirs if not d.is_root))
    if not words:
        return []
    return [_run("Prepare directories", _MAKE_DIR + "\n".join(f"make {w}" for w in words))]


def _is_file(task: ir.Task, path: str) -> bool:
    return any(absolute(f.path) == path for f in task.secret_files)


def _download(a: ir.ArtifactIn, ctx: JobContext, is_finally: bool, place: Place) -> list[Step]:
    """Fetch the producer's tar file(s) when it ran, then unpack: a skipped producer leaves an empty dir."""
    into = place.scratch(f"/artifacts/in/{a.name}")
    name = artifact_name(ctx, a.name)
    with_: dict[str, str | bool] = (
        {"pattern": f"{name}__*", "merge-multiple": True} if a.producer in ctx.matrix_tasks else {"name": name})
    ran = gx.prop(gx.prop("needs", a.producer), "result")
    condition = f"{ran} == 'success' || {ran} == 'failure'"
    if is_finally:  # a failed producer uploads, then cancels the run and is often reported cancelled
        condition = f"{ran} != 'skipped'"
    download = _action(f"Download artifact {a.name}", "actions/download-artifact",
                       {**with_, "path": into.field}, gx.wrap(condition))
    if is_finally:
        download["continue-on-error"] = True  # a producer that failed early uploaded nothing
    target = place.task_path(a.path).shell
    unpack = (f"mkdir -p {target}\n"
              f"for f in {into.shell}/*.tar; do\n"
              f"  if [ -f \"$f\" ]; then tar -xf \"$f\" -C {target}; fi\n"
              "done")
    return [download, _run(f"Unpack artifact {a.name}", unpack)]


def _upload(p: ir.ArtifactOut, ctx: JobContext, is_matrix: bool, place: Place) -> list[Step]:
    """tar keeps modes, owners and dot files, which the artifact zip drops; runs after failures too."""
    out_dir = place.scratch(f"/artifacts/out/{p.name}")
    tar = out_dir.join(f"/{p.name}.tar").shell
    env: dict[str, str] = {}
    name = artifact_name(ctx, p.name)
    if is_matrix:  # one artifact per instance; names must differ, and so must the merged tar files
        tar = out_dir.join(f"/{p.name}-").shell + '"${SHIPSPEC_JOB_INDEX}"' + shell_word(".tar")
        env = {"SHIPSPEC_JOB_INDEX": gx.wrap("strategy.job-index")}
        name += "__" + gx.wrap("strategy.job-index")
    source = place.task_path(p.path).shell
    pack = _run(f"Pack artifact {p.name}",
                f"mkdir -p {out_dir.shell} {source}\n"
                f"tar -cf {tar} -C {source} .",
                if_=NOT_CANCELLED, env=env)
    upload = _action(f"Upload artifact {p.name}", "actions/upload-artifact",  # overwrite: for re-runs
                     {"name": name, "path": out_dir.field, "if-no-files-found": "error", "overwrite": True},
                     NOT_CANCELLED)
    return [pack, upload]


def _cache_keys(m: ir.CacheMount, ctx: JobContext, task: str) -> tuple[str, str]:
    """(key, restore prefix): one new entry per run attempt and task, the newest restored by prefix.

    Like the PVC it stands for, the cache carries on from the last run. A fixed key would be saved
    once and never updated, and a content key cannot be had: `hashFiles` reads the runner host's
    workspace, not the paths the task writes in its container, so it is always ''. An entry is
    saved once per key (a second save of it only logs a warning), so the key holds what makes it
    unique: the run id, the attempt (a re-run keeps the run id) and the task (two tasks of a run may
    mount one cache). The instances of a matrix task share their task's key: the first to finish
    saves it, rather than one entry per instance filling the repository's cache quota.
    """
    prefix = f"{ctx.pipeline}-{m.cache}-{gx.wrap('runner.os')}-"
    run = gx.wrap("github.run_id") + "-" + gx.wrap("github.run_attempt")
    return f"{prefix}{run}-{task}", prefix


_GNU_TAR = """if tar --version 2>/dev/null | grep -q 'GNU tar'; then exit 0; fi
if command -v apk >/dev/null 2>&1; then
  apk add --no-cache tar
else
  echo "::warning::actions/cache needs GNU tar and this image has another tar: its caches are not kept"
fi"""


def _gnu_tar() -> Step:
    """GNU tar for actions/cache, which runs inside the job container: @actions/cache calls
    `tar --posix ... -P --files-from` (actions/toolkit packages/cache/src/internal/tar.ts), which
    BusyBox's tar, Alpine's default, rejects, and the action only logs that as a warning, so the
    restore would always miss and the save fail with a green job (actions/cache#640,
    actions/toolkit#634). Alpine images get GNU tar from apk (the known workaround; the job
    container runs as root); without a package manager (BusyBox images, warned about by checks.py)
    the run says so. The script then finds GNU tar too: a superset of the options BusyBox's has."""
    return _run("Install GNU tar for actions/cache", _GNU_TAR)


def _restore(m: ir.CacheMount, ctx: JobContext, task: str, place: Place) -> Step:
    key, prefix = _cache_keys(m, ctx, task)
    return _action(f"Restore cache {m.cache}", "actions/cache/restore",
                   {"path": place.task_path(m.path).field, "key": key, "restore-keys": prefix})


def _save(m: ir.CacheMount, ctx: JobContext, task: str, place: Place) -> Step:
    """Saved after the task succeeded (a failed task's files are not worth keeping)."""
    key, _ = _cache_keys(m, ctx, task)
    return _action(f"Save cache {m.cache}", "actions/cache/save",
                   {"path": place.task_path(m.path).field, "key": key})


def _secret_file(f: ir.SecretFile, place: Place) -> Step:
    """The secret travels in env (masked in logs), never in the script text; the file is 0600."""
    target = place.task_path(f.path)
    parent = posixpath.dirname(target.text)
    script = "umask 077\n"
    if parent and parent != "/":
        script += f"mkdir -p {target.parent().shell}\n"
    script += f"printf '%s' \"$SHIPSPEC_SECRET_FILE\" > {target.shell}"
    return _run(f"Write secret file {f.path}", script,
                env={"SHIPSPEC_SECRET_FILE": gx.wrap(gx.prop("secrets", f.secret.github_name))})


def _main(task: ir.Task, env: dict[str, str], ctx: JobContext, place: Place) -> list[Step]:
    if task.native is not None:
        unit = task.native.github
        return [] if unit is None else [native.action_step(task.name, unit, ctx.scope, native.NATIVE_STEP)]
    if task.steps:
        git = checkout.safe_directories(task, ctx.checkouts) if place.host else {}
        network = network_expression(task)
        docker_env = _docker_env(task, env) if place.mapped else env | ({NETWORK_ENV: network} if network else {})
        return task_steps(task, env, ctx.scope, place, host_env_names(task) + list(git), docker_env | git)
    if task.script is not None:
        workdir = place.task_path(task.working_dir) if task.working_dir else None
        return [_run("Run script", task.script, env=env,
                     working_directory=None if workdir is None or workdir.is_root else workdir.field)]
    git = checkout.safe_directories(task, ctx.checkouts)
    return [_run("Run command", run_command(task, host_env_names(task) + list(git)),
                 env=_docker_env(task, env) | git)]


def host_env_names(task: ir.Task) -> list[str]:
    """The env vars the task's container gets, by name: its own env, the results dir, the sidecars'
    host names (argv references are read by the host's shell and need not be passed)."""
    names = [e.name for e in task.env] + ([ir.RESULTS_ENV] if task.results else [])
    if task.oidc is not None:
        names += [ir.OIDC_TOKEN_ENV, *oidc.REQUEST_ENV]
    return names + [s.host_env for s in task.sidecars]


def _docker_env(task: ir.Task, env: dict[str, str]) -> dict[str, str]:
    """The main step's env on the host: what `docker run -e NAME` reads, and the service network."""
    out = dict(env)
    if task.results:
        out[ir.RESULTS_ENV] = ir.RESULTS_DIR  # the path in the container
    out |= {s.host_env: s.name for s in task.sidecars}  # services are reached by name
    network = network_expression(task)
    if network:
        out[NETWORK_ENV] = network
    return out


def _publish(task: ir.Task, place: Place) -> Step:
    """Copy result files into `$GITHUB_OUTPUT` with a delimiter no line of the value equals.

    Exactly one trailing newline is removed, the rule on every engine (Argo's): `$(cat)` alone
    would remove them all, so the value is read with a sentinel `x` after it, which is then cut off.
    A result the task never wrote is the empty string, the meaning chosen for every engine (Argo's
    output parameters have `default: ""`): not an error, after a success or a failure.
    """
    calls = "\n".join(f"publish {shell_word(r.name)}" for r in task.results)
    env = {ir.RESULTS_ENV: place.task_path(ir.RESULTS_DIR).field} if place.host else None
    return _run("Publish results", _PUBLISH_RESULTS + calls, id_="results", if_=NOT_CANCELLED, env=env)
