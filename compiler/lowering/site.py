"""Where a spec node stands: the loaded document and the node's path, so spans travel with the
node being lowered instead of each field going back to the document by hand."""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Span
from ..loader import Document, Loc


@dataclass(frozen=True, slots=True)
class Site:
    doc: Document
    loc: Loc

    def __truediv__(self, part: str | int) -> Site:
        """The site of a child: `task_site / "env" / "HOME"`."""
        return Site(self.doc, (*self.loc, part))

    @property
    def span(self) -> Span:
        """The value's span (or the nearest enclosing node's, when the value was not written)."""
        return self.doc.span(self.loc)

    @property
    def key_span(self) -> Span:
        """The span of the key that names this node (a mapping entry), else the value's."""
        return self.doc.key_span(self.loc)

    def offset(self, start: int, length: int) -> Span:
        """Characters [start, start+length) of the string written here."""
        return self.doc.offset_span(self.loc, start, length)

    @property
    def source_text(self) -> str | None:
        """A one-line scalar as written (`0755`, not 493)."""
        return self.doc.source_text(self.loc)
