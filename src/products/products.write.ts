import { findApplied, isAppliedAlready } from "../idempotency/idempotency.repo";
import { imageKey } from "../images/images.repo";
import { type ImageReport, ImageStage } from "../images/images.stage";
import { ApiError, invalidData } from "../lib/errors";
import { issuesToFailures } from "../lib/failures";
import { mergePatch } from "../lib/merge-patch";
import { cacheTags } from "../shared/edge-cache";
import { preconditionFailed } from "../shared/http";
import type { WriteDeps } from "../shared/write-deps";
import { MAX_QUANTITY, ProductInput } from "./products.input";
import { prepareFields } from "./products.prepare";
import * as repo from "./products.repo";
import { type ProductRow, storedFields, storedImages, writableFields } from "./products.stored";
import { inStock } from "./products.view";

// The one way a product is written, whatever the route or dialect: the field rules, the images of
// the request, the retry on a lost race, the 412 and the answer's row. Plain dependencies in
// (WriteDeps), typed results out; every failure is an ApiError of the one error table.

/** A write's product as it now is, and what its image URLs reported. */
export type Written = { row: ProductRow; report: ImageReport };

/**
 * A PUT's input, a PATCH's JSON merge patch (applied to the product as it is), or an edit: the
 * writable fields made from the current ones (a dialect's update, its fields over the others).
 */
export type Change =
  | { replace: ProductInput }
  | { mergePatch: unknown }
  | { edit: (current: Record<string, unknown>) => Record<string, unknown> };

/**
 * One try of a write on the product as read: the row it wrote (or the product as it is, when there
 * is nothing to write), or `{moved}` when the product moved on first, with the row as the write
 * found it (undefined when it did not read it: writeOnCurrent reads it again).
 */
export type Attempt = ProductRow | { moved: ProductRow | undefined };

export const notFound = (id: string) => new ApiError("not_found", { message: `No product with id '${id}'.` });

const WRITE_ATTEMPTS = 50;
/** How often a create picks a generated slug again after a concurrent create took it. */
const SLUG_ATTEMPTS = 6;
/** Tries 2 to 4 of a create number its generated slugs; later ones make them unique by the id. */
const SLUG_NUMBER_ATTEMPTS = 4;

/** The repo's answer to an insert or update, as the written row or the API's error. */
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

/** A product changed: its storefront answers and its org's list pages are stale. */
const purgeProduct = (deps: WriteDeps, id: string) =>
  deps.purge([cacheTags.product(id), cacheTags.list(deps.orgId)]);

async function findOrThrow(deps: WriteDeps, id: string): Promise<ProductRow> {
  const product = await repo.findProduct(deps.db, deps.orgId, id);
  if (!product) throw notFound(id);
  return product;
}

/** POST /v1/products: the id is the request's (from its Idempotency-Key claim when keyed). */
export async function createProduct(deps: WriteDeps, id: string, input: ProductInput): Promise<Written> {
  const stage = new ImageStage(deps, id, "image_urls");
  const row = await stage.write(async () => {
    for (let attempt = 1; ; attempt++) {
      const how = attempt === 1 ? "guess" : attempt <= SLUG_NUMBER_ATTEMPTS ? "number" : "unique";
      const { fields, generatedSlugs } = await prepareFields(deps, input, id, how);
      const images = await stage.rowsFor(undefined, { urls: input.image_urls ?? [] });
      const createdAt = new Date(deps.now).toISOString();
      const values = {
        id,
        orgId: deps.orgId,
        fields,
        createdAt,
        createdBy: deps.keyId,
        claimId: deps.claimId,
      };
      const result = await repo.insertProduct(deps.db, values, images);
      // A slug generated from the name was taken meanwhile by a concurrent write: pick the next one.
      const slugTaken =
        "duplicate" in result &&
        result.duplicate.kind === "slug" &&
        generatedSlugs.has(result.duplicate.value ?? "");
      if (!slugTaken || attempt === SLUG_ATTEMPTS) return rowOrThrow(id, result);
    }
  });
  purgeProduct(deps, id);
  return { row, report: stage.report() };
}

/** The input a change makes of the current product; a merge patch is validated as a whole input. */
function inputOf(change: Change, current: ProductRow): ProductInput {
  if ("replace" in change) return change.replace;
  const fields = writableFields(current);
  const parsed = ProductInput.safeParse(
    "edit" in change ? change.edit(fields) : mergePatch(fields, change.mergePatch),
  );
  if (!parsed.success) throw invalidData(issuesToFailures(parsed.error.issues));
  return parsed.data;
}

/**
 * PUT and PATCH: computed from the current product (variant ids, fetched images, whether shippable
 * and default_currency follow their defaults) and written at its version with the images of its
 * `image_urls` in the same batch (see writeOnCurrent for races). The URLs are fetched once, after
 * the input was validated against the first version read. A PUT without slugs keeps the ones its
 * name gave under earlier rules too; a PATCH's `slug: null` asks for the name's slug as made now.
 */
