import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesOf, IMAGES } from "../fixtures/images";
import {
  api,
  createKey,
  createProduct,
  type Image,
  type ProductWithImages as Product,
  publishableKey,
  sha256Hex,
  sharedTenant,
} from "../helpers";

/**
 * An image's `width` and `height` are its size as shown: a photo stored 64 × 48 with EXIF
 * orientation 6 (a quarter turn clockwise) is 48 × 64, and says `orientation: 6`. Real files
 * (test/fixtures/images.ts), through HTTP: an upload, `image_urls`, the product as read, the
 * storefront and the events.
 */

const main = sharedTenant();
let storefrontKey: string;
beforeAll(async () => {
  storefrontKey = await publishableKey(main.orgId);
});

/** Each fixture, its type, the orientation it has, and the size it is shown at. */
const ORIENTED = [
  ["jpegOrientation1", "image/jpeg", "/jpeg-orientation-1", 1, 64, 48],
  ["jpegOrientation3", "image/jpeg", "/jpeg-orientation-3", 3, 64, 48],
  ["jpegOrientation6", "image/jpeg", "/jpeg-orientation-6", 6, 48, 64],
  ["jpegOrientation8", "image/jpeg", "/jpeg-orientation-8", 8, 48, 64],
  ["jpegOrientation6BigEndian", "image/jpeg", "/jpeg-orientation-6-mm", 6, 48, 64],
  ["pngOrientation6", "image/png", "/png-orientation-6", 6, 48, 64],
] as const;

const shown = (orientation: number, width: number, height: number) => ({ width, height, orientation });

async function read(productId: string): Promise<Product> {
  const response = await api(`/v1/products/${productId}`, { key: main.key });
  expect(response.status).toBe(200);
  return (await response.json()) as Product;
}

async function storefrontImages(productId: string): Promise<Record<string, unknown>[]> {
  const response = await api(`/v1/storefront/products/${productId}`, { key: storefrontKey });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return (JSON.parse(text) as { images: Record<string, unknown>[] }).images;
}

describe("an uploaded image", () => {
  it.each(ORIENTED)(
    "%s (%s): orientation, width and height in the answer, the product and the storefront; the bytes kept",
    async (name, type, _path, orientation, width, height) => {
      const created = await createProduct<Product>(main.key, { name: `Photo ${name}` });
      const bytes = bytesOf(IMAGES[name]);
      const response = await api(`/v1/products/${created.id}/images`, {
        method: "POST",
        key: main.key,
        body: bytes,
        headers: { "Content-Type": type },
      });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      const [image] = (JSON.parse(text) as Product).images as [Image];
      expect(image).toEqual({
        id: image.id,
        object: "image",
        url: image.url,
        source_url: null,
        content_type: type,
        size_bytes: bytes.length,
        width,
        height,
        orientation,
        sha256: await sha256Hex(bytes),
        alt: null,
        position: 0,
        created_at: image.created_at,
      });
      expect((await read(created.id)).images).toEqual([image]);
      const [public_] = (await storefrontImages(created.id)) as [Record<string, unknown>];
      expect(public_).toMatchObject({ id: image.id, ...shown(orientation, width, height) });
      // The bytes are kept as sent, EXIF and all: the browser turns them, as the numbers say.
      const served = await api(`/images/${image.id}`);
      expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);
    },
  );

  it("a WebP's EXIF orientation is not applied (browsers ignore it): orientation 1, the stored size", async () => {
    const created = await createProduct<Product>(main.key, { name: "WebP photo" });
    const response = await api(`/v1/products/${created.id}/images`, {
      method: "POST",
      key: main.key,
      body: bytesOf(IMAGES.webpOrientation6),
      headers: { "Content-Type": "image/webp" },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Product).images[0]).toMatchObject(shown(1, 64, 48));
  });

  it("images without EXIF are orientation 1", async () => {
    const created = await createProduct<Product>(main.key, { name: "Plain" });
    for (const [name, type] of [
      ["png", "image/png"],
      ["jpeg", "image/jpeg"],
      ["gif", "image/gif"],
      ["avif", "image/avif"],
    ] as const) {
      const response = await api(`/v1/products/${created.id}/images`, {
        method: "POST",
        key: main.key,
        body: bytesOf(IMAGES[name]),
        headers: { "Content-Type": type },
      });
      expect(response.status).toBe(200);
    }
    const images = (await read(created.id)).images;
    expect(images.map((image) => [image.content_type, image.width, image.height, image.orientation])).toEqual(
      [
        ["image/png", 7, 5, 1],
        ["image/jpeg", 7, 5, 1],
        ["image/gif", 7, 5, 1],
        ["image/avif", 7, 5, 1],
      ],
    );
  });
});

