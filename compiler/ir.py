"""The target-neutral intermediate representation: plain frozen dataclasses, built by `lower`.

Backends read only this module (and `diagnostics`). Every node keeps the span of the spec text
it came from, so a backend can report what its engine cannot express at the user's line.
Edges between tasks name the task: names are unique (checked before lowering finishes).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from .diagnostics import UNKNOWN_SPAN, Span

Scalar = str | bool | int

RESULTS_DIR = "/tmp/shipspec/results"
"""Where a task's script writes result `x`, as the file `$SHIPSPEC_RESULTS/x` (Tekton: /tekton/results)."""

RESULTS_ENV = "SHIPSPEC_RESULTS"

DEFAULT_RUNS_ON = "ubuntu-24.04"


class ArtifactStore(enum.Enum):
    """How a Kubernetes engine moves artifacts between tasks (GitHub: always upload/download-artifact)."""

    REPOSITORY = "repository"  # the engine's artifact repository (Argo); Tekton has none and uses VOLUME
    VOLUME = "volume"  # one per-run volume, a sub-directory per artifact


class ParamType(enum.Enum):
    STRING = "string"
    BOOL = "bool"
    INT = "int"
    ARRAY = "array"


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: ParamType
    default: Scalar | tuple[str, ...] | None  # None: required
    description: str | None = None
    span: Span = UNKNOWN_SPAN

    @property
    def required(self) -> bool:
        return self.default is None


# --- references: what the spec's `~{ … }` expressions resolve to ------------------------------


@dataclass(frozen=True, slots=True)
class ParamRef:
    name: str
    type: ParamType
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ResultRef:
    """`tasks.T.results.R`. `as_list`: T runs as a matrix, so the value is a JSON list of strings."""

    task: str
    result: str
    as_list: bool = False
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class MatrixRef:
    """`matrix.AXIS`: the value of one axis in this instance of a matrix task."""

    axis: str
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


class RunField(enum.Enum):
    ID = "id"  # unique id of this run
    NAME = "name"  # name of this run object
    SHA = "sha"  # commit sha: only engines that know the commit (GitHub); others report SS501
    BRANCH = "branch"  # likewise


@dataclass(frozen=True, slots=True)
class RunRef:
    kind: RunField
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class StatusRef:
    """`pipeline.status` in a finally task: "Succeeded" or "Failed" (engine's own wording)."""

    span: Span = field(default=UNKNOWN_SPAN, compare=False)


Ref = ParamRef | ResultRef | MatrixRef | RunRef | StatusRef


@dataclass(frozen=True, slots=True)
class Template:
    """A string with references in it: literal text and refs, in order. No engine syntax."""

    parts: tuple[str | Ref, ...]
    span: Span = field(default=UNKNOWN_SPAN, compare=False)

    @property
    def refs(self) -> tuple[Ref, ...]:
        return tuple(p for p in self.parts if not isinstance(p, str))

    @property
    def literal(self) -> str | None:
        """The text, when there is no reference in it."""
        if all(isinstance(p, str) for p in self.parts):
            return "".join(p for p in self.parts if isinstance(p, str))
        return None

    @property
    def single_ref(self) -> Ref | None:
        """The ref, when the whole template is exactly one reference."""
        if len(self.parts) == 1 and not isinstance(self.parts[0], str):
            return self.parts[0]
        return None


def literal(text: str, span: Span = UNKNOWN_SPAN) -> Template:
    return Template((text,) if text else (), span)


# --- conditions, in negation normal form ------------------------------------------------------


class CompareOp(enum.Enum):
    EQ = "=="
    NE = "!="
    IN = "in"
    NOT_IN = "notin"


@dataclass(frozen=True, slots=True)
class Literal:
    value: Scalar


Operand = Ref | Literal


@dataclass(frozen=True, slots=True)
class Compare:
    """`left OP right`: EQ/NE have one right operand, IN/NOT_IN one or more.

    A bare boolean reference `x` is lowered to `x == true`, and `!x` to `x == false`.
    Comparison is on the string forms (every engine compares text): `true`, `false`, `42`.
    """

    left: Operand
    op: CompareOp
    right: tuple[Operand, ...]
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class All:
    items: tuple[Condition, ...]
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Any:
    items: tuple[Condition, ...]
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


Condition = Compare | All | Any


