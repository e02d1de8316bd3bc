"""Shell words the backend writes into `run:` text: literal text single-quoted, values from env vars.

No value is ever spliced into a script: a reference becomes `"${VAR}"` of an env var the step sets.
"""

from __future__ import annotations

from ...compiler import ir


def shell_word(text: str) -> str:
    """One literal shell word: single quotes, `'` as `'\\''`, `${{` as `$''{{` (no expression for GitHub)."""
    return "'" + text.replace("'", "'\\''").replace("${{", "$''{{") + "'"


def template_word(t: ir.Template) -> str:
    """One argv word: literal text single-quoted, each ref read from its env var (double-quoted)."""
    pieces = [shell_word(p) if isinstance(p, str) else f'"${{{ir.env_name(p)}}}"' for p in t.parts]
    return "".join(pieces) or "''"