describe("image_urls", () => {
  it("each fetched image is shown by its orientation, on create and in the product and storefront after", async () => {
    const urls = ORIENTED.map(([, , path]) => `https://images.test${path}?t=${Date.now()}`);
    const created = await createProduct<Product>(main.key, { name: "Fetched photos", image_urls: urls });
    expect(created).not.toHaveProperty("image_errors");
    const expected = ORIENTED.map(([, type, , orientation, width, height], index) => ({
      source_url: urls[index],
      content_type: type,
      ...shown(orientation, width, height),
    }));
    expect(created.images).toMatchObject(expected);
    expect((await read(created.id)).images).toEqual(created.images);
    expect(await storefrontImages(created.id)).toMatchObject(
      ORIENTED.map(([, , , orientation, width, height]) => shown(orientation, width, height)),
    );
  });

  it("POST …/images with {image_urls} is read the same way", async () => {
    const created = await createProduct<Product>(main.key, { name: "Added later" });
    const response = await api(`/v1/products/${created.id}/images`, {
      method: "POST",
      key: main.key,
      body: { image_urls: [`https://images.test/jpeg-orientation-8?t=${Date.now()}`] },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Product).images[0]).toMatchObject(shown(8, 48, 64));
  });
});

describe("events", () => {
  it("a product's snapshot in its events shows the orientation", async () => {
    const { key } = await createKey([main.orgId], ["product.edit", "webhook.manage"]);
    const created = await createProduct<Product>(key, {
      name: "Evented photo",
      image_urls: [`https://images.test/jpeg-orientation-6?t=${Date.now()}`],
    });
    const response = await api("/v1/events?type=product.created", { key });
    expect(response.status).toBe(200);
    const events = (await response.json()) as { data: { data: { object: Product } }[] };
    const event = events.data.find((entry) => entry.data.object.id === created.id);
    expect(event?.data.object.images).toEqual(created.images);
    expect(event?.data.object.images[0]).toMatchObject(shown(6, 48, 64));
  });
});

describe("images stored before orientation was kept", () => {
  it("read as orientation 1 with their stored width and height", async () => {
    const created = await createProduct<Product>(main.key, { name: "Old photo" });
    const upload = await api(`/v1/products/${created.id}/images`, {
      method: "POST",
      key: main.key,
      body: bytesOf(IMAGES.jpegOrientation6),
      headers: { "Content-Type": "image/jpeg" },
    });
    const [image] = ((await upload.json()) as Product).images as [Image];
    // What migration 0014 left of such an image: its row at the column's default, 1, with the
    // size stored as the bytes have it, and products.images written without the field.
    await env.DB.batch([
      env.DB.prepare("UPDATE images SET orientation = 1, width = 64, height = 48 WHERE id = ?").bind(
        image.id,
      ),
      env.DB.prepare(
        "UPDATE products SET images = (SELECT json_group_array(json_remove(json_set(value, '$.width', 64, '$.height', 48), '$.orientation')) FROM json_each(images)) WHERE id = ?",
      ).bind(created.id),
    ]);
    const [old] = (await read(created.id)).images as [Image];
    expect(old).toEqual({ ...image, ...shown(1, 64, 48) });
    expect(await storefrontImages(created.id)).toMatchObject([shown(1, 64, 48)]);
  });
});
