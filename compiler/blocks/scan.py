"""`uses: scan`: scan an image for vulnerabilities with Trivy, failing on the given severities."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from . import pins, registry
from .base import Block, Call, Fields, Inputs, SecretInput

_SCRIPT = """\
set -- --no-progress --severity "$SEVERITY" --exit-code "$EXIT_CODE"
if [ "$IGNORE_UNFIXED" = true ]; then set -- "$@" --ignore-unfixed; fi
TRIVY_USERNAME="$REGISTRY_USERNAME" TRIVY_PASSWORD="${REGISTRY_PASSWORD:-}" trivy image "$@" "$IMAGE"
"""

Severity = Literal["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"]


class ScanInputs(Inputs):
    """The inputs of `uses: scan`."""

    image: Annotated[str, Field(min_length=1, description="The image to scan, e.g. ~{ tasks.build.results.image }.")]
    severity: list[Severity] = Field(["CRITICAL", "HIGH"], description="The severities that fail the task.")
    ignore_unfixed: bool = Field(True, description="Skip vulnerabilities that have no fix yet.")
    fail: bool = Field(True, description="false: report only.")
    username: str = Field("~{ run.actor }", description="The registry user, for a private image.")
    password: SecretInput | None = Field(None, description="The registry password or token, by reference.")


def _expand(inputs: ScanInputs, call: Call) -> Fields:
    env = {"IMAGE": call.take("image", ("env", "IMAGE")), "SEVERITY": ",".join(inputs.severity),
           "EXIT_CODE": "1" if inputs.fail else "0", "IGNORE_UNFIXED": inputs.ignore_unfixed,
           **registry.env(call, inputs.username, inputs.password)}
    return {"image": pins.IMAGES["trivy"], "env": env, "run": _SCRIPT}


BLOCK = Block("scan", "Scan an image with Trivy; fail on the given severities.", ScanInputs, (), _expand)