export async function updateProduct(deps: WriteDeps, id: string, change: Change): Promise<Written> {
  const keep = "replace" in change ? "name or earlier" : "name";
  const stage = new ImageStage(deps, id, "image_urls");
  const row = await stage.write(() =>
    writeOnCurrent(deps, id, async (current) => {
      const input = inputOf(change, current);
      const { fields } = await prepareFields(deps, input, id, "number", current, keep);
      const images = await stage.rowsFor(current, { urls: input.image_urls ?? [] });
      const values = {
        id,
        orgId: deps.orgId,
        fields,
        updatedAt: new Date(deps.now).toISOString(),
        updatedBy: deps.keyId,
        claimId: deps.claimId,
      };
      const result = await repo.updateProduct(deps.db, values, { versions: [current.version] }, images);
      return "versionMismatch" in result ? { moved: result.current } : rowOrThrow(id, result);
    }),
  );
  return { row, report: stage.report() };
}

/**
 * A write derived from the product's current version (a merge patch, an image change), which
 * `write` applies only while that version is current. The 412 is decided here alone: with
 * If-Match, a product at another version (when read, or as the write found it after a lost race)
 * is 412, unless this keyed request's write was applied by an earlier run (then the product as it
 * is answers: its write applies once). Without If-Match, it runs again on the newer version, so no
 * concurrent change is lost, after a random pause that grows with each loss (so that racing writers
 * spread out); after WRITE_ATTEMPTS losses it is 429 with Retry-After.
 */
export async function writeOnCurrent(
  deps: WriteDeps,
  id: string,
  write: (current: ProductRow) => Promise<Attempt>,
): Promise<ProductRow> {
  const { condition } = deps;
  let current = await findOrThrow(deps, id);
  for (let attempt = 1; ; attempt++) {
    const matches = typeof condition !== "object" || condition.versions.includes(current.version);
    let outcome: Attempt = { moved: current };
    if (matches) {
      try {
        outcome = await write(current);
      } catch (error) {
        if (isAppliedAlready(error)) return findOrThrow(deps, id);
        throw error;
      }
      if (!("moved" in outcome)) {
        purgeProduct(deps, id);
        return outcome;
      }
    }
    current = outcome.moved ?? (await findOrThrow(deps, id));
    if (condition !== undefined) {
      if (deps.claimId !== undefined && (await findApplied(deps.db, deps.claimId))) return current;
      throw preconditionFailed(current.version);
    }
    if (attempt >= WRITE_ATTEMPTS) {
      throw new ApiError("rate_limited", {
        message: `This product changed under ${WRITE_ATTEMPTS} attempts in a row: too many concurrent writes. Retry.`,
        headers: { "Retry-After": "1" },
      });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** Math.min(attempt, 6)));
  }
}

/** POST /v1/products/{id}/inventory_adjustments: one conditional UPDATE, no read first. */
export async function adjustInventory(
  deps: WriteDeps,
  id: string,
  adjustment: { delta: number; reason?: string },
): Promise<ProductRow> {
  const { delta } = adjustment;
  const result = await repo.adjustInventory(
    deps.db,
    {
      id,
      orgId: deps.orgId,
      delta,
      reason: adjustment.reason ?? null,
      updatedAt: new Date(deps.now).toISOString(),
      updatedBy: deps.keyId,
      claimId: deps.claimId,
    },
    deps.condition,
    MAX_QUANTITY,
  );
  if ("row" in result) {
    // Shoppers see stock only as in_stock: purge when this adjustment turned it.
    const fields = storedFields(result.row);
    const before = {
      ...fields,
      inventory: { ...fields.inventory, quantity: fields.inventory.quantity - delta },
    };
    if (inStock(fields) !== inStock(before)) purgeProduct(deps, id);
    return result.row;
  }
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
  throw new ApiError("insufficient_stock", {
    message: `The quantity is ${result.insufficient}: taking ${-delta} would go below zero, and backorders are not allowed.`,
  });
}

/** DELETE /v1/products/{id}: the row (its image rows go with it, a trigger), then the image bytes. */
export async function deleteProduct(deps: WriteDeps, id: string): Promise<void> {
  const result = await repo.deleteProduct(deps.db, deps.orgId, id, deps.condition);
  if ("notFound" in result) throw notFound(id);
  if ("versionMismatch" in result) throw preconditionFailed(result.versionMismatch);
  // The delete also leaves the related lists of the org's other products: purge the whole org.
  deps.purge([cacheTags.org(deps.orgId)]);
  const keys = storedImages(result.deleted).map((image) => imageKey(deps.orgId, id, image.id));
  if (keys.length > 0) await deps.images.delete(keys);
}
