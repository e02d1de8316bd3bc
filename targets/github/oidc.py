"""A task's OIDC identity token on GitHub (`oidc: {audience}`): GitHub's own, in a file.

The job gets `permissions: id-token: write` (that job only, permissions.py), which makes the runner
give its steps ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN. A step before the
task's own asks GitHub's token service for a token with the task's audience and writes it, mode
0600, to the file named by $SHIPSPEC_OIDC_TOKEN_FILE (`ir.OIDC_TOKEN_ENV`), where the Kubernetes
engines mount a projected service-account token.

The step is the pinned actions/github-script calling `core.getIDToken(audience)` of @actions/core
(docs.github.com "OpenID Connect": the toolkit's `getIDToken()`, or a request to
ACTIONS_ID_TOKEN_REQUEST_URL with `&audience=`, which the toolkit makes): it runs with the runner's
own Node.js, in the task's job container as the other actions do, so the image needs neither curl
nor jq. The audience reaches it through env, never in the script text.

An argv task (`docker run`, docker.py) gets the token's directory mounted read-only at the same path
and the env var by name, and also ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN,
so tools that fetch their own token (cosign's keyless signing) find GitHub's provider as in a step.
GitHub's tokens expire after some minutes: a long task refreshes it with those two vars.
"""

from __future__ import annotations

from typing import Any

from ...compiler import ir
from . import expr as gx
from .docker import OIDC_TOKEN_DIR
from .layout import Place
from .pins import uses

TOKEN_FILE = OIDC_TOKEN_DIR + "/token"
"""The token's path as the task sees it (in its job container or its `docker run` container)."""

REQUEST_ENV = ("ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
"""What the runner sets for a job with `id-token: write`; passed into a `docker run` container."""

_FETCH = """const fs = require('fs');
const path = require('path');
const file = process.env.SHIPSPEC_OIDC_TOKEN_PATH;
const token = await core.getIDToken(process.env.SHIPSPEC_OIDC_AUDIENCE);
fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
fs.writeFileSync(file, token, { mode: 0o600 });
fs.chmodSync(file, 0o600);
"""


def token_step(o: ir.Oidc, place: Place) -> dict[str, Any]:
    """Fetch the token for `o.audience` into the task's token file (a host file under
    $RUNNER_TEMP, mounted by `docker run`, for an argv task)."""
    return {"name": "Fetch OIDC token", "uses": uses("actions/github-script"), "with": {"script": _FETCH},
            "env": {"SHIPSPEC_OIDC_AUDIENCE": gx.escape(o.audience),
                    "SHIPSPEC_OIDC_TOKEN_PATH": place.task_path(TOKEN_FILE).field}}
