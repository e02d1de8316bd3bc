"""The spec's pydantic models: the YAML keys as the user writes them, no logic.

Keys are camelCase (as in Kubernetes and Tekton); `extra="forbid"` everywhere so a typo is an
error with a "did you mean". `schemas/shipspec-v1.schema.json` is generated from `Spec`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

API_VERSION = "shipspec.dev/v1"

# Patterns of text fields, and how an error names what was expected (parse.py reads PATTERNS).
DURATION_PATTERN = r"^\s*(\d+h)?(\d+m)?(\d+s)?\s*$"
QUANTITY_PATTERN = (r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))"
                    r"(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$")
DNS_LABEL_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
DNS_SUBDOMAIN_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
SECRET_KEY_PATTERN = r"^[-._a-zA-Z0-9]+$"
ABSOLUTE_PATH_PATTERN = r"^/"
CRON_PATTERN = r"^\s*\S+(\s+\S+){4}\s*$"
REPOSITORY_PATTERN = r"^[^/\s]+(/[^/\s]+)+$"
PATTERNS = {
    REPOSITORY_PATTERN: "owner/name of a repository",
    CRON_PATTERN: "a cron schedule of five fields: minute hour day-of-month month day-of-week",
    DURATION_PATTERN: "a duration: seconds (1200) or '90s', '20m', '1h30m'",
    QUANTITY_PATTERN: "a Kubernetes quantity such as 500m, 2, 1Gi or 10G",
    DNS_LABEL_PATTERN: "a DNS-1123 label: lower case letters, digits and '-'",
    DNS_SUBDOMAIN_PATTERN: "a DNS-1123 name: lower case letters, digits, '-' and '.'",
    SECRET_KEY_PATTERN: "a secret key: letters, digits, '-', '_' and '.'",
    ABSOLUTE_PATH_PATTERN: "an absolute path (starting with '/')",
}

Name = Annotated[str, Field(min_length=1, description="A name: lower case letters, digits and '-'.")]
Duration = Annotated[
    Annotated[int, Field(ge=1)] | Annotated[str, Field(pattern=DURATION_PATTERN, min_length=2)],
    Field(description="Seconds, or a duration such as '90s', '20m', '1h30m'.", examples=["20m"]),
]
Quantity = Annotated[
    Annotated[str, Field(pattern=QUANTITY_PATTERN)] | Annotated[int, Field(ge=0)] | Annotated[float, Field(ge=0)],
    Field(description="A Kubernetes quantity: 500m, 2, 0.5, 1Gi."),
]
Path = Annotated[str, Field(pattern=ABSOLUTE_PATH_PATTERN, description="An absolute path in the container.")]
Expression = Annotated[str, Field(description="A string that may hold `~{ reference }` expressions.")]


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=False,
        strict=True,
    )


class Metadata(Model):
    """The pipeline's name and Kubernetes metadata."""

    name: Name = Field(description="The pipeline's name: lower case letters, digits and '-' (a DNS-1123 label); it "
                                   "names the generated Workflow, Pipeline and workflow.", examples=["ci"])
    namespace: Annotated[str, Field(pattern=DNS_LABEL_PATTERN, max_length=63)] | None = Field(
        None, description="Argo and Tekton: the Kubernetes namespace of the generated resources; none is written if "
                          "omitted.")
    labels: dict[str, str] = Field({}, description="Kubernetes labels of the generated resources.")
    annotations: dict[str, str] = Field({}, description="Kubernetes annotations of the generated resources.")
    description: str | None = Field(None, description="What the pipeline does, for people.")


class Param(Model):
    """An input of the pipeline, given when a run starts."""

    name: Name = Field(description="The param's name, read as `~{ params.NAME }`.")
    type: Literal["string", "bool", "int", "array"] = Field("string",
        description="The value's type: `string`, `bool`, `int` or `array` (of strings).")
    default: str | bool | int | list[str] | None = Field(
        None, description="Omit to make the param required.")
    description: str | None = Field(None, description="What the param means (shown where a run is started by hand).")


