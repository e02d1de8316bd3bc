"""`uses: image`: build and push one image, optionally multi-arch, with several tags, from a
Dockerfile (BuildKit: rootless and daemonless on Kubernetes, buildx on GitHub's runners), with Cloud
Native Buildpacks (the lifecycle's creator in the builder image; `pack` on GitHub) or with ko (Go).

Login from a secret (for GHCR, `{secret: github, key: token}` is the platform token on GitHub); a
registry layer cache at `<image>:buildcache` (dockerfile); the results are the pushed `digest` and the
`image` reference by digest. Every tag and the image may be an expression (e.g. the version block's
result); they reach the build through env only.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from . import pins, registry
from .base import Block, Call, Fields, Inputs, SecretInput

_DOCKERFILE = """\
digest_file=/tmp/shipspec-image-metadata.json
if command -v buildctl-daemonless.sh >/dev/null 2>&1; then
  buildctl-daemonless.sh build --frontend dockerfile.v0 --local context="$CONTEXT" --local dockerfile="$CONTEXT" \\
    --opt filename="$DOCKERFILE" ${PLATFORMS:+--opt platform="$PLATFORMS"} \\
    --output "type=image,\\"name=$names\\",push=true" --metadata-file "$digest_file" \\
    ${LAYER_CACHE:+--export-cache "mode=max,type=registry,ref=$IMAGE:buildcache"} \\
    ${LAYER_CACHE:+--import-cache "type=registry,ref=$IMAGE:buildcache"}
else
  set -- --file "$CONTEXT/$DOCKERFILE" --push --metadata-file "$digest_file"
  for name in $(printf '%s' "$names" | tr ',' ' '); do set -- "$@" --tag "$name"; done
  docker buildx build "$@" ${PLATFORMS:+--platform "$PLATFORMS"} \\
    ${LAYER_CACHE:+--cache-to "mode=max,type=registry,ref=$IMAGE:buildcache"} \\
    ${LAYER_CACHE:+--cache-from "type=registry,ref=$IMAGE:buildcache"} "$CONTEXT"
fi
digest=$(sed -n 's/.*"containerimage.digest": *"\\(sha256:[0-9a-f]*\\)".*/\\1/p' "$digest_file" | head -n 1)
"""

_BUILDPACKS = """\
first="${names%%,*}"
if [ -x /cnb/lifecycle/creator ]; then
  set --
  for name in $(printf '%s' "$names" | tr ',' ' '); do [ "$name" = "$first" ] || set -- "$@" -tag "$name"; done
  /cnb/lifecycle/creator -app="$CONTEXT" -report=/tmp/shipspec-report.toml "$@" "$first"
  digest=$(sed -n 's/^ *digest = "\\(sha256:[0-9a-f]*\\)".*/\\1/p' /tmp/shipspec-report.toml | head -n 1)
else
  set --
  for name in $(printf '%s' "$names" | tr ',' ' '); do [ "$name" = "$first" ] || set -- "$@" --tag "$name"; done
  pack build "$first" --path "$CONTEXT" --builder "$BUILDER" --publish "$@"
  digest=$(docker buildx imagetools inspect "$first" --format '{{json .Manifest.Digest}}' | tr -d '"')
