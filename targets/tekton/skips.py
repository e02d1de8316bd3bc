"""Skips with the meaning they have on every engine: a task skipped by its `when` does not stop
the tasks after it, and a result it did not write reads as "".

Tekton's own `when` on a pipeline task skips the task *and every task that reads one of its
results*, and their readers in turn (pipelines.md, "Guarding a Task only": "The resource-dependent
Tasks (and their dependencies) will be skipped because of missing Results"); a pipeline result
that reads it is left out. Argo (`default: ""`) and GitHub (an empty job output) give "" instead.
Tekton has no default for a result (TEP-0048 "task results without results"; the PR that adds
one, tektoncd/pipeline#9653, was still open at tektoncd/pipeline 3ee1745a, August 2026), so:

- a task with `when` whose results something reads (a task, a finally task, a pipeline result)
  keeps its condition in its main step, as a step `when` (tasks.md, "Guarding Step execution
  using when expressions", Tekton v0.62+, no feature flag: the entrypoint evaluates it,
  pkg/entrypoint/entrypointer.go `allowExec`). The same `in`/`notin` expressions as a pipeline
  task's, on task params fed by the pipeline task: values are compared by Tekton, never spliced
  into a script, and a `command` task needs no shell for it. The TaskRun runs, the step is
  "Skipped", and trim-results (never guarded) writes "" for every result not written;
- every other task with `when` keeps it on the pipeline task: Tekton skips it and goes on with
  the tasks after it ("The ordering-dependent Tasks will be executed").

A guarded task's pod still starts (and its sidecars with it): the price of an empty result.
"""

from __future__ import annotations

from ...compiler import ir
from . import checks


def guarded(p: ir.Pipeline) -> frozenset[str]:
    """The tasks with a `when` whose results are read: their condition goes in the main step."""
    read = results_read(p)
    return frozenset(t.name for t in p.all_tasks if t.when is not None and t.name in read)


def results_read(p: ir.Pipeline) -> frozenset[str]:
    """Names of the tasks whose results a task (env, command, args, sidecar env, `when`) or a
    pipeline result reads."""
    refs: list[ir.Ref] = [r for result in p.results for r in result.value.refs]
    for task in p.all_tasks:
        refs += checks.value_refs(task)
        if task.when is not None:
            refs += ir.condition_refs(task.when)
    return frozenset(r.task for r in refs if isinstance(r, ir.ResultRef))
