import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { sweep } from "../../src/scheduled";
import { bytesOf, IMAGES } from "../fixtures/images";
import {
  api,
  createProduct,
  expectError,
  expectFailures,
  type ProductWithImages as Product,
  sha256Hex,
  sharedTenant,
  tenant,
} from "../helpers";
import { pngVariant } from "../image-origin";

/**
 * `image_urls` through HTTP. Every fetch the Worker makes goes to test/image-origin.ts (Miniflare's
 * outboundService), which serves the fixtures and misbehaves on request, and logs what it was asked.
 */

const main = sharedTenant();

let token = 0;
/** An origin URL unique to the calling test, so that its requests can be told apart in the log. */
function origin(path: string, host = "https://images.test") {
  return `${host}${path}${path.includes("?") ? "&" : "?"}t=${Date.now()}-${token++}`;
}

async function requested(url: string): Promise<number> {
  const log = (await (await fetch("https://images.test/__log")).json()) as { requests: string[] };
  return log.requests.filter((line) => line === `GET ${url}`).length;
}

async function r2Bytes(orgId: string, productId: string, imageId: string) {
  const object = await env.IMAGES.get(`orgs/${orgId}/products/${productId}/${imageId}`);
  return object ? new Uint8Array(await object.arrayBuffer()) : undefined;
}

/** Every R2 key under the org, and every key its D1 image rows name: equal when nothing is stray. */
async function r2AndRows(orgId: string) {
  const listed = await env.IMAGES.list({ prefix: `orgs/${orgId}/` });
  const rows = await env.DB.prepare("SELECT r2_key FROM images WHERE org_id = ? ORDER BY r2_key")
    .bind(orgId)
    .all<{ r2_key: string }>();
  return {
    r2: listed.objects.map((object) => object.key).sort(),
    rows: rows.results.map((row) => row.r2_key),
  };
}

const create = (body: Record<string, unknown>, key = main.key) =>
  createProduct<Product>(key, { name: "Fetched", ...body });

/** What a failed connection says, whatever the runtime said: never its internals. */
const FETCH_FAILED = "The server could not be reached, or the connection failed before a complete answer.";

const errorsOf = (product: Product) => product.image_errors?.map((error) => [error.url, error.key]);

