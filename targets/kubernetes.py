"""Kubernetes core shapes that Argo and Tekton both embed (container resources, security context,
secret env, volumes, the per-run claim), and the naming and duration rules of the API server.

One place for them, so the two Kubernetes backends cannot drift apart.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ..compiler import ir, rules
from ..compiler.diagnostics import Diagnostic, error

Json = dict[str, Any]

MAX_LABEL = 63
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")


_KUBELET_SPECIAL = re.compile(r"\$(?=[$(])")


def kubelet_escape(text: str, *, value_follows: bool) -> str:
    """Literal text for env values, command and args, safe from Kubernetes' `$(VAR)` expansion.

    Doubles each `$` that starts `$$` or `$(`, and a trailing `$` before a substituted value
    (whose first character is unknown); Kubernetes turns `$$` back into `$`.
    """
    out = _KUBELET_SPECIAL.sub("$$", text)
    return out + "$" if value_follows and text.endswith("$") else out


def resources(r: ir.Resources) -> Json:
    """`requests` then `limits`, as the Kubernetes docs write them."""
    out: Json = {}
    if r.requests:
        out["requests"] = dict(r.requests)
    if r.limits:
        out["limits"] = dict(r.limits)
    return out


def security_context(s: ir.SecurityContext) -> Json:
    out: Json = {}
    if s.run_as_user is not None:
        out["runAsUser"] = s.run_as_user
    if s.run_as_group is not None:
        out["runAsGroup"] = s.run_as_group
    if s.seccomp:
        out["seccompProfile"] = {"type": s.seccomp}
    return out


def secret_env(name: str, ref: ir.SecretRef) -> Json:
    """An env var read from a secret key: the value never appears in the manifest."""
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": ref.secret, "key": ref.key}}}


SECRET_MODE = 0o400
"""Secret files readable by their owner only: ssh, for one, refuses a private key others can read."""
SECRET_MODE_GROUP = 0o440
"""For a task that runs as a non-root user: the pod's `fsGroup` owns the files, and may read them."""


def secret_volume(volume: str, secret: str, mode: int = SECRET_MODE) -> Json:
    """A secret's keys as files; the kubelet makes them root's (and the fsGroup's, if the pod has one)."""
    return {"name": volume, "secret": {"secretName": secret, "defaultMode": mode}}


def fs_group(s: ir.SecurityContext | None) -> int | None:
    """The group that must own a task's secret files so that its non-root user can read them:
    `runAsGroup`, else `runAsUser` (a user's own group, as images usually set it); None for root."""
    if s is None or not s.run_as_user:
        return None
    return s.run_as_group if s.run_as_group is not None else s.run_as_user


def cache_volume(volume: str, pipeline: ir.Pipeline, cache: str) -> Json:
    """A cache is a PVC the platform team creates once, named `<pipeline>-cache-<cache>`."""
    return {"name": volume, "persistentVolumeClaim": {"claimName": f"{pipeline.name}-cache-{cache}"}}


def run_claim_spec(pipeline: ir.Pipeline) -> Json:
    """The per-run volume that carries artifacts, created with the run. ReadWriteOnce by default
    (Tekton's affinity assistant keeps a run's pods on one node); ReadWriteMany where tasks on
    several nodes mount it at once."""
    spec: Json = {"accessModes": [pipeline.storage_access_mode],
                  "resources": {"requests": {"storage": pipeline.storage_size}}}
    if pipeline.storage_class:
        spec["storageClassName"] = pipeline.storage_class
    return spec


def is_dns_label(text: str) -> bool:
    return len(text) <= MAX_LABEL and bool(_DNS_LABEL.fullmatch(text))


def dns_label(prefix: str, name: str) -> str:
    """`prefix-name` as a DNS-1123 label; shortened, with a hash to stay unique, when it must be."""
    label = f"{prefix}-{name}"
    if is_dns_label(label):
        return label
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    clean = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return f"{prefix}-{clean[: MAX_LABEL - len(prefix) - 10].rstrip('-')}-{digest}"


def unique(name: str, taken: set[str]) -> str:
    """`name`, or `name-2`, `name-3`… if taken; the result is taken from then on."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}-{n}"
    taken.add(candidate)
    return candidate


def go_duration(seconds: int) -> str:
    """A Go duration (`90` -> `1m30s`), as metav1.Duration and Argo's backoff fields parse it."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "") + (f"{secs}s" if secs else "")
    return text or "0s"


def environment_gates(p: ir.Pipeline, target: str) -> list[Diagnostic]:
    """A deployment environment is a gate (reviewers, wait timers) that only GitHub enforces; running
    the task ungated on a Kubernetes engine would skip an approval the spec asks for: an error."""
    return [error(rules.UNSUPPORTED_ON_TARGET, t.environment.span,
                  f"the deployment environment '{t.environment.name}' of task '{t.name}' is not supported on "
                  f"{target}: it has no deployment protection, so the task would run without the approval "
                  "the environment stands for",
                  "gate the run another way for this target (e.g. an approval in your GitOps tool), or drop "
                  "`github.environment`")
            for t in p.all_tasks if t.environment is not None]
