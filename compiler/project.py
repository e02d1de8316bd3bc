"""The project configuration: which specs become which files, for `shipspec generate` and `check`.

Found from the working directory up: a `shipspec.toml`, or a `pyproject.toml` with `[tool.shipspec]`
(the first directory that has either is the project's root; paths in it are relative to that root):

    [[tool.shipspec.outputs]]
    specs = ["services/*/pipeline.yaml"]
    targets = ["github"]
    path = ".github/workflows/{name}.yaml"     # {name} {stem} {dir} {target}

    [tool.shipspec.tekton]
    triggers = "pac"                             # EmitOptions for every output of that engine

    [tool.shipspec]
    ignore = ["SS404"]                           # rule codes never reported
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_FILES = ("shipspec.toml", "pyproject.toml")
PLACEHOLDERS = ("name", "stem", "dir", "target")
_OPTIONS = {"argo": {"kind": "argo_kind"},
            "tekton": {"triggers": "tekton_triggers", "checkout": "tekton_checkout", "run": "tekton_run"}}


class ConfigError(Exception):
    """A configuration problem, as `file: error: message` (exit code 2: a usage error)."""


@dataclass(frozen=True)
class Output:
    specs: tuple[str, ...]  # globs, relative to the root
    targets: tuple[str, ...]
    path: str  # a template with PLACEHOLDERS


@dataclass(frozen=True)
class Config:
    root: Path
    file: Path
    outputs: tuple[Output, ...]
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # target -> EmitOptions fields
    ignore: frozenset[str] = frozenset()  # rule codes never reported for this project
    def specs(self) -> list[Path]:
        """Every spec some output names, sorted, without repeats."""
        found = {p.resolve() for out in self.outputs for g in out.specs for p in self.root.glob(g) if p.is_file()}
        return sorted(found)

    def rel(self, path: Path) -> str:
        """A path as messages and generated headers show it: relative to the root, with '/'."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def find(start: Path) -> Config | None:
    """The configuration of the project `start` is in, or None when there is none."""
    for directory in (start.resolve(), *start.resolve().parents):
        for name in CONFIG_FILES:
            candidate = directory / name
            if candidate.is_file():
                table = _table(candidate)
                if table is not None:
                    return _config(directory, candidate, table)
    return None


def _table(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: error: cannot read the configuration: {exc}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        return tool.get("shipspec") if isinstance(tool, dict) else None
    return data


def _config(root: Path, file: Path, table: dict[str, Any]) -> Config:
    from .cli import TARGETS

    def fail(message: str) -> ConfigError:
        return ConfigError(f"{file}: error: {message}")

    unknown = set(table) - {"outputs", "ignore", *TARGETS}
    if unknown:
        raise fail(f"unknown key(s) {', '.join(sorted(unknown))}; expected outputs, ignore, {', '.join(TARGETS)}")
    ignore = table.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(c, str) and c.startswith("SS") for c in ignore):
        raise fail("ignore: a list of rule codes, e.g. [\"SS404\"]")
    outputs = []
    for i, entry in enumerate(table.get("outputs", [])):
        if not isinstance(entry, dict) or set(entry) - {"specs", "targets", "path"}:
            raise fail(f"outputs[{i}]: a table with specs, targets and path")
        specs, targets, path = entry.get("specs"), entry.get("targets", list(TARGETS)), entry.get("path")
        specs = [specs] if isinstance(specs, str) else specs
        targets = [targets] if isinstance(targets, str) else targets
        if not specs or not all(isinstance(s, str) for s in specs):
            raise fail(f"outputs[{i}].specs: one glob or a list of globs")
        if not isinstance(path, str) or not path.endswith((".yaml", ".yml")):
            raise fail(f"outputs[{i}].path: a path template ending in .yaml, e.g. .github/workflows/{{name}}.yaml")
        bad = [t for t in targets if t not in TARGETS]
        if bad:
            raise fail(f"outputs[{i}].targets: unknown target {bad[0]!r}; expected {', '.join(TARGETS)}")
        _check_placeholders(path, len(targets) > 1, fail, i)
        outputs.append(Output(tuple(specs), tuple(targets), path))
    options = {target: _options(target, table.get(target, {}), fail) for target in TARGETS if target in table}
    return Config(root, file, tuple(outputs), options, frozenset(ignore))


def _check_placeholders(path: str, several_targets: bool, fail: Any, i: int) -> None:
    import string

    names = [f for _, f, _, _ in string.Formatter().parse(path) if f is not None]
    bad = [n for n in names if n not in PLACEHOLDERS]
    if bad:
        raise fail(f"outputs[{i}].path: unknown placeholder {{{bad[0]}}}; use {', '.join(PLACEHOLDERS)}")
    if several_targets and "target" not in names:
        raise fail(f"outputs[{i}].path: several targets need {{target}} in the path")


def _options(target: str, table: Any, fail: Any) -> dict[str, Any]:
    known = _OPTIONS.get(target, {})
    if not isinstance(table, dict) or set(table) - set(known):
        raise fail(f"[{target}]: options are {', '.join(known) or 'none'}")
    return {known[k]: v for k, v in table.items()}