class SecretKeyRef(Model):
    """A key of a Kubernetes secret; on GitHub the secret SECRET_KEY (upper snake case)."""

    secret: Annotated[str, Field(pattern=DNS_SUBDOMAIN_PATTERN, max_length=253)] = Field(
        description="The secret's name (`github` with key `token`: the job's own GITHUB_TOKEN).", examples=["registry"])
    key: Annotated[str, Field(pattern=SECRET_KEY_PATTERN)] = Field(
        description="The key in the secret.", examples=["token"])


EnvValue = Annotated[
    str | int | bool | SecretKeyRef,
    Field(union_mode="left_to_right", description="A value, an expression, or {secret, key}."),
]


class ResultDecl(Model):
    """A result with its description (or `optional`)."""

    name: Name = Field(description="The result's name: the task writes it to `$SHIPSPEC_RESULTS/NAME`; read as `~{ "
                                   "tasks.T.results.NAME }`.")
    description: str | None = Field(None, description="What the result holds, for people.")
    optional: bool = Field(False, description="Nothing needs to read it (no unused-result warning): a "
                           "value kept for people or for later use.")


class ArtifactDecl(Model):
    """Files this task hands on, by name."""

    name: Name = Field(description="The artifact's name, which consuming tasks give as `artifact`.")
    path: str = Field(description="The directory (or file) this task hands on.", examples=["/workspace/dist"])


class ArtifactUse(Model):
    """Files this task receives from an earlier task."""

    artifact: Name = Field(description="The name of an artifact a task `produces` (or of a `checkout` task); implies "
                                       "running after it.")
    path: str | None = Field(None, description="Where to put the files; the producer's path if omitted.")


class CacheUse(Model):
    """A declared cache, mounted in this task."""

    name: Name = Field(description="A cache declared in `spec.caches`.")
    path: str = Field(description="Where the cache is mounted in the container.", examples=["/root/.cache/go-build"])


class SecretFileDecl(Model):
    """One key of a secret, written to a file."""

    secret: Annotated[str, Field(pattern=DNS_SUBDOMAIN_PATTERN, max_length=253)] = Field(
        description="The secret's name.")
    key: Annotated[str, Field(pattern=SECRET_KEY_PATTERN)] = Field(description="The key in the secret.")
    path: str = Field(description="The file the key's value is written to.")


class Sidecar(Model):
    """A container running beside the task."""

    name: Name = Field(description="The sidecar's name; a script reaches it at `~{ sidecars.NAME.host }`.")
    image: str = Field(description="The sidecar's container image.", examples=["postgres:16"])
    command: list[str] = Field([], description="The entrypoint; the image's own if empty.")
    args: list[str] = Field([], description="Arguments to the entrypoint.")
    env: dict[str, EnvValue] = Field({}, description="Environment variables: values or `{secret, key}`.")
    privileged: bool = Field(False, description="Run the sidecar privileged (e.g. Docker-in-Docker).")


class SecurityContext(Model):
    """Who the container runs as."""

    run_as_user: Annotated[int, Field(ge=0)] | None = Field(None, description="The user id the container runs as.")
    run_as_group: Annotated[int, Field(ge=0)] | None = Field(None, description="The group id the container runs as.")
    seccomp: Literal["RuntimeDefault", "Unconfined"] | None = Field(
        None, description="The seccomp profile: `RuntimeDefault` or `Unconfined`.")


class Backoff(Model):
    """Delays between retries."""

    duration: Duration = Field(description="The delay before the first retry.", examples=["10s"])
    factor: Annotated[int, Field(ge=1)] | None = Field(None, description="Each delay is the last one times this.")
    max_duration: Duration | None = Field(None, description="A cap on each delay (Argo: `cap`).")


class Retries(Model):
    """A retry count with a backoff."""

    limit: int = Field(ge=0, description="How many times to retry a failed task.")
    backoff: Backoff | None = Field(None, description="Delays between retries (Argo only).")


