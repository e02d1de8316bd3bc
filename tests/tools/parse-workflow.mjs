#!/usr/bin/env node
// Copied unchanged (apart from these two lines) from our shared/schemas/github/parse-workflow.mjs;
// bare imports resolve from tests/tools/node_modules (npm ci --prefix tests/tools).
// Parse GitHub Actions workflow files with GitHub's own parser (@actions/workflow-parser, the
// library behind the GitHub Actions VS Code extension / actions/languageservices) and print every
// error as FILE:LINE:COL: message. Exit 0 = no errors, 1 = errors, 2 = usage / crash.
//
//   node parse-workflow.mjs .github/workflows/ci.yml [more.yml ...]
//   node parse-workflow.mjs --json wf.yml      # one JSON object per error on stdout
//
// Two phases, as the language server does it:
//   1. parseWorkflow(): YAML + workflow schema (unknown keys, wrong types, bad expression syntax)
//   2. convertWorkflowTemplate(): semantic checks (needs: unknown job / cycles, cron, concurrency...)
// No network: reusable workflows (jobs.<id>.uses) are not fetched (fetchReusableWorkflowDepth 0).
// Requires Node >= 20.10 (module.register + importAttributes) and `npm install @actions/workflow-parser` (see README.md beside this file).
import { readFile } from "node:fs/promises";
import { register } from "node:module";

// @actions/workflow-parser's dist does `import WorkflowSchema from "../workflow-v1.0.min.json"`
// with no import attribute, which plain Node (>= 20) rejects (ERR_IMPORT_ASSERTION_TYPE_MISSING;
// it works only under bundlers/jest). This loader hook serves those JSON files as ES modules.
const jsonHook = `
export async function load(url, context, nextLoad) {
  if (url.startsWith("file:") && url.endsWith(".json") && url.includes("/node_modules/@actions/")) {
    const attrs = { type: "json" };
    const r = await nextLoad(url, { ...context, importAttributes: attrs, format: "json" });
    return { format: "module", source: "export default " + String(r.source) + ";", shortCircuit: true };
  }
  return nextLoad(url, context);
}`;
register("data:text/javascript," + encodeURIComponent(jsonHook));
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import("@actions/workflow-parser");
const { ErrorPolicy } = await import("@actions/workflow-parser/model/convert");

const args = process.argv.slice(2);
const json = args.includes("--json");
const files = args.filter((a) => a !== "--json");
if (files.length === 0) {
  console.error("usage: node parse-workflow.mjs [--json] WORKFLOW.yml...");
  process.exit(2);
}

let total = 0;
for (const name of files) {
  let content;
  try {
    content = await readFile(name, "utf8");
  } catch (e) {
    console.error(`${name}: cannot read: ${e.message}`);
    process.exit(2);
  }
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  if (result.value !== undefined) {
    // TryConversion: run the semantic pass even when the schema pass already found errors.
    await convertWorkflowTemplate(result.context, result.value, undefined, {
      errorPolicy: ErrorPolicy.TryConversion,
      fetchReusableWorkflowDepth: 0,
    });
  }
  const seen = new Set();
  const errors = result.context.errors.getErrors().slice().sort(
    (a, b) => (a.range?.start.line ?? 0) - (b.range?.start.line ?? 0) || (a.range?.start.column ?? 0) - (b.range?.start.column ?? 0));
  for (const err of errors) {
    const line = err.range?.start.line ?? 1;
    const col = err.range?.start.column ?? 1;
    const key = `${line}:${col}:${err.rawMessage}`;
    if (seen.has(key)) continue; // conversion can repeat a parse error
    seen.add(key);
    total++;
    if (json) {
      console.log(JSON.stringify({ file: name, line, column: col, end: err.range?.end, code: err.code, message: err.rawMessage }));
    } else {
      console.log(`${name}:${line}:${col}: ${err.rawMessage}`);
    }
  }
}
process.exit(total > 0 ? 1 : 0);
