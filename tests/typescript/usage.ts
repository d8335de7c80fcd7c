// What a TypeScript team writes against types generated from spec/compliance.yaml (by
// spec/tools/generate-typescript.mjs, into .scratch/). `make spec-check` type-checks it with
// `tsc --noEmit --strict`; it is never run. Each `@ts-expect-error` line is a negative test: it
// proves the types are strict where the contract is, since the line would compile otherwise.
import type { components, operations, paths } from "x-compliance-api";

type Schemas = components["schemas"];
export type ComplianceJob = Schemas["ComplianceJob"];
export type JobStatus = Schemas["JobStatus"];
export type JobType = Schemas["JobType"];
export type Problem = Schemas["Problem"];
export type InvalidRequestProblem = Schemas["InvalidRequestProblem"];
export type ComplianceResult = Schemas["ComplianceResult"];

// The three operations, by path and method and by operationId: both spellings name the same types.
type ListJobs = paths["/2/compliance/jobs"]["get"];
type CreateJob = operations["createComplianceJobs"];
type GetJob = paths["/2/compliance/jobs/{id}"]["get"];

export type ListQuery = ListJobs["parameters"]["query"];
export type ListBody = ListJobs["responses"][200]["content"]["application/json"];
export type CreateBody = CreateJob["requestBody"]["content"]["application/json"];
export type CreateAnswer = CreateJob["responses"][200]["content"]["application/json"];
export type GetPath = GetJob["parameters"]["path"];
export type GetAnswer = operations["getComplianceJobsById"]["responses"][200]["content"]["application/json"];
export type BadRequest = ListJobs["responses"][400]["content"]["application/problem+json"];
export type Conflict = CreateJob["responses"][409]["content"]["application/problem+json"];
export type TooManyRequests = GetJob["responses"][429]["content"]["application/problem+json"];
type RateLimitHeaders = GetJob["responses"][200]["headers"];

const API = "https://api.x.com";

/** An error answer of the API, with X's problem. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(`${status} ${problem?.title ?? "error"}${problem?.detail ? `: ${problem.detail}` : ""}`);
  }
}

/** The kind of a problem: the last path segment of its type, whichever host X put before it. */
export function problemKind(problem: Problem): string {
  return problem.type === "about:blank" ? "about:blank" : problem.type.slice(problem.type.lastIndexOf("/") + 1);
}

/** What was wrong with a 400, in X's words, one line per bad parameter. */
export function invalidRequestReasons(problem: BadRequest): string[] {
  const reasons = problem.errors?.map((error) => error.message) ?? [];
  return reasons.length > 0 ? reasons : [problem.detail ?? problem.title];
}

export function isConflict(problem: Conflict): boolean {
  return problemKind(problem) === "conflict";
}

/** The rate-limit headers of a response, typed by the spec (numbers, Unix seconds for reset). */
export interface RateLimit {
  limit: NonNullable<RateLimitHeaders["x-rate-limit-limit"]>;
  remaining: NonNullable<RateLimitHeaders["x-rate-limit-remaining"]>;
  resetAt: Date;
}

export function rateLimit(headers: Headers): RateLimit | undefined {
  const limit = headers.get("x-rate-limit-limit");
  const remaining = headers.get("x-rate-limit-remaining");
  const reset = headers.get("x-rate-limit-reset");
  if (limit === null || remaining === null || reset === null) return undefined;
  const resetSeconds: RateLimitHeaders["x-rate-limit-reset"] = Number(reset);
  return { limit: Number(limit), remaining: Number(remaining), resetAt: new Date(resetSeconds * 1000) };
}