class Matrix(Model):
    """Run the task once per combination of the axes' values."""

    axes: dict[str, Annotated[list[str | int | bool], Field(min_length=1)] | str] = Field(
        min_length=1, description="Axis name -> values, or an expression naming an array param or an "
        "upstream task's result that holds a JSON list.")
    max_parallel: int | None = Field(None, ge=1, description="At most this many instances at once.")
    include: list[dict[str, str | int | bool]] = Field([], description="Combinations to add (GitHub's "
                                                       "include): every axis given.")
    exclude: list[dict[str, str | int | bool]] = Field([], description="Combinations not to run; one that "
                                                       "names some axes drops every match.")


class Resources(Model):
    """CPU and memory of the task's pod."""

    requests: dict[Literal["cpu", "memory"], Quantity] = Field(
        {}, description="What the pod is guaranteed: `cpu`, `memory`.", examples=[{"cpu": "500m", "memory": "1Gi"}])
    limits: dict[Literal["cpu", "memory"], Quantity] = Field(
        {}, description="What the pod may use at most: `cpu`, `memory`.", examples=[{"memory": "2Gi"}])


class TaskKubernetes(Model):
    """Pod settings for the Kubernetes engines (Argo, Tekton); GitHub runs jobs on its runners."""

    resources: Resources | None = Field(None, description="CPU and memory `requests` and `limits`.")
    security_context: SecurityContext | None = Field(None, description="`runAsUser`, `runAsGroup`, `seccomp`.")


GitHubScope = Literal["actions", "attestations", "checks", "contents", "deployments", "discussions", "id-token",
                      "issues", "models", "packages", "pages", "pull-requests", "repository-projects",
                      "security-events", "statuses"]
"""The GITHUB_TOKEN's permission scopes (GitHub's workflow schema, `permissions-mapping`)."""
Permissions = Annotated[
    dict[GitHubScope, Literal["read", "write", "none"]],
    Field(description="GitHub only: what the job's GITHUB_TOKEN may do, e.g. {contents: read, packages: write}; "
          "nothing unless granted."),
]


class GitHubPipeline(Model):
    """GitHub Actions settings for every job of the pipeline."""

    runs_on: str | None = Field(None, description="The runner label of every job; `ubuntu-24.04` if omitted (a Linux "
                                                  "runner with Docker).", examples=["ubuntu-24.04"])
    permissions: Permissions = {}


class Environment(Model):
    """A GitHub deployment environment, with the URL shown on the run."""

    name: Annotated[str, Field(min_length=1)] = Field(description="The environment's name.", examples=["production"])
    url: str | None = Field(None, description="The deployment's URL, shown on the run.")


class GitHubTask(Model):
    """GitHub Actions settings of one task's job."""

    runs_on: str | None = Field(None, description="The runner label of this job; the pipeline's if omitted.",
        examples=["ubuntu-24.04"])
    permissions: Permissions = {}
    environment: Annotated[str, Field(min_length=1)] | Environment | None = Field(
        None, description="A deployment environment: its protection rules (reviewers, wait timers) gate the job.")
    container: bool = Field(True, description="false: run the steps on the runner itself rather than in the "
                            "task's image (setup actions among the steps provide the tools there).")


class Checkout(Model):
    """What a `uses: checkout` task clones. Credentials are never kept in the clone
    (`persist-credentials: false`)."""

    repository: Expression | None = Field(None, description="owner/name on GitHub, or a clone URL; the "
                                          "run's repository (`spec.repository`) if omitted.")
    ref: Expression | None = Field(None, description="A branch, tag or commit; the commit the run builds "
                                   "(`run.sha`) if omitted.")
    depth: Annotated[int, Field(ge=0)] = Field(1, description="Commits of history to fetch; 0 for all.")
    tags: bool = Field(False, description="Fetch the tags too (e.g. for `git describe`).")
    submodules: bool | Literal["recursive"] = Field(False, description="Clone submodules: `true` (top level) or "
                                                                       "`recursive`.")
    lfs: bool = Field(False, description="Download Git LFS files.")
    token: SecretKeyRef | None = Field(None, description="A token that may read the repository; on GitHub "
                                       "the platform token if omitted, anonymous on Kubernetes.")
    path: Path = Field("/workspace/source", description="Where the files are, in this task and in each "
                       "task that consumes them.")


