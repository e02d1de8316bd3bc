"""The pre-commit hooks end to end, with the real pre-commit: this checkout as the hook repository,
a temporary git repository as the user's project."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

import validators

ROOT = Path(__file__).resolve().parent.parent
SPEC = (ROOT / "examples" / "hello-world.yaml").read_text()


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def hook_rev() -> str:
    """The commit pre-commit installs the hooks from (HEAD: CI runs on a clean checkout)."""
    if not (ROOT / ".git").exists():
        validators.tool_missing("the shipspec checkout is not a git repository")
    return _git(ROOT, "rev-parse", "HEAD")


@pytest.fixture
def project(tmp_path: Path, hook_rev: str) -> Path:
    repo = tmp_path / "project"
    (repo / "services" / "orders").mkdir(parents=True)
    (repo / "services" / "orders" / "pipeline.yaml").write_text(SPEC)
    (repo / "shipspec.toml").write_text('[[outputs]]\nspecs = "services/*/pipeline.yaml"\ntargets = "github"\n'
                                        'path = ".github/workflows/{name}.yaml"\n')
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {hook_rev}\n    hooks:\n      - id: shipspec-generate\n"
        "      - id: shipspec-check\n")
    _git(repo.parent, "init", "-q", str(repo))
    _git(repo, "config", "user.email", "dev@example.com")
    _git(repo, "config", "user.name", "dev")
    _git(repo, "add", "-A")
    return repo


def _pre_commit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"), "NO_COLOR": "1"}
    return subprocess.run([validators.executable("pre-commit"), "run", *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)


def test_hooks_generate_then_pass_then_catch_edits_and_errors(project: Path) -> None:
    first = _pre_commit(project, "--all-files")
    assert first.returncode == 1, first.stdout + first.stderr  # generate wrote the manifest: the commit fails
    workflow = project / ".github" / "workflows" / "hello-world.yaml"
    assert "wrote .github/workflows/hello-world.yaml" in first.stdout and workflow.is_file()
    _git(project, "add", "-A")
    again = _pre_commit(project, "--all-files")
    assert again.returncode == 0, again.stdout

    spec = project / "services" / "orders" / "pipeline.yaml"
    spec.write_text(SPEC.replace("echo", "printf '%s\\n'", 1))
    edited = _pre_commit(project, "--files", str(spec.relative_to(project)))
    assert edited.returncode == 1 and "printf" in workflow.read_text(), edited.stdout
    _git(project, "add", "-A")

    workflow.write_text(workflow.read_text() + "# by hand\n")
    hand = _pre_commit(project, "shipspec-check", "--all-files")
    assert hand.returncode == 1 and "+# by hand" not in hand.stdout and "-# by hand" in hand.stdout, hand.stdout
    _pre_commit(project, "shipspec-generate", "--all-files")
    _git(project, "add", "-A")

    spec.write_text(SPEC.replace("tasks:", "taks:"))
    broken = _pre_commit(project, "--files", str(spec.relative_to(project)))
    assert broken.returncode == 1
    assert "services/orders/pipeline.yaml:" in broken.stdout and "did you mean 'tasks'?" in broken.stdout
