"""One backend per engine. BACKENDS is the one registry: a literal mapping from target name to the
module that implements `targets.base.Backend`; the CLI imports a backend only when it is asked for."""

BACKENDS = {
    "argo": "shipspec.targets.argo",
    "tekton": "shipspec.targets.tekton",
    "github": "shipspec.targets.github",
}
