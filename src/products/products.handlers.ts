import type { Context } from "hono";
import type { AppEnv } from "../env";
import { resourceId } from "../idempotency/idempotency.middleware";
import { findApplied, isAppliedAlready } from "../idempotency/idempotency.repo";
import { imageKey } from "../images/images.repo";
import { ImageStage } from "../images/images.stage";
import { ApiError, invalidData } from "../lib/errors";
import { issuesToFailures } from "../lib/failures";
import { normalizeGtin } from "../lib/gtin";
import { ulidCeiling, ulidFloor } from "../lib/ids";
import { mergePatch } from "../lib/merge-patch";
import { etag, noneMatch, parseIfMatch, preconditionFailed } from "../shared/http";
import type { AppRouteHandler } from "../shared/router";
import { parseDateOrDateTime } from "../shared/schemas";
import { fieldsOrThrow, type SlugKeep } from "./products.fields";
import {
  type ProductFields,
  type ProductRow,
  storedImages,
  toProduct,
  writableFields,
} from "./products.model";
import * as repo from "./products.repo";
import type * as routes from "./products.routes";
import { MAX_QUANTITY, ProductInput, type ProductInput as ProductInputType } from "./products.schemas";

const notFound = (id: string) => new ApiError("not_found", { message: `No product with id '${id}'.` });

function rowOrThrow(id: string, result: repo.WriteResult): ProductRow {
  if ("row" in result) return result.row;
  if ("notFound" in result) throw notFound(id);
  if ("versionMismatch" in result) throw preconditionFailed(result.versionMismatch);
  if ("relatedMissing" in result) {
    throw invalidData([
      { field: "related_product_ids", message: "A related product was deleted while this write ran." },
    ]);
  }
  throw new ApiError(`duplicate_${result.duplicate.kind}`, {
    message:
      result.duplicate.kind === "slug" && result.duplicate.value
        ? `Another product of this org already has the slug '${result.duplicate.value.replace(/^[^:]*:/, "")}' in ${result.duplicate.value.replace(/:.*$/, "")}.`
        : undefined,
  });
}

export const productHeaders = (row: ProductRow) => ({ ETag: etag(row.version) });

/** Where this API is served from, for absolute image urls. */
export const originOf = (c: Context<AppEnv>) => new URL(c.req.url).origin;

export const create: AppRouteHandler<typeof routes.createProduct> = async (c) => {
  const { db, auth } = c.var;
  const input = c.req.valid("json");
  const now = Date.now();
  const id = resourceId(c, "prod", now);
  const stage = new ImageStage(c, id, "image_urls");
  const row = await stage.write(async () => {
    for (let attempt = 1; ; attempt++) {
      const how = attempt === 1 ? "guess" : attempt <= SLUG_NUMBER_ATTEMPTS ? "number" : "unique";
      const { fields, generatedSlugs } = await fieldsOrThrow(c, input, id, how);
      const images = await stage.rowsFor(undefined, { urls: input.image_urls ?? [] });
      const values = {
        id,
        orgId: auth.orgId,
        fields,
        createdAt: new Date(now).toISOString(),
        createdBy: auth.keyId,
        claimId: c.var.idempotencyClaimId,
      };
      const result = await repo.insertProduct(db, values, images);
      // A slug generated from the name was taken meanwhile by a concurrent write: pick the next one.
      const slugTaken =
        "duplicate" in result &&
        result.duplicate.kind === "slug" &&
        generatedSlugs.has(result.duplicate.value ?? "");
      if (!slugTaken || attempt === SLUG_ATTEMPTS) return rowOrThrow(id, result);
    }
  });
  return c.json({ ...toProduct(row, originOf(c)), ...stage.report() }, 201, {
    ...productHeaders(row),
    Location: `/v1/products/${row.id}`,
  });
};

export const get: AppRouteHandler<typeof routes.getProduct> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await repo.findProduct(c.var.db, c.var.auth.orgId, id);
  if (!row) throw notFound(id);
  if (noneMatch(c.req.header("If-None-Match"), etag(row.version)))
    return c.body(null, 304, productHeaders(row));
  return c.json(toProduct(row, originOf(c)), 200, productHeaders(row));
};

/** Whether this request's Idempotency-Key claim had its write applied by an earlier run of it. */
const appliedBefore = async (c: Context<AppEnv>) =>
  c.var.idempotencyClaimId !== undefined &&
  (await findApplied(c.var.db, c.var.idempotencyClaimId)) !== undefined;

async function findOrThrow(c: Context<AppEnv>, id: string): Promise<ProductRow> {
  const product = await repo.findProduct(c.var.db, c.var.auth.orgId, id);
  if (!product) throw notFound(id);
  return product;
}

const WRITE_ATTEMPTS = 50;
/** How often a create picks a generated slug again after a concurrent create took it. */
const SLUG_ATTEMPTS = 6;
/** Tries 2 to 4 of a create number its generated slugs; later ones make them unique by the id. */
const SLUG_NUMBER_ATTEMPTS = 4;