class Oidc(Model):
    """An OIDC identity token of the run, for keyless signing and cloud logins: GitHub's token
    (`id-token: write`), or a projected service-account token on Kubernetes. The task reads the
    token from the file named by $SHIPSPEC_OIDC_TOKEN_FILE."""

    audience: Annotated[str, Field(min_length=1, examples=["sigstore", "sts.amazonaws.com"])] = Field(
        description="Who the token is for (its `aud` claim): `sigstore` for keyless signing, a cloud's STS.")


NativeValue = Annotated[Expression | int | bool, Field(union_mode="left_to_right")]


class GitHubAction(Model):
    """A GitHub action, pinned to a full commit SHA (the tag goes in `version`, written as a comment)."""

    action: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\s]+)?@\S+$",
                                 examples=["actions/setup-go@3041bf56c941b39c61721a86cd11f3bb1338122a"],
                                 description="owner/repo[/path]@<40-hex commit SHA>.")]
    version: str | None = Field(None, description="The tag the SHA is, e.g. v5.2.0 (written as a comment).")
    with_: dict[str, NativeValue] = Field({}, alias="with", description="The action's inputs.")


class TektonTaskRef(Model):
    """A Tekton Task (or, for a step, a StepAction) by resolver: hub, bundles, git or cluster."""

    resolver: Literal["hub", "bundles", "git", "cluster"] = Field(
        description="The Tekton resolver: `hub`, `bundles`, `git` or `cluster`.")
    resource: dict[str, str] = Field(description="The resolver's own params, e.g. {name: golang-build, "
                                     "version: '0.3'} (hub), {bundle, name, kind} (bundles), "
                                     "{url, revision, pathInRepo} (git), {kind, name, namespace} (cluster).")
    params: dict[str, NativeValue] = Field({}, description="The task's params.")
    workspace: Name | None = Field(None, description="The task's workspace that holds the files this "
                                   "task consumes (its first artifact), e.g. `source`.")


class ArgoTemplateRef(Model):
    """A template of a WorkflowTemplate (or ClusterWorkflowTemplate) the cluster has."""

    name: Name = Field(description="The WorkflowTemplate's name.")
    template: Name = Field(description="The template in it.")
    cluster_scope: bool = Field(False, description="A ClusterWorkflowTemplate rather than a WorkflowTemplate.")
    arguments: dict[str, NativeValue] = Field({}, description="The template's input parameters.")


class Native(Model):
    """A reusable unit of the engines themselves: one entry per target it runs on."""

    github: GitHubAction | None = Field(None, description="GitHub: the action and its inputs.")
    tekton: TektonTaskRef | None = Field(None, description="Tekton: a Task (or StepAction) by resolver.")
    argo: ArgoTemplateRef | None = Field(None, description="Argo: a template of a WorkflowTemplate.")
    outputs: list[Name] = Field([], description="Outputs later tasks read as ~{ tasks.T.outputs.NAME }: the "
                                "action's outputs, the Tekton task's results, the template's output parameters.")
    output_names: dict[Literal["github", "tekton", "argo"], dict[Name, str]] = Field(
        {}, description="Where an engine's unit calls an output otherwise, e.g. {tekton: {digest: IMAGE_DIGEST}}.")
    otherwise: Literal["error", "skip"] = Field(
        "error", description="A step's unit on an engine it has no entry for (and no `run`/`command`): an "
        "error, or `skip` the step there (a setup action that only GitHub's runners need).")


