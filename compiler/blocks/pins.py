"""Every image and GitHub action a block uses, pinned in one table (updated by hand, reviewed)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    name: str  # owner/repo[/path]
    sha: str
    version: str

    def native(self, inputs: dict[str, object], elsewhere: str = "error") -> dict[str, object]:
        """The `uses:` of a step running this action on GitHub; `elsewhere: skip` for a step only
        GitHub's runners need (a toolchain the Kubernetes engines' image already has)."""
        return {"github": {"action": f"{self.name}@{self.sha}", "version": self.version, "with": inputs},
                "otherwise": elsewhere}


ACTIONS: dict[str, Action] = {a.name.split("/")[-1].removesuffix("-action"): a for a in (
    # each SHA read from the action's own repository (`git show-ref --tags`, the tag's commit) and seen with
    # the same tag in other projects' workflows
    Action("actions/setup-go", "b7ad1dad31e06c5925ef5d2fc7ad053ef454303e", "v7.0.0"),
    Action("actions/setup-node", "820762786026740c76f36085b0efc47a31fe5020", "v7.0.0"),
    Action("actions/setup-python", "5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    Action("actions/setup-java", "b6effb05e454b25005698d916606bdc6ffcbf961", "v5.7.0"),
    Action("golangci/golangci-lint-action", "ba0d7d2ec06a0ea1cb5fa41b2e4a3ab91d21278a", "v9.3.0"),
)}
"""By short name: setup-go, setup-node, setup-python, setup-java, golangci-lint."""

GOLANGCI_LINT = "v2.13.1"

IMAGES: dict[str, str] = {
    "go": "golang:{version}-bookworm",
    "node": "node:{version}-alpine",
    "python": "python:{version}-slim",
    "java": "maven:3.9.14-eclipse-temurin-{version}",
    # digests from the images' own release records (docker-library/repo-info) or several agreeing pins
    "golangci-lint": f"golangci/golangci-lint:{GOLANGCI_LINT}@sha256:"
                     "d371321370bf2907bd13a8f6f8baff0e0ca7438d76fdf636b281eadf7e2305e3",
    "shell": "mirror.gcr.io/busybox@sha256:2f9af5cf39068ec3a9e124feceaa11910c511e23a1670dcfdff0bc16793545fb",
    "curl": "curlimages/curl:8.21.0@sha256:7c12af72ceb38b7432ab85e1a265cff6ae58e06f95539d539b654f2cfa64bb13",
}
"""Language images take the block's `version`; the others are pinned versions."""


def action(key: str) -> Action:
    return ACTIONS[key]
