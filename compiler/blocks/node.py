"""`uses: node`: install (npm ci), test (with a coverage gate), lint and build a Node.js project."""

from __future__ import annotations

from . import language, pins
from .base import Block, Call, Fields

_TEST = """\
npm ci
if [ -n "${COVERAGE_MIN:-}" ]; then
  npm test -- --coverage --coverageReporters=json-summary
  node -e 'const s = require(process.cwd() + "/coverage/coverage-summary.json");
process.stdout.write(String(s.total.lines.pct))' > "$COVERAGE_FILE"
else
  npm test
fi
"""

NODE = language.Language(
    key="node",
    image=lambda version: pins.IMAGES["node"].format(version=version),
    setup=pins.action("setup-node"),
    setup_inputs=lambda i: {"node-version": i.version, **(
        {"cache": "npm", "cache-dependency-path": f"{i.directory}/package-lock.json"} if i.cache is None
        else {"package-manager-cache": False})},
    test=_TEST,
    lint="npm ci\nnpm run lint\n",
    build="npm ci\nnpm run build\n",
    cache_path="/tmp/shipspec-cache/npm",
    cache_env=(("npm_config_cache", "/tmp/shipspec-cache/npm"),),
    reports=("coverage", "junit.xml"),
)


def _expand(inputs: language.LanguageInputs, call: Call) -> Fields:
    return language.expand(NODE, inputs, call)


BLOCK = Block("node", "Install, test (coverage gate; jest's json-summary), lint and build a Node.js project.",
              language.LanguageInputs, (("coverage", "total line coverage in percent, with `coverage` set"),),
              _expand)