/**
 * A write derived from the product's current version (a merge patch, an image change), which
 * `write` applies only while that version is current and answers undefined otherwise. With
 * If-Match, a product at another version (on the first read or after a lost race) is 412. Without,
 * it runs again on the newer version, so no concurrent change is lost, after a random pause that
 * grows with each loss (so that racing writers spread out); after WRITE_ATTEMPTS losses it is 429
 * with Retry-After, never a 412 no If-Match asked for. A keyed request whose write an earlier run
 * applied (its batch fails with isAppliedAlready, or the version moved on since) answers the
 * product as it is now: its write applies once.
 */
export async function onCurrentProduct(
  c: Context<AppEnv>,
  id: string,
  write: (current: ProductRow) => Promise<ProductRow | undefined>,
): Promise<ProductRow> {
  const conditional = c.req.header("If-Match") !== undefined;
  const condition = parseIfMatch(c.req.header("If-Match"));
  for (let attempt = 1; ; attempt++) {
    const current = await findOrThrow(c, id);
    const mismatch = typeof condition === "object" && !condition.versions.includes(current.version);
    if (mismatch || (conditional && attempt > 1)) {
      if (await appliedBefore(c)) return current;
      throw preconditionFailed(current.version);
    }
    try {
      const written = await write(current);
      if (written) return written;
    } catch (error) {
      if (isAppliedAlready(error)) return findOrThrow(c, id);
      throw error;
    }
    if (conditional) continue; // lost the race: 412 on the next read
    if (attempt >= WRITE_ATTEMPTS) {
      throw new ApiError("rate_limited", {
        message: `This product changed under ${WRITE_ATTEMPTS} attempts in a row: too many concurrent writes. Retry.`,
        headers: { "Retry-After": "1" },
      });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** Math.min(attempt, 6)));
  }
}

const updateValues = (c: Context<AppEnv>, id: string, fields: ProductFields) => ({
  id,
  orgId: c.var.auth.orgId,
  fields,
  updatedAt: new Date().toISOString(),
  updatedBy: c.var.auth.keyId,
  claimId: c.var.idempotencyClaimId,
});

/**
 * A replace or merge patch computed from the current product, written at its version with the
 * images of its `image_urls` in the same batch (see onCurrentProduct for races). The URLs are
 * fetched once, after the input was validated against the first version read.
 */
async function updateFromCurrent(
  c: Context<AppEnv>,
  id: string,
  inputFor: (current: ProductRow) => ProductInputType,
  keep: SlugKeep,
) {
  const stage = new ImageStage(c, id, "image_urls");
  const row = await stage.write(() =>
    onCurrentProduct(c, id, async (current) => {
      const input = inputFor(current);
      const { fields } = await fieldsOrThrow(c, input, id, "number", current, keep);
      const images = await stage.rowsFor(current, { urls: input.image_urls ?? [] });
      const result = await repo.updateProduct(
        c.var.db,
        updateValues(c, id, fields),
        { versions: [current.version] },
        images,
      );
      return "versionMismatch" in result ? undefined : rowOrThrow(id, result);
    }),
  );
  return c.json({ ...toProduct(row, originOf(c)), ...stage.report() }, 200, productHeaders(row));
}

/**
 * PUT: through the current product, as a PATCH, since what is written depends on it (variant ids,
 * fetched images, whether shippable and default_currency follow their defaults).
 */
export const replace: AppRouteHandler<typeof routes.replaceProduct> = async (c) => {
  const { id } = c.req.valid("param");
  const input = c.req.valid("json");
  return updateFromCurrent(c, id, () => input, "name or earlier");
};

export const patch: AppRouteHandler<typeof routes.patchProduct> = async (c) => {
  const { id } = c.req.valid("param");
  return updateFromCurrent(
    c,
    id,
    (current) => {
      const parsed = ProductInput.safeParse(mergePatch(writableFields(current), c.var.body));
      if (!parsed.success) throw invalidData(issuesToFailures(parsed.error.issues));
      return parsed.data;
    },
    "name",
  );
};

