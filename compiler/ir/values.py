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
