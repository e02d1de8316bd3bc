"""The spec's pydantic models: the YAML keys as the user writes them, no logic.

Keys are camelCase (as in Kubernetes and Tekton); `extra="forbid"` everywhere so a typo is an
error with a "did you mean". `schemas/shipspec-v1.schema.json` is generated from `Spec`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

API_VERSION = "shipspec.dev/v1"

Name = Annotated[str, Field(min_length=1, description="A name: lower case letters, digits and '-'.")]
DURATION_PATTERN = r"^\s*(\d+h)?(\d+m)?(\d+s)?\s*$"
Duration = Annotated[
    int | Annotated[str, Field(pattern=DURATION_PATTERN, min_length=2)],
    Field(description="Seconds, or a duration such as '90s', '20m', '1h30m'.", examples=["20m"]),
]
Expression = Annotated[str, Field(description="A string that may hold `~{ reference }` expressions.")]


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=False,
        strict=True,
    )


class Metadata(Model):
    name: Name
    namespace: str | None = None
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}
    description: str | None = None


class Param(Model):
    name: Name
    type: Literal["string", "bool", "int", "array"] = "string"
    default: str | bool | int | list[str] | None = Field(
        None, description="Omit to make the param required.")
    description: str | None = None


class SecretKeyRef(Model):
    """A key of a Kubernetes secret; on GitHub the secret SECRET_KEY (upper snake case)."""

    secret: Name
    key: str


EnvValue = Annotated[
    str | int | bool | SecretKeyRef,
    Field(union_mode="left_to_right", description="A value, an expression, or {secret, key}."),
]


class ResultDecl(Model):
    name: Name
    description: str | None = None


class ArtifactDecl(Model):
    name: Name
    path: str


class ArtifactUse(Model):
    artifact: Name
    path: str | None = Field(None, description="Where to put the files; the producer's path if omitted.")


class CacheUse(Model):
    name: Name
    path: str


class SecretFileDecl(Model):
    secret: Name
    key: str
    path: str = Field(description="The file the key's value is written to.")


class Sidecar(Model):
    name: Name
    image: str
    command: list[str] = []
    args: list[str] = []
    env: dict[str, EnvValue] = {}
    privileged: bool = False


class SecurityContext(Model):
    run_as_user: int | None = None
    run_as_group: int | None = None
    seccomp: Literal["RuntimeDefault", "Unconfined"] | None = None


class Backoff(Model):
    duration: Duration
    factor: int | None = None
    max_duration: Duration | None = None


class Retries(Model):
    limit: int = Field(ge=0)
    backoff: Backoff | None = None


class Matrix(Model):
    axes: dict[str, list[str | int | bool] | str] = Field(
        min_length=1, description="Axis name -> values, or an expression naming an array param.")
    max_parallel: int | None = Field(None, ge=1)


class Resources(Model):
    requests: dict[Literal["cpu", "memory"], str | int] = {}
    limits: dict[Literal["cpu", "memory"], str | int] = {}


class TaskKubernetes(Model):
    """Pod settings for the Kubernetes engines (Argo, Tekton); GitHub runs jobs on its runners."""

    resources: Resources | None = None
    security_context: SecurityContext | None = None


class GitHubRunner(Model):
    runs_on: str | None = None


class Task(Model):
    name: Name
    image: str
    run: str | None = Field(None, description="A shell script (sh); expressions reach it via env vars.")
    command: list[Expression] = []
    args: list[Expression] = []
    env: dict[str, EnvValue] = {}
    working_dir: str | None = None
    depends: list[Name] = []
    when: str | None = Field(None, description="A condition, e.g. `params.enable_test && params.env == 'prod'`.")
    results: list[Name | ResultDecl] = []
    produces: list[ArtifactDecl] = []
    consumes: list[ArtifactUse] = []
    caches: list[CacheUse] = []
    secret_files: list[SecretFileDecl] = []
    sidecars: list[Sidecar] = []
    timeout: Duration | None = None
    retries: int | Retries | None = None
    matrix: Matrix | None = None
    kubernetes: TaskKubernetes | None = None
    github: GitHubRunner | None = None


class PipelineResult(Model):
    name: Name
    value: Expression
    description: str | None = None


class Cache(Model):
    name: Name
    key_files: list[str] = Field([], description="Globs whose content keys the cache on GitHub.")
    size: str = "1Gi"


class Storage(Model):
    size: str = "1Gi"
    storage_class: str | None = None


class PipelineKubernetes(Model):
    """Settings for the Kubernetes engines (Argo, Tekton); GitHub Actions has no such concepts."""

    service_account: str | None = None
    host_network: bool = False
    storage: Storage | None = None


class PipelineSpec(Model):
    params: list[Param] = []
    tasks: list[Task] = Field(min_length=1)
    finally_: list[Task] = Field([], alias="finally")
    results: list[PipelineResult] = []
    caches: list[Cache] = []
    kubernetes: PipelineKubernetes | None = None
    github: GitHubRunner | None = None


class Spec(Model):
    """A shipspec pipeline, version 1."""

    model_config = ConfigDict(title="shipspec pipeline (shipspec.dev/v1)")

    api_version: Literal["shipspec.dev/v1"]
    kind: Literal["Pipeline"]
    metadata: Metadata
    spec: PipelineSpec
