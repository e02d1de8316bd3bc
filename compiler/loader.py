"""YAML text -> plain data plus the span of every key and value.

Built from ruamel's event stream rather than its constructor: no tag is ever resolved to a
Python object, an alias is refused before it is expanded (no alias bombs), and every scalar
keeps its exact start and end. Scalars are typed by the YAML 1.2 core schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import rules
from .diagnostics import Diagnostic, Span, SpecError, error

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64  # a spec is ~8 levels deep; a deeper file is an attack or an accident
Loc = tuple[str | int, ...]

_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_INT_OCT = re.compile(r"0o[0-7]+")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


@dataclass(frozen=True, slots=True)
class Scalar:
    """Where a scalar stands: its span, its style (None plain, '"', "'", '|', '>')."""

    span: Span
    style: str | None


@dataclass(slots=True)
class Document:
    """The loaded data and, for every path (pydantic's `loc` shape), where its value and key are."""

    data: Any
    text: str
    file: str
    values: dict[Loc, Scalar] = field(default_factory=dict)
    keys: dict[Loc, Span] = field(default_factory=dict)

    def span(self, loc: Loc) -> Span:
        """The span of the value at `loc`, or of the nearest enclosing node that exists."""
        while loc not in self.values and loc:
            loc = loc[:-1]
        found = self.values.get(loc)
        return found.span if found else Span(self.file, 1, 1, 1, 1)

    def source_text(self, loc: Loc) -> str | None:
        """The text of a one-line scalar as written (`0755`, not 493): numbers in text fields."""
        scalar = self.values.get(loc)
        if scalar is None or scalar.span.line != scalar.span.end_line:
            return None
        line = self.text.split("\n")[scalar.span.line - 1]
        return line[scalar.span.col - 1 : scalar.span.end_col - 1]

    def copy_positions(self, source: Loc, target: Loc) -> None:
        """Every position under `source` is also that of the same path under `target` (a value moved
        by task defaults or a block keeps pointing at where the user wrote it)."""
        n = len(source)
        for at in [at for at in self.values if at[:n] == source]:
            self.values[(*target, *at[n:])] = self.values[at]
        for at in [at for at in self.keys if at[:n] == source]:
            self.keys[(*target, *at[n:])] = self.keys[at]

    def key_span(self, loc: Loc) -> Span:
        return self.keys.get(loc) or self.span(loc)

    def offset_span(self, loc: Loc, start: int, length: int) -> Span:
        """The span of characters [start, start+length) of the string at `loc`."""
        scalar = self.values.get(loc)
        if scalar is None:
            return self.span(loc)
        value = _value_at(self.data, loc)
        if scalar.style in ("|", ">") and isinstance(value, str):
            return self._block_offset(scalar.span, value, start, length)
        if not isinstance(value, str) or "\n" in value[:start]:
            return scalar.span
        quote = 1 if scalar.style in ('"', "'") else 0
        return scalar.span.at_offset(start + quote, length)

    def _block_offset(self, span: Span, value: str, start: int, length: int) -> Span:
        lines = self.text.split("\n")
        first = span.line  # 0-based index of the first content line (the line after `|`)
        row = value.count("\n", 0, start)
        col_in_line = start - (value.rfind("\n", 0, start) + 1)
        content = next((ln for ln in lines[first:] if ln.strip()), "")
        indent = len(content) - len(content.lstrip(" "))
        col = indent + col_in_line + 1
        return Span(span.file, first + row + 1, col, first + row + 1, col + length)


def _value_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = data[part]
    return data


def load(text_or_bytes: str | bytes, file: str) -> Document:
    """Parse one YAML document; raise SpecError with positioned diagnostics on any problem."""
    text = _decode(text_or_bytes, file)
    return _Builder(text, file).build()


def _decode(raw: str | bytes, file: str) -> str:
    size = len(raw.encode() if isinstance(raw, str) else raw)
    if size > MAX_BYTES:
        raise SpecError([error(rules.UNSAFE_YAML, Span(file, 1, 1, 1, 1),
                               f"file is over {MAX_BYTES} bytes, the limit for a spec",
                               "split the pipeline, or move large scripts into the image")])
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SpecError([error(rules.YAML_SYNTAX, Span(file, line, col, line, col + 1),
                               f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                               "save the file as UTF-8")]) from None


class _Builder:
    """Turns ruamel parser events into plain data, refusing tags, anchors and aliases."""

    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.doc = Document(None, text, file)
        self.diagnostics: list[Diagnostic] = []

    def build(self) -> Document:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import MarkedYAMLError, YAMLError
        from ruamel.yaml.reader import ReaderError

        events = YAML(typ="rt", pure=True).parse(self.text)
        try:
            self.doc.data = self._stream(iter(events))
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            span = self._mark_span(mark, mark)
            message = (exc.problem or exc.context or "invalid YAML").strip()
            self.diagnostics.append(error(rules.YAML_SYNTAX, span, f"invalid YAML: {message}"))
        except ReaderError as exc:
            char = f"U+{_codepoint(exc.character):04X}"
            self.diagnostics.append(error(rules.YAML_SYNTAX, self._offset_span(exc.position),
                                          f"invalid YAML: control character {char} is not allowed",
                                          "remove control characters from the file"))
        except YAMLError as exc:  # any other parser complaint: still a user error, never a crash
            self.diagnostics.append(error(rules.YAML_SYNTAX, Span(self.file, 1, 1, 1, 1), f"invalid YAML: {exc}"))
        if self.diagnostics:
            raise SpecError(self.diagnostics)
        return self.doc

    def _offset_span(self, offset: int) -> Span:
        line = self.text.count("\n", 0, offset) + 1
        col = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return Span(self.file, line, col, line, col + 1)

    def _mark_span(self, start: Any, end: Any) -> Span:
        if start is None:
            return Span(self.file, 1, 1, 1, 1)
        end = end or start
        return Span(self.file, start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    def _stream(self, events: Any) -> Any:
        data: Any = None
        documents = 0
        for event in events:
            name = type(event).__name__
            if name == "DocumentStartEvent":
                documents += 1
                if documents > 1:
                    self._fail(event, "the file holds more than one YAML document",
                               "keep one pipeline per file")
                    return data
            elif name in ("MappingStartEvent", "SequenceStartEvent", "ScalarEvent", "AliasEvent"):
                data = self._node(event, events, ())
        return data

    def _fail(self, event: Any, message: str, hint: str | None = None,
              rule: Any = rules.UNSAFE_YAML) -> None:
        self.diagnostics.append(error(rule, self._mark_span(event.start_mark, event.end_mark),
                                      message, hint))
        raise SpecError(self.diagnostics)

    def _node(self, event: Any, events: Any, loc: Loc) -> Any:
        name = type(event).__name__
        if len(loc) > MAX_DEPTH:
            self._fail(event, f"the file nests deeper than {MAX_DEPTH} levels", "flatten the document")
        if name == "AliasEvent":
            self._fail(event, f"YAML alias '*{event.anchor}' is not allowed in a spec",
                       "write the value out in full")
        if getattr(event, "anchor", None):
            self._fail(event, f"YAML anchor '&{event.anchor}' is not allowed in a spec",
                       "write the value out in full")
        if getattr(event, "tag", None) and not _implicit(event):
            tag = str(event.tag).replace("tag:yaml.org,2002:", "!!")
            self._fail(event, f"YAML tag '{tag}' is not allowed in a spec",
                       "remove the tag; values are typed by the spec")
        if name == "ScalarEvent":
            span = self._mark_span(event.start_mark, event.end_mark)
            if event.value == "" and event.style is None and loc in self.doc.keys:
                span = self.doc.keys[loc]  # an empty value has no text: point at its key
            self.doc.values[loc] = Scalar(span, event.style)
            return _resolve(event.value, event.style)
        start = event.start_mark
        value = self._mapping(events, loc) if name == "MappingStartEvent" else self._sequence(events, loc)
        self.doc.values[loc] = Scalar(self._mark_span(start, self._last_end), None)
        return value

    def _mapping(self, events: Any, loc: Loc) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_event in events:
            if type(key_event).__name__ == "MappingEndEvent":
                self._last_end = key_event.end_mark
                return out
            key = self._key(key_event, events, loc)
            value_event = next(events)
            if key in out:
                span = self._mark_span(key_event.start_mark, key_event.end_mark)
                self.diagnostics.append(error(rules.DUPLICATE_KEY, span,
                                              f"key '{key}' appears twice in this mapping",
                                              "remove one of them"))
            self.doc.keys[(*loc, key)] = self._mark_span(key_event.start_mark, key_event.end_mark)
            out[key] = self._node(value_event, events, (*loc, key))
        return out

    def _key(self, event: Any, events: Any, loc: Loc) -> str:
        if type(event).__name__ != "ScalarEvent" or getattr(event, "anchor", None) or (
            getattr(event, "tag", None) and not _implicit(event)
        ):
            self._fail(event, "mapping keys must be plain strings", rule=rules.WRONG_TYPE)
        return str(event.value)

    def _sequence(self, events: Any, loc: Loc) -> list[Any]:
        out: list[Any] = []
        for event in events:
            if type(event).__name__ == "SequenceEndEvent":
                self._last_end = event.end_mark
                return out
            out.append(self._node(event, events, (*loc, len(out))))
        return out

    _last_end: Any = None


def _codepoint(character: int | str) -> int:
    return character if isinstance(character, int) else ord(character[:1] or "\0")


def _implicit(event: Any) -> bool:
    """True when the event's tag was not written by the user (ruamel reports implicit tags too)."""
    implicit = getattr(event, "implicit", None)
    if isinstance(implicit, tuple):
        return any(implicit)
    return bool(implicit)


def _resolve(value: str, style: str | None) -> Any:
    """Type a scalar by the YAML 1.2 core schema; quoted and block scalars stay strings."""
    if style is not None:
        return value
    if _NULL.fullmatch(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.fullmatch(value):
        return int(value)
    if _INT_OCT.fullmatch(value):
        return int(value[2:], 8)
    if _INT_HEX.fullmatch(value):
        return int(value[2:], 16)
    if _FLOAT.fullmatch(value):
        return float(value)
    return value
