"""`uses: java`: test with Maven (a coverage gate from JaCoCo's report), lint (checkstyle), package."""

from __future__ import annotations

from . import language, pins
from .base import Block, Call, Fields

_TEST = """\
mvn -B -ntp verify
if [ -n "${COVERAGE_MIN:-}" ]; then
  awk -F, 'NR > 1 { missed += $8; covered += $9 }
    END { if (missed + covered == 0) print 0; else printf "%.1f", 100 * covered / (missed + covered) }' \
    target/site/jacoco/jacoco.csv > "$COVERAGE_FILE"
fi
"""

JAVA = language.Language(
    key="java",
    image=lambda version: pins.IMAGES["java"].format(version=version),
    setup=pins.action("setup-java"),
    setup_inputs=lambda i: {"distribution": "temurin", "java-version": i.version, **(
        {"cache": "maven", "cache-dependency-path": f"{i.directory}/pom.xml"} if i.cache is None else {})},
    test=_TEST,
    lint="mvn -B -ntp checkstyle:check\n",
    build="mvn -B -ntp -DskipTests package\n",
    cache_path="/tmp/shipspec-cache/m2",
    cache_env=(("MAVEN_OPTS", "-Dmaven.repo.local=/tmp/shipspec-cache/m2"),),
    reports=("target/surefire-reports", "target/site/jacoco"),
)


def _expand(inputs: language.LanguageInputs, call: Call) -> Fields:
    return language.expand(JAVA, inputs, call)


BLOCK = Block("java", "Test with Maven (coverage gate from JaCoCo's jacoco.csv), lint with checkstyle and package.",
              language.LanguageInputs, (("coverage", "total line coverage in percent, with `coverage` set"),),
              _expand)
