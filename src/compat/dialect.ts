import { z } from "@hono/zod-openapi";
import { authenticate } from "../auth/auth.middleware";
import type { Database } from "../db/client";
import { announceEvents } from "../events";
import { idempotency } from "../idempotency/idempotency.middleware";
import { ApiError, type Failure, invalidData } from "../lib/errors";
import { issuesToFailures } from "../lib/failures";
import { ulidToUuid, uuidToUlid } from "../lib/ids";
import { findProduct, ProductInput, type ProductRow, productWrites } from "../products";
import { authErrors, finishDocument } from "../shared/openapi";
import { createRouter, noQuery } from "../shared/router";
import { ErrorBody, PreconditionFailure } from "../shared/schemas";

// What every seed dialect (/compat/{vendor}) shares: a router with the same authentication, rate
// limit, events and idempotency as /v1; the translation of the /v1 rules' failures into the
// dialect's field names; and the dialect's own OpenAPI document. Each dialect maps its body to a
// /v1 ProductInput and calls the one product write path (src/products/products.write.ts).

/** What a dialect's create may answer besides its product (each route adds its own few). */
export const dialectWriteErrors = [
  ...authErrors,
  "invalid_data",
  "invalid_json",
  "payload_too_large",
  "unsupported_media_type",
  "duplicate_slug",
] as const;

/** An id `<prefix>_<ULID>` (a product's, an image's) as the dialects with UUID ids write it. */
export const uuidOf = (id: string) => ulidToUuid(id.slice(id.indexOf("_") + 1)) ?? id;

/** The path parameter `id` of the dialects with UUID ids (Awardee, Tamio). */
export const UuidIdParam = (example: string) =>
  z.object({
    id: z.string().openapi({
      param: { name: "id", in: "path" },
      format: "uuid",
      example,
      description: "The product's UUID (its `/v1` id's ULID as a UUID).",
    }),
  });

/** The org's product a UUID names (any case); 404 for text that is not one, or no such product. */
export async function productByUuid(db: Database, orgId: string, uuid: string): Promise<ProductRow> {
  const ulid = uuidToUlid(uuid);
  const row = ulid === undefined ? undefined : await findProduct(db, orgId, `prod_${ulid}`);
  if (!row) throw productWrites.notFound(uuid);
  return row;
}

/** A /v1 field path (`prices[0].amount`) as the dialect names it (`defaultPrice`). */
export type FieldNames = (field: string) => string;

/**
 * Renames the head of a /v1 field path by a table (`visible` → `active`; `agent_ids[2]` →
 * `agentIds[2]`), or by a function of the whole path; a field the table lacks keeps its name.
 */
export function fieldNames(table: Record<string, string | ((path: string) => string)>): FieldNames {
  return (field) => {
    const head = /^[^.[]+/.exec(field)?.[0] ?? field;
    const renamed = table[head];
    if (renamed === undefined) return field;
    return typeof renamed === "function" ? renamed(field) : renamed + field.slice(head.length);
  };
}

const renamed = (failures: readonly Failure[], names: FieldNames): Failure[] => {
  const seen = new Set<string>();
  return failures.flatMap((failure) => {
    const field = names(failure.field);
    if (seen.has(field)) return [];
    seen.add(field);
    return [{ ...failure, field }];
  });
};

/** The dialect's input as a /v1 ProductInput, checked by the /v1 rules; failures in its names. */
export function productInput(input: unknown, names: FieldNames): ProductInput {
  const parsed = ProductInput.safeParse(input);
  if (!parsed.success) throw invalidData(renamed(issuesToFailures(parsed.error.issues), names));
  return parsed.data;
}

/** Runs a write of the dialect: an error naming /v1 fields names the dialect's instead. */
export async function inDialect<T>(names: FieldNames, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof ApiError) || !error.failures) throw error;
    throw new ApiError(error.key, {
      message: error.message,
      failures: renamed(error.failures, names),
      headers: error.headers,
      extra: error.extra,
    });
  }
}

/** A dialect's router: the /v1 middleware (key, org, rate limit, events, Idempotency-Key). */
export function dialectRouter() {
  const router = createRouter();
  router.use(
    "*",
    authenticate(),
    announceEvents,
    idempotency((c) => c.get("auth").keyId),
  );
  return router;
}

export type DialectRouter = ReturnType<typeof dialectRouter>;

/**
 * Serves the dialect's own OpenAPI document at `{base}/openapi.json`: only its operations, at the
 * vendor's own paths, with `{base}` as the server, so that a client generator pointed at it makes
 * that vendor's client. Registered on the app before the dialect's router is mounted (whose
 * middleware asks for a key).
 */
export function dialectDocument(
  app: ReturnType<typeof createRouter>,
  base: string,
  router: DialectRouter,
  info: { title: string; description: string },
) {
  router.openAPIRegistry.register("Error", ErrorBody);
  router.openAPIRegistry.register("PreconditionFailure", PreconditionFailure);
  router.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "A secret key `sk_…` of this API, the same as for /v1.",
  });
  let document: string | undefined;
  app.use(`${base}/openapi.json`, noQuery);
  app.get(`${base}/openapi.json`, (c) => {
    document ??= JSON.stringify(
      finishDocument(
        router.getOpenAPI31Document({
          openapi: "3.1.0",
          info: { ...info, version: "1" },
          servers: [{ url: base }],
        }),
        [],
      ),
    );
    return c.body(document, 200, { "Content-Type": "application/json; charset=UTF-8" });
  });
}