class Step(Model):
    """One step of a task: all steps of a task share its container filesystem and run in order."""

    name: Name = Field(description="The step's name, unique in its task.")
    image: Annotated[str, Field(min_length=1)] | None = Field(None, description="The task's image if omitted.")
    run: Annotated[str, Field(min_length=1)] | None = Field(
        None, description="A POSIX sh script, run with `set -e`; expressions reach it via env vars.")
    command: list[Expression] = Field([], description="Instead of `run`: an argv, run as is.")
    args: list[Expression] = Field([], description="Arguments after `command`.")
    uses: Native | None = Field(None, description="A native unit instead of a script.")
    env: dict[str, EnvValue] = Field({}, description="The step's own environment variables, added to the task's.")
    always: bool = Field(False, description="Run even after an earlier step failed (e.g. to upload reports).")
    continue_on_error: bool = Field(False, description="A failure of this step does not fail the task.")
    timeout: Duration | None = Field(None, description="A limit on this step.")


BlockName = Literal["checkout", "go", "helm", "image", "java", "node", "notify", "publish", "python", "scan",
                    "sign", "version"]
"""`checkout` and the blocks of compiler/blocks (tests/test_blocks.py keeps the two lists equal)."""


class Task(Model):
    """A task: a container running a script or an argv, a block (`uses:`), or steps."""

    name: Name = Field(description="The task's name: a DNS-1123 label (lower case letters, digits, '-'), unique in the "
                                   "pipeline.", examples=["build"])
    image: Annotated[str, Field(min_length=1)] | None = Field(
        None, description="The container image; none for `uses:` tasks.")
    uses: BlockName | Native | None = Field(
        None, description="A block (docs/blocks.md; `checkout` clones the repository into an artifact named "
        "after the task, with results sha, short-sha and ref), or a native unit of each engine.")
    with_: Checkout | None = Field(None, alias="with", description="The built-in task's inputs.")
    run: Annotated[str, Field(min_length=1)] | None = Field(
        None, description="A POSIX sh script; expressions reach it via env vars.")
    command: list[Expression] = Field([], description="Instead of `run`: an argv, run as an argv (no shell needed in "
                                                      "the image).", examples=[["go", "test", "./..."]])
    args: list[Expression] = Field([], description="Arguments after `command`; may hold `~{ }` expressions.")
    steps: list[Step] = Field([], description="Instead of `run`/`command`: steps in one container filesystem.")
    env: dict[str, EnvValue] = Field({}, description="Environment variables: literal values, expressions, or a secret "
                                                     "by reference `{secret, key}`.",
        examples=[{"GOFLAGS": "-mod=readonly", "TOKEN": {"secret": "registry", "key": "token"}}])
    working_dir: Path | None = Field(None, description="The directory the task starts in.",
                                     examples=["/workspace/source"])
    depends: list[Name] = Field([], description="Tasks this one runs after (reading a task's result or artifact "
                                                "implies it).")
    when: Annotated[str, Field(min_length=1)] | None = Field(
        None, description="A condition, e.g. `params.enable_test && params.env == 'prod'`.")
    results: list[Name | ResultDecl] = Field([], description="Small values the script writes to "
                                                             "`$SHIPSPEC_RESULTS/<name>` (under 4 KB in all); read as "
                                                             "`~{ tasks.T.results.NAME }`.")
    produces: list[ArtifactDecl] = Field([], description="Artifacts: `{name, path}` files this task hands on to later "
                                                         "tasks.")
    consumes: list[ArtifactUse] = Field([], description="Artifacts: `{artifact, path}` files this task receives "
                                                        "(implies running after the producer).")
    caches: list[CacheUse] = Field([], description="`{name, path}`: mount a cache declared in `spec.caches`.")
    secret_files: list[SecretFileDecl] = Field([], description="`{secret, key, path}`: one key of a secret as a file.")
    sidecars: list[Sidecar] = Field([], description="Containers running beside the task (a database, a registry); "
                                                    "reached at `~{ sidecars.NAME.host }`.")
    timeout: Duration | None = Field(None, description="A limit on the task.", examples=["20m", 600])
    retries: Annotated[int, Field(ge=0)] | Retries | None = Field(
        None, description="Retry a failed task: a count, or `{limit, backoff: {duration, factor, maxDuration}}`.",
            examples=[2])
    matrix: Matrix | None = Field(None, description="Run the task once per combination of `axes` values; read an axis "
                                                    "with `~{ matrix.NAME }`.",
        examples=[{"axes": {"go": ["1.22", "1.23"]}}])
    oidc: Oidc | None = Field(None, description="`{audience}`: an OIDC identity token of the run in the file "
                                                "`$SHIPSPEC_OIDC_TOKEN_FILE` (keyless signing, cloud logins).")
    group: Name | None = Field(None, description="A group of `spec.groups` whose defaults this task takes.")
    kubernetes: TaskKubernetes | None = Field(None, description="Argo and Tekton only: `resources`, `securityContext`.")
    github: GitHubTask | None = Field(None, description="GitHub only: `runsOn`, `permissions`, `environment`, "
                                                        "`container`.")


