"""After a failure no new task starts, as on Argo and Tekton: the failed job cancels the run.

Argo (a DAG's failFast) and Tekton stop scheduling new tasks once one fails, let the running ones
finish and still run the finally (exit-handler) tasks. On GitHub a job's `!failure()` looks only at
its own ancestors, so after a failure every unrelated branch goes on starting jobs: a `deploy` can
start while `test` failed. GitHub has no option to stop a run at the first failed job (`fail-fast`
is a matrix's own, `concurrency` only cancels other runs), so the last step of every main job
cancels the run (REST `POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel`, through the pinned
official actions/github-script) after a failure, or a timeout: `timeout-minutes` cancels the job,
and a cancelled need counts as no failure for the jobs after it. Once the run is cancelling, GitHub
re-evaluates the `if` of every running job: the main jobs (`!cancelled() && ...`, or none, which is
`success()`) stop and the pending ones never start; finally jobs (`always()`) still run, and read
pipeline.status as Failed (`expr.STATUS` counts `cancelled` as failed). See docs.github.com,
"Workflow cancellation reference".

The remaining differences from Argo and Tekton:
- Jobs already running are cancelled (SIGINT, then SIGTERM, to their steps), not allowed to finish.
- The run, and often the failed job itself (cancelled before it completes), are marked cancelled,
  not failed; the failed step keeps its red mark and its log. pipeline.status is still Failed.
- A job whose container cannot start (an image pull that fails) runs no step, so it cannot cancel
  the run: unrelated branches then go on, as before.
- A called workflow shares its caller's run (`github.run_id`), so the whole caller run is cancelled,
  its other jobs included.

The token: the step needs `actions: write`, granted on each main job only (the workflow keeps
`permissions: {}`; finally jobs get none). A called workflow can only narrow its caller's token, so
a caller of this workflow (`workflow_call`) must grant `actions: write` to the calling job
(`permissions: {actions: write}`), or the run fails at startup. A job that checked at its start
whether a job of the run had failed (`actions: read`) would let running jobs finish, but every job
after a failure would still start, pull its image and then fail red; cancelling is the closer match.
"""

from __future__ import annotations

from typing import Any

from ..yamlout import Commented
from . import expr as gx
from .pins import uses

PERMISSIONS = {"actions": Commented("write", "the last step cancels the run after a failure")}
"""What the cancel step's token needs (REST "Cancel a workflow run": `actions: write`), with the
comment that says why (zizmor's undocumented-permissions, pedantic persona)."""

_CANCEL = """try {
  await github.rest.actions.cancelWorkflowRun({ ...context.repo, run_id: context.runId });
} catch (error) {
  if (error.status !== 409) throw error; // 409: the run has completed already
}
"""


def stop_run_step() -> dict[str, Any]:
    """The last step of a main job: cancel this run after a failure or a timeout (see above).

    A manual cancellation makes it run too; the second cancel request is harmless.
    """
    return {"name": "Stop the run after a failure", "if": gx.wrap("failure() || cancelled()"),
            "uses": uses("actions/github-script"), "with": {"script": _CANCEL}}
