"""shipspec: compile one service-pipeline spec to Argo Workflows, Tekton and GitHub Actions.

The repository root is the `shipspec` package (see pyproject.toml); `compiler/` and `targets/`
are its subpackages `shipspec.compiler` and `shipspec.targets`.
"""

__version__ = "0.1.0"
