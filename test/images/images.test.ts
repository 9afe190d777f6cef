import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesOf, IMAGES } from "../fixtures/images";
import {
  api,
  BASE,
  createProduct,
  expectError,
  expectFailures,
  type Image,
  type ProductWithImages as Product,
  sha256Hex,
  sharedTenant,
} from "../helpers";
import { pngVariant } from "../image-origin";

const main = sharedTenant();
const other = sharedTenant();

const upload = (
  productId: string,
  bytes: Uint8Array,
  type: string,
  headers: Record<string, string> = {},
  key = main.key,
) =>
  api(`/v1/products/${productId}/images`, {
    method: "POST",
    key,
    body: bytes,
    headers: { "Content-Type": type, ...headers },
  });

async function product(body: Record<string, unknown> = {}) {
  return createProduct<Product>(main.key, { name: "With images", ...body });
}

async function r2Keys(productId: string) {
  const listed = await env.IMAGES.list({ prefix: `orgs/${main.orgId}/products/${productId}/` });
  return listed.objects.map((object) => object.key);
}

describe("upload", () => {
  it("stores the bytes in R2 under the org and product, and answers the product with the image", async () => {
    const created = await product();
    const bytes = bytesOf(IMAGES.png);
    const response = await upload(created.id, bytes, "image/png");
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(response.headers.get("ETag")).toBe('"2"');
    const updated = JSON.parse(text) as Product;
    expect(updated.version).toBe(2);
    const [image] = updated.images as [Image];
    expect(image).toEqual({
      id: image.id,
      object: "image",
      url: `${BASE}/images/${image.id}`,
      source_url: null,
      content_type: "image/png",
      size_bytes: bytes.length,
      width: 7,
      height: 5,
      orientation: 1,
      sha256: await sha256Hex(bytes),
      alt: null,
      position: 0,
      created_at: image.created_at,
    });
    expect(image.id).toMatch(/^img_[0-9A-Z]{26}$/);
    const key = `orgs/${main.orgId}/products/${created.id}/${image.id}`;
    expect(await r2Keys(created.id)).toEqual([key]);
    const stored = await env.IMAGES.get(key);
    expect(new Uint8Array(await (stored as R2ObjectBody).arrayBuffer())).toEqual(bytes);
    // GET shows the same images.
    const read = (await (await api(`/v1/products/${created.id}`, { key: main.key })).json()) as Product;
    expect(read.images).toEqual(updated.images);
  });

  it.each([
    ["jpeg", "image/jpeg"],
    ["jpegProgressive", "image/jpeg"],
    ["gif", "image/gif"],
    ["webpLossy", "image/webp"],
    ["webpLossless", "image/webp"],
    ["webpAlpha", "image/webp"],
    ["avif", "image/avif"],
  ] as const)("accepts %s as %s with its size", async (name, type) => {
    const created = await product();
    const updated = (await (await upload(created.id, bytesOf(IMAGES[name]), type)).json()) as Product;
    expect(updated.images[0]).toMatchObject({ content_type: type, width: 7, height: 5 });
  });

  it("image/* lets the sniffed type decide; a declared type the bytes contradict is invalid_data", async () => {
    const created = await product();
    const sniffed = (await (await upload(created.id, bytesOf(IMAGES.gif), "image/*")).json()) as Product;
    expect(sniffed.images[0]?.content_type).toBe("image/gif");
    await expectFailures(await upload(created.id, bytesOf(IMAGES.jpeg), "image/png"), ["body"]);
  });

  it("refuses SVG, text and an empty body with invalid_data, another media type with 415, writing nothing", async () => {
    const created = await product();
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="7" height="5"/>');
    await expectFailures(await upload(created.id, svg, "image/svg+xml"), ["body"]);
    await expectFailures(await upload(created.id, new TextEncoder().encode("hello"), "image/png"), ["body"]);
    await expectFailures(await upload(created.id, new Uint8Array(), "image/png"), ["body"]);
    await expectError(
      await upload(created.id, bytesOf(IMAGES.png), "application/octet-stream"),
      415,
      "unsupported_media_type",
    );
    expect(await r2Keys(created.id)).toEqual([]);
    const read = (await (await api(`/v1/products/${created.id}`, { key: main.key })).json()) as Product;
    expect(read).toMatchObject({ version: 1, images: [] });
  });

  it("accepts exactly 10 MiB and refuses 10 MiB + 1 byte with 413", async () => {
    const created = await product();
    const png = bytesOf(IMAGES.png);
    const exact = new Uint8Array(10 * 1024 * 1024);
    exact.set(png);
    const accepted = await upload(created.id, exact, "image/png");
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as Product).images[0]?.size_bytes).toBe(exact.length);
    const over = new Uint8Array(10 * 1024 * 1024 + 1);
    over.set(png);
    over[over.length - 1] = 1;
    await expectError(await upload(created.id, over, "image/png"), 413, "payload_too_large");
    expect(await r2Keys(created.id)).toHaveLength(1);
  });

  it("stores the same bytes once per product", async () => {
    const created = await product();
    const first = (await (await upload(created.id, bytesOf(IMAGES.png), "image/png")).json()) as Product;
    const again = await upload(created.id, bytesOf(IMAGES.png), "image/png");
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    expect(await r2Keys(created.id)).toHaveLength(1);
  });

  it("takes 50 images and refuses the 51st; positions follow the order of adding", async () => {
    const created = await product();
    let last: Product | undefined;
    for (let index = 0; index < 50; index++) {
      const response = await upload(created.id, pngVariant(index), "image/png");
      expect(response.status).toBe(200);
      last = (await response.json()) as Product;
    }
    expect(last?.images.map((image) => image.position)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    await expectFailures(await upload(created.id, pngVariant(50), "image/png"), ["body"]);
    expect(await r2Keys(created.id)).toHaveLength(50);
  });

  it("honours If-Match: a stale one is 412 and nothing is stored", async () => {
    const created = await product();
    await expectError(
      await upload(created.id, bytesOf(IMAGES.png), "image/png", { "If-Match": '"7"' }),
      412,
      "precondition_failure",
    );
    expect(await r2Keys(created.id)).toEqual([]);
    expect((await upload(created.id, bytesOf(IMAGES.png), "image/png", { "If-Match": '"1"' })).status).toBe(
      200,
    );
  });

  it("another org's product is 404, and nothing is stored", async () => {
    const created = await product();
    await expectError(
      await upload(created.id, bytesOf(IMAGES.png), "image/png", {}, other.key),
      404,
      "not_found",
    );
    expect(await r2Keys(created.id)).toEqual([]);
  });

  it("a retried upload with an Idempotency-Key is replayed", async () => {
    const created = await product();
    const headers = { "Idempotency-Key": `upload-${created.id}` };
    const first = await upload(created.id, bytesOf(IMAGES.png), "image/png", headers);
    const again = await upload(created.id, bytesOf(IMAGES.png), "image/png", headers);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.text()).toBe(await first.text());
    // Other bytes under the same key are another request.
    await expectError(
      await upload(created.id, bytesOf(IMAGES.gif), "image/gif", headers),
      422,
      "idempotency_key_reused",
    );
  });
});

