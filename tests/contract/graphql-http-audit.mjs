// Runs the graphql-http audit (the GraphQL over HTTP specification's MUST, SHOULD and MAY checks)
// against a running server: node graphql-http-audit.mjs URL [TOKEN]. The npm package graphql-http
// is resolved from the working directory, as contract-check.mjs resolves graphql.
// Prints one JSON line: {"total": n, "ok": n, "warn": n, "error": n, "failed": ["name: reason", …]}.
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.cwd(), "noop.js"));
const { serverAudits } = require("graphql-http");

const [url, token] = process.argv.slice(2);
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

const counts = { ok: 0, warn: 0, error: 0 };
const failed = [];
const audits = serverAudits({ url, fetchFn });
for (const audit of audits) {
  const result = await audit.fn();
  counts[result.status] += 1;
  if (result.status !== "ok") failed.push(`${audit.name}: ${result.reason}`);
}
console.log(JSON.stringify({ total: audits.length, ...counts, failed }));
