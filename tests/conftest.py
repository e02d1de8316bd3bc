"""pytest wiring for the validator harness (tests/validators.py). Keep this file small."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:  # lets tests `import validators` whatever the rootdir/import mode
    sys.path.insert(0, str(TESTS_DIR))

import validators  # noqa: E402


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """tests/tools with node_modules installed; fails in CI (CI=true), skips locally if absent."""
    return validators.node_tools()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite golden_tests/ expected files from the current compiler")


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))
