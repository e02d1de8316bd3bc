"""What starts a run: pushes, pull requests, schedules, by hand, or a call from another pipeline.

Filters are globs as GitHub writes them (`*` within a path segment, `**` across, `?`, `[…]`); a
backend that filters with regular expressions translates them (`glob_regex`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..diagnostics import UNKNOWN_SPAN, Span

Globs = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PushTrigger:
    branches: Globs = ()
    branches_ignore: Globs = ()
    tags: Globs = ()
    tags_ignore: Globs = ()
    paths: Globs = ()
    paths_ignore: Globs = ()
    span: Span = UNKNOWN_SPAN


DEFAULT_PR_TYPES = ("opened", "synchronize", "reopened")
"""GitHub's default activity types for pull_request, and the spec's."""


@dataclass(frozen=True, slots=True)
class PullRequestTrigger:
    branches: Globs = ()  # target (base) branches
    branches_ignore: Globs = ()
    types: tuple[str, ...] = DEFAULT_PR_TYPES
    paths: Globs = ()
    paths_ignore: Globs = ()
    span: Span = UNKNOWN_SPAN


@dataclass(frozen=True, slots=True)
class Schedule:
    cron: str
    timezone: str | None = None
    span: Span = UNKNOWN_SPAN


@dataclass(frozen=True, slots=True)
class Triggers:
    push: PushTrigger | None = None
    pull_request: PullRequestTrigger | None = None
    schedules: tuple[Schedule, ...] = ()
    manual: bool = True
    call: bool = True  # a spec without `triggers` can be started by hand and called
    approximate: bool = False  # a filter an engine cannot apply exactly is dropped with a warning, not an error
    span: Span = UNKNOWN_SPAN

    @property
    def events(self) -> bool:
        """Whether an event (push, pull request) starts runs: a trigger document is needed."""
        return self.push is not None or self.pull_request is not None


GlobPart = tuple[str, str]
"""One piece of a glob: ("any", "**"), ("segment", "*"), ("char", "?"), ("set", "abc") or ("text", "x")."""


def glob_parts(glob: str) -> list[GlobPart]:
    """A filter glob's pieces, for each backend to write in its own pattern language."""
    out: list[GlobPart] = []
    i = 0
    while i < len(glob):
        c = glob[i]
        if glob.startswith("**", i):
            out.append(("any", "**"))
            i += 2
            continue
        end = glob.find("]", i + 1) if c == "[" else -1
        if end > i:
            out.append(("set", glob[i + 1:end]))
            i = end + 1
            continue
        out.append(("segment", c) if c == "*" else ("char", c) if c == "?" else ("text", c))
        i += 1
    return out


def glob_regex(glob: str) -> str:
    """A GitHub filter glob as an anchored regular expression (`release/*` -> `^release/[^/]*$`)."""
    words = {"any": ".*", "segment": "[^/]*", "char": "[^/]"}
    return "^" + "".join(words.get(kind) or (f"[{text}]" if kind == "set" else re.escape(text))
                         for kind, text in glob_parts(glob)) + "$"
