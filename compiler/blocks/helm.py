"""`uses: helm`: lint a chart, package it with the version, and push it to an OCI registry."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from . import pins, registry
from .base import Block, Call, Fields, Inputs, SecretInput

_SCRIPT = """\
helm lint "$CHART"
mkdir -p /tmp/shipspec-charts
helm package "$CHART" --version "$VERSION" --app-version "$VERSION" --destination /tmp/shipspec-charts
if [ -n "$REGISTRY" ]; then
  host="${REGISTRY#oci://}"
  host="${host%%/*}"
  if [ -n "${REGISTRY_PASSWORD:-}" ]; then
    printf '%s' "$REGISTRY_PASSWORD" | helm registry login "$host" --username "$REGISTRY_USERNAME" --password-stdin
  fi
  for package in /tmp/shipspec-charts/*.tgz; do helm push "$package" "$REGISTRY"; done
fi
printf '%s' "$VERSION" > "$SHIPSPEC_RESULTS/version"
"""


class HelmInputs(Inputs):
    """The inputs of `uses: helm`."""

    chart: str = Field(".", description="The chart's directory, relative to the working directory.")
    version: Annotated[str, Field(min_length=1, description="The chart version, e.g. "
                                  "~{ tasks.version.results.version }.")]
    registry: str = Field("", description="oci://host/path to push to; lint and package only if empty.")
    username: str = Field("~{ run.actor }", description="The registry user.")
    password: SecretInput | None = Field(None, description="The registry password or token, by reference.")


def _expand(inputs: HelmInputs, call: Call) -> Fields:
    env = {"CHART": inputs.chart, "VERSION": call.take("version", ("env", "VERSION")),
           "REGISTRY": call.take("registry", ("env", "REGISTRY")) if call.given("registry") else "",
           **registry.env(call, inputs.username, inputs.password)}
    return {"image": pins.IMAGES["helm"], "env": env, "run": _SCRIPT,
            "results": [{"name": "version", "optional": True, "description": "the chart version pushed"}]}


BLOCK = Block("helm", "Lint, package (with the version) and push a Helm chart to an OCI registry.", HelmInputs,
              (("version", "the chart version"),), _expand)
