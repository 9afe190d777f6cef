import type { ContentfulStatusCode } from "hono/utils/http-status";

export type ErrorKey =
  | "invalid_data"
  | "invalid_json"
  | "invalid_idempotency_key"
  | "org_required"
  | "unsupported_api_version"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "duplicate_sku"
  | "duplicate_gtin"
  | "duplicate_slug"
  | "idempotency_key_in_use"
  | "insufficient_stock"
  | "precondition_failure"
  | "payload_too_large"
  | "unsupported_media_type"
  | "idempotency_key_reused"
  | "rate_limited"
  | "internal_error";

export type Failure = { field: string; message: string };

/** An error lists at most this many failures. */
export const MAX_FAILURES = 100;

const STATUS: Record<ErrorKey, ContentfulStatusCode> = {
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
  internal_error: 500,
};

/** Every error key, in the order of the table above (the OpenAPI `Error.key` enum). */
export const ERROR_KEYS = Object.keys(STATUS) as ErrorKey[];

const DEFAULT_MESSAGE: Record<ErrorKey, string> = {
  invalid_data: "You provided invalid data. Check 'failures' for details.",
  invalid_json: "The request body is not valid JSON.",
  invalid_idempotency_key: "Idempotency-Key must be 1 to 255 printable ASCII characters.",
  org_required: "This key works for several orgs: name one in the Org-Id header.",
  unsupported_api_version: "Unknown API-Version.",
  unauthorized: "Provide a valid API key as 'Authorization: Bearer <key>'.",
  forbidden: "This key is not allowed to do that.",
  not_found: "Not found.",
  method_not_allowed: "That method is not allowed on this path.",
  duplicate_sku: "Another product or variant of this org already has that sku.",
  duplicate_gtin: "Another product or variant of this org already has that gtin.",
  duplicate_slug: "Another product of this org already has that slug in that locale.",
  idempotency_key_in_use: "A request with this Idempotency-Key is still being processed.",
  insufficient_stock: "The adjustment would take the stock below zero.",
  precondition_failure: "If-Match does not match the current version.",
  payload_too_large: "The request body is too large.",
  unsupported_media_type: "Unsupported Content-Type.",
  idempotency_key_reused: "This Idempotency-Key was used with a different request.",
  rate_limited: "Too many requests.",
  internal_error: "Something went wrong on our side.",
};

/** The one error type handlers and middleware throw; app.onError turns it into the error body. */
export class ApiError extends Error {
  readonly key: ErrorKey;
  readonly status: ContentfulStatusCode;
  readonly failures?: Failure[];
  readonly headers: Record<string, string>;
  readonly extra: Record<string, unknown>;

  constructor(
    key: ErrorKey,
    options: {
      message?: string;
      failures?: Failure[];
      headers?: Record<string, string>;
      extra?: Record<string, unknown>;
    } = {},
  ) {
    let message = options.message ?? DEFAULT_MESSAGE[key];
    let failures = options.failures;
    // However many fields fail (5 000 unknown query parameters are a 40 KB URL), the error stays
    // small: the first MAX_FAILURES, and the message says how many there were.
    if (failures && failures.length > MAX_FAILURES) {
      message = `${message.replace(/\.$/, "")} (the first ${MAX_FAILURES} of ${failures.length}).`;
      failures = failures.slice(0, MAX_FAILURES);
    }
    super(message);
    this.key = key;
    this.status = STATUS[key];
    this.failures = failures;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }
}

export const invalidData = (failures: Failure[]) => new ApiError("invalid_data", { failures });

export const errorMessage = (key: ErrorKey) => DEFAULT_MESSAGE[key];
export const errorStatus = (key: ErrorKey) => STATUS[key];
