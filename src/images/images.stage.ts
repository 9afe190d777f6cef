import { sha256HexOfBytes } from "../lib/crypto";
import { invalidData } from "../lib/errors";
import { newId } from "../lib/ids";
import { type ProductRow, storedImages } from "../products/products.stored";
import type { WriteDeps } from "../shared/write-deps";
import { type FetchedImage, fetchImage, type ImageError } from "./images.fetch";
import { type ImageRow, imageKey } from "./images.repo";

const MAX_IMAGES_PER_PRODUCT = 50;
/**
 * How many image URLs of one request are fetched at once. With 10 URLs of 10 s each a request
 * fetches for at most 30 s, inside the 60 s an Idempotency-Key claim is held.
 */
const IMAGE_FETCH_CONCURRENCY = 4;

/** What a request adds: the URLs of `image_urls`, or the bytes of an upload. */
export type ImageSource = { urls: readonly string[] } | { upload: FetchedImage };

type Staged = Omit<ImageRow, "position"> & { order: number };

/** `failed_image_urls` and `image_errors`, present only when a URL failed (the contract, Images). */
export type ImageReport = { failed_image_urls?: string[]; image_errors?: ImageError[] };

/**
 * The images one request adds to one product. Their bytes go to R2 first (each as soon as it is
 * fetched, so at most IMAGE_FETCH_CONCURRENCY images are held in memory), then their rows go to
 * D1 in the same batch as the product's write; whatever that write did not keep is deleted from
 * R2 again, so no object outlives a write that did not happen.
 */
export class ImageStage {
  readonly errors: ImageError[] = [];
  /** In R2 (or being put there), waiting for their rows. */
  private readonly staged: Staged[] = [];
  private staging?: Promise<void>;

  constructor(
    private readonly deps: Pick<WriteDeps, "orgId" | "images" | "allowedHosts">,
    private readonly productId: string,
    /** The field a failure names: `image_urls`, or `body` for an upload. */
    private readonly field: string,
  ) {}

  /**
   * The rows to write for `product` (undefined: one being created). The first call fetches and
   * stores `source`, skipping bytes the product already has; later calls (a write that lost a
   * race and runs again) reuse them. Positions follow the product's images in request order.
   */
  async rowsFor(product: ProductRow | undefined, source: ImageSource): Promise<ImageRow[]> {
    const existing = product ? storedImages(product) : [];
    const known = new Set(existing.map((image) => image.sha256));
    this.staging ??= this.stage(source, known);
    await this.staging;
    const fresh = this.staged.filter((image) => !known.has(image.sha256));
    if (fresh.length === 0) return [];
    if (existing.length + fresh.length > MAX_IMAGES_PER_PRODUCT) {
      throw invalidData([
        {
          field: this.field,
          message: `A product has at most ${MAX_IMAGES_PER_PRODUCT} images: it has ${existing.length} and this adds ${fresh.length}.`,
        },
      ]);
    }
    const next = Math.max(-1, ...existing.map((image) => image.position)) + 1;
    return fresh
      .sort((a, b) => a.order - b.order)
      .map(({ order: _, ...image }, index) => ({ ...image, position: next + index }));
  }

  /** Runs the product write; afterwards deletes from R2 every staged image the written product lacks. */
  async write(run: () => Promise<ProductRow>): Promise<ProductRow> {
    let written: ProductRow | undefined;
    try {
      written = await run();
      return written;
    } finally {
      await this.staging?.catch(() => {}); // every put has settled
      const kept = new Set(written ? storedImages(written).map((image) => image.id) : []);
      const stray = this.staged.filter((image) => !kept.has(image.id));
      if (stray.length > 0) await this.deps.images.delete(stray.map((image) => image.r2Key));
    }
  }

  report(): ImageReport {
    if (this.errors.length === 0) return {};
    return { failed_image_urls: this.errors.map((error) => error.url), image_errors: this.errors };
  }

  private async stage(source: ImageSource, known: Set<string>): Promise<void> {
    const put = async (fetched: FetchedImage, order: number, sourceUrl: string | null) => {
      const sha256 = await sha256HexOfBytes(fetched.bytes);
      // The same bytes are stored once per product; of two URLs with the same bytes, the first
      // in the request names the image, whichever arrived first.
      if (known.has(sha256)) return;
      const twin = this.staged.find((image) => image.sha256 === sha256);
      if (twin) {
        if (order < twin.order) Object.assign(twin, { order, sourceUrl });
        return;
      }
      const id = newId("img");
      const r2Key = imageKey(this.deps.orgId, this.productId, id);
      const image: Staged = {
        id,
        orgId: this.deps.orgId,
        productId: this.productId,
        r2Key,
        sourceUrl,
        contentType: fetched.image.contentType,
        sizeBytes: fetched.bytes.byteLength,
        width: fetched.image.width,
        height: fetched.image.height,
        orientation: fetched.image.orientation,
        sha256,
        alt: null,
        createdAt: new Date().toISOString(),
        order,
      };
      this.staged.push(image);
      await this.deps.images.put(r2Key, fetched.bytes, {
        httpMetadata: { contentType: image.contentType },
        sha256,
      });
    };

    if ("upload" in source) return put(source.upload, 0, null);
    const urls = [...new Set(source.urls)];
    let next = 0;
    const worker = async () => {
      for (let order = next++; order < urls.length; order = next++) {
        const url = urls[order] as string;
        const fetched = await fetchImage(url, this.deps.allowedHosts);
        if ("error" in fetched) this.errors.push(fetched.error);
        else await put(fetched, order, url);
      }
    };
    // allSettled: a failed R2 put must not leave the other workers' puts unaccounted for.
    const workers = Array.from({ length: Math.min(IMAGE_FETCH_CONCURRENCY, urls.length) }, worker);
    const failed = (await Promise.allSettled(workers)).find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    this.errors.sort((a, b) => urls.indexOf(a.url) - urls.indexOf(b.url));
  }
}