export const adjustInventory: AppRouteHandler<typeof routes.adjustInventory> = async (c) => {
  const { id } = c.req.valid("param");
  const { delta, reason } = c.req.valid("json");
  const result = await repo.adjustInventory(
    c.var.db,
    {
      id,
      orgId: c.var.auth.orgId,
      delta,
      reason: reason ?? null,
      updatedAt: new Date().toISOString(),
      updatedBy: c.var.auth.keyId,
      claimId: c.var.idempotencyClaimId,
    },
    parseIfMatch(c.req.header("If-Match")),
    MAX_QUANTITY,
  );
  if ("notFound" in result) throw notFound(id);
  if ("versionMismatch" in result) throw preconditionFailed(result.versionMismatch);
  if ("untracked" in result) {
    throw invalidData([
      { field: "delta", message: "Only a product with inventory.tracking product has one stock to adjust." },
    ]);
  }
  if ("outOfRange" in result) {
    throw invalidData([
      {
        field: "delta",
        message: `The quantity (${result.outOfRange}) would leave -${MAX_QUANTITY} … ${MAX_QUANTITY}.`,
      },
    ]);
  }
  if ("insufficient" in result) {
    throw new ApiError("insufficient_stock", {
      message: `The quantity is ${result.insufficient}: taking ${-delta} would go below zero, and backorders are not allowed.`,
    });
  }
  return c.json(toProduct(result.row, originOf(c)), 200, productHeaders(result.row));
};

export const remove: AppRouteHandler<typeof routes.deleteProduct> = async (c) => {
  const { id } = c.req.valid("param");
  const result = await repo.deleteProduct(
    c.var.db,
    c.var.auth.orgId,
    id,
    parseIfMatch(c.req.header("If-Match")),
  );
  if ("notFound" in result) throw notFound(id);
  if ("versionMismatch" in result) throw preconditionFailed(result.versionMismatch);
  // The image rows went with the product (a trigger); their bytes go now.
  const keys = storedImages(result.deleted).map((image) => imageKey(result.deleted.orgId, id, image.id));
  if (keys.length > 0) await c.env.IMAGES.delete(keys);
  return c.json({ id, object: "product" as const, deleted: true as const }, 200);
};

export const encodeCursor = (position: repo.Position) =>
  btoa("id" in position ? `i:${position.id}` : `s:${position.seq}`).replaceAll("=", "");

export function decodeCursor(cursor: string, search: boolean): repo.Position {
  let decoded = "";
  try {
    decoded = atob(cursor);
  } catch {
    // falls through to the error below
  }
  const match = /^(i:prod_[0-9A-Z]{26}|s:\d{1,15})$/.exec(decoded);
  if (!match || decoded.startsWith("s:") !== search) {
    throw invalidData([
      { field: "cursor", message: "Not a cursor of this listing: pass next_cursor back unchanged." },
    ]);
  }
  return decoded.startsWith("s:") ? { seq: Number(decoded.slice(2)) } : { id: decoded.slice(2) };
}

/** The words of `q` (at most 10), each to be matched as a prefix. */
export function searchWords(q: string | undefined): string[] | undefined {
  if (q === undefined) return undefined;
  const words = q
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 10);
  if (words.length === 0) throw invalidData([{ field: "q", message: "Must contain a letter or a digit." }]);
  return words;
}

function time(value: string | undefined): number | undefined {
  return value === undefined ? undefined : (parseDateOrDateTime(value) as number);
}

export const list: AppRouteHandler<typeof routes.listProducts> = async (c) => {
  const query = c.req.valid("query");
  const lookups: repo.ProductFilters["lookups"] = [];
  if (query.sku !== undefined) lookups.push({ kind: "sku", value: query.sku });
  if (query.gtin !== undefined) {
    const gtin = normalizeGtin(query.gtin);
    if ("error" in gtin) throw invalidData([{ field: "gtin", message: gtin.error }]);
    lookups.push({ kind: "gtin", value: gtin.gtin.padStart(14, "0") });
  }
  if (query.tag !== undefined) lookups.push({ kind: "tag", value: query.tag });
  if (query.agent_id !== undefined) lookups.push({ kind: "agent_id", value: query.agent_id });

  const search = searchWords(query.q);
  const createdAfter = time(query.created_after);
  const createdBefore = time(query.created_before);
  const updatedAfter = time(query.updated_after);
  const filters: repo.ProductFilters = {
    // Each value is one of the four statuses (the schema checks), so once repeats are dropped the
    // list binds at most four parameters, however long the query: D1 allows 100 a statement.
    status:
      query.status === undefined
        ? undefined
        : [...new Set(query.status.split(",").map((status) => status.trim()))],
    type: query.type,
    lookups,
    search,
    createdAfter: createdAfter === undefined ? undefined : `prod_${ulidCeiling(createdAfter)}`,
    createdBefore: createdBefore === undefined ? undefined : `prod_${ulidFloor(createdBefore)}`,
    updatedAfter: updatedAfter === undefined ? undefined : new Date(updatedAfter).toISOString(),
  };
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, search !== undefined);
  const rows = await repo.listProducts(c.var.db, c.var.auth.orgId, filters, {
    limit: query.limit,
    ascending: query.order === "asc",
    after,
  });
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const hasMore = rows.length > query.limit && last !== undefined;
  return c.json(
    {
      object: "list" as const,
      data: page.map((row) => toProduct(row, originOf(c))),
      has_more: hasMore,
      next_cursor: hasMore ? encodeCursor(search ? { seq: last.seq } : { id: last.id }) : null,
    },
    200,
  );
};
