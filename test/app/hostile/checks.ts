// What an answer must look like: the contract's error table and the one error shape every non-2xx
// answer must have (shapeProblems), the readers of an answer (errorKey, failureFields, is2xx), and the
// checks a request may add on top (an expected status and key, "refused", the rules of text fields).

import { canonicalIdentifier, hasInvisible } from "../../../src/lib/identifiers";
import { codePoints, type Path, pathName } from "./json";

export type Result = { status: number; text: string; json: unknown; headers: Headers };
/** A check beyond "documented": the problem with the answer, if any. */
export type Check = (result: Result) => string | undefined;
type ErrorBody = {
  key?: unknown;
  message?: unknown;
  request_id?: unknown;
  failures?: { field?: unknown; message?: unknown }[];
};

/** the contract's error table: every documented key and its status (500 internal_error is never acceptable here). */
const DOCUMENTED_ERRORS: Record<string, number> = {
  invalid_data: 400,
  invalid_json: 400,
  invalid_idempotency_key: 400,
  org_required: 400,
  unsupported_api_version: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  duplicate_sku: 409,
  duplicate_gtin: 409,
  duplicate_slug: 409,
  idempotency_key_in_use: 409,
  insufficient_stock: 409,
  precondition_failure: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  rate_limited: 429,
};

/** The one error shape, and only documented statuses: the problems with a response, if any. */
export function shapeProblems(result: Result): string[] {
  const { status } = result;
  if (status >= 200 && status < 300) return [];
  if (status >= 500) return [`${status} (a 5xx is never documented)`];
  if (status === 429) return ["429 rate_limited: the key pool of this test let a key pass its limit"];
  if (status < 400) return [`undocumented status ${status}`];
  const problems: string[] = [];
  if (!/^application\/json/.test(result.headers.get("Content-Type") ?? ""))
    problems.push("error is not JSON");
  const body = result.json as ErrorBody | undefined;
  if (!body || typeof body !== "object") return [...problems, "error body is not a JSON object"];
  const key = String(body.key);
  if (DOCUMENTED_ERRORS[key] === undefined) problems.push(`undocumented error key '${key}'`);
  else if (DOCUMENTED_ERRORS[key] !== status) problems.push(`key '${key}' with status ${status}`);
  if (typeof body.message !== "string" || body.message === "") problems.push("no message");
  if (typeof body.request_id !== "string" || !/^req_[0-9A-Z]{26}$/.test(body.request_id)) {
    problems.push("no request_id");
  } else if (result.headers.get("Request-Id") !== body.request_id) {
    problems.push("request_id differs from the Request-Id header");
  }
  if (key === "invalid_data") {
    if (!Array.isArray(body.failures) || body.failures.length === 0)
      problems.push("invalid_data without failures");
    else if (
      body.failures.some((f) => typeof f?.field !== "string" || typeof f?.message !== "string" || !f.message)
    ) {
      problems.push("a failure without field or message");
    }
  } else if (body.failures !== undefined) {
    problems.push(`failures on '${key}'`);
  }
  return problems;
}

export const errorKey = (result: Result) => (result.json as ErrorBody | undefined)?.key;
export const failureFields = (result: Result) =>
  ((result.json as ErrorBody | undefined)?.failures ?? []).map((failure) => String(failure.field)).sort();
export const is2xx = (result: Result) => result.status >= 200 && result.status < 300;

// Checks beyond "documented".
export const expectKey =
  (status: number, key: string): Check =>
  (result) =>
    result.status === status && errorKey(result) === key ? undefined : `expected ${status} ${key}`;
export const expect2xx: Check = (result) => (is2xx(result) ? undefined : "expected 2xx");
export const refused: Check = (result) =>
  result.status >= 400 && result.status < 500 ? undefined : "accepted input the contract refuses";
export const refused400: Check = (result) =>
  result.status === 400 ? undefined : "expected 400 (invalid_json or invalid_data)";

// ---------------------------------------------------------------------------------------------
// The rules of free-text fields, as the oracle of the naughty pass.

/** A text field of a body, its rule from the contract, and what a read gives back. */
export type TextField = { path: Path; min: number; max: number; trim?: boolean; identifier?: boolean };
/**
 * Fields whose rules refuse `text`: by length, any text with an unpaired surrogate (not Unicode),
 * and an identifier (trimmed, NFC) with a control, zero-width or bidi control character.
 */
export const rulesFailing = (fields: TextField[], text: string) =>
  fields
    .filter(({ min, max, trim, identifier }) => {
      if (!text.isWellFormed()) return true;
      const stored = identifier ? canonicalIdentifier(text) : trim ? text.trim() : text;
      const length = codePoints(stored);
      return length < min || length > max || (identifier === true && hasInvisible(stored));
    })
    .map(({ path }) => pathName(path))
    .sort();

/** The check of a free-text body against the rules of its fields (the contract), and of what was stored. */
export function textCheck(
  fields: TextField[],
  text: string,
  stored?: (result: Result) => string | undefined,
): Check {
  const failing = rulesFailing(fields, text);
  return (result) => {
    if (failing.length === 0) {
      if (!is2xx(result))
        return `refused a string the rules allow (${errorKey(result)}: ${failureFields(result)})`;
      return stored?.(result);
    }
    if (result.status !== 400 || errorKey(result) !== "invalid_data")
      return `expected invalid_data on ${failing}`;
    const got = failureFields(result);
    return JSON.stringify(got) === JSON.stringify(failing)
      ? undefined
      : `failures ${got} instead of ${failing}`;
  };
}