class TaskDefaults(Model):
    """Fields every task (or every task of a group) gets unless it sets them itself."""

    image: Annotated[str, Field(min_length=1)] | None = Field(None, description="The image of tasks that name none.")
    env: dict[str, EnvValue] = Field({}, description="Merged by name; a task's own value wins.")
    working_dir: Path | None = Field(None, description="The directory tasks start in.")
    consumes: list[ArtifactUse] = Field([], description="Merged by artifact.")
    caches: list[CacheUse] = Field([], description="Merged by name.")
    secret_files: list[SecretFileDecl] = Field([], description="Merged by path.")
    timeout: Duration | None = Field(None, description="A limit on each task.")
    retries: Annotated[int, Field(ge=0)] | Retries | None = Field(
        None, description="Retries of each task: a count, or `{limit, backoff}`.")
    kubernetes: TaskKubernetes | None = Field(None, description="Argo and Tekton only: `resources`, `securityContext` "
                                                                "(merged mapping by mapping).")
    github: GitHubTask | None = Field(None, description="GitHub only: the jobs' settings (merged mapping by mapping).")


class PipelineResult(Model):
    """An output of the pipeline."""

    name: Name = Field(description="The pipeline result's name.")
    value: Expression = Field(description="An expression over task results.",
        examples=["~{ tasks.build.results.image }"])
    description: str | None = Field(None, description="What the result holds, for people.")


class Cache(Model):
    """Kept between runs: on Kubernetes the PVC `<pipeline>-cache-<name>` the platform team creates
    once; on GitHub actions/cache, saved after each run and restored from the newest."""

    name: Name = Field(description="The cache's name, which tasks mount with `caches: [{name, path}]`.")
    description: str | None = Field(None, description="What the cache holds, for people.")


class Storage(Model):
    """The per-run volume that carries artifacts (Tekton always; Argo with `artifacts: volume`)."""

    size: Annotated[str, Field(pattern=QUANTITY_PATTERN)] = Field(default="1Gi",
        description="The volume's size, a Kubernetes quantity.")
    storage_class: Annotated[str, Field(pattern=DNS_SUBDOMAIN_PATTERN)] | None = Field(
        default=None, description="The storage class; the cluster's default if omitted.")
    access_mode: Annotated[Literal["ReadWriteOnce", "ReadWriteMany"], Field(
        description="ReadWriteMany lets tasks on different nodes mount the volume at once "
        "(the storage class must support it).")] = "ReadWriteOnce"


class TtlAfter(Model):
    """How long a finished run is kept, per outcome."""

    succeeded: Duration | None = Field(None, description="After a run that succeeded.")
    failed: Duration | None = Field(None, description="After a run that failed.")


class RunSettings(Model):
    """The run itself (the Argo Workflow, the Tekton PipelineRun), not the pipeline's definition."""

    labels: dict[str, str] = Field({}, description="Labels of the run (the Workflow, the PipelineRun).")
    annotations: dict[str, str] = Field({}, description="e.g. tekton.dev/auto-cleanup-pvc: 'true'.")
    delete_after: Duration | TtlAfter | None = Field(
        None, description="Delete a finished run after this long (Argo ttlStrategy), or per outcome.")
    keep_runs: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Keep only the newest runs (Tekton with Pipelines-as-Code: max-keep-runs).")
    pod_gc: Literal["OnPodCompletion", "OnPodSuccess", "OnWorkflowCompletion", "OnWorkflowSuccess"] | None = (
        Field(None, alias="podGC", description="Argo: when to delete the run's pods."))