describe("GET /images/{id}", () => {
  let image: Image;
  let bytes: Uint8Array;
  beforeAll(async () => {
    const created = await product();
    bytes = bytesOf(IMAGES.jpeg);
    image = ((await (await upload(created.id, bytes, "image/jpeg")).json()) as Product).images[0] as Image;
  });

  const get = (headers: Record<string, string> = {}, method = "GET") =>
    api(`/images/${image.id}`, { method, headers });

  it("streams the bytes without a key, with immutable caching headers", async () => {
    const response = await get();
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("image/jpeg");
    expect(response.headers.get("Content-Length")).toBe(String(bytes.length));
    expect(response.headers.get("ETag")).toBe(`"${image.sha256}"`);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
  });

  it("answers If-None-Match with 304", async () => {
    const response = await get({ "If-None-Match": `"${image.sha256}"` });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe("");
    expect((await get({ "If-None-Match": '"other"' })).status).toBe(200);
  });

  it("answers a Range with 206: first bytes, an open end, a suffix, and an end past the size", async () => {
    const cases: [string, number, number][] = [
      ["bytes=0-3", 0, 3],
      [`bytes=10-`, 10, bytes.length - 1],
      ["bytes=-5", bytes.length - 5, bytes.length - 1],
      [`bytes=${bytes.length - 1}-${bytes.length + 100}`, bytes.length - 1, bytes.length - 1],
    ];
    for (const [range, first, last] of cases) {
      const response = await get({ Range: range });
      expect(response.status, range).toBe(206);
      expect(response.headers.get("Content-Range")).toBe(`bytes ${first}-${last}/${bytes.length}`);
      expect(response.headers.get("Content-Length")).toBe(String(last - first + 1));
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes.slice(first, last + 1));
    }
  });

  it("answers an unsatisfiable Range with 416 and the size", async () => {
    for (const range of [`bytes=${bytes.length}-`, "bytes=-0", "bytes=9-3"]) {
      const response = await get({ Range: range });
      expect(response.status, range).toBe(416);
      expect(response.headers.get("Content-Range")).toBe(`bytes */${bytes.length}`);
    }
  });

  it("ignores a Range it does not serve (several ranges, other units) and sends everything", async () => {
    for (const range of ["bytes=0-1,4-5", "items=0-1"]) {
      const response = await get({ Range: range });
      expect(response.status).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBe(bytes.length);
    }
  });

  it("answers HEAD with the headers and no body", async () => {
    const response = await get({}, "HEAD");
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe(`"${image.sha256}"`);
    expect(await response.text()).toBe("");
  });

  it("an unknown id is 404 in the error shape", async () => {
    await expectError(await api(`/images/img_${"0".repeat(26)}`), 404, "not_found");
  });
});

