"""`uses: python`: install, test with pytest (with a coverage gate), lint with ruff, build a wheel."""

from __future__ import annotations

from . import language, pins
from .base import Block, Call, Fields

_INSTALL = """\
python -m pip install --upgrade pip
if [ -f requirements.txt ]; then python -m pip install -r requirements.txt; fi
if [ -f pyproject.toml ]; then python -m pip install -e .; fi
"""
_TEST = _INSTALL + """\
python -m pip install pytest pytest-cov
if [ -n "${COVERAGE_MIN:-}" ]; then
  python -m pytest --cov=. --cov-report=term
  python -m coverage report --format=total > "$COVERAGE_FILE"
else
  python -m pytest
fi
"""

PYTHON = language.Language(
    key="python",
    image=lambda version: pins.IMAGES["python"].format(version=version),
    setup=pins.action("setup-python"),
    setup_inputs=lambda i: {"python-version": i.version, **(
        {"cache": "pip", "cache-dependency-path": f"{i.directory}/requirements*.txt"} if i.cache is None else {})},
    test=_TEST,
    lint="python -m pip install ruff\npython -m ruff check .\n",
    build="python -m pip install build\npython -m build\n",
    cache_path="/tmp/shipspec-cache/pip",
    cache_env=(("PIP_CACHE_DIR", "/tmp/shipspec-cache/pip"),),
    reports=(".coverage", "htmlcov", "junit.xml"),
)


def _expand(inputs: language.LanguageInputs, call: Call) -> Fields:
    return language.expand(PYTHON, inputs, call)


BLOCK = Block("python", "Install, test with pytest (coverage gate), lint with ruff and build a Python project.",
              language.LanguageInputs, (("coverage", "total coverage in percent, with `coverage` set"),), _expand)