async function call<T>(token: string, method: "GET" | "POST", url: string, body?: CreateBody): Promise<T> {
  const init: RequestInit = { method, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(url, init);
  const type = response.headers.get("content-type") ?? "";
  if (!response.ok) {
    // A proxy may answer a 5XX with HTML: only a JSON body is a problem.
    const problem = type.includes("json") ? ((await response.json()) as Problem) : undefined;
    throw new ApiError(response.status, problem);
  }
  return (await response.json()) as T;
}

export async function listJobs(token: string, query: ListQuery): Promise<ComplianceJob[]> {
  const params = new URLSearchParams({ type: query.type });
  if (query.status !== undefined) params.set("status", query.status);
  const body = await call<ListBody>(token, "GET", `${API}/2/compliance/jobs?${params}`);
  return body.data ?? []; // `data` is absent when there are none; `meta` may be absent too
}

export async function createJob(token: string, body: CreateBody): Promise<ComplianceJob> {
  const answer = await call<CreateAnswer>(token, "POST", `${API}/2/compliance/jobs`, body);
  if (answer.data === undefined) throw new ApiError(200, answer.errors?.[0]);
  return answer.data;
}

/** One job, or undefined when X says there is no such job (a 200 with only `errors`, or a 404). */
export async function getJob(token: string, path: GetPath): Promise<ComplianceJob | undefined> {
  try {
    const answer = await call<GetAnswer>(token, "GET", `${API}/2/compliance/jobs/${encodeURIComponent(path.id)}`);
    if (answer.data !== undefined) return answer.data;
    if (answer.errors?.some((problem) => problemKind(problem) === "resource-not-found")) return undefined;
    throw new ApiError(200, answer.errors?.[0]);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** PUT the IDs to a plain (not resumable) job's signed URL: text/plain, no Authorization. */
export async function uploadIds(job: ComplianceJob, ids: readonly string[]): Promise<void> {
  if (job.resumable === true) throw new Error("a resumable job: use Cloud Storage's resumable protocol");
  const response = await fetch(job.upload_url, {
    method: "PUT",
    headers: { "Content-Type": "text/plain" }, // signed: the upload fails without it
    body: ids.map((id) => `${id}\n`).join(""),
  });
  if (!response.ok) throw new Error(`storage refused the upload: ${response.status}`);
}

/** Whether polling can stop. The status is an open enum: a value X adds later is not final. */
export function isFinal(status: JobStatus): boolean {
  switch (status) {
    case "complete":
    case "failed":
    case "expired":
      return true;
    case "created":
    case "in_progress":
      return false;
    default: {
      const unknown: string = status; // kept as the raw string X sent
      return unknown.length === 0;
    }
  }
}

/** The results file: JSON lines, one ComplianceResult each. */
export function parseResults(text: string): ComplianceResult[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ComplianceResult);
}

/** What to erase for one result line; an unknown reason still carries its action. */
export function describe(result: ComplianceResult): string {
  const when = result.redacted_at ?? "an unknown time"; // optional: absent on some lines
  switch (result.reason) {
    case "scrub_geo":
      return `${result.id}: delete its geo data (scrubbed at ${when})`;
    case "deleted":
    case "suspended":
    case "protected":
    case "deactivated":
    case "bounced":
      return `${result.id}: ${result.action} (${result.reason} at ${when})`;
    default:
      return `${result.id}: ${result.action} (reason "${result.reason}", new to this client)`;
  }
}

// ---- What the types allow and forbid, checked by the compiler --------------------------------

declare const job: ComplianceJob;

// The eight fields X always sends are required: no `undefined` to handle.
export const alwaysThere: [string, JobType, JobStatus, string, string, string, string, string] = [
  job.id,
  job.type,
  job.status,
  job.created_at,
  job.upload_url,
  job.upload_expires_at,
  job.download_url,
  job.download_expires_at,
];
// `name`, `resumable` and `error` come and go.
// @ts-expect-error name is optional
export const name: string = job.name;
// @ts-expect-error error is optional
export const why: string = job.error;
export const resumable: boolean = job.resumable ?? false;

// Open enums accept a value X adds later...
export const future: JobStatus = "archived";
export const futureReason: ComplianceResult["reason"] = "withheld";
// ...while the enums a client only sends stay closed.
// @ts-expect-error `expired` is not a valid status filter
export const badFilter: ListQuery["status"] = "expired";
// No `compliance_job.fields`: a subset of fields would break the required ones (spec 2.0.0).
// @ts-expect-error the list takes no compliance_job.fields
export const subset: ListQuery = { type: "tweets", "compliance_job.fields": ["id"] };

// A create needs only its type: `resumable` is optional (absent means false; no `default` that
// openapi-typescript would turn into a required field).
export const plainCreate: CreateBody = { type: "tweets" };
export const namedCreate: CreateBody = { type: "users", name: "my-users-2021-10", resumable: true };
// @ts-expect-error a create needs a type
export const noType: CreateBody = { name: "nameless" };

// A job id is a string: a number loses 19-digit snowflakes.
export const byId: GetPath = { id: "1423095206576984067" };
// @ts-expect-error a job id is never a number
export const byNumber: GetPath = { id: 1423095206576984067 };

// A problem has a type and a title; an invalid-request problem adds its errors.
export const conflict: Conflict = {
  type: "https://api.twitter.com/2/problems/conflict",
  title: "Conflict",
  detail: "You cannot create a new job if one is already in progress.",
};
export const invalid: BadRequest = {
  type: "https://api.twitter.com/2/problems/invalid-request",
  title: "Invalid Request",
  errors: [{ message: "The `type` query parameter value [DUMMY] is not one of [tweets,users]", parameters: { type: ["DUMMY"] } }],
};
// @ts-expect-error a problem always has a title
export const untitled: Problem = { type: "about:blank" };
export const tooMany: TooManyRequests = { type: "about:blank", title: "Too Many Requests", status: 429 };

// A result line needs id, action, reason and created_at; redacted_at is optional.
export const result: ComplianceResult = {
  id: "1263926741774581761",
  action: "delete",
  reason: "protected",
  created_at: "2013-03-26T02:46:15+00:00",
};
// @ts-expect-error a result line always has a reason
export const noReason: ComplianceResult = { id: "1", action: "delete", created_at: "2013-03-26T02:46:15+00:00" };
