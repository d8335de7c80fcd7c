// Generates TypeScript types from the contract with the pinned openapi-typescript, for the
// TypeScript proof in `make spec-check` (tests/typescript/usage.ts type-checks against them).
//
//   node spec/tools/generate-typescript.mjs spec/compliance.yaml OUT.ts
//
// What `openapi-typescript spec/compliance.yaml --default-non-nullable false` gives, plus one
// transform. Both are what a TypeScript team should use too:
// - `defaultNonNullable: false`: by default openapi-typescript makes a property with a `default`
//   required even in a request body when the body is a component schema, so `resumable` (default
//   false) would have to be sent with every create. The default is the server's, not the caller's.
// - open enums: an enum schema marked `x-speakeasy-unknown-values: allow` (see spec/PROTOCOL.md)
//   becomes `"a" | "b" | string`, which accepts a value X adds later (the known values stay in the
//   source for readers; the compiler widens the union to `string`). openapi-typescript has no
//   option for open enums; its Node API's `transform` hook is the documented way to change how one
//   schema is typed. The popular `"a" | (string & {})`, which keeps editor completion, breaks
//   under openapi-fetch 0.17: its response types map `string & {}` into an object type that is
//   no longer assignable to `string` (TS2322), as `make languages` showed.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import openapiTS, { astToString, COMMENT_HEADER, STRING, tsLiteral, tsUnion } from "openapi-typescript";

const OPEN_ENUM = "x-speakeasy-unknown-values";

function openEnum(schema) {
  if (schema?.[OPEN_ENUM] !== "allow" || !Array.isArray(schema.enum)) return undefined;
  return tsUnion([...schema.enum.map(tsLiteral), STRING]);
}

const [specPath, outPath] = process.argv.slice(2);
if (!specPath || !outPath) {
  console.error("usage: node generate-typescript.mjs SPEC.yaml OUT.ts");
  process.exit(2);
}
const ast = await openapiTS(pathToFileURL(path.resolve(specPath)), {
  defaultNonNullable: false,
  transform: openEnum,
});
fs.mkdirSync(path.dirname(outPath), { recursive: true });
fs.writeFileSync(outPath, COMMENT_HEADER + astToString(ast));
console.log(`${outPath}: types for ${specPath}`);
