"""Every image and GitHub action a block uses, pinned in one table (updated by hand, reviewed)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    name: str  # owner/repo[/path]
    sha: str
    version: str

    def native(self, inputs: dict[str, object]) -> dict[str, object]:
        """The `uses:` of a step running this action on GitHub."""
        return {"github": {"action": f"{self.name}@{self.sha}", "version": self.version, "with": inputs}}


ACTIONS: dict[str, Action] = {a.name.split("/")[-1].removesuffix("-action"): a for a in (
    Action("actions/setup-go", "d35c59abb061a4a6fb18e82ac0862c26744d6ab5", "v5.5.0"),
    Action("actions/setup-node", "49933ea5288caeca8642d1e84afbd3f7d6820020", "v4.4.0"),
    Action("actions/setup-python", "a26af69be951a213d495a4c3e4e4022e16d87065", "v5.6.0"),
    Action("actions/setup-java", "c5195efecf7bdfc987ee8bae7a71cb8b11521c00", "v4.7.1"),
    Action("golangci/golangci-lint-action", "4afd733a84b1f43292c63897423277bb7f4313a9", "v8.0.0"),
)}
"""By short name: setup-go, setup-node, setup-python, setup-java, golangci-lint."""

IMAGES: dict[str, str] = {
    "go": "golang:{version}-bookworm",
    "node": "node:{version}-bookworm-slim",
    "python": "python:{version}-slim-bookworm",
    "java": "maven:3.9.9-eclipse-temurin-{version}",
    "golangci-lint": "golangci/golangci-lint:v2.1.6",
    "shell": "alpine:3.20.3",
    "curl": "curlimages/curl:8.11.0",
}
"""Language images take the block's `version`; the others are pinned versions."""


def action(key: str) -> Action:
    return ACTIONS[key]
