import { type RouteConfig, z } from "@hono/zod-openapi";
import { parseDateOrDateTime } from "../lib/dates";
import { ERROR_KEYS, type ErrorKey, errorMessage, errorStatus } from "../lib/errors";
import { canonicalIdentifier, hasInvisible, INVISIBLE_MESSAGE } from "../lib/identifiers";

const codePoints = (value: string) => {
  let count = 0;
  for (const _ of value) count++;
  return count;
};

/** A string of min..max characters (Unicode code points, as JSON Schema counts them). */
export function text(min: number, max: number, options: { trim?: boolean } = {}) {
  const base = options.trim ? z.string().trim() : z.string();
  return (
    base
      .refine((value) => codePoints(value) >= min && codePoints(value) <= max, {
        message: min > 0 ? `Must be ${min} to ${max} characters.` : `Must be at most ${max} characters.`,
      })
      // Trimmed text of at least one character must hold one that is not white space.
      .openapi({ minLength: min, maxLength: max, ...(options.trim && min > 0 ? { pattern: "\\S" } : {}) })
  );
}

/**
 * An identifier (a SKU, a tag, an agent id, an option's name or value), stored and looked up trimmed
 * and in NFC (src/lib/identifiers.ts), its length counted so, with no control, zero-width or bidi
 * control character.
 */
export function identifier(min: number, max: number) {
  return z
    .string()
    .overwrite(canonicalIdentifier)
    .refine((value) => !hasInvisible(value), { message: INVISIBLE_MESSAGE, abort: true })
    .refine((value) => codePoints(value) >= min && codePoints(value) <= max, {
      message: `Must be ${min} to ${max} characters.`,
    })
    .openapi({
      minLength: min,
      maxLength: max,
      pattern: "\\S",
      description: "Compared trimmed and in Unicode NFC, case-sensitively; its length counted so.",
    });
}

export const DateOrDateTime = z
  .string()
  .refine((value) => parseDateOrDateTime(value) !== undefined, {
    message: "Must be a date (YYYY-MM-DD) or an RFC 3339 date-time.",
  })
  .openapi({
    example: "2026-11-22T10:04:47.269Z",
    description: "A date (`YYYY-MM-DD`, its whole UTC day) or an RFC 3339 date-time.",
    pattern: `^\\d{4}-\\d{2}-\\d{2}([Tt]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?([Zz]|[+-]\\d{2}:\\d{2}))?$`,
  });

export const Timestamp = z.string().openapi({ format: "date-time", example: "2026-11-22T10:04:47.269Z" });

export const ErrorBody = z
  .object({
    key: z.enum(ERROR_KEYS as [ErrorKey, ...ErrorKey[]]).openapi({ example: "invalid_data" }),
    message: z.string(),
    failures: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "Present for invalid_data only: one entry per failing field." }),
    request_id: z.string().openapi({ example: "req_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK" }),
  })
  .openapi("Error");

/** The 412 body: the error, and the version If-Match missed. */
export const PreconditionFailure = ErrorBody.extend({
  key: z.literal("precondition_failure"),
  current_version: z.int().openapi({ description: "The product's version now; its ETag is in `ETag`." }),
}).openapi("PreconditionFailure");

/** Keys every operation can answer: an unknown API-Version, a query parameter it does not take, a bug. */
const ALWAYS: ErrorKey[] = ["unsupported_api_version", "invalid_data", "internal_error"];

/** The response headers an error can carry besides the ones every response has (src/shared/openapi.ts). */
const ERROR_HEADERS: Partial<Record<number, Record<string, { $ref: string }>>> = {
  401: { "WWW-Authenticate": { $ref: "#/components/headers/WWW-Authenticate" } },
  412: { ETag: { $ref: "#/components/headers/ETag" } },
  429: { "Retry-After": { $ref: "#/components/headers/Retry-After" } },
};

/**
 * OpenAPI responses for the error keys a route can answer with, one per status, each with the
 * enum of its keys (so a generated client narrows `error.key` by status), plus the keys every
 * route has. A 409 that can be idempotency_key_in_use declares its Retry-After.
 */
export function errorResponses(...keys: ErrorKey[]) {
  const byStatus = new Map<number, ErrorKey[]>();
  for (const key of new Set([...keys, ...ALWAYS])) {
    const status = errorStatus(key);
    byStatus.set(status, [...(byStatus.get(status) ?? []), key]);
  }
  const responses: RouteConfig["responses"] = {};
  for (const [status, statusKeys] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers = { ...ERROR_HEADERS[status] };
    if (statusKeys.includes("idempotency_key_in_use"))
      headers["Retry-After"] = { $ref: "#/components/headers/Retry-After" };
    responses[status] = {
      description: statusKeys.map((key) => `\`${key}\`: ${errorMessage(key)}`).join("\n\n"),
      headers,
      content: {
        "application/json": {
          schema:
            status === 412
              ? { $ref: "#/components/schemas/PreconditionFailure" }
              : {
                  allOf: [
                    { $ref: "#/components/schemas/Error" },
                    { type: "object", required: ["key"], properties: { key: { enum: statusKeys } } },
                  ],
                },
        },
      },
    };
  }
  return responses;
}

export const ListMeta = {
  object: z.literal("list"),
  has_more: z.boolean(),
  next_cursor: z.string().nullable(),
};

/** `limit` of every cursor listing: 1–100, default 20. */
export const PageLimit = z.coerce
  .number()
  .int()
  .min(1)
  .max(100)
  .default(20)
  .openapi({ type: "integer", minimum: 1, maximum: 100, default: 20, example: 20 });

/** A cursor that is the last id of the previous page (`evt_…`, `del_…`). */
export const IdCursor = (prefix: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9A-Z]{26}$`), {
      message: "Not a cursor of this listing: pass next_cursor back unchanged.",
    })
    .optional()
    .openapi({ description: "next_cursor of the previous page." });

export const IdParam = (name: string, example: string) =>
  z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, example, description: name }) });

/** The Idempotency-Key request header of every POST and PATCH (the idempotency middleware reads it). */
export const IdempotencyHeader = z.object({
  "idempotency-key": z.string().optional().openapi({
    minLength: 1,
    // A raw token, or an RFC 8941 string of 1–255 characters with \" and \\ escaped.
    pattern: `^([\\x20\\x21\\x23-\\x7e][\\x20-\\x7e]{0,254}|"([\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\["\\\\]){1,255}")$`,
    description:
      "1–255 printable ASCII characters (raw, or an RFC 8941 quoted string). A retry with the same key and request gets the first response again, with `Idempotent-Replayed: true`; keys live 24 h from first use.",
    example: "5b9b2f36-7f0e-4c4a-9a53-6f2d3f0f9b1e",
  }),
});

/** The error keys the idempotency middleware adds to a POST or PATCH. */
export const idempotencyErrors = [
  "invalid_idempotency_key",
  "idempotency_key_in_use",
  "idempotency_key_reused",
] as const;
