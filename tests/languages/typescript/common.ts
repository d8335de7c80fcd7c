// What both TypeScript checks of `make languages` share: reading the cases and the recordings, and
// printing one line per check, "NAME<TAB>ok" or "NAME<TAB>FAIL: why" (see tests/languages/run.py).
import * as fs from "node:fs";
import * as path from "node:path";

export interface Cases {
  unknown_field: unknown;
  unknown_enums: unknown;
  unknown_status: string;
  unknown_type: string;
  without_optional: unknown;
  timestamps: { value: string; epoch_ms: number }[];
  results_lines: string;
  unknown_reason: string;
}

export type Kind = "list" | "job_response" | "job" | "result" | "problem";

/** What a recorded body is, as tests/real_responses.py tells it. */
export function kind(body: Record<string, unknown>): Kind {
  if (Array.isArray(body["data"])) return "list";
  if ("data" in body || "errors" in body) return "job_response";
  if ("upload_url" in body) return "job";
  if ("action" in body) return "result";
  return "problem";
}

/** The objects of a JSON-lines text (a results file), blank lines skipped, typed as the caller's model. */
export function parseLines<T>(text: string): T[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

/** Every recorded JSON body (not the .meta.json files), by file name. */
export function recordings(folder: string): [string, string][] {
  return fs
    .readdirSync(folder)
    .filter((name) => name.endsWith(".json") && !name.endsWith(".meta.json"))
    .sort()
    .map((name) => [name, fs.readFileSync(path.join(folder, name), "utf8")]);
}

export function resultsFile(folder: string): string {
  return fs.readFileSync(path.join(folder, "x-docs_quickstart__download_results_example.jsonl"), "utf8");
}

export function readCases(file: string): Cases {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Cases;
}

/** A fetch that answers every request with BODY and STATUS, as X would. */
export function answering(body: string, status = 200): typeof fetch {
  return async () =>
    new Response(body, { status, headers: { "Content-Type": status < 400 ? "application/json" : "application/problem+json" } });
}

export function expect(condition: boolean, why: string): void {
  if (!condition) throw new Error(why);
}

export async function report(checks: Record<string, () => Promise<void>>): Promise<void> {
  for (const [name, check] of Object.entries(checks)) {
    try {
      await check();
      console.log(`${name}\tok`);
    } catch (error) {
      console.log(`${name}\tFAIL: ${String(error instanceof Error ? error.message : error).replace(/\n/g, " ")}`);
    }
  }
}
