// The @hey-api/openapi-ts check of `make languages`: the SDK that spec/tools/generate-hey-api.mjs
// generates from spec/compliance.yaml (open enums patched to `"known" | string`), its own fetch
// client, and X's bodies served by a stand-in fetch.
//
//   node hey-api.js REAL_RESPONSES_DIR CASES_JSON
import { createComplianceJobs, getComplianceJobs, getComplianceJobsById } from "./hey-api/sdk.gen";
import type { ComplianceJob, ComplianceResult, JobStatus } from "./hey-api/types.gen";
import { answering, expect, kind, parseLines, readCases, recordings, report, resultsFile } from "./common";

const API = "https://api.x.com";

async function listJobs(body: string) {
  const { data, error } = await getComplianceJobs({ baseUrl: API, fetch: answering(body), query: { type: "tweets" } });
  if (error) throw new Error(`${error.title}: ${error.detail ?? ""}`);
  return data;
}

async function getJob(body: string, status = 200) {
  const { data, error } = await getComplianceJobsById({ baseUrl: API, fetch: answering(body, status), path: { id: "1423095206576984067" } });
  if (error) return { problem: error };
  return { data };
}

async function createJob(body: string) {
  const { data, error } = await createComplianceJobs({ baseUrl: API, fetch: answering(body), body: { type: "tweets" } });
  if (error) throw new Error(error.title);
  return data;
}

const parseResults = (text: string): ComplianceResult[] => parseLines<ComplianceResult>(text);

const [realDir, casesFile] = process.argv.slice(2) as [string, string];
const cases = readCases(casesFile);

void report({
  "real bodies": async () => {
    for (const [name, text] of recordings(realDir)) {
      const body = JSON.parse(text) as Record<string, unknown>;
      switch (kind(body)) {
        case "list":
          expect(((await listJobs(text))?.data ?? []).every((job) => typeof job.id === "string"), name);
          break;
        case "job_response": {
          const answer = await getJob(text);
          expect(answer.data !== undefined && (answer.data.data !== undefined || answer.data.errors !== undefined), name);
          expect((await createJob(text)) !== undefined, name);
          break;
        }
        case "job":
          expect(typeof (body as ComplianceJob).upload_url === "string", name);
          break;
        case "result":
          expect(typeof (body as ComplianceResult).action === "string", name);
          break;
        case "problem": {
          const answer = await getJob(text, 401);
          expect(answer.problem?.type === "about:blank", `${name}: ${JSON.stringify(answer)}`);
        }
      }
    }
    expect(parseResults(resultsFile(realDir)).length > 0, "no results lines");
  },
  "unknown field": async () => {
    const answer = await getJob(JSON.stringify(cases.unknown_field));
    expect(answer.data?.data?.["priority"] === "high", "the unknown field was not kept");
  },
  "unknown status/type": async () => {
    const job = (await getJob(JSON.stringify(cases.unknown_enums))).data?.data;
    const future: JobStatus = "archived"; // open: a value X adds later type-checks
    expect(job?.status === future && job.type === cases.unknown_type, `read ${job?.status}, ${job?.type}`);
  },
  "optional fields absent": async () => {
    const listed = await listJobs(JSON.stringify(cases.without_optional));
    const job = listed?.data?.[0];
    expect(job !== undefined && job.name === undefined && job.resumable === undefined && listed?.meta === undefined, "absent fields");
  },
  timestamps: async () => {
    for (const stamp of cases.timestamps) {
      const [result] = parseResults(JSON.stringify({ id: "1", action: "delete", reason: "deleted", created_at: stamp.value }));
      expect(Date.parse(result?.created_at ?? "") === stamp.epoch_ms, `${stamp.value} read as ${result?.created_at}`);
    }
  },
  "unknown reason": async () => {
    for (const result of parseResults(cases.results_lines)) {
      expect(result.reason === cases.unknown_reason, `reason read as ${result.reason}`);
    }
  },
});
