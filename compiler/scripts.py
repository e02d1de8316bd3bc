"""What lowering needs to know about a `run` script's shell text: where single quotes are (a
reference there would never expand) and which interpreter it asks for."""

from __future__ import annotations

import re

_SH_SHEBANG = re.compile(r"#!\s*(/bin/sh|/usr/bin/env\s+sh)\s*(-\w+\s*)*$")


def single_quoted(script: str) -> list[tuple[int, int]]:
    """The [start, end) ranges of single-quoted text, by POSIX sh quoting rules (no heredocs)."""
    ranges: list[tuple[int, int]] = []
    i, start, state = 0, 0, ""
    while i < len(script):
        c = script[i]
        if state == "'":
            if c == "'":
                ranges.append((start, i))
                state = ""
        elif c == "\\":
            i += 1  # the next character is literal, in or out of double quotes
        elif state == '"':
            state = "" if c == '"' else state
        elif c == "#" and (i == 0 or script[i - 1] in " \t\n;"):
            nl = script.find("\n", i)
            i = len(script) if nl < 0 else nl  # a comment: quotes in it mean nothing
            continue
        elif c in "'\"":
            state, start = c, i + 1
        i += 1
    return ranges


def foreign_shebang(script: str) -> str | None:
    """The `#!` line of a script that does not ask for `sh`, else None."""
    if not script.startswith("#!"):
        return None
    first = script.split("\n", 1)[0]
    return None if _SH_SHEBANG.fullmatch(first) else first
