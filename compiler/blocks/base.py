"""What a building block is: typed inputs, typed results, and an expansion into the spec's own fields.

A block is a macro over the spec language: `uses: go` with `with:` inputs becomes the task's `image`,
`steps` (portable scripts, plus the engines' own units where an expert uses them, such as GitHub's
setup actions), `env`, `caches`, `results` and `produces`. The IR and the backends therefore see
only what a user could have written, so a block stays target-neutral by construction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from ..loader import Loc

Fields = dict[str, Any]
"""Task fields as the spec's YAML writes them (`image`, `steps`, `env`…)."""


class Inputs(BaseModel):
    """A block's `with:`: camelCase keys, unknown keys refused, types strict, as in the spec."""

    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=False,
                              strict=True)


@dataclass
class Call:
    """One `uses: <block>` task being expanded: where it stands, and the inputs it wrote."""

    task: str
    written: dict[str, Any]
    copies: list[tuple[Loc, Loc]] = field(default_factory=list)

    def take(self, key: str | Loc, into: Loc) -> Any:
        """The input `key` (or the path `(key, index…)`) as written (an expression stays one), to be
        placed at `into` (relative to the task); its position goes with it, so an error in it points
        at the user's line."""
        path = (key,) if isinstance(key, str) else key
        self.copies.append((("with", *path), into))
        value: Any = self.written
        for part in path:
            value = value[part]
        return value

    def given(self, key: str) -> bool:
        return key in self.written


@dataclass(frozen=True)
class Block:
    name: str
    summary: str
    inputs: type[Inputs]
    results: tuple[tuple[str, str], ...]  # name, meaning
    expand: Callable[[Any, Call], Fields]
    extra: tuple[str, ...] = ()  # task fields the user may still write besides the block's (env, consumes…)


class SecretInput(Inputs):
    """A key of a secret, by reference (its value never appears in the spec)."""

    secret: str = Field(description="The secret's name.")
    key: str = Field(description="The key in the secret.")

    def env_value(self) -> dict[str, str]:
        """The reference as a task's env value writes it: `{secret, key}`."""
        return {"secret": self.secret, "key": self.key}
