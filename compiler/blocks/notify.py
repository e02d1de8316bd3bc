"""`uses: notify`: post the run's outcome to a webhook, as a finally task (Slack, Teams, Mattermost
incoming webhooks and most chat tools take this JSON `text`). The URL is a secret."""

from __future__ import annotations

from pydantic import Field

from . import pins
from .base import Block, Call, Fields, Inputs, SecretInput

_SCRIPT = """\
escape() { printf '%s' "$1" | sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g'; }
text="$(escape "$TITLE"): $(escape "$STATUS") ($(escape "$RUN_URL"))"
curl -fsS --retry 3 -X POST -H 'Content-Type: application/json' --data "{\\"text\\": \\"$text\\"}" "$WEBHOOK_URL"
"""


class NotifyInputs(Inputs):
    """The inputs of `uses: notify`."""

    webhook: SecretInput = Field(description="The secret key that holds the webhook URL.")
    title: str = Field("Pipeline run", description="Text before the status, e.g. the service's name.")


def _expand(inputs: NotifyInputs, call: Call) -> Fields:
    return {
        "image": pins.IMAGES["curl"],
        "env": {"WEBHOOK_URL": inputs.webhook.env_value(),
                "TITLE": call.take("title", ("env", "TITLE")) if call.given("title") else inputs.title,
                "STATUS": "~{ pipeline.status }", "RUN_URL": "~{ run.url }"},
        "run": _SCRIPT,
    }


BLOCK = Block("notify", "Post the run's outcome to a webhook (a finally task).", NotifyInputs, (), _expand)
