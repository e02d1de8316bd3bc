"""Registry login for blocks' scripts: a docker config.json written from env (user and password by
reference), which docker, buildx, BuildKit, ko, cosign, helm and oras all read."""

from __future__ import annotations

from typing import Any

from .base import Call
from .notify import SecretInput

LOGIN = """\
registry="${REGISTRY_HOST:-${IMAGE%%/*}}"
mkdir -p "$HOME/.docker"
if [ -n "${REGISTRY_PASSWORD:-}" ]; then
  auth=$(printf '%s:%s' "$REGISTRY_USERNAME" "$REGISTRY_PASSWORD" | base64 | tr -d '\\n')
  printf '{"auths":{"%s":{"auth":"%s"}}}' "$registry" "$auth" > "$HOME/.docker/config.json"
  chmod 600 "$HOME/.docker/config.json"
fi
"""


def env(call: Call, username: str, password: SecretInput | None) -> dict[str, Any]:
    """REGISTRY_USERNAME (an expression may name it: `~{ run.actor }`) and REGISTRY_PASSWORD."""
    out: dict[str, Any] = {"REGISTRY_USERNAME": call.take("username", ("env", "REGISTRY_USERNAME"))
                           if call.given("username") else username}
    if password is not None:
        out["REGISTRY_PASSWORD"] = {"secret": password.secret, "key": password.key}
    return out