fi
"""

_KO = """\
tags=$(printf '%s' "$names" | tr ',' '\\n' | sed 's/.*://' | paste -sd, -)
ref=$(cd "$CONTEXT" && KO_DOCKER_REPO="$IMAGE" ko build --bare --tags "$tags" ${PLATFORMS:+--platform "$PLATFORMS"} .)
digest="${ref##*@}"
"""

_RESULTS = """\
if [ -z "$digest" ]; then echo "image: the build reported no digest" >&2; exit 1; fi
printf '%s' "$digest" > "$SHIPSPEC_RESULTS/digest"
printf '%s@%s' "$IMAGE" "$digest" > "$SHIPSPEC_RESULTS/image"
echo "pushed $IMAGE@$digest"
"""


class Mirror(Inputs):
    """Another repository that gets the same image and tags, with its own login."""

    image: Annotated[str, Field(min_length=1, description="Another repository, e.g. docker.io/acme/shop.")]
    username: str = Field("~{ run.actor }", description="Its registry user.")
    password: SecretInput | None = Field(None, description="Its registry password or token, by reference.")


class ImageInputs(Inputs):
    """The inputs of `uses: image`."""

    image: Annotated[str, Field(min_length=1, description="The repository, e.g. ghcr.io/acme/shop.")]
    builder: Literal["dockerfile", "buildpacks", "ko"] = Field(
        "dockerfile", description="How to build: `dockerfile` (BuildKit; buildx on GitHub), `buildpacks` or `ko` (Go).")
    tags: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)] = Field(
        ["latest"], description="Tags to push, e.g. [~{ tasks.version.results.version }, latest].")
    platforms: list[str] = Field([], description="For one multi-arch image, e.g. [linux/amd64, linux/arm64].")
    context: str = Field(".", description="The build context, relative to the working directory.")
    dockerfile: str = Field("Dockerfile", description="dockerfile: the file, relative to the context.")
    builder_image: str = Field(pins.IMAGES["buildpacks-builder"], description="buildpacks: the builder.")
    username: str = Field("~{ run.actor }", description="The registry user.")
    password: SecretInput | None = Field(None, description="The registry password or token, by reference.")
    also: list[Mirror] = Field([], description="More repositories (other registries) that get the same tags; "
                               "dockerfile and buildpacks.")
    layer_cache: bool = Field(False, description="dockerfile: import and export a registry cache at "
                              "<image>:buildcache.")


    @model_validator(mode="after")
    def _one_repository_for_ko(self) -> ImageInputs:
        if self.also and self.builder == "ko":
            raise ValueError("`also` needs builder dockerfile or buildpacks: ko pushes to one repository")
        return self


def _expand(inputs: ImageInputs, call: Call) -> Fields:
    env: dict[str, object] = {
        "IMAGE": call.take("image", ("env", "IMAGE")),
        "CONTEXT": inputs.context, "DOCKERFILE": inputs.dockerfile, "BUILDER": inputs.builder_image,
        "PLATFORMS": ",".join(inputs.platforms), "LAYER_CACHE": "true" if inputs.layer_cache else "",
        **registry.env(call, inputs.username, inputs.password),
    }
    names = []
    repos = ["$IMAGE"] + [f"$MIRROR_{n}_IMAGE" for n in range(len(inputs.also))]
    for n, mirror in enumerate(inputs.also):
        env[f"MIRROR_{n}_IMAGE"] = call.take(("also", n, "image"), ("env", f"MIRROR_{n}_IMAGE"))
        env[f"MIRROR_{n}_USERNAME"] = mirror.username
        if mirror.password is not None:
            env[f"MIRROR_{n}_PASSWORD"] = mirror.password.env_value()
    for i, tag in enumerate(inputs.tags):
        key = f"IMAGE_TAG_{i}"
        env[key] = call.take(("tags", i), ("env", key)) if call.given("tags") else tag
        names += [f"{repo}:${key}" for repo in repos]
    tags = f'names="{",".join(names)}"\n'  # `image:tag,image:tag`, each part from env
    body = {"dockerfile": _DOCKERFILE, "buildpacks": _BUILDPACKS, "ko": _KO}[inputs.builder]
    steps: list[dict[str, object]] = []
    if inputs.platforms and inputs.builder == "dockerfile":
        steps.append({"name": "setup-qemu", "uses": pins.action("setup-qemu").native({}, "skip")})
    if inputs.builder == "dockerfile":
        steps.append({"name": "setup-buildx", "uses": pins.action("setup-buildx").native({}, "skip")})
    if inputs.builder == "ko":
        steps.append({"name": "setup-ko", "uses": pins.action("setup-ko").native({}, "skip")})
    if inputs.builder == "buildpacks":
        steps.append({"name": "setup-pack", "uses": pins.action("setup-pack").native({}, "skip")})
    # login in the build's own step: steps share the working directory, not $HOME, on every engine
    steps.append({"name": "build", "run": registry.login(len(inputs.also)) + tags + body + _RESULTS})
    image = {"dockerfile": pins.IMAGES["buildkit"], "buildpacks": inputs.builder_image,
             "ko": pins.IMAGES["ko"]}[inputs.builder]
    fields: Fields = {"image": image, "env": env, "steps": steps, "github": {"container": False},
                      "results": [{"name": "digest", "optional": True, "description": "the pushed digest"},
                                  {"name": "image", "optional": True, "description": "the image by digest"}]}
    if inputs.builder == "dockerfile":  # rootless BuildKit: its user, and no seccomp/AppArmor profile
        env["BUILDKITD_FLAGS"] = "--oci-worker-no-process-sandbox"
        fields["kubernetes"] = {"securityContext": {"runAsUser": 1000, "runAsGroup": 1000, "seccomp": "Unconfined"}}
    if inputs.builder == "buildpacks":  # the builder image's own user (paketo jammy-base stack.toml)
        fields["kubernetes"] = {"securityContext": {"runAsUser": 1001, "runAsGroup": 1000}}
    return fields


BLOCK = Block("image", "Build and push an image: Dockerfile (BuildKit/buildx), Buildpacks or ko; multi-arch, "
              "several tags, registry cache; results digest and image.", ImageInputs,
              (("digest", "the pushed digest, sha256:…"), ("image", "the image by digest, <image>@sha256:…")),
              _expand)
