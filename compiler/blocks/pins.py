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
    Action("docker/setup-qemu-action", "96fe6ef7f33517b61c61be40b68a1882f3264fb8", "v4.2.0"),
    Action("docker/setup-buildx-action", "37fe631027851001ddb9b187196cc803df7f5f0e", "v4.3.0"),
    Action("ko-build/setup-ko", "61b4d1d396f5b2e7d6bb6fefdce3dc38d1a13445", "v0.10"),
    Action("buildpacks/github-actions/setup-pack", "36416a96be10a6cc7170e7c9c63656d4092f78b2", "v6.1.0"),
    Action("sigstore/cosign-installer", "6f9f17788090df1f26f669e9d70d6ae9567deba6", "v4.1.2"),
    Action("azure/setup-helm", "9bc31f4ebc9c6b171d7bfbaa5d006ae7abdb4310", "v5.0.1"),
)}
"""By short name: setup-go, setup-node, setup-python, setup-java, golangci-lint, setup-qemu, setup-buildx,
setup-ko, setup-pack, cosign-installer, setup-helm."""

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
    "buildkit": "moby/buildkit:v0.32.2-rootless@sha256:"
                "504731e577c20559c00f968f33219f30115e70be29ab96728d1d06e963fc494b",
    "buildpacks-builder": "paketobuildpacks/builder-jammy-base:0.4.610",
    "ko": "ghcr.io/ko-build/ko:v0.19.1",
    "trivy": "aquasec/trivy:0.74.0@sha256:62b1e65e8869bc4b4c6aa4fa2b21595256c7c2f6018a9d9ad61caf87187c1969",
    "cosign": "ghcr.io/sigstore/cosign/cosign:v3.1.2@sha256:"
              "d91bc4e7e95e8d2f549c747a72dc174f90579e410a1695f57f686674f84ce849",
    "syft": "anchore/syft:v1.51.0@sha256:678bfa565b60f747aac0f8e964fe5588a24445b8d0a480e91f6efd70020dfbb0",
    "helm": "alpine/helm:3.21.4",
    "oras": "ghcr.io/oras-project/oras:v1.2.3",
}
"""Language images take the block's `version`; the others are pinned versions."""


def action(key: str) -> Action:
    return ACTIONS[key]
