"""The expression language: `~{ reference }` inside strings, and conditions for `when`.

`~{` was chosen because no engine (`{{ }}` Argo, `$( )` Tekton, `${{ }}` GitHub) and no shell
gives it a meaning (WDL uses it for the same reason). `~~{` writes a literal `~{`.
A reference is a dotted path: `params.NAME`, `tasks.NAME.results.NAME`, `matrix.NAME`,
`run.FIELD` (the run's context: id, sha, ref_name, event…), `pipeline.status`. Offsets are kept
so errors point into the string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN = "~{"
ESCAPED_OPEN = "~~{"
_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
_PATH = re.compile(rf"{_NAME}(?:\.{_NAME})*")


class ExprError(Exception):
    def __init__(self, message: str, start: int, end: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = max(end, start + 1)
        self.hint = hint


@dataclass(frozen=True, slots=True)
class RawRef:
    """A reference as written: its dotted path and where it stands in the string."""

    path: tuple[str, ...]
    start: int
    end: int

    @property
    def text(self) -> str:
        return ".".join(self.path)


Piece = str | RawRef


def scan(text: str) -> list[Piece]:
    """Split a string into literal text and references."""
    pieces: list[Piece] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith(ESCAPED_OPEN, i):
            literal.append(OPEN)
            i += len(ESCAPED_OPEN)
        elif text.startswith(OPEN, i):
            close = text.find("}", i)
            if close < 0:
                raise ExprError("'~{' is not closed by '}'", i, len(text),
                                "close the expression, or write '~~{' for a literal '~{'")
            if literal:
                pieces.append("".join(literal))
                literal = []
            pieces.append(_ref(text[i + 2 : close], i, close + 1))
            i = close + 1
        else:
            literal.append(text[i])
            i += 1
    if literal:
        pieces.append("".join(literal))
    return pieces


def _ref(inner: str, start: int, end: int) -> RawRef:
    stripped = inner.strip()
    if not _PATH.fullmatch(stripped):
        raise ExprError(f"'{inner.strip() or '~{}'}' is not a reference", start, end,
                        "write a reference such as ~{ params.name } or ~{ tasks.build.results.digest }")
    return RawRef(tuple(stripped.split(".")), start, end)


# --- conditions --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lit:
    value: str | bool | int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Not:
    item: Cond
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: str  # "&&" | "||"
    items: tuple[Cond, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Cmp:
    left: RawRef | Lit
    op: str  # "==" | "!=" | "in" | "notin" | "startsWith" | "endsWith" | "contains"
    right: tuple[RawRef | Lit, ...]
    start: int
    end: int


Cond = RawRef | Lit | Not | BoolOp | Cmp

_TOKEN = re.compile(
    r"""\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(?P<int>-?[0-9]+)(?![\w.])"""
    rf"""|(?P<op>==|!=|&&|\|\||!|\(|\)|\[|\]|,)|(?P<word>{_NAME}(?:\.{_NAME})*))"""
)


FUNCTIONS = ("startsWith", "endsWith", "contains")
"""String tests, written as calls: `startsWith(run.ref, 'refs/tags/')`."""

_INSTEAD = {"=": "==", "and": "&&", "or": "||", "not": "!", "&": "&&", "|": "||", "<>": "!="}


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    i = 0
    while i < len(text):
        if text[i:].strip() == "":
            break
        m = _TOKEN.match(text, i)
        if not m or m.end() == i:
            j = len(text) - len(text[i:].lstrip())
            hint = _INSTEAD.get(text[j])
            raise ExprError(f"unexpected character '{text[j]}'", j, j + 1, hint and f"did you mean '{hint}'?")
        kind = m.lastgroup or "word"
        value = m.group(kind)
        out.append(_Tok(kind, value, m.start(kind), m.end(kind)))
        i = m.end()
    return out


def parse_condition(text: str) -> Cond:
    """Parse `a == 'x' && (b || !c) && d in ['x', 'y'] && startsWith(e, 'v')`; precedence
    ! > compare > && > ||."""
    if text.strip().startswith(OPEN):
        raise ExprError("a condition is an expression already; it takes no '~{ }'", 0, len(text),
                        "write the reference bare, e.g. `when: params.enable_test`")
    parser = _Parser(_tokens(text), len(text))
    cond = parser.or_()
    if parser.pos < len(parser.toks):
        tok = parser.toks[parser.pos]
        hint = _INSTEAD.get(tok.text)
        raise ExprError(f"unexpected '{tok.text}'", tok.start, tok.end, hint and f"did you mean '{hint}'?")
    return cond


class _Parser:
    def __init__(self, toks: list[_Tok], length: int) -> None:
        self.toks = toks
        self.pos = 0
        self.length = length

    def peek(self) -> _Tok | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self, text: str | None = None) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise ExprError(f"expected {repr(text) if text else 'a value'} at the end", self.length,
                            self.length + 1)
        if text is not None and tok.text != text:
            raise ExprError(f"expected '{text}', found '{tok.text}'", tok.start, tok.end)
        self.pos += 1
        return tok

    def _is(self, *texts: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind in ("op", "word") and tok.text in texts

    def or_(self) -> Cond:
        items = [self.and_()]
        while self._is("||"):
            self.take()
            items.append(self.and_())
        return items[0] if len(items) == 1 else BoolOp("||", tuple(items), _start(items[0]), _end(items[-1]))

    def and_(self) -> Cond:
        items = [self.not_()]
        while self._is("&&"):
            self.take()
            items.append(self.not_())
        return items[0] if len(items) == 1 else BoolOp("&&", tuple(items), _start(items[0]), _end(items[-1]))

    def not_(self) -> Cond:
        if self._is("!"):
            tok = self.take()
            item = self.not_()
            return Not(item, tok.start, _end(item))
        return self.compare()

    def compare(self) -> Cond:
        if self._is("("):
            self.take()
            inner = self.or_()
            self.take(")")
            return inner
        if self._is_call():
            return self.call()
        left = self.operand()
        if self._is("==", "!="):
            op = self.take().text
            right = self.operand()
            return Cmp(left, op, (right,), _start(left), _end(right))
        if self._is("in", "not"):
            negated = self.take().text == "not"
            if negated:
                self.take("in")
            values, end = self.list_()
            op = "notin" if negated else "in"
            return Cmp(left, op, values, _start(left), end)
        return left

    def _is_call(self) -> bool:
        tok = self.peek()
        after = self.toks[self.pos + 1] if self.pos + 1 < len(self.toks) else None
        return tok is not None and tok.kind == "word" and after is not None and after.text == "("

    def call(self) -> Cmp:
        name = self.take()
        if name.text not in FUNCTIONS:
            close = [f for f in FUNCTIONS if f.lower() == name.text.lower().replace("_", "")]
            raise ExprError(f"'{name.text}' is not a function", name.start, name.end,
                            f"did you mean '{close[0]}'?" if close else "functions: " + ", ".join(FUNCTIONS))
        self.take("(")
        subject = self.operand()
        self.take(",")
        value = self.operand()
        end = self.take(")").end
        return Cmp(subject, name.text, (value,), name.start, end)

    def list_(self) -> tuple[tuple[RawRef | Lit, ...], int]:
        self.take("[")
        values = [self.operand()]
        while self._is(","):
            self.take()
            values.append(self.operand())
        return tuple(values), self.take("]").end

    def operand(self) -> RawRef | Lit:
        tok = self.take()
        if tok.kind == "str":
            return Lit(_unquote(tok.text), tok.start, tok.end)
        if tok.kind == "int":
            return Lit(int(tok.text), tok.start, tok.end)
        if tok.kind == "word" and tok.text in ("true", "false"):
            return Lit(tok.text == "true", tok.start, tok.end)
        if tok.kind == "word" and "." in tok.text:
            return RawRef(tuple(tok.text.split(".")), tok.start, tok.end)
        raise ExprError(f"'{tok.text}' is not a value", tok.start, tok.end,
                        "use a reference (params.x), a quoted string, a number, true or false")


def _start(node: Cond) -> int:
    return node.start


def _end(node: Cond) -> int:
    return node.end


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)
