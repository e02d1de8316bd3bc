"""What every backend module provides; `targets.BACKENDS` lists them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ..compiler import ir
from ..compiler.diagnostics import Diagnostic

Document = dict[str, Any]


@dataclass(frozen=True, slots=True)
class EmitOptions:
    argo_kind: str = "Workflow"  # Workflow | WorkflowTemplate | ClusterWorkflowTemplate


@dataclass(frozen=True, slots=True)
class Emitted:
    """Documents in output order; an error in `diagnostics` means the documents are not to be written."""

    documents: list[Document] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


class Backend(Protocol):
    NAME: str

    def emit(self, pipeline: ir.Pipeline, options: EmitOptions) -> Emitted: ...