describe("image_urls on create", () => {
  it("fetches every type into R2 with the product's first version, in order, with sniffed type and size", async () => {
    const paths = ["/png", "/jpeg", "/gif", "/webp", "/avif"];
    const urls = paths.map((path) => origin(path));
    const created = await create({ image_urls: urls });
    expect(created.version).toBe(1);
    expect(created).not.toHaveProperty("failed_image_urls");
    expect(created).not.toHaveProperty("image_errors");
    const sources = [IMAGES.png, IMAGES.jpeg, IMAGES.gif, IMAGES.webpLossy, IMAGES.avif].map(bytesOf);
    const types = ["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"];
    expect(created.images).toHaveLength(5);
    for (const [index, image] of created.images.entries()) {
      const source = sources[index] as Uint8Array;
      expect(image).toMatchObject({
        source_url: urls[index],
        content_type: types[index],
        size_bytes: source.length,
        width: 7,
        height: 5,
        sha256: await sha256Hex(source),
        position: index,
      });
      expect(await r2Bytes(main.orgId, created.id, image.id)).toEqual(source);
    }
    const read = (await (await api(`/v1/products/${created.id}`, { key: main.key })).json()) as Product;
    expect(read.images).toEqual(created.images);
    expect(read).not.toHaveProperty("image_errors");
  });

  it("stores the sniffed type, whatever the server declared", async () => {
    const created = await create({ image_urls: [origin("/png?as=image/jpeg")] });
    expect(created.images[0]?.content_type).toBe("image/png");
  });

  it("never fails the request: each failure is listed with its key, in request order", async () => {
    const cases: [string, string][] = [
      [origin("/status/404"), "http_status"],
      [origin("/status/500"), "http_status"],
      [origin("/no-location"), "http_status"],
      [origin("/svg"), "not_an_image"],
      [origin("/text"), "not_an_image"],
      [origin("/empty"), "not_an_image"],
      [origin("/size?bytes=11534336"), "too_large"],
    ];
    const good = origin("/png");
    const created = await create({ image_urls: [...cases.map(([url]) => url), good] });
    expect(created.images.map((image) => image.source_url)).toEqual([good]);
    expect(created.failed_image_urls).toEqual(cases.map(([url]) => url));
    expect(errorsOf(created)).toEqual(cases);
    for (const error of created.image_errors ?? []) expect(error.message.length).toBeGreaterThan(0);
  });

  it.each([
    ["a connection that fails", new TypeError("Network connection lost.")],
    // What workerd throws when the fetch fails inside the runtime: its internals, never for a client.
    [
      "a fetch that fails inside the runtime",
      new Error("internal error; reference = 9p2kcq4kv1sj3hmsl1qa3ibi"),
    ],
  ])("%s is fetch_failed, said in the client's terms", async (_, thrown) => {
    // Miniflare's outbound stub always answers (a stub that throws is a 500), so a failed fetch is
    // one that throws, as workerd's does when a host is unreachable or the runtime fails.
    const unreachable = origin("/png", "https://unreachable.test");
    const realFetch = globalThis.fetch;
    const spy = vi
      .spyOn(globalThis, "fetch")
      .mockImplementation((input, init) =>
        String(input instanceof Request ? input.url : input).startsWith("https://unreachable.test/")
          ? Promise.reject(thrown)
          : realFetch(input, init),
      );
    try {
      const created = await create({ image_urls: [unreachable, origin("/gif")] });
      expect(created.images.map((image) => image.content_type)).toEqual(["image/gif"]);
      expect(created.failed_image_urls).toEqual([unreachable]);
      expect(created.image_errors).toEqual([
        { url: unreachable, key: "fetch_failed", message: FETCH_FAILED },
      ]);
      expect(JSON.stringify(created)).not.toContain(thrown.message);
    } finally {
      spy.mockRestore();
    }
  });

  it("follows 3 redirects and refuses the 4th; a loop is too_many_redirects", async () => {
    const three = origin("/hops/3/png");
    const four = origin("/hops/4/png");
    const loop = origin("/loop");
    const created = await create({ image_urls: [three, four, loop] });
    expect(created.images.map((image) => image.source_url)).toEqual([three]);
    expect(errorsOf(created)).toEqual([
      [four, "too_many_redirects"],
      [loop, "too_many_redirects"],
    ]);
    expect(await requested(four)).toBe(1);
  });

  it("accepts exactly 10 MiB and refuses 10 MiB + 1 byte, by Content-Length and counted while streaming", async () => {
    const size = 10 * 1024 * 1024;
    const exact = origin(`/size?bytes=${size}`);
    const exactDeclared = origin(`/size?bytes=${size}&declared=${size}`);
    const over = origin(`/size?bytes=${size + 1}`);
    // Refused on the header: the body (which would be far longer) is never read.
    const overDeclared = origin(`/size?bytes=${size + 1}&declared=${size + 1}`);
    const created = await create({ image_urls: [exact, exactDeclared, over, overDeclared] });
    expect(created.images.map((image) => [image.source_url, image.size_bytes])).toEqual([[exact, size]]);
    // The two exact ones are the same bytes, stored once.
    expect(await requested(exactDeclared)).toBe(1);
    expect(errorsOf(created)).toEqual([
      [over, "too_large"],
      [overDeclared, "too_large"],
    ]);
    expect(created.image_errors?.[1]?.message).toContain("Content-Length");
  });

  it("a Content-Length that understates the body ends the body there: no more is read", async () => {
    const lying = origin(`/size?bytes=${11 * 1024 * 1024}&declared=1000`);
    const created = await create({ image_urls: [lying] });
    expect(created.images.map((image) => [image.source_url, image.size_bytes])).toEqual([[lying, 1000]]);
    const stored = await r2Bytes(main.orgId, created.id, created.images[0]?.id as string);
    expect(stored?.length).toBe(1000);
  });

  it("refuses unsafe URLs before any connection, and a redirect to one", async () => {
    const blocked = [
      "http://images.test/png",
      "https://user:secret@images.test/png",
      "https://images.test:8443/png",
      "https://127.0.0.1/png",
      "https://0x7f.1/png",
      "https://[::ffff:127.0.0.1]/png",
      "https://169.254.169.254/latest/meta-data",
      "https://localhost/png",
      "https://shop.localhost/png",
      "https://printer.local/png",
    ];
    const created = await create({ image_urls: blocked });
    expect(created.images).toEqual([]);
    expect(errorsOf(created)).toEqual(blocked.map((url) => [url, "blocked_url"]));
    const redirected = origin(`/redirect?to=${encodeURIComponent("http://127.0.0.1/png")}`);
    const more = ["https://db.internal/png", "not a url", "ftp://images.test/png", redirected];
    const second = await create({ image_urls: more });
    expect(errorsOf(second)).toEqual(more.map((url) => [url, "blocked_url"]));
    const log = (await (await fetch("https://images.test/__log")).json()) as { requests: string[] };
    const hosts = log.requests.map((line) => new URL(line.split(" ")[1] as string).hostname);
    for (const host of ["127.0.0.1", "169.254.169.254", "localhost", "db.internal"])
      expect(hosts).not.toContain(host);
    expect(log.requests).not.toContain("GET http://images.test/png");
    expect(await requested(redirected)).toBe(1);
  });

  it("refuses trailing-dot names, IPv4-translated and Teredo literals, and a redirect to one", async () => {
    const redirected = origin(`/redirect?to=${encodeURIComponent("https://localhost../png")}`);
    const blocked = [
      "https://localhost../png",
      "https://db.internal.../png",
      "https://[::ffff:0:7f00:1]/png",
      "https://[::ffff:7f00:1]/png",
      "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/png",
      "https://[64:ff9b:1::7f00:1]/png",
      redirected,
    ];
    const created = await create({ image_urls: blocked });
    expect(created.images).toEqual([]);
    expect(errorsOf(created)).toEqual(blocked.map((url) => [url, "blocked_url"]));
    expect(created.image_errors?.[2]?.message).toBe(
      "The address [::ffff:0:7f00:1] is not public (IPv4-translated).",
    );
    expect(await requested(redirected)).toBe(1);
  });

  it("IMAGE_FETCH_ALLOWED_HOSTS lifts the https, port and private rules for exactly the host:port listed", async () => {
    const allowed = [
      origin("/png?variant=1", "http://allowed.test:8080"),
      origin("/png?variant=2", "http://plain.test"),
    ];
    const refused = [
      origin("/png", "http://allowed.test"),
      origin("/png", "http://plain.test:8080"),
      origin("/png", "http://user:secret@allowed.test:8080"),
    ];
    const notImage = origin("/svg", "http://allowed.test:8080");
    const created = await create({ image_urls: [...allowed, ...refused, notImage] });
    expect(created.images.map((image) => image.source_url)).toEqual(allowed);
    expect(errorsOf(created)).toEqual([
      ...refused.map((url) => [url, "blocked_url"]),
      [notImage, "not_an_image"],
    ]);
  });

  it("gives each URL 10 s, headers and body alike: slow ones are a timeout, the product is written", {
    timeout: 30_000,
  }, async () => {
    const headers = origin("/slow-headers");
    const body = origin("/slow-body");
    const created = await create({ image_urls: [headers, body, origin("/gif")] });
    expect(created.images.map((image) => image.content_type)).toEqual(["image/gif"]);
    expect(errorsOf(created)).toEqual([
      [headers, "timeout"],
      [body, "timeout"],
    ]);
  });

  it("fetches at most 4 URLs at once", async () => {
    const group = `g${Date.now()}`;
    const urls = Array.from({ length: 8 }, (_, index) => origin(`/held?group=${group}&variant=${index}`));
    const created = await create({ image_urls: urls });
    expect(created.images.map((image) => image.source_url)).toEqual(urls);
    const log = (await (await fetch("https://images.test/__log")).json()) as {
      max_in_flight: Record<string, number>;
    };
    expect(log.max_in_flight[group]).toBe(4);
  });

  it("stores the same bytes once: a repeated URL is fetched once, two URLs of one image give one", async () => {
    const url = origin("/jpeg");
    const sameBytes = origin("/hops/1/jpeg");
    const created = await create({ image_urls: [url, url, sameBytes] });
    expect(created.images.map((image) => image.source_url)).toEqual([url]);
    expect(created).not.toHaveProperty("image_errors");
    expect(await requested(url)).toBe(1);
  });

  it("takes 10 URLs and refuses 11 or a bad entry with invalid_data, fetching nothing", async () => {
    const ten = Array.from({ length: 10 }, (_, index) => origin(`/png?variant=${100 + index}`));
    expect((await create({ image_urls: ten })).images).toHaveLength(10);
    const eleven = Array.from({ length: 11 }, (_, index) => origin(`/png?variant=${200 + index}`));
    const post = (body: unknown) => api("/v1/products", { method: "POST", key: main.key, body });
    await expectFailures(await post({ name: "Too many", image_urls: eleven }), ["image_urls"]);
    expect(await requested(eleven[0] as string)).toBe(0);
    const long = `https://images.test/${"a".repeat(2048)}`;
    await expectFailures(await post({ name: "Bad", image_urls: [long, "", 5] }), [
      "image_urls[0]",
      "image_urls[1]",
      "image_urls[2]",
    ]);
    await expectFailures(await post({ name: "Bad", image_urls: "https://images.test/png" }), ["image_urls"]);
    const edge = `https://images.test/${"a".repeat(2048 - "https://images.test/".length)}`;
    const atEdge = await create({ image_urls: [edge] });
    expect(errorsOf(atEdge)).toEqual([[edge, "http_status"]]);
  });

  it("a create that fails after fetching (duplicate sku) leaves nothing in R2", async () => {
    const org = await tenant();
    await create({ sku: "TAKEN" }, org.key);
    const response = await api("/v1/products", {
      method: "POST",
      key: org.key,
      body: { name: "Second", sku: "TAKEN", image_urls: [origin("/png"), origin("/gif")] },
    });
    await expectError(response, 409, "duplicate_sku");
    const { r2, rows } = await r2AndRows(org.orgId);
    expect(r2).toEqual([]);
    expect(rows).toEqual([]);
  });

  it("a keyed retry is replayed with its failures and fetches nothing again", async () => {
    const good = origin("/webp");
    const bad = origin("/status/404");
    const headers = { "Idempotency-Key": `image-urls-${Date.now()}` };
    const body = { name: "Keyed", image_urls: [good, bad] };
    const first = await api("/v1/products", { method: "POST", key: main.key, body, headers });
    const again = await api("/v1/products", { method: "POST", key: main.key, body, headers });
    expect(first.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    const text = await first.text();
    expect(await again.text()).toBe(text);
    expect(errorsOf(JSON.parse(text) as Product)).toEqual([[bad, "http_status"]]);
    expect(await requested(good)).toBe(1);
  });
});

describe("image_urls on PUT and PATCH", () => {
  it("PUT adds to the images (which stay) and bumps the version once", async () => {
    const created = await create({ image_urls: [origin("/png")] });
    const url = origin("/gif");
    const response = await api(`/v1/products/${created.id}`, {
      method: "PUT",
      key: main.key,
      body: { name: "Replaced", image_urls: [url] },
    });
    const replaced = (await response.json()) as Product;
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"2"');
    expect(replaced).toMatchObject({ name: "Replaced", version: 2 });
    expect(replaced.images.map((image) => [image.content_type, image.position])).toEqual([
      ["image/png", 0],
      ["image/gif", 1],
    ]);
  });

  it("PUT with a stale If-Match is 412 and fetches nothing", async () => {
    const created = await create({});
    const url = origin("/png");
    const response = await api(`/v1/products/${created.id}`, {
      method: "PUT",
      key: main.key,
      headers: { "If-Match": '"9"' },
      body: { name: "Late", image_urls: [url] },
    });
    await expectError(response, 412, "precondition_failure");
    expect(await requested(url)).toBe(0);
  });

  it("PATCH adds images; bytes the product has are skipped and a patch that adds nothing keeps the version", async () => {
    const png = origin("/png?variant=7");
    const created = await create({ image_urls: [png] });
    const patch = (body: unknown, headers: Record<string, string> = {}) =>
      api(`/v1/products/${created.id}`, { method: "PATCH", key: main.key, body, headers });
    const added = (await (
      await patch({ image_urls: [origin("/avif")], description: "Two" })
    ).json()) as Product;
    expect(added).toMatchObject({ version: 2, name: "Fetched" });
    expect(added.images.map((image) => image.content_type)).toEqual(["image/png", "image/avif"]);
    const same = await patch({ image_urls: [origin("/png?variant=7")] });
    expect(same.status).toBe(200);
    expect(((await same.json()) as Product).version).toBe(2);
    expect(((await (await patch({ image_urls: null })).json()) as Product).version).toBe(2);
    const failed = (await (await patch({ image_urls: [origin("/status/500")] })).json()) as Product;
    expect(failed.version).toBe(2);
    expect(failed.image_errors?.map((error) => error.key)).toEqual(["http_status"]);
  });

  it("PATCH validates the patch before fetching", async () => {
    const created = await create({});
    const url = origin("/png");
    const response = await api(`/v1/products/${created.id}`, {
      method: "PATCH",
      key: main.key,
      body: { status: "gone", image_urls: [url] },
    });
    await expectFailures(response, ["status"]);
    expect(await requested(url)).toBe(0);
  });

  it("a write that loses its If-Match race while fetching is 412 and leaves nothing in R2", async () => {
    const org = await tenant();
    const created = await create({}, org.key);
    const slow = api(`/v1/products/${created.id}`, {
      method: "PATCH",
      key: org.key,
      headers: { "If-Match": '"1"' },
      body: { image_urls: [origin(`/held?group=race&variant=1`)] },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const rename = await api(`/v1/products/${created.id}`, {
      method: "PATCH",
      key: org.key,
      body: { name: "Renamed meanwhile" },
    });
    expect(rename.status).toBe(200);
    const body = await expectError(await slow, 412, "precondition_failure");
    expect(body).toMatchObject({ current_version: 2 });
    expect(await r2AndRows(org.orgId)).toEqual({ r2: [], rows: [] });
  });

  it("the client can send back what it read, failures included", async () => {
    const created = await create({ image_urls: [origin("/status/404")] });
    const response = await api(`/v1/products/${created.id}`, { method: "PUT", key: main.key, body: created });
    expect(response.status).toBe(200);
  });
});

describe("POST /v1/products/{id}/images with {image_urls}", () => {
  const add = (productId: string, body: unknown, key = main.key, headers: Record<string, string> = {}) =>
    api(`/v1/products/${productId}/images`, { method: "POST", key, body, headers });

  it("adds the images after the product's own and answers the product with the failures", async () => {
    const created = await create({ image_urls: [origin("/png")] });
    const good = origin("/webp");
    const bad = origin("/svg");
    const response = await add(created.id, { image_urls: [good, bad] });
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"2"');
    const product = (await response.json()) as Product;
    expect(product.images.map((image) => [image.source_url, image.position])).toEqual([
      [created.images[0]?.source_url, 0],
      [good, 1],
    ]);
    expect(product.failed_image_urls).toEqual([bad]);
  });

  it("refuses an empty list, a missing or unknown field, bad JSON and other media types", async () => {
    const created = await create({});
    await expectFailures(await add(created.id, { image_urls: [] }), ["image_urls"]);
    await expectFailures(await add(created.id, {}), ["image_urls"]);
    await expectFailures(await add(created.id, { image_urls: [origin("/png")], alt: "x" }), ["alt"]);
    await expectError(
      await api(`/v1/products/${created.id}/images`, { method: "POST", key: main.key, body: "{" }),
      400,
      "invalid_json",
    );
    await expectError(
      await api(`/v1/products/${created.id}/images`, {
        method: "POST",
        key: main.key,
        body: "https://images.test/png",
        headers: { "Content-Type": "text/plain" },
      }),
      415,
      "unsupported_media_type",
    );
  });

  it("another org's product is 404 and nothing is fetched", async () => {
    const created = await create({});
    const other = await tenant();
    const url = origin("/png");
    await expectError(await add(created.id, { image_urls: [url] }, other.key), 404, "not_found");
    expect(await requested(url)).toBe(0);
  });

  it("takes a product to 50 images and refuses to go past, storing nothing", async () => {
    const org = await tenant();
    const created = await create({}, org.key);
    for (let batch = 0; batch < 4; batch++) {
      const urls = Array.from({ length: 10 }, (_, index) =>
        origin(`/png?variant=${1000 + batch * 10 + index}`),
      );
      expect((await add(created.id, { image_urls: urls }, org.key)).status).toBe(200);
    }
    const nine = Array.from({ length: 9 }, (_, index) => origin(`/png?variant=${2000 + index}`));
    const at49 = (await (await add(created.id, { image_urls: nine }, org.key)).json()) as Product;
    expect(at49.images).toHaveLength(49);
    const two = [origin("/png?variant=3000"), origin("/png?variant=3001")];
    const over = await expectFailures(await add(created.id, { image_urls: two }, org.key), ["image_urls"]);
    expect(over.failures?.[0]?.message).toContain("50");
    // A URL of bytes the product has does not count against the limit.
    const last = [origin("/png?variant=3000"), origin(`/png?variant=1000`)];
    const at50 = (await (await add(created.id, { image_urls: last }, org.key)).json()) as Product;
    expect(at50.images).toHaveLength(50);
    const { r2, rows } = await r2AndRows(org.orgId);
    expect(r2).toEqual(rows);
    expect(r2).toHaveLength(50);
  });
});

describe("the hourly sweep", () => {
  it("removes R2 images over an hour old that no row names, and keeps the rest", async () => {
    const created = await create({ image_urls: [origin("/png")] });
    const kept = `orgs/${main.orgId}/products/${created.id}/${created.images[0]?.id}`;
    const stray = `orgs/${main.orgId}/products/${created.id}/img_${"7".repeat(26)}`;
    await env.IMAGES.put(stray, pngVariant(1));
    const inAnHour = Date.now() + 60 * 60 * 1000 - 60_000;
    expect((await sweep(env, inAnHour)).stray_images).toBe(0);
    expect(await env.IMAGES.head(stray)).not.toBeNull();
    const later = Date.now() + 60 * 60 * 1000 + 60_000;
    expect((await sweep(env, later)).stray_images).toBe(1);
    expect(await env.IMAGES.head(stray)).toBeNull();
    expect(await env.IMAGES.head(kept)).not.toBeNull();
  });
});