describe("alt, position and removal", () => {
  it("PATCH sets alt and position; the product's version moves", async () => {
    const created = await product();
    const first = (await (await upload(created.id, pngVariant(1), "image/png")).json()) as Product;
    const image = first.images[0] as Image;
    const response = await api(`/v1/products/${created.id}/images/${image.id}`, {
      method: "PATCH",
      key: main.key,
      body: { alt: "Front view", position: 3 },
    });
    const updated = (await response.json()) as Product;
    expect(response.status).toBe(200);
    expect(updated.version).toBe(3);
    expect(updated.images[0]).toMatchObject({ id: image.id, alt: "Front view", position: 3 });
    await expectFailures(
      await api(`/v1/products/${created.id}/images/${image.id}`, {
        method: "PATCH",
        key: main.key,
        body: { alt: 5, position: -1, size: 1 },
      }),
      ["alt", "position", "size"],
    );
    await expectError(
      await api(`/v1/products/${created.id}/images/img_${"0".repeat(26)}`, {
        method: "PATCH",
        key: main.key,
        body: { alt: "x" },
      }),
      404,
      "not_found",
    );
  });

  it("PATCH of {} or of the values it has changes nothing: 200, the same product, the version kept", async () => {
    const created = await product();
    const first = (await (await upload(created.id, pngVariant(5), "image/png")).json()) as Product;
    const image = first.images[0] as Image;
    const path = `/v1/products/${created.id}/images/${image.id}`;
    const set = await api(path, { method: "PATCH", key: main.key, body: { alt: "Side", position: 2 } });
    const before = (await set.json()) as Product;
    expect(before.version).toBe(3);
    for (const body of [{}, { alt: "Side" }, { position: 2 }, { alt: "Side", position: 2 }]) {
      const response = await api(path, { method: "PATCH", key: main.key, body });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      expect(response.headers.get("ETag")).toBe('"3"');
      expect(JSON.parse(text)).toEqual(before);
    }
    // If-Match still applies to a write that changes nothing.
    await expectError(
      await api(path, { method: "PATCH", key: main.key, body: {}, headers: { "If-Match": '"2"' } }),
      412,
      "precondition_failure",
    );
    const again = await api(path, {
      method: "PATCH",
      key: main.key,
      body: {},
      headers: { "If-Match": '"3"' },
    });
    expect(again.status).toBe(200);
    const read = (await (await api(`/v1/products/${created.id}`, { key: main.key })).json()) as Product;
    expect(read).toEqual(before);
    // A value that differs still changes the image and moves the version.
    const moved = await api(path, { method: "PATCH", key: main.key, body: { alt: null, position: 2 } });
    expect(((await moved.json()) as Product).version).toBe(4);
  });

  it("DELETE removes the row and the R2 object: /images answers 404 at once", async () => {
    const created = await product();
    const first = (await (await upload(created.id, pngVariant(2), "image/png")).json()) as Product;
    const image = first.images[0] as Image;
    await expectError(
      await api(`/v1/products/${created.id}/images/${image.id}`, { method: "DELETE", key: other.key }),
      404,
      "not_found",
    );
    const response = await api(`/v1/products/${created.id}/images/${image.id}`, {
      method: "DELETE",
      key: main.key,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Product).images).toEqual([]);
    expect(await r2Keys(created.id)).toEqual([]);
    await expectError(await api(`/images/${image.id}`), 404, "not_found");
  });

  it("deleting the product deletes its images' rows and R2 objects", async () => {
    const created = await product();
    await upload(created.id, pngVariant(3), "image/png");
    const last = (await (await upload(created.id, pngVariant(4), "image/png")).json()) as Product;
    expect(await r2Keys(created.id)).toHaveLength(2);
    expect((await api(`/v1/products/${created.id}`, { method: "DELETE", key: main.key })).status).toBe(200);
    expect(await r2Keys(created.id)).toEqual([]);
    for (const image of last.images) await expectError(await api(`/images/${image.id}`), 404, "not_found");
  });

  it("PUT and PATCH of the product keep its images", async () => {
    const created = await product();
    const withImage = (await (await upload(created.id, pngVariant(5), "image/png")).json()) as Product;
    const replaced = (await (
      await api(`/v1/products/${created.id}`, { method: "PUT", key: main.key, body: { name: "Replaced" } })
    ).json()) as Product;
    expect(replaced.images).toEqual(withImage.images);
  });
});

describe("concurrency", () => {
  it("10 concurrent uploads of different images all land; 5 of the same bytes land once", async () => {
    const created = await product();
    const distinct = await Promise.all(
      Array.from({ length: 10 }, (_, i) => upload(created.id, pngVariant(100 + i), "image/png")),
    );
    expect(distinct.map((response) => response.status)).toEqual(Array<number>(10).fill(200));
    const same = await Promise.all(
      Array.from({ length: 5 }, () => upload(created.id, pngVariant(200), "image/png")),
    );
    expect(same.map((response) => response.status)).toEqual(Array<number>(5).fill(200));
    const read = (await (await api(`/v1/products/${created.id}`, { key: main.key })).json()) as Product;
    expect(read.images).toHaveLength(11);
    expect(read.version).toBe(12);
    expect(new Set(read.images.map((image) => image.position)).size).toBe(11);
    expect((await r2Keys(created.id)).sort()).toEqual(
      read.images.map((image) => `orgs/${main.orgId}/products/${created.id}/${image.id}`).sort(),
    );
  });
});
