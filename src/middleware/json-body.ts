import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError, invalidData } from "../lib/errors";
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

/**
 * Where the body has a `__proto__` key. JSON.parse keeps one as an ordinary key, but any copy of
 * the object (as validation makes) turns it into the copy's prototype: the key would vanish, or
 * worse. So it is refused, wherever it is. Iterative: a body may nest thousands of levels deep.
 */
function protoKeyPaths(value: unknown): string[] {
  const found: string[] = [];
  const pending: [unknown, string][] = [[value, ""]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, path] = next;
    if (Array.isArray(node)) {
      node.forEach((item, index) => pending.push([item, `${path}[${index}]`]));
    } else if (typeof node === "object" && node !== null) {
      for (const [key, item] of Object.entries(node)) {
        const field = path === "" ? key : `${path}.${key}`;
        if (key === "__proto__") found.push(field);
        else pending.push([item, field]);
      }
    }
  }
  return found;
}

/**
 * Reads a JSON body the one way every write route does: media type (415), size (413, counted
 * while streaming, not trusted from Content-Length), UTF-8 and syntax (400 invalid_json), no
 * `__proto__` keys (400 invalid_data). Read-only
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
    const protoKeys = protoKeyPaths(value);
    if (protoKeys.length > 0) {
      throw invalidData(protoKeys.map((field) => ({ field, message: "A key may not be named '__proto__'." })));
    }
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
