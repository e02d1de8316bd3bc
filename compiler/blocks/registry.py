"""Registry login for blocks' scripts: a docker config.json written from env (user and password by
reference), which docker, buildx, BuildKit, ko, cosign, helm and oras all read."""

from __future__ import annotations

from typing import Any

from .base import Call, SecretInput


def login(mirrors: int = 0) -> str:
    """sh that writes $HOME/.docker/config.json with the auth of the main registry and of each mirror
    (MIRROR_<n>_IMAGE, _USERNAME, _PASSWORD), all read from env."""
    lines = ["auths=\"\"",
             "add_auth() {",
             "  [ -n \"$3\" ] || return 0",
             "  case \"$1\" in docker.io) set -- https://index.docker.io/v1/ \"$2\" \"$3\" ;; esac",
             "  auth=$(printf '%s:%s' \"$2\" \"$3\" | base64 | tr -d '\\n')",
             "  auths=\"${auths:+$auths,}\\\"$1\\\":{\\\"auth\\\":\\\"$auth\\\"}\"",
             "}",
             'add_auth "${REGISTRY_HOST:-${IMAGE%%/*}}" "$REGISTRY_USERNAME" "${REGISTRY_PASSWORD:-}"']
    lines += [f'add_auth "${{MIRROR_{n}_IMAGE%%/*}}" "$MIRROR_{n}_USERNAME" "${{MIRROR_{n}_PASSWORD:-}}"'
              for n in range(mirrors)]
    lines += ['mkdir -p "$HOME/.docker"',
              "printf '{\"auths\":{%s}}' \"$auths\" > \"$HOME/.docker/config.json\"",
              'chmod 600 "$HOME/.docker/config.json"']
    return "\n".join(lines) + "\n"


LOGIN = login()


def env(call: Call, username: str, password: SecretInput | None) -> dict[str, Any]:
    """REGISTRY_USERNAME (an expression may name it: `~{ run.actor }`) and REGISTRY_PASSWORD."""
    out: dict[str, Any] = {"REGISTRY_USERNAME": call.take("username", ("env", "REGISTRY_USERNAME"))
                           if call.given("username") else username}
    if password is not None:
        out["REGISTRY_PASSWORD"] = password.env_value()
    return out
