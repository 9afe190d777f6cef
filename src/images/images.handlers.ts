import type { Context } from "hono";
import type { AppEnv } from "../env";
import { resourceId } from "../idempotency/idempotency.middleware";
import { sha256HexOfBytes } from "../lib/crypto";
import { ApiError, invalidData } from "../lib/errors";
import { sniffImage } from "../lib/image-sniff";
import { readCapped } from "../middleware/json-body";
import { onCurrentProduct, originOf, productHeaders } from "../products/products.handlers";
import { type ProductRow, storedImages, toProduct } from "../products/products.model";
import { noneMatch } from "../shared/http";
import type { AppRouteHandler } from "../shared/router";
import * as repo from "./images.repo";
import type * as routes from "./images.routes";

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_IMAGES_PER_PRODUCT = 50;

const imageNotFound = (id: string) => new ApiError("not_found", { message: `No image with id '${id}'.` });

const change = (c: Context<AppEnv>, product: ProductRow) => ({
  orgId: product.orgId,
  productId: product.id,
  version: product.version,
  updatedAt: new Date().toISOString(),
  updatedBy: c.var.auth.keyId,
});

const answer = (c: Context<AppEnv>, product: ProductRow) =>
  c.json(toProduct(product, originOf(c)), 200, productHeaders(product));

export const upload: AppRouteHandler<typeof routes.uploadImage> = async (c) => {
  const { id } = c.req.valid("param");
  const declared = c.req.header("Content-Type")?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!declared.startsWith("image/")) {
    throw new ApiError("unsupported_media_type", {
      message: "Send the image bytes with Content-Type: image/….",
    });
  }
  const bytes = await readCapped(c.req.raw, MAX_IMAGE_BYTES);
  const sniffed = sniffImage(bytes);
  if (!sniffed) {
    throw invalidData([
      { field: "body", message: "Not a JPEG, PNG, GIF, WebP or AVIF image (SVG is refused)." },
    ]);
  }
  if (declared !== "image/*" && declared !== sniffed.contentType) {
    throw invalidData([
      { field: "body", message: `Sent as ${declared}, but the bytes are ${sniffed.contentType}.` },
    ]);
  }
  const sha256 = await sha256HexOfBytes(bytes);
  const imageId = resourceId(c, "img");
  const r2Key = repo.imageKey(c.var.auth.orgId, id, imageId);
  let stored = false;
  let added = false;
  try {
    const product = await onCurrentProduct(c, id, async (current) => {
      const existing = storedImages(current);
      if (existing.some((image) => image.sha256 === sha256)) return current; // stored once per product
      if (existing.length >= MAX_IMAGES_PER_PRODUCT) {
        throw invalidData([
          { field: "body", message: `A product has at most ${MAX_IMAGES_PER_PRODUCT} images.` },
        ]);
      }
      if (!stored) {
        await c.env.IMAGES.put(r2Key, bytes, { httpMetadata: { contentType: sniffed.contentType }, sha256 });
        stored = true;
      }
      const updated = await repo.addImage(
        c.var.db,
        {
          id: imageId,
          orgId: current.orgId,
          productId: current.id,
          r2Key,
          sourceUrl: null,
          contentType: sniffed.contentType,
          sizeBytes: bytes.byteLength,
          width: sniffed.width,
          height: sniffed.height,
          sha256,
          alt: null,
          position: Math.max(-1, ...existing.map((image) => image.position)) + 1,
          createdAt: new Date().toISOString(),
        },
        change(c, current),
      );
      added = updated !== undefined;
      return updated;
    });
    return answer(c, product);
  } finally {
    // No R2 object outlives a D1 write that did not happen.
    if (stored && !added) await c.env.IMAGES.delete(r2Key);
  }
};

function requireImage(product: ProductRow, imageId: string) {
  if (!storedImages(product).some((image) => image.id === imageId)) throw imageNotFound(imageId);
}

export const update: AppRouteHandler<typeof routes.updateImage> = async (c) => {
  const { id, image_id: imageId } = c.req.valid("param");
  const values = c.req.valid("json");
  const product = await onCurrentProduct(c, id, (current) => {
    requireImage(current, imageId);
    return repo.updateImage(c.var.db, imageId, values, change(c, current));
  });
  return answer(c, product);
};

export const remove: AppRouteHandler<typeof routes.deleteImage> = async (c) => {
  const { id, image_id: imageId } = c.req.valid("param");
  const product = await onCurrentProduct(c, id, (current) => {
    requireImage(current, imageId);
    return repo.deleteImage(c.var.db, imageId, change(c, current));
  });
  await c.env.IMAGES.delete(repo.imageKey(product.orgId, product.id, imageId));
  return answer(c, product);
};

const IMMUTABLE = "public, max-age=31536000, immutable";

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` against `size`; undefined for anything else (the whole body). */
function parseRange(
  header: string | undefined,
  size: number,
): { offset: number; length: number } | "unsatisfiable" | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0) return "unsatisfiable";
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { offset: start, length: end - start + 1 };
}

export const serve: AppRouteHandler<typeof routes.serveImage> = async (c) => {
  const { image_id: imageId } = c.req.valid("param");
  const image = await repo.findImageById(c.var.db, imageId);
  if (!image) throw imageNotFound(imageId);
  const headers: Record<string, string> = {
    "Content-Type": image.contentType,
    ETag: `"${image.sha256}"`,
    "Cache-Control": IMMUTABLE,
    "X-Content-Type-Options": "nosniff",
    "Accept-Ranges": "bytes",
  };
  if (noneMatch(c.req.header("If-None-Match"), `"${image.sha256}"`)) return c.body(null, 304, headers);
  const range = parseRange(c.req.header("Range"), image.sizeBytes);
  if (range === "unsatisfiable") {
    return c.body(null, 416, { ...headers, "Content-Range": `bytes */${image.sizeBytes}` });
  }
  const object = await c.env.IMAGES.get(image.r2Key, range ? { range } : {});
  if (!object) throw imageNotFound(imageId);
  if (range) {
    const last = range.offset + range.length - 1;
    return c.body(object.body, 206, {
      ...headers,
      "Content-Length": String(range.length),
      "Content-Range": `bytes ${range.offset}-${last}/${image.sizeBytes}`,
    });
  }
  return c.body(object.body, 200, { ...headers, "Content-Length": String(image.sizeBytes) });
};
