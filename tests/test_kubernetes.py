"""Kubernetes shapes shared by the Argo and Tekton backends."""

from __future__ import annotations

from shipspec.compiler import ir
from shipspec.compiler.diagnostics import Span
from shipspec.targets import kubernetes


def test_long_volume_names_stay_unique_dns_labels() -> None:
    name = kubernetes.dns_label("secret", "a" * 70)
    assert kubernetes.is_dns_label(name) and name.startswith("secret-aaa")
    assert name != kubernetes.dns_label("secret", "a" * 71)
    assert kubernetes.dns_label("secret", "my.secret").startswith("secret-my-secret-")
    assert kubernetes.dns_label("cache", "gomod") == "cache-gomod"


def test_unique_names_count_up() -> None:
    taken = {"main"}
    assert [kubernetes.unique(n, taken) for n in ("main", "main", "build")] == ["main-2", "main-3", "build"]


def test_go_durations() -> None:
    assert [kubernetes.go_duration(s) for s in (0, 5, 60, 90, 3600, 3725)] == ["0s", "5s", "1m", "1m30s", "1h",
                                                                                "1h2m5s"]


def test_resources_and_security_context() -> None:
    r = ir.Resources(requests=(("cpu", "500m"),), limits=(("memory", "1Gi"),))
    assert list(kubernetes.resources(r)) == ["requests", "limits"]
    assert kubernetes.security_context(ir.SecurityContext(1000, None, "Unconfined")) == {
        "runAsUser": 1000, "seccompProfile": {"type": "Unconfined"}}


def test_a_deployment_environment_is_refused_on_kubernetes_engines() -> None:
    at = Span("spec.yaml", 9, 7, 9, 12)
    gated = ir.Task("deploy", "alpine:3.20", script="true", environment=ir.Environment("production", span=at))
    p = ir.Pipeline("p", "spec.yaml", tasks=(gated, ir.Task("build", "alpine:3.20", script="true")))
    (d,) = kubernetes.environment_gates(p, "argo")
    assert (d.span, d.rule.code) == (at, "SS501") and "'production'" in d.message and "argo" in d.message
