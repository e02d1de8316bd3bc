"""The target-neutral intermediate representation: plain frozen dataclasses, built by `lowering`.

Backends read only this package (and `diagnostics`), always as `ir.Name`. Every node keeps the
span of the spec text it came from, so a backend can report what its engine cannot express at the
user's line. Edges between tasks name the task: names are unique (checked before lowering ends).

- `values`: params, references (`~{ … }`), templates, and the env var that carries each reference;
- `conditions`: `when`, in negation normal form;
- `tasks`: a task and its parts;
- `pipeline`: the whole pipeline and its engine settings.
"""

from .conditions import All, Any, Compare, CompareOp, Condition, Literal, Operand, condition_refs, is_list_field
from .native import ArgoTemplateRef, GitHubAction, Native, TektonRef, native_output_names
from .pipeline import DEFAULT_RUNS_ON, ArtifactStore, Concurrency, Pipeline, PipelineResult, Repository, RunSettings
from .tasks import (
    CHECKOUT_RESULTS,
    OIDC_TOKEN_ENV,
    RESULTS_DIR,
    RESULTS_ENV,
    SIDECAR_HOST_KUBERNETES,
    ArtifactIn,
    ArtifactOut,
    Backoff,
    Cache,
    CacheMount,
    Checkout,
    Combination,
    Dependency,
    Environment,
    EnvVar,
    Matrix,
    MatrixAxis,
    Oidc,
    Permissions,
    Resources,
    Result,
    Retry,
    ScriptAnchor,
    SecretFile,
    SecretRef,
    SecurityContext,
    Sidecar,
    Step,
    Task,
)
from .triggers import DEFAULT_PR_TYPES, PullRequestTrigger, PushTrigger, Schedule, Triggers, glob_parts, glob_regex
from .values import (
    RUN_FIELDS,
    MatrixRef,
    Param,
    ParamRef,
    ParamType,
    Ref,
    ResultRef,
    RunField,
    RunRef,
    Scalar,
    StatusRef,
    Template,
    env_name,
    literal,
    ref_text,
    run_param,
    upper_snake,
)

__all__ = [
    "DEFAULT_PR_TYPES", "PullRequestTrigger", "PushTrigger", "Schedule", "Triggers", "glob_parts", "glob_regex",
    "DEFAULT_RUNS_ON", "RESULTS_DIR", "RUN_FIELDS", "run_param", "RESULTS_ENV", "SIDECAR_HOST_KUBERNETES",
    "All", "Any", "ArtifactIn", "ArtifactOut", "ArtifactStore", "Backoff", "Cache", "CacheMount", "Compare",
    "CompareOp", "Concurrency", "Condition", "Dependency", "EnvVar", "Environment",
    "Permissions", "Literal", "Matrix", "MatrixAxis", "MatrixRef", "Operand",
    "Param", "ParamRef", "ParamType", "Pipeline", "PipelineResult", "Ref", "Resources", "Result", "ResultRef",
    "Retry", "RunField", "RunRef", "Scalar", "ScriptAnchor", "SecretFile", "SecretRef", "SecurityContext",
    "Sidecar", "StatusRef", "Task", "Template", "condition_refs", "CHECKOUT_RESULTS", "OIDC_TOKEN_ENV", "Checkout",
    "Oidc", "Repository", "RunSettings", "is_list_field", "ArgoTemplateRef", "GitHubAction", "Native", "TektonRef",
    "native_output_names",
    "native_output_names", "Step", "Combination", "env_name", "literal", "ref_text", "upper_snake",
]
