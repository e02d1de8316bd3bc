"""The pipeline: its tasks, params, results, caches, and the settings of each kind of engine."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..diagnostics import UNKNOWN_SPAN, Span
from .conditions import condition_refs
from .tasks import ArtifactIn, Cache, Checkout, Permissions, SecretRef, Task
from .triggers import Triggers
from .values import RUN_FIELDS, Param, ParamRef, Ref, ResultRef, RunField, Template

DEFAULT_RUNS_ON = "ubuntu-24.04"


class ArtifactStore(enum.Enum):
    """How a Kubernetes engine moves artifacts between tasks (GitHub: always upload/download-artifact)."""

    REPOSITORY = "repository"  # the engine's artifact repository (Argo); Tekton has none and uses VOLUME
    VOLUME = "volume"  # one per-run volume, a sub-directory per artifact


@dataclass(frozen=True, slots=True)
class Concurrency:
    """Runs whose `group` has one value never overlap: a newer one waits, or cancels the older."""

    group: Template  # params and run context only
    cancel_in_progress: bool = False
    span: Span = UNKNOWN_SPAN


@dataclass(frozen=True, slots=True)
class Repository:
    """The repository the pipeline builds: where events come from, what checkout clones by default."""

    name: str  # owner/name; GitLab: group/subgroup/name
    provider: str = "github"  # or "gitlab"
    clone_url: str = ""
    webhook_secret: SecretRef | None = None  # Kubernetes engines; None: `<pipeline>-webhook`, key `secret`
    span: Span = field(default=UNKNOWN_SPAN, compare=False)

    @property
    def owner(self) -> str:
        return self.name.rsplit("/", 1)[0]

    @property
    def short_name(self) -> str:
        return self.name.rsplit("/", 1)[1]


@dataclass(frozen=True, slots=True)
class RunSettings:
    """The run itself (Argo Workflow, Tekton PipelineRun): its metadata and how long it is kept."""

    labels: tuple[tuple[str, str], ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()
    delete_after_success_s: int | None = None  # Argo ttlStrategy
    delete_after_failure_s: int | None = None
    delete_after_span: Span = field(default=UNKNOWN_SPAN, compare=False)
    keep_runs: int | None = None  # Pipelines-as-Code max-keep-runs
    keep_runs_span: Span = field(default=UNKNOWN_SPAN, compare=False)
    pod_gc: str | None = None  # Argo podGC strategy
    pod_gc_span: Span = field(default=UNKNOWN_SPAN, compare=False)
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


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
    repository: Repository | None = None
    run: RunSettings = RunSettings()  # Kubernetes engines
    triggers: Triggers = Triggers()
    concurrency: Concurrency | None = None
    timeout_s: int | None = None  # the main tasks; finally tasks run after it. None: no limit asked for
    timeout_span: Span = UNKNOWN_SPAN
    runs_on: str = DEFAULT_RUNS_ON  # GitHub
    runs_on_span: Span | None = None  # None: the default runner, not written in the spec
    permissions: Permissions = ()  # GitHub: every job's token
    permissions_span: Span = UNKNOWN_SPAN
    span: Span = UNKNOWN_SPAN

    @property
    def all_tasks(self) -> tuple[Task, ...]:
        return self.tasks + self.finally_tasks

    def refs(self) -> Iterator[Ref]:
        """Every reference the pipeline reads, repeats kept: each task's env, command, args, sidecar
        env, `when` and matrix axes, the pipeline results and the concurrency group."""
        for task in self.all_tasks:
            for var in (*task.env, *(e for s in task.sidecars for e in s.env)):
                if isinstance(var.value, Template):
                    yield from var.value.refs
            for template in (*task.command, *task.args):
                yield from template.refs
            if task.when is not None:
                yield from condition_refs(task.when)
            for step in task.steps:
                for var in step.env:
                    if isinstance(var.value, Template):
                        yield from var.value.refs
                for template in (*step.command, *step.args, *(step.native.inputs if step.native else ())):
                    yield from template.refs
            for template in task.native.inputs if task.native else ():
                yield from template.refs
            if task.checkout is not None:
                yield from (r for t in (task.checkout.repository, task.checkout.ref) if t for r in t.refs)
            for axis in task.matrix.axes if task.matrix else ():
                if isinstance(axis.values, (ParamRef, ResultRef)):
                    yield axis.values
        for result in self.results:
            yield from result.value.refs
        if self.concurrency is not None:
            yield from self.concurrency.group.refs

    def run_default(self, run_field: RunField) -> str:
        """A run field's value when a run is started by hand: the repository's own where it is known."""
        repo = self.repository
        if repo is not None and run_field is RunField.REPOSITORY:
            return repo.name
        if repo is not None and run_field is RunField.OWNER:
            return repo.owner
        if repo is not None and run_field is RunField.CLONE_URL:
            return repo.clone_url
        return RUN_FIELDS[run_field][1]

    def checkout_of(self, artifact: ArtifactIn) -> Checkout | None:
        """The checkout whose files `artifact` is, if it comes from a checkout task."""
        return self.task(artifact.producer).checkout

    def task(self, name: str) -> Task:
        return next(t for t in self.all_tasks if t.name == name)

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    @property
    def uses_artifacts(self) -> bool:
        return any(t.produces for t in self.all_tasks)
