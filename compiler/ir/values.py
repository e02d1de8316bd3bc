"""Values and references: params, what `~{ … }` resolves to, and text with references in it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ..diagnostics import UNKNOWN_SPAN, Span

Scalar = str | bool | int


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
    """`run.<field>`: the run's context, one meaning on every engine (RUN_FIELDS says which).

    GitHub knows each from its `github` context. Argo and Tekton know the run's id, name and
    namespace; every other field is a param the backend declares itself (`run_param`), which the
    trigger documents bind from the event and which is an input when the run is started by hand.
    """

    ID = "id"
    NAME = "name"
    ATTEMPT = "attempt"
    URL = "url"
    NAMESPACE = "namespace"
    EVENT = "event"
    REF = "ref"
    REF_TYPE = "ref_type"
    REF_NAME = "ref_name"
    BRANCH = "branch"
    SHA = "sha"
    SHORT_SHA = "short_sha"
    REPOSITORY = "repository"
    OWNER = "owner"
    CLONE_URL = "clone_url"
    ACTOR = "actor"
    PR_NUMBER = "pr_number"
    PR_BASE_REF = "pr_base_ref"
    PR_HEAD_REF = "pr_head_ref"
    PR_LABELS = "pr_labels"


RUN_FIELDS: dict[RunField, tuple[str, str]] = {
    RunField.ID: ("a unique id of this run (on GitHub of this attempt)", ""),
    RunField.NAME: ("the name of this run", ""),
    RunField.ATTEMPT: ("1 for a first run, 2 for its first re-run…", "1"),
    RunField.URL: ("where a person sees this run", ""),
    RunField.NAMESPACE: ("the Kubernetes namespace the run is in ('' on GitHub)", ""),
    RunField.EVENT: ("what started the run: push, pull_request, schedule or manual", "manual"),
    RunField.REF: ("the full ref: refs/heads/main, refs/tags/v1.2.0, refs/pull/7/head", ""),
    RunField.REF_TYPE: ("branch or tag", ""),
    RunField.REF_NAME: ("the branch or tag name; for a pull request its head branch", ""),
    RunField.BRANCH: ("the branch name; for a pull request its head branch; '' for a tag", ""),
    RunField.SHA: ("the commit the run builds; for a pull request its head commit", ""),
    RunField.SHORT_SHA: ("its first 7 characters", ""),
    RunField.REPOSITORY: ("owner/name of the repository", ""),
    RunField.OWNER: ("the repository's owner", ""),
    RunField.CLONE_URL: ("the repository's https clone URL", ""),
    RunField.ACTOR: ("who started the run", ""),
    RunField.PR_NUMBER: ("the pull request's number ('' when not one)", ""),
    RunField.PR_BASE_REF: ("the branch the pull request targets ('' when not one)", ""),
    RunField.PR_HEAD_REF: ("the pull request's branch ('' when not one)", ""),
    RunField.PR_LABELS: ("the pull request's label names as a JSON list; `contains(run.pr_labels, 'x')` "
                         "tests one", "[]"),
}
"""Each field's meaning, and its value when a run is started by hand without it (a declared param's default)."""


def run_param(field: RunField) -> str:
    """The run param a backend declares for a field its engine does not know (`shipspec-run-ref-name`)."""
    return "shipspec-run-" + field.value.replace("_", "-")


@dataclass(frozen=True, slots=True)
class RunRef:
    kind: RunField
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class StatusRef:
    """`pipeline.status` in a finally task: "Succeeded" or "Failed" (engine's own wording); with a
    `task`, `tasks.T.status`: that main task's, "Succeeded", "Failed" or "Skipped"."""

    span: Span = field(default=UNKNOWN_SPAN, compare=False)
    task: str | None = None


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
    if ref.task is not None:
        return f"SHIPSPEC_TASK_{upper_snake(ref.task)}_STATUS"
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
    return "pipeline.status" if ref.task is None else f"tasks.{ref.task}.status"
