"""`uses: publish`: publish files from a consumed artifact, as an HTTP upload (PUT or POST, a bearer
token by reference) or as an OCI artifact (oras push)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from . import pins, registry
from .base import Block, Call, Fields, Inputs, SecretInput

_HTTP = """\
for file in $FILES; do
  set -- -fsS --retry 3 -X "$METHOD" --upload-file "$file"
  if [ -n "${TOKEN:-}" ]; then set -- "$@" -H "Authorization: Bearer $TOKEN"; fi
  curl "$@" "$TARGET${TARGET_SUFFIX_FILENAME:+$(basename "$file")}"
done
"""
_OCI = registry.LOGIN + """\
# shellcheck disable=SC2086 # FILES is a list of paths, split on purpose
oras push "$TARGET" $FILES
"""


class PublishInputs(Inputs):
    """The inputs of `uses: publish`."""

    to: Literal["http", "oci"] = Field("http", description="`http`: upload each file; `oci`: push the files as one OCI "
                                                           "artifact (oras).")
    target: Annotated[str, Field(min_length=1, description="http: the URL (ending in / to append each file's "
                                 "name); oci: the reference, e.g. ghcr.io/acme/docs:~{ run.short_sha }.")]
    files: Annotated[list[str], Field(min_length=1, description="Paths or globs, relative to the working "
                                      "directory.")]
    method: Literal["PUT", "POST"] = Field("PUT", description="http: the request method.")
    token: SecretInput | None = Field(None, description="http: a bearer token.")
    username: str = Field("~{ run.actor }", description="oci: the registry user.")
    password: SecretInput | None = Field(None, description="oci: the registry password or token.")


def _expand(inputs: PublishInputs, call: Call) -> Fields:
    target = call.take("target", ("env", "TARGET"))
    env: dict[str, object] = {"TARGET": target, "FILES": " ".join(inputs.files), "METHOD": inputs.method}
    if inputs.to == "http":
        env["TARGET_SUFFIX_FILENAME"] = "true" if inputs.target.endswith("/") else ""
        if inputs.token is not None:
            env["TOKEN"] = inputs.token.env_value()
        return {"image": pins.IMAGES["curl"], "env": env, "run": _HTTP}
    env["REGISTRY_HOST"] = inputs.target.split("/", 1)[0]
    env.update(registry.env(call, inputs.username, inputs.password))
    return {"image": pins.IMAGES["oras"], "env": env, "run": _OCI}


BLOCK = Block("publish", "Publish files: an HTTP upload, or an OCI artifact (oras).", PublishInputs, (), _expand)
