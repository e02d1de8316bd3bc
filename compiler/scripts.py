"""What lowering knows about a script's shell text: where single quotes and comments are (a
reference in single quotes never expands; a comment never runs), and which interpreter it asks for.

One small lexer of POSIX sh quoting serves both: quotes, backslashes, `#` at the start of a word,
and here-documents, whose bodies are data (a `#` or `'` there means nothing to the shell).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_SH_SHEBANG = re.compile(r"#!\s*(/bin/sh|/usr/bin/env\s+sh)\s*(-\w+\s*)*$")
_HEREDOC = re.compile(r"<<(-?)\s*(?:'([^'\n]*)'|\"([^\"\n]*)\"|\\?([A-Za-z0-9_.-]+))")
_WORD_START = " \t\n;&|()"


def single_quoted(script: str) -> list[tuple[int, int]]:
    """The [start, end) ranges of single-quoted text."""
    return [(a, b) for kind, a, b in _lex(script) if kind == "'"]


def comments(script: str) -> list[tuple[int, int]]:
    """The [start, end) ranges of comments, from `#` to the end of its line."""
    return [(a, b) for kind, a, b in _lex(script) if kind == "#"]


def _lex(script: str) -> Iterator[tuple[str, int, int]]:
    """("'", start, end) for single-quoted text and ("#", start, end) for comments."""
    i, n = 0, len(script)
    state, start = "", 0
    pending: list[tuple[str, bool]] = []  # here-documents that start after this line
    while i < n:
        c = script[i]
        if state == "'":
            if c == "'":
                yield "'", start, i
                state = ""
        elif c == "\\":
            i += 1  # the next character is literal, in or out of double quotes
        elif state == '"':
            state = "" if c == '"' else state
        elif c == "#" and (i == 0 or script[i - 1] in _WORD_START):
            end = script.find("\n", i)
            end = n if end < 0 else end
            yield "#", i, end
            i = end
            continue
        elif c in "'\"":
            state, start = c, i + 1
        elif c == "<" and (m := _HEREDOC.match(script, i)):
            pending.append((next(g for g in m.groups()[1:] if g is not None), m.group(1) == "-"))
            i = m.end()
            continue
        if c == "\n" and pending and not state:
            i = _skip_heredocs(script, i + 1, pending)
            pending = []
            continue
        i += 1


def _skip_heredocs(script: str, i: int, docs: list[tuple[str, bool]]) -> int:
    """The offset after the bodies of `docs`, which start at `i`, each ended by its delimiter line."""
    for word, strip_tabs in docs:
        while i < len(script):
            end = script.find("\n", i)
            end = len(script) if end < 0 else end
            line = script[i:end]
            i = end + 1
            if (line.lstrip("\t") if strip_tabs else line) == word:
                break
    return i


def foreign_shebang(script: str) -> str | None:
    """The `#!` line of a script that does not ask for `sh`, else None."""
    if not script.startswith("#!"):
        return None
    first = script.split("\n", 1)[0]
    return None if _SH_SHEBANG.fullmatch(first) else first