class PipelineKubernetes(Model):
    """Settings for the Kubernetes engines (Argo, Tekton); GitHub Actions has no such concepts."""

    run: RunSettings | None = Field(default=None, description="The run itself: `labels`, `annotations`, `deleteAfter`, "
                                                      "`keepRuns`, `podGC`.")

    service_account: Annotated[str, Field(pattern=DNS_SUBDOMAIN_PATTERN, max_length=253)] | None = Field(
        default=None, description="The service account the run's pods use.")
    host_network: bool = Field(default=False, description="Run the pods in the node's network namespace.")
    artifacts: Annotated[Literal["repository", "volume"], Field(
        description="How Argo passes artifacts: `repository` (the cluster's artifact repository, Argo's "
        "default) or `volume` (one per-run volume, see `storage`). Tekton always uses a per-run volume."),
    ] = "repository"
    storage: Storage | None = Field(default=None, description="The per-run volume: `size`, `storageClass`, "
                                    "`accessMode`.")


Globs = Annotated[list[Annotated[str, Field(min_length=1)]], Field(
    description="Glob patterns as GitHub writes them: `*` within a path segment, `**` across, `?`, `[abc]`.")]


class PushTrigger(Model):
    """A push of branches or tags. Filters are globs; `paths` runs only when a changed file matches."""

    branches: Globs = []
    branches_ignore: Globs = []
    tags: Globs = []
    tags_ignore: Globs = []
    paths: Globs = []
    paths_ignore: Globs = []


PullRequestType = Literal["opened", "synchronize", "reopened", "closed", "edited", "labeled", "unlabeled",
                          "ready_for_review"]


class PullRequestTrigger(Model):
    """A pull request to one of `branches` (its target); `types` default to opened, synchronize, reopened."""

    branches: Globs = []
    branches_ignore: Globs = []
    types: list[PullRequestType] = Field([], description="Pull request activity types; opened, synchronize, reopened "
                                                         "if empty.")
    paths: Globs = []
    paths_ignore: Globs = []


class Schedule(Model):
    """A cron schedule, in a time zone."""

    cron: Annotated[str, Field(pattern=CRON_PATTERN, examples=["0 3 * * 1-5"])] = Field(
        description="Five fields: minute hour day-of-month month day-of-week.")
    timezone: str | None = Field(None, description="An IANA time zone such as Europe/Paris; UTC if omitted.")


class Repository(Model):
    """The repository the pipeline builds: where events come from and what `checkout` clones by default."""

    name: Annotated[str, Field(pattern=REPOSITORY_PATTERN, examples=["acme/shop"],
                               description="owner/name (GitLab: group/subgroup/name).")]
    provider: Literal["github", "gitlab"] = Field("github", description="Where the repository is hosted: `github` or "
                                                                        "`gitlab`.")
    url: str | None = Field(None, description="The https clone URL; https://github.com/<name>.git "
                            "(or gitlab.com) if omitted.")
    webhook_secret: SecretKeyRef | None = Field(
        None, description="Kubernetes engines: the secret key holding the webhook's shared secret; "
        "`<pipeline>-webhook`, key `secret`, if omitted.")


class Triggers(Model):
    """What starts a run. Without `triggers`, a run is started by hand or called by another pipeline."""

    push: PushTrigger | None = Field(None, description="Start on a push: `branches`, `tags`, `paths` (and their "
                                                       "`…Ignore` forms).")
    pull_request: PullRequestTrigger | None = Field(None, description="Start on a pull request: target `branches`, "
                                                                      "`types`, `paths`.")
    schedule: list[Schedule] = Field([], description="Start on a schedule: `[{cron, timezone}]`.",
        examples=[[{"cron": "0 3 * * 1-5"}]])
    manual: bool = Field(True, description="Can be started by hand, the params as its inputs.")
    call: bool = Field(False, description="Can be called by another pipeline (GitHub: workflow_call).")
    approximate: bool = Field(False, description="Where an engine cannot filter events exactly (e.g. Argo "
                              "Events and a pull request's paths), start runs more often instead of failing; "
                              "a warning says what was approximated.")


