// Generates a TypeScript client (types, fetch client, SDK functions) from the contract with the
// pinned @hey-api/openapi-ts, for the hey-api check of `make languages` (tests/languages/).
//
//   node spec/tools/generate-hey-api.mjs spec/compliance.yaml OUT_DIR
//
// What a TypeScript team using @hey-api/openapi-ts should do too: its enums are closed unions, and
// it has no option for open ones. Its `parser.patch.input` hook edits the document before
// generation: each enum marked `x-speakeasy-unknown-values: allow` (see spec/PROTOCOL.md) becomes
// `anyOf: [the enum, string]`, typed `"known" | string`: a value X adds later type-checks.
import path from "node:path";
import { createClient } from "@hey-api/openapi-ts";

const OPEN_ENUM = "x-speakeasy-unknown-values";

export function openEnums(spec) {
  for (const schema of Object.values(spec.components?.schemas ?? {})) {
    if (schema[OPEN_ENUM] !== "allow" || !Array.isArray(schema.enum)) continue;
    const known = { type: "string", enum: schema.enum };
    delete schema.enum;
    delete schema.type;
    schema.anyOf = [known, { type: "string" }];
  }
}

const [specPath, outDir] = process.argv.slice(2);
if (!specPath || !outDir) {
  console.error("usage: node generate-hey-api.mjs SPEC.yaml OUT_DIR");
  process.exit(2);
}
await createClient({
  input: path.resolve(specPath),
  output: { path: path.resolve(outDir) },
  parser: { patch: { input: openEnums } },
  plugins: ["@hey-api/typescript", "@hey-api/client-fetch", "@hey-api/sdk"],
  logs: { level: "warn" },
});
console.log(`${outDir}: @hey-api/openapi-ts client for ${specPath}`);
