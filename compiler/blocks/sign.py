"""`uses: sign`: sign an image with cosign, keyless through the run's OIDC identity (Sigstore) or
with a key from a secret, and optionally attach an SPDX SBOM made by syft as a signed attestation."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from . import pins, registry
from .base import Block, Call, Fields, Inputs, SecretInput

_KEY = """\
set -- --yes
if [ -n "${COSIGN_KEY:-}" ]; then
  umask 077
  printf '%s' "$COSIGN_KEY" > /tmp/shipspec-cosign.key
  set -- "$@" --key /tmp/shipspec-cosign.key
else
  set -- "$@" --identity-token "$(cat "$SHIPSPEC_OIDC_TOKEN_FILE")"
fi
"""
_SIGN = registry.LOGIN + _KEY + 'cosign sign "$@" "$IMAGE"\n'
_PROVENANCE = registry.LOGIN + _KEY + """\
escape() { printf '%s' "$1" | sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g'; }
mkdir -p "$SBOM_DIR"
{
  printf '{"buildDefinition":{"buildType":"https://shipspec.dev/buildtypes/pipeline/v1",'
  printf '"externalParameters":{"repository":"%s","ref":"%s"},' "$(escape "$SOURCE_URL")" "$(escape "$SOURCE_REF")"
  printf '"resolvedDependencies":[{"uri":"git+%s","digest":{"gitCommit":"%s"}}]},' \\
    "$(escape "$SOURCE_URL")" "$(escape "$SOURCE_SHA")"
  printf '"runDetails":{"builder":{"id":"%s"},"metadata":{"invocationId":"%s"}}}' \\
    "$(escape "$BUILDER_ID")" "$(escape "$RUN_ID")"
} > "$SBOM_DIR/provenance.json"
cosign attest "$@" --type slsaprovenance1 --predicate "$SBOM_DIR/provenance.json" "$IMAGE"
"""
_SBOM = 'syft scan "registry:$IMAGE" -o "spdx-json=$SBOM_DIR/sbom.spdx.json"\n'
_ATTEST = registry.LOGIN + _KEY + ('cosign attest "$@" --type spdxjson --predicate "$SBOM_DIR/sbom.spdx.json" '
                                   '"$IMAGE"\n')


class SignInputs(Inputs):
    """The inputs of `uses: sign`."""

    image: Annotated[str, Field(min_length=1, description="The image by digest, e.g. "
                                "~{ tasks.image.results.image }.")]
    key: SecretInput | None = Field(None, description="A cosign private key; keyless (OIDC) if omitted.")
    key_password: SecretInput | None = Field(None, description="The key's password.")
    sbom: bool = Field(False, description="Also attest an SPDX SBOM of the image (syft); the SBOM is the "
                       "artifact `<task>-sbom`.")
    provenance: bool = Field(False, description="Also attest SLSA v1 build provenance: the repository, ref "
                             "and commit the run built, and the run as the builder.")
    username: str = Field("~{ run.actor }", description="The registry user.")
    password: SecretInput | None = Field(None, description="The registry password or token, by reference.")


def _expand(inputs: SignInputs, call: Call) -> Fields:
    env: dict[str, object] = {"IMAGE": call.take("image", ("env", "IMAGE")), "SBOM_DIR": "/workspace/sbom",
                              **registry.env(call, inputs.username, inputs.password)}
    if inputs.key is not None:
        env["COSIGN_KEY"] = inputs.key.env_value()
    if inputs.key_password is not None:
        env["COSIGN_PASSWORD"] = inputs.key_password.env_value()
    steps: list[dict[str, object]] = [{"name": "sign", "run": _SIGN}]
    fields: Fields = {"image": pins.IMAGES["cosign"], "env": env, "steps": steps}
    if inputs.sbom:
        steps += [{"name": "sbom", "image": pins.IMAGES["syft"], "run": _SBOM}, {"name": "attest", "run": _ATTEST}]
        fields["produces"] = [{"name": f"{call.task}-sbom", "path": "/workspace/sbom"}]
    if inputs.provenance:
        env.update({"SOURCE_URL": "~{ run.clone_url }", "SOURCE_REF": "~{ run.ref }", "SOURCE_SHA": "~{ run.sha }",
                    "BUILDER_ID": "~{ run.url }", "RUN_ID": "~{ run.id }"})
        steps.append({"name": "provenance", "run": _PROVENANCE})
    if (inputs.sbom or inputs.provenance) and "produces" not in fields:
        fields["produces"] = [{"name": f"{call.task}-sbom", "path": "/workspace/sbom"}]
    if inputs.key is None:
        fields["oidc"] = {"audience": "sigstore"}
    return fields


BLOCK = Block("sign", "Sign an image with cosign (keyless via OIDC, or a key), with an optional SBOM attestation.",
              SignInputs, (), _expand)
