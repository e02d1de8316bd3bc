#!/usr/bin/env node
// Run @ibm/tekton-lint (its Linter API, i.e. the same runner and rules as its bin) over each
// YAML file separately in one Node process and print one JSON line per file:
//   {"file": FILE, "problems": [{message, rule, level, path, loc}, ...]}
// The bin lints all its arguments as ONE set of resources (names shared across files, so
// unrelated files clash with no-duplicate-resource or satisfy each other's taskRefs) and costs
// ~0.2 s of start-up per call; this keeps files isolated at one start-up in total.
//   node tekton-lint.mjs [--together] FILE...    (--together: lint all files as one set)
// Rules come from tekton-lint's defaults: --config points at this folder, which has no
// .tektonlintrc.yaml, so a stray one in the caller's cwd cannot change the verdicts.
// Set TL_CACHE_DIR to an empty folder: tekton-lint creates it (default ~/.tekton-lint) and
// also lints every *.yaml it finds there as "external tasks".
// A file tekton-lint rejects (e.g. "No tekton definitions can be found": it only lints Task,
// Pipeline, PipelineRun... documents that have metadata.name) gets {"file", "error": message}.
// Exit 0 = ran (findings or not), 2 = usage error / crash.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Config, Linter } from "@ibm/tekton-lint";

const here = dirname(fileURLToPath(import.meta.url));
// The fast-glob that tekton-lint itself uses, to escape paths it will treat as patterns.
const fg = createRequire(fileURLToPath(import.meta.resolve("@ibm/tekton-lint")))("fast-glob");

const args = process.argv.slice(2);
const together = args.includes("--together");
const files = args.filter((a) => a !== "--together");
if (files.length === 0) {
  console.error("usage: node tekton-lint.mjs [--together] FILE.yaml...");
  process.exit(2);
}

async function lint(group) {
  const cfg = new Config({
    _: group.map((f) => fg.escapePath(f)),
    config: here,
    format: "json",
    quiet: false,
    "max-warnings": 0,
    "refresh-cache": false,
    watch: false,
    color: false,
  });
  return Linter.run(cfg);
}

try {
  if (together) {
    const problems = await lint(files);
    for (const file of files) {
      console.log(JSON.stringify({ file, problems: problems.filter((p) => p.path === file) }));
    }
  } else {
    for (const file of files) {
      try {
        console.log(JSON.stringify({ file, problems: await lint([file]) }));
      } catch (e) {
        console.log(JSON.stringify({ file, problems: [], error: String(e.message ?? e) }));
      }
    }
  }
} catch (e) {
  console.error(`tekton-lint failed: ${e.stack ?? e}`);
  process.exit(2);
}
process.exit(0);
