"""One task and its parts: env, results, artifacts, mounts, sidecars, limits, matrix."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import UNKNOWN_SPAN, Span
from .conditions import Condition
from .native import Native
from .values import ParamRef, ResultRef, Scalar, Template, upper_snake

RESULTS_DIR = "/tmp/shipspec/results"
"""Where a task's script writes result `x`, as the file `$SHIPSPEC_RESULTS/x` (Tekton: /tekton/results)."""

RESULTS_ENV = "SHIPSPEC_RESULTS"

OIDC_TOKEN_ENV = "SHIPSPEC_OIDC_TOKEN_FILE"
"""The env var naming the file that holds a task's OIDC identity token (`Task.oidc`)."""


@dataclass(frozen=True, slots=True)
class SecretRef:
    """A key of a secret, by reference only. GitHub maps it to the secret `github_name`."""

    secret: str
    key: str
    span: Span = field(default=UNKNOWN_SPAN, compare=False)

    @property
    def github_name(self) -> str:
        return upper_snake(f"{self.secret}_{self.key}")


@dataclass(frozen=True, slots=True)
class EnvVar:
    name: str
    value: Template | SecretRef
    span: Span = UNKNOWN_SPAN


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    description: str | None = None
    span: Span = UNKNOWN_SPAN
    optional: bool = False  # nothing needs to read it


@dataclass(frozen=True, slots=True)
class ArtifactOut:
    """Files under `path` that later tasks receive under the artifact's name."""

    name: str
    path: str
    span: Span = UNKNOWN_SPAN


@dataclass(frozen=True, slots=True)
class ArtifactIn:
    name: str
    producer: str  # the task that produces it (an implied dependency)
    path: str
    span: Span = UNKNOWN_SPAN


@dataclass(frozen=True, slots=True)
class Cache:
    """A named cache kept between runs: the PVC `<pipeline>-cache-<name>` on Kubernetes engines
    (created once by the platform team), actions/cache on GitHub (saved each run, newest restored)."""

    name: str
    span: Span = UNKNOWN_SPAN


@dataclass(frozen=True, slots=True)
class CacheMount:
    cache: str
    path: str
    span: Span = UNKNOWN_SPAN


@dataclass(frozen=True, slots=True)
class SecretFile:
    """One key of a secret as a file at `path` (mounted on Kubernetes, written from env on GitHub)."""

    secret: SecretRef
    path: str
    span: Span = UNKNOWN_SPAN


@dataclass(frozen=True, slots=True)
class Sidecar:
    name: str
    image: str
    command: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    env: tuple[EnvVar, ...] = ()
    privileged: bool = False
    span: Span = UNKNOWN_SPAN
    image_span: Span = UNKNOWN_SPAN

    @property
    def host_env(self) -> str:
        """The env var a backend sets on the task to the host name that reaches this sidecar:
        `localhost` on Kubernetes (one pod), the service's name on GitHub. Scripts read it for
        `~{ sidecars.NAME.host }`."""
        return f"SHIPSPEC_SIDECAR_{upper_snake(self.name)}_HOST"


SIDECAR_HOST_KUBERNETES = "localhost"


@dataclass(frozen=True, slots=True)
class SecurityContext:
    """The pod's security context on Kubernetes engines; GitHub runs jobs as the runner sets them."""

    run_as_user: int | None = None
    run_as_group: int | None = None
    seccomp: str | None = None  # "RuntimeDefault" | "Unconfined"
    span: Span = UNKNOWN_SPAN


@dataclass(frozen=True, slots=True)
class Resources:
    """Kubernetes quantities; GitHub chooses machines by `runs_on` instead."""

    requests: tuple[tuple[str, str], ...] = ()  # (("cpu", "500m"), ("memory", "1Gi"))
    limits: tuple[tuple[str, str], ...] = ()
    span: Span = UNKNOWN_SPAN


@dataclass(frozen=True, slots=True)
class Backoff:
    duration_s: int
    factor: int | None = None
    max_duration_s: int | None = None


@dataclass(frozen=True, slots=True)
class Retry:
    limit: int
    backoff: Backoff | None = None
    span: Span = UNKNOWN_SPAN


@dataclass(frozen=True, slots=True)
class MatrixAxis:
    """One axis: literal values, an array param's value, or an upstream task's result holding a JSON
    list of strings (a dynamic matrix: GitHub fromJSON, Argo withParam, Tekton a result array)."""

    name: str
    values: tuple[Scalar, ...] | ParamRef | ResultRef
    span: Span = UNKNOWN_SPAN


Combination = tuple[tuple[str, Scalar], ...]
"""Axis values of one matrix combination: (("os", "linux"), ("go", "1.23"))."""


@dataclass(frozen=True, slots=True)
class Matrix:
    axes: tuple[MatrixAxis, ...]
    max_parallel: int | None = None
    span: Span = UNKNOWN_SPAN
    include: tuple[Combination, ...] = ()  # extra combinations, every axis given
    exclude: tuple[Combination, ...] = ()  # combinations (partial: every match) that do not run


@dataclass(frozen=True, slots=True)
class Environment:
    """A deployment environment (GitHub): its protection rules gate the task."""

    name: str
    url: str | None = None
    span: Span = UNKNOWN_SPAN


@dataclass(frozen=True, slots=True)
class Oidc:
    """An OIDC identity token for `audience`, in the file $SHIPSPEC_OIDC_TOKEN_FILE: GitHub's
    (`id-token: write`, fetched from the runner's token service), or a projected service-account
    token on Kubernetes."""

    audience: str
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


