"""Where a template reference points: a local path (relative to the spec), an installed Python
package (`pkg:NAME[@SPEC]`: the entry point NAME of the group `shipspec.templates`, whose value
`module:file.yaml` names a file of that package; SPEC a version constraint on its distribution, such
as `>=1.2,<2`), or a git repository at a pinned commit or tag
(`git+URL@REV#path/in/repo.yaml`), cloned once into a local cache ($SHIPSPEC_CACHE, else
~/.cache/shipspec): a warm cache needs no network; a cold one clones, and says so when it cannot."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path

GROUP = "shipspec.templates"


class RefError(Exception):
    """Why a reference does not resolve, with a hint (the caller positions it at `template.ref`)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def resolve(ref: str, base: Path) -> Path:
    if ref.startswith("pkg:"):
        return _package(ref[4:])
    if ref.startswith("git+"):
        return _git(ref[4:])
    return (base / ref).resolve()


def _package(text: str) -> Path:
    from importlib import metadata, resources

    name, _, constraint = text.partition("@")
    found = [ep for ep in metadata.entry_points(group=GROUP) if ep.name == name]
    if not found:
        known = sorted(ep.name for ep in metadata.entry_points(group=GROUP))
        raise RefError(f"no installed package offers the template '{name}'",
                       f"installed templates: {', '.join(known)}" if known else
                       f"pip install the platform team's template package (entry points group {GROUP})")
    ep = found[0]
    version = ep.dist.version if ep.dist is not None else "0"
    if constraint and not satisfies(version, constraint):
        raise RefError(f"the template '{name}' is version {version}, which does not match {constraint}",
                       f"install a version that does: pip install '{ep.dist.name if ep.dist else name}{constraint}'")
    module, _, file = ep.value.partition(":")
    return Path(str(resources.files(module) / file))


def satisfies(version: str, constraint: str) -> bool:
    """`>=1.2,<2` style constraints (==, !=, >=, <=, >, <) on dotted numeric versions."""
    have = _numbers(version)
    for part in (p.strip() for p in constraint.split(",") if p.strip()):
        m = re.fullmatch(r"(==|!=|>=|<=|>|<)\s*([0-9][0-9.]*)", part)
        if m is None:
            raise RefError(f"'{part}' is not a version constraint", "write e.g. >=1.2,<2")
        op, want = m.group(1), _numbers(m.group(2))
        width = max(len(have), len(want))
        a, b = have + (0,) * (width - len(have)), want + (0,) * (width - len(want))
        if not {"==": a == b, "!=": a != b, ">=": a >= b, "<=": a <= b, ">": a > b, "<": a < b}[op]:
            return False
    return True


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version.split("+")[0])[:4]) or (0,)


def _git(text: str) -> Path:
    location, _, path = text.partition("#")
    url, _, rev = location.rpartition("@")
    if not url or not rev or not path:
        raise RefError(f"'git+{text}' is not a git template reference",
                       "write git+https://host/repo.git@<commit or tag>#path/to/template.yaml")
    root = Path(os.environ.get("SHIPSPEC_CACHE") or Path.home() / ".cache" / "shipspec") / "git"
    checkout = root / hashlib.sha256(url.encode()).hexdigest()[:16] / rev
    if not checkout.is_dir():
        _clone(url, rev, checkout)
    return checkout / path


def _clone(url: str, rev: str, into: Path) -> None:
    """Clone `url` at `rev` into the cache (atomically: a half clone is never left as warm)."""
    tmp = into.with_name(f".{into.name}.tmp")
    try:
        subprocess.run(["git", "clone", "--quiet", "--no-checkout", url, str(tmp)], check=True,
                       capture_output=True, text=True, timeout=300)
        subprocess.run(["git", "-C", str(tmp), "checkout", "--quiet", rev], check=True, capture_output=True,
                       text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        raise RefError(f"the template repository {url} at {rev} is not in the cache and could not be "
                       f"cloned: {detail.strip().splitlines()[-1] if detail.strip() else exc}",
                       "check the URL, the revision and the network, or warm the cache where there is one") from None
    into.parent.mkdir(parents=True, exist_ok=True)
    tmp.rename(into)
