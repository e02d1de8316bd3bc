"""Conditions (`when`), in negation normal form."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ..diagnostics import UNKNOWN_SPAN, Span
from .values import Ref, Scalar


class CompareOp(enum.Enum):
    EQ = "=="
    NE = "!="
    IN = "in"
    NOT_IN = "notin"


@dataclass(frozen=True, slots=True)
class Literal:
    value: Scalar


Operand = Ref | Literal


@dataclass(frozen=True, slots=True)
class Compare:
    """`left OP right`: EQ/NE have one right operand, IN/NOT_IN one or more.

    A bare boolean reference `x` is lowered to `x == true`, and `!x` to `x == false`.
    Comparison is on the string forms (every engine compares text): `true`, `false`, `42`.
    """

    left: Operand
    op: CompareOp
    right: tuple[Operand, ...]
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class All:
    items: tuple[Condition, ...]
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Any:
    items: tuple[Condition, ...]
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


Condition = Compare | All | Any


def condition_refs(cond: Condition) -> tuple[Ref, ...]:
    if isinstance(cond, Compare):
        return tuple(o for o in (cond.left, *cond.right) if not isinstance(o, Literal))
    return tuple(r for item in cond.items for r in condition_refs(item))