CHECKOUT_RESULTS = ("sha", "short-sha", "ref")
"""What a checkout task reports: the commit it cloned, its first 7 characters, and the ref asked for."""


@dataclass(frozen=True, slots=True)
class Checkout:
    """A built-in task that clones a repository. Its files are the artifact named after the task, at
    `path`; credentials are never kept in the clone. A consumer gets the very commit it cloned (`sha`),
    so every task of a run builds one revision even if the branch moves."""

    repository: Template | None = None  # owner/name or a clone URL; None: the run's repository
    ref: Template | None = None  # None: the commit the run builds (run.sha; the default branch by hand)
    depth: int = 1  # 0: all history
    tags: bool = False
    submodules: str = "none"  # "none" | "top" | "recursive"
    lfs: bool = False
    token: SecretRef | None = None  # None: GitHub's platform token, anonymous on Kubernetes
    path: str = "/workspace/source"
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


Permissions = tuple[tuple[str, str], ...]
"""GitHub token scopes and their level, as written: (("contents", "read"), ("packages", "write"))."""


@dataclass(frozen=True, slots=True)
class Dependency:
    task: str
    explicit: bool  # written in `depends`, or implied by a result or artifact it uses
    span: Span = UNKNOWN_SPAN


@dataclass(frozen=True, slots=True)
class ScriptAnchor:
    """Offset `offset` of a task's rewritten script is the character at `span` in the spec; the text
    after it, up to the next anchor, is on the same line with no rewrite in between."""

    offset: int
    span: Span


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a task with `steps`: the steps share the task's container filesystem (GitHub: the
    job's steps; Tekton: the task's steps; Argo: a container set) and run in order. `script` or
    `command` is the portable body (references through `env`, as a task's); `native` names the
    engine's own unit for the engines it has an entry for, which run it instead of the body. A step
    with neither for an engine is an error naming the step and the engine."""

    name: str
    image: str  # the task's unless the step names one; "" without a portable body
    script: str | None = None
    command: tuple[Template, ...] = ()
    args: tuple[Template, ...] = ()
    native: Native | None = None
    env: tuple[EnvVar, ...] = ()  # the step's own, after the task's
    always: bool = False  # runs after an earlier step failed
    continue_on_error: bool = False
    timeout_s: int | None = None
    span: Span = field(default=UNKNOWN_SPAN, compare=False)
    image_span: Span = field(default=UNKNOWN_SPAN, compare=False)
    script_anchors: tuple[ScriptAnchor, ...] = ()


@dataclass(frozen=True, slots=True)
class Task:
    """One unit of work: a pod on Kubernetes engines, a job on GitHub.

    Exactly one of `script`, `command`, `steps`, `checkout` and `native` is set (checkout and native
    tasks have no image).
    `script` is shell text in which every reference has already been replaced by `"${NAME}"` of an
    env var in `env`: no value is ever spliced into it.
    """

    name: str
    image: str
    script: str | None = None
    command: tuple[Template, ...] = ()
    args: tuple[Template, ...] = ()
    env: tuple[EnvVar, ...] = ()
    working_dir: str | None = None
    depends: tuple[Dependency, ...] = ()
    when: Condition | None = None
    results: tuple[Result, ...] = ()
    produces: tuple[ArtifactOut, ...] = ()
    consumes: tuple[ArtifactIn, ...] = ()
    caches: tuple[CacheMount, ...] = ()
    secret_files: tuple[SecretFile, ...] = ()
    sidecars: tuple[Sidecar, ...] = ()
    security: SecurityContext | None = None
    resources: Resources | None = None
    timeout_s: int | None = None
    retry: Retry | None = None
    matrix: Matrix | None = None
    checkout: Checkout | None = None  # a `uses: checkout` task: no image, script or command
    native: Native | None = None  # a task that is one native unit: no image, script or command
    steps: tuple[Step, ...] = ()  # instead of script/command
    oidc: Oidc | None = None
    runs_on: str | None = None  # GitHub runner label; None: the pipeline's
    runs_on_span: Span | None = None
    permissions: Permissions = ()  # GitHub: the job's token, on top of the pipeline's
    permissions_span: Span = UNKNOWN_SPAN
    environment: Environment | None = None
    github_container: bool = True  # False: GitHub runs the steps on the runner, not in `image`
    is_finally: bool = False
    span: Span = UNKNOWN_SPAN
    image_span: Span = UNKNOWN_SPAN
    script_anchors: tuple[ScriptAnchor, ...] = ()
    """Where the text of `script` came from: sorted by offset, one at the script's start, at each line
    start and after each rewritten reference, so `script_span` can point at any part of it."""
    script_comments: tuple[tuple[int, int], ...] = ()
    """[start, end) offsets of the shell comments in `script` (text the shell never runs)."""

    def script_span(self, start: int, length: int) -> Span:
        """The spec position of `script[start:start + length]`; the task's span when unknown."""
        anchor = None
        for candidate in self.script_anchors:
            if candidate.offset > start:
                break
            anchor = candidate
        if anchor is None:
            return self.span
        return anchor.span.at_offset(start - anchor.offset, length)

    def in_script_comment(self, offset: int) -> bool:
        return any(a <= offset < b for a, b in self.script_comments)

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Names of the tasks this one waits for, in declaration order, without repeats."""
        return tuple(dict.fromkeys(d.task for d in self.depends))
