"""`uses: version`: the version to build, from the run's context: the git tag (semver), the short
commit, `{base}-{short sha}` (seed 003), or the tag when there is one and `{base}-{sha}` otherwise;
pull requests may get a `-pr<N>` suffix. Result: `version`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from . import pins
from .base import Block, Call, Fields, Inputs

_SCRIPT = """\
case "$SCHEME" in
  tag)
    if [ "$REF_TYPE" != tag ]; then echo "version: the run is not for a tag ($REF_NAME)" >&2; exit 1; fi
    version="${REF_NAME#v}" ;;
  commit) version="$SHORT_SHA" ;;
  base-sha) version="$BASE-$SHORT_SHA" ;;
  *) if [ "$REF_TYPE" = tag ]; then version="${REF_NAME#v}"; else version="$BASE-$SHORT_SHA"; fi ;;
esac
if [ "$REF_TYPE" = tag ] && ! printf '%s' "$version" | grep -Eq '^[0-9]+\\.[0-9]+\\.[0-9]+([-+].*)?$'; then
  echo "version: tag $REF_NAME is not a semantic version (v1.2.3)" >&2
  exit 1
fi
if [ "$PR_SUFFIX" = true ] && [ -n "$PR_NUMBER" ]; then version="$version-pr$PR_NUMBER"; fi
printf '%s' "$version" > "$SHIPSPEC_RESULTS/version"
echo "version $version"
"""


class VersionInputs(Inputs):
    """The inputs of `uses: version`."""

    scheme: Literal["auto", "tag", "commit", "base-sha"] = Field(
        "auto", description="auto: the tag's version on a tag, `{base}-{short sha}` otherwise.")
    base: Annotated[str, Field(min_length=1)] = Field("0.0.0", description="The version before the commit, "
                                                      "e.g. ~{ params.container_tag }.")
    pr_suffix: bool = Field(True, description="Add -pr<N> for a pull request.")


def _expand(inputs: VersionInputs, call: Call) -> Fields:
    env: dict[str, object] = {
        "SCHEME": inputs.scheme, "PR_SUFFIX": inputs.pr_suffix,
        "REF_TYPE": "~{ run.ref_type }", "REF_NAME": "~{ run.ref_name }", "SHORT_SHA": "~{ run.short_sha }",
        "PR_NUMBER": "~{ run.pr_number }",
        "BASE": call.take("base", ("env", "BASE")) if call.given("base") else inputs.base,
    }
    return {"image": pins.IMAGES["shell"], "env": env, "run": _SCRIPT, "results": [{"name": "version", "optional": True,
                                                                              "description": "the version"}]}


BLOCK = Block("version", "The version to build: from the tag (semver), the commit, or {base}-{short sha}.",
              VersionInputs, (("version", "the version, without a leading v"),), _expand)