def condition_refs(cond: Condition) -> tuple[Ref, ...]:
    if isinstance(cond, Compare):
        return tuple(o for o in (cond.left, *cond.right) if not isinstance(o, Literal))
    return tuple(r for item in cond.items for r in condition_refs(item))


# --- task parts -------------------------------------------------------------------------------


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
    """One axis: literal values, or an array param's value."""

    name: str
    values: tuple[Scalar, ...] | ParamRef
    span: Span = UNKNOWN_SPAN


@dataclass(frozen=True, slots=True)
class Matrix:
    axes: tuple[MatrixAxis, ...]
    max_parallel: int | None = None
    span: Span = UNKNOWN_SPAN


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
class Task:
    """One unit of work: a pod on Kubernetes engines, a job on GitHub.

    Exactly one of `script` and `command` is set. `script` is shell text in which every
    reference has already been replaced by `"${NAME}"` of an env var in `env`: no value is
    ever spliced into it.
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
    runs_on: str | None = None  # GitHub runner label; None: the pipeline's
    runs_on_span: Span | None = None
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


@dataclass(frozen=True, slots=True)
class PipelineResult:
    name: str
    value: Template
    description: str | None = None
    span: Span = UNKNOWN_SPAN


@dataclass(frozen=True, slots=True)
class Pipeline:
    name: str
    source: str  # the spec's path as given, relative: for the generated-file header
    namespace: str | None = None
    labels: tuple[tuple[str, str], ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()
    description: str | None = None
    params: tuple[Param, ...] = ()
    tasks: tuple[Task, ...] = ()
    finally_tasks: tuple[Task, ...] = ()
    results: tuple[PipelineResult, ...] = ()
    caches: tuple[Cache, ...] = ()
    service_account: str | None = None  # Kubernetes engines
    host_network: bool = False  # Kubernetes engines
    artifact_store: ArtifactStore = ArtifactStore.REPOSITORY  # Kubernetes engines
    storage_size: str = "1Gi"  # the per-run volume that carries artifacts between tasks
    storage_class: str | None = None
    storage_access_mode: str = "ReadWriteOnce"  # or "ReadWriteMany"
    timeout_s: int | None = None  # the whole run, finally tasks included; None: no limit asked for
    timeout_span: Span = UNKNOWN_SPAN
    runs_on: str = DEFAULT_RUNS_ON  # GitHub
    runs_on_span: Span | None = None  # None: the default runner, not written in the spec
    span: Span = UNKNOWN_SPAN

    @property
    def all_tasks(self) -> tuple[Task, ...]:
        return self.tasks + self.finally_tasks

    def task(self, name: str) -> Task:
        return next(t for t in self.all_tasks if t.name == name)

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    @property
    def uses_artifacts(self) -> bool:
        return any(t.produces for t in self.all_tasks)


def upper_snake(text: str) -> str:
    """`docker-config.json` -> `DOCKER_CONFIG_JSON`: env var and GitHub secret names."""
    out = "".join(c.upper() if c.isalnum() else "_" for c in text)
    return "_".join(part for part in out.split("_") if part)


def env_name(ref: Ref) -> str:
    """The env var through which a script reads a reference's value."""
    if isinstance(ref, ParamRef):
        return f"SHIPSPEC_PARAM_{upper_snake(ref.name)}"
    if isinstance(ref, ResultRef):
        return f"SHIPSPEC_TASK_{upper_snake(ref.task)}_{upper_snake(ref.result)}"
    if isinstance(ref, MatrixRef):
        return f"SHIPSPEC_MATRIX_{upper_snake(ref.axis)}"
    if isinstance(ref, RunRef):
        return f"SHIPSPEC_RUN_{ref.kind.name}"
    return "SHIPSPEC_PIPELINE_STATUS"


def ref_text(ref: Ref) -> str:
    """A reference as the spec spells it: `params.x`, `tasks.t.results.r`."""
    if isinstance(ref, ParamRef):
        return f"params.{ref.name}"
    if isinstance(ref, ResultRef):
        return f"tasks.{ref.task}.results.{ref.result}"
    if isinstance(ref, MatrixRef):
        return f"matrix.{ref.axis}"
    if isinstance(ref, RunRef):
        return f"run.{ref.kind.value}"
    return "pipeline.status"