class Concurrency(Model):
    """One run at a time per group: a newer run waits, or cancels the older one."""

    group: Annotated[Expression, Field(min_length=1, description="The group's name, e.g. "
                                       "'deploy-~{ run.ref_name }': runs with one name never overlap.")]
    cancel_in_progress: bool = Field(False, description="A newer run cancels the one in progress "
                                     "instead of waiting for it.")


class PipelineSpec(Model):
    """The pipeline: its params, tasks and settings."""

    params: list[Param] = Field([], description="The pipeline's inputs: `name`, `type`, `default`, `description`; read "
                                                "as `~{ params.NAME }`.")
    defaults: TaskDefaults | None = Field(None, description="What every task gets unless it says otherwise "
                                          "(`uses:` tasks excepted).")
    groups: dict[Name, TaskDefaults] = Field({}, description="Named defaults a task takes with `group:`, "
                                             "before `defaults`.")
    tasks: list[Task] = Field(min_length=1, description="The tasks: a DAG ordered by `depends` and by the results and "
                                                        "artifacts they read.")
    finally_: list[Task] = Field([], alias="finally", description="Tasks that run after all others, whatever happened, "
                                                                  "in parallel; they may read `~{ pipeline.status }`.")
    results: list[PipelineResult] = Field([], description="The pipeline's outputs: `name`, `value` (an expression over "
                                                          "task results), `description`.")
    repository: Repository | None = Field(None, description="The repository the pipeline builds: what `checkout` "
                                                            "clones and where events come from.")
    triggers: Triggers | None = Field(None, description="What starts a run: `push`, `pullRequest`, `schedule`, "
                                                        "`manual`, `call`; by hand or called if omitted.")
    concurrency: Concurrency | None = Field(None, description="`{group, cancelInProgress}`: runs of one group never "
                                                              "overlap.")
    timeout: Duration | None = Field(None, description="A limit on the main tasks of a run; finally tasks "
                                     "still run after it, each within its own timeout. None by default.")
    caches: list[Cache] = Field([], description="Caches kept between runs, which tasks mount by name.")
    kubernetes: PipelineKubernetes | None = Field(None, description="Argo and Tekton only: `run`, `serviceAccount`, "
                                                                    "`hostNetwork`, `artifacts`, `storage`.")
    github: GitHubPipeline | None = Field(None, description="GitHub only: `runsOn`, `permissions`.")


class TemplateUse(Model):
    """A pipeline template this spec is made from: its params take the `with` values; this spec's
    tasks are added (or replace the template's task of their name); `remove` drops template tasks."""

    ref: Annotated[str, Field(min_length=1, description="The template's file, relative to this spec.",
                              examples=["../templates/ci-go.yaml"])]
    with_: dict[str, str | int | bool | list[str]] = Field({}, alias="with", description="Values of the "
                                                           "template's params.")
    remove: list[Name] = Field([], description="Template tasks this pipeline does without.")


class Spec(Model):
    """A shipspec pipeline, version 1."""

    model_config = ConfigDict(title="shipspec pipeline (shipspec.dev/v1)")

    api_version: Literal["shipspec.dev/v1"] = Field(description="The spec's version: `shipspec.dev/v1`.")
    kind: Literal["Pipeline", "PipelineTemplate"] = Field(
        description="`Pipeline`; `PipelineTemplate` for a template other specs use with `template:`.")
    metadata: Metadata = Field(description="`name` (required), `namespace`, `labels`, `annotations`, `description`.")
    template: TemplateUse | None = Field(None, description="Make this pipeline from a template: `ref`, `with`, "
                                         "`remove`.")
    spec: PipelineSpec = Field(description="The pipeline: `params`, `tasks`, `finally`, `results`, `triggers`, and the "
                                           "engines' settings.")
