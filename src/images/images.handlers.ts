import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError, invalidData } from "../lib/errors";
import { sniffImage } from "../lib/image-sniff";
import { mediaTypeOf, readCapped } from "../middleware/json-body";
import { type ProductRow, storedImages } from "../products/products.stored";
import { toProduct } from "../products/products.view";
import { writeOnCurrent } from "../products/products.write";
import { noneMatch, originOf, versionHeaders } from "../shared/http";
import type { AppRouteHandler } from "../shared/router";
import { type WriteDeps, writeDeps } from "../shared/write-deps";
import { type FetchedImage, MAX_IMAGE_BYTES } from "./images.fetch";
import * as repo from "./images.repo";
import type * as routes from "./images.routes";
import { type ImageSource, ImageStage } from "./images.stage";

const imageNotFound = (id: string) => new ApiError("not_found", { message: `No image with id '${id}'.` });

const change = (deps: WriteDeps, product: ProductRow) => ({
  orgId: product.orgId,
  productId: product.id,
  version: product.version,
  updatedAt: new Date(deps.now).toISOString(),
  updatedBy: deps.keyId,
  claimId: deps.claimId,
});

/** The product after an image write, or that it moved on first (writeOnCurrent reads it again). */
const attempt = (written: ProductRow | undefined) => written ?? { moved: undefined };

const answer = (c: Context<AppEnv>, product: ProductRow) =>
  c.json(toProduct(product, originOf(c)), 200, versionHeaders(product.version));

/** The raw bytes of an upload: declared `image/…`, at most 10 MiB, and an image by its bytes. */
async function readUpload(c: Context<AppEnv>): Promise<FetchedImage> {
  const declared = mediaTypeOf(c);
  if (!declared.startsWith("image/")) {
    throw new ApiError("unsupported_media_type", {
      message: "Send {image_urls} as application/json, or the image bytes with Content-Type: image/….",
    });
  }
  const bytes = await readCapped(c.req.raw, MAX_IMAGE_BYTES);
  const image = sniffImage(bytes);
  if (!image) {
    throw invalidData([
      { field: "body", message: "Not a JPEG, PNG, GIF, WebP or AVIF image (SVG is refused)." },
    ]);
  }
  if (declared !== "image/*" && declared !== image.contentType) {
    throw invalidData([
      { field: "body", message: `Sent as ${declared}, but the bytes are ${image.contentType}.` },
    ]);
  }
  return { bytes, image };
}

/** POST /v1/products/{id}/images: `{image_urls}` as JSON, or one image's raw bytes. */
export const add: AppRouteHandler<typeof routes.addImages> = async (c) => {
  const { id } = c.req.valid("param");
  const source: ImageSource =
    mediaTypeOf(c) === "application/json"
      ? { urls: c.req.valid("json").image_urls }
      : { upload: await readUpload(c) };
  const deps = writeDeps(c);
  const stage = new ImageStage(deps, id, "urls" in source ? "image_urls" : "body");
  const product = await stage.write(() =>
    writeOnCurrent(deps, id, async (current) => {
      const images = await stage.rowsFor(current, source);
      if (images.length === 0) return current;
      return attempt(await repo.addImages(deps.db, images, change(deps, current)));
    }),
  );
  return c.json(
    { ...toProduct(product, originOf(c)), ...stage.report() },
    200,
    versionHeaders(product.version),
  );
};

function requireImage(product: ProductRow, imageId: string) {
  const image = storedImages(product).find((stored) => stored.id === imageId);
  if (!image) throw imageNotFound(imageId);
  return image;
}

export const update: AppRouteHandler<typeof routes.updateImage> = async (c) => {
  const { id, image_id: imageId } = c.req.valid("param");
  const values = c.req.valid("json");
  const deps = writeDeps(c);
  const product = await writeOnCurrent(deps, id, async (current) => {
    const image = requireImage(current, imageId);
    // A patch that changes nothing (`{}`, or the values the image has) is a no-op, as for the
    // product: the product as it is, version and ETag kept (If-Match was checked on the read).
    const changes =
      (values.alt !== undefined && values.alt !== image.alt) ||
      (values.position !== undefined && values.position !== image.position);
    if (!changes) return current;
    return attempt(await repo.updateImage(deps.db, imageId, values, change(deps, current)));
  });
  return answer(c, product);
};

export const remove: AppRouteHandler<typeof routes.deleteImage> = async (c) => {
  const { id, image_id: imageId } = c.req.valid("param");
  const deps = writeDeps(c);
  const product = await writeOnCurrent(deps, id, async (current) => {
    requireImage(current, imageId);
    return attempt(await repo.deleteImage(deps.db, imageId, change(deps, current)));
  });
  await deps.images.delete(repo.imageKey(product.orgId, product.id, imageId));
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
  const image = await repo.findImageById(c.get("db"), imageId);
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
