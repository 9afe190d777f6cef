import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError, type Failure, invalidData } from "../lib/errors";
import { readAtMost } from "../lib/read-at-most";

export const MAX_JSON_BYTES = 1024 * 1024;

/** The request's media type, lower-cased, without parameters ("" when there is none). */
export const mediaTypeOf = (c: Context<AppEnv>) =>
  c.req.header("Content-Type")?.split(";")[0]?.trim().toLowerCase() ?? "";

/** A request body of at most `maxBytes` (413 past it, counted while reading, not trusted from Content-Length). */
export async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("Content-Length") ?? Number.NaN);
  const tooLarge = () =>
    new ApiError("payload_too_large", { message: `The body is over ${maxBytes} bytes.` });
  if (declared > maxBytes) throw tooLarge();
  const body = await readAtMost(request.body, maxBytes, Number.isNaN(declared) ? undefined : declared);
  if (!body) throw tooLarge();
  return body;
}

/** How deep a JSON body may nest: far more than any field needs (props: 5 levels). */
export const MAX_JSON_DEPTH = 32;

/**
 * What JSON.parse lets through that no field may hold, by path: `__proto__` keys (any copy of the
 * object, as validation makes, turns one into the copy's prototype: the key would vanish, or
 * worse), numbers beyond a double (1e400 parses as Infinity, which JSON cannot say back), text
 * with unpaired surrogates (not Unicode: D1 would store U+FFFD), and nesting past MAX_JSON_DEPTH.
 * Iterative, so a body nested 10,000 levels deep is refused rather than overflowing a stack.
 */
function unsafeJson(value: unknown): Failure[] {
  const failures: Failure[] = [];
  const pending: [unknown, string, number][] = [[value, "", 0]];
  for (let next = pending.pop(); next && failures.length < 50; next = pending.pop()) {
    const [node, path, depth] = next;
    const field = path === "" ? "body" : path;
    if (typeof node === "number" && !Number.isFinite(node)) {
      failures.push({ field, message: "Must be a number a 64-bit float can hold." });
    } else if (typeof node === "string" && !node.isWellFormed()) {
      failures.push({ field, message: "Must be Unicode text: it has an unpaired surrogate." });
    } else if (typeof node !== "object" || node === null) {
      // a boolean, null, a finite number or well-formed text: nothing to refuse
    } else if (depth >= MAX_JSON_DEPTH) {
      failures.push({ field, message: `Nested deeper than ${MAX_JSON_DEPTH} levels.` });
    } else if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) pending.push([item, `${path}[${index}]`, depth + 1]);
    } else {
      for (const [key, item] of Object.entries(node)) {
        const at = path === "" ? key : `${path}.${key}`;
        if (key === "__proto__") failures.push({ field: at, message: "A key may not be named '__proto__'." });
        else if (!key.isWellFormed()) failures.push({ field: at, message: "A key must be Unicode text." });
        else pending.push([item, at, depth + 1]);
      }
    }
  }
  return failures;
}

/**
 * Reads a JSON body the one way every write route does: media type (415), size (413, counted
 * while streaming, not trusted from Content-Length), UTF-8 and syntax (400 invalid_json), then
 * what JSON allows but no field may hold (unsafeJson: 400 invalid_data). Read-only
 * top-level fields are dropped so that a client can send back what it read. The route's
 * validator then reads the cleaned body.
 */
export function jsonBody(options: { mediaTypes?: string[]; ignoreFields?: readonly string[] } = {}) {
  const mediaTypes = options.mediaTypes ?? ["application/json"];
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!mediaTypes.includes(mediaTypeOf(c))) {
      throw new ApiError("unsupported_media_type", {
        message: `Send the body as ${mediaTypes.join(" or ")}.`,
      });
    }
    const bytes = await readCapped(c.req.raw, MAX_JSON_BYTES);
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
    } catch {
      throw new ApiError("invalid_json");
    }
    const unsafe = unsafeJson(value);
    if (unsafe.length > 0) throw invalidData(unsafe);
    if (options.ignoreFields && typeof value === "object" && value !== null && !Array.isArray(value)) {
      const body = value as Record<string, unknown>;
      for (const field of options.ignoreFields) delete body[field];
    }
    // Hono's body cache holds promises (its type says otherwise); the validator reads this text.
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(JSON.stringify(value));
    c.set("body", value);
    await next();
  });
}
