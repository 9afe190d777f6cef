import { beforeAll, describe, expect, it } from "vitest";
import { bytesOf, IMAGES } from "../fixtures/images";
import { admin, api, createProduct, expectError, expectFailures, publishableKey, tenant } from "../helpers";

// Each describe uses origins of its own: an isolate remembers what it learnt of an origin.
const SHOP = "https://shop.cors.test";
const LOCAL = "http://localhost:8788";
const OTHER_SHOP = "https://other-shop.cors.test";
const STRANGER = "https://stranger.cors.test";

const preflight = (
  path: string,
  origin: string,
  requestHeaders = "authorization, accept-language, if-none-match",
) =>
  api(path, {
    method: "OPTIONS",
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": "GET",
      "Access-Control-Request-Headers": requestHeaders,
    },
  });

const headerList = (response: Response, name: string) =>
  (response.headers.get(name) ?? "").split(",").map((value) => value.trim().toLowerCase());

describe("CORS on the storefront", () => {
  let pk: string;
  let otherPk: string;
  let productId: string;

  beforeAll(async () => {
    const shop = await tenant();
    pk = await publishableKey(shop.orgId, [SHOP, LOCAL]);
    productId = (await createProduct(shop.key, { name: "Lamp" })).id;
    const other = await tenant();
    otherPk = await publishableKey(other.orgId, [OTHER_SHOP]);
  });

  it("answers a preflight for an origin some publishable key allows", async () => {
    for (const origin of [SHOP, LOCAL, OTHER_SHOP]) {
      const response = await preflight(`/v1/storefront/products/${productId}`, origin);
      expect(response.status).toBe(204);
      expect(response.headers.get("Access-Control-Allow-Origin")).toBe(origin);
      expect(headerList(response, "Access-Control-Allow-Headers")).toEqual(
        expect.arrayContaining(["authorization", "accept-language", "if-none-match"]),
      );
      expect(headerList(response, "Access-Control-Allow-Methods")).toEqual(expect.arrayContaining(["get"]));
      expect(response.headers.get("Access-Control-Max-Age")).toBe("600");
      expect(headerList(response, "Vary")).toContain("origin");
      expect(response.headers.get("Access-Control-Allow-Credentials")).toBeNull();
    }
  });

  it("gives no CORS headers to an origin no key allows, nor to a look-alike of one", async () => {
    for (const origin of [STRANGER, `${SHOP}:8443`, "http://shop.cors.test", "null", `${SHOP}.evil.test`]) {
      const response = await preflight("/v1/storefront/products", origin);
      expect(response.headers.get("Access-Control-Allow-Origin"), origin).toBeNull();
    }
  });

  it("echoes the allowed origin on the request itself and exposes the caching headers", async () => {
    const response = await api(`/v1/storefront/products/${productId}`, {
      key: pk,
      headers: { Origin: SHOP },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(SHOP);
    expect(response.headers.get("Access-Control-Allow-Credentials")).toBeNull();
    expect(headerList(response, "Access-Control-Expose-Headers")).toEqual(
      expect.arrayContaining(["etag", "content-language", "request-id"]),
    );
    expect(headerList(response, "Vary")).toEqual(expect.arrayContaining(["origin", "accept-language"]));
    // And on a 304.
    const etag = response.headers.get("ETag") as string;
    const again = await api(`/v1/storefront/products/${productId}`, {
      key: pk,
      headers: { Origin: SHOP, "If-None-Match": etag },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get("Access-Control-Allow-Origin")).toBe(SHOP);
  });

  it("checks the request against its own key's origins", async () => {
    // OTHER_SHOP is allowed by another org's key, so a browser may read the refusal.
    const refused = await api("/v1/storefront/products", { key: pk, headers: { Origin: OTHER_SHOP } });
    const body = await expectError(refused, 403, "forbidden");
    expect(body.message).toContain(OTHER_SHOP);
    expect(refused.headers.get("Access-Control-Allow-Origin")).toBe(OTHER_SHOP);

    const stranger = await api("/v1/storefront/products", { key: pk, headers: { Origin: STRANGER } });
    await expectError(stranger, 403, "forbidden");
    expect(stranger.headers.get("Access-Control-Allow-Origin")).toBeNull();

    expect(
      (await api("/v1/storefront/products", { key: otherPk, headers: { Origin: OTHER_SHOP } })).status,
    ).toBe(200);
    // Without Origin (a server, curl, the API's own pages) there is nothing to check.
    expect((await api("/v1/storefront/products", { key: pk })).status).toBe(200);
  });

  it("refuses a secret key used from a browser page", async () => {
    const shop = await tenant();
    const response = await api("/v1/storefront/products", { key: shop.key, headers: { Origin: SHOP } });
    const body = await expectError(response, 403, "forbidden");
    expect(body.message).toMatch(/secret key/);
  });

  it("lets a browser read errors: CORS headers on 401 and 404 too", async () => {
    const unauthorized = await api("/v1/storefront/products", { key: "pk_nope", headers: { Origin: SHOP } });
    await expectError(unauthorized, 401, "unauthorized");
    expect(unauthorized.headers.get("Access-Control-Allow-Origin")).toBe(SHOP);
    const missing = await api("/v1/storefront/products/no-such-slug", { key: pk, headers: { Origin: SHOP } });
    await expectError(missing, 404, "not_found");
    expect(missing.headers.get("Access-Control-Allow-Origin")).toBe(SHOP);
  });

  it("gives no CORS headers on the products API", async () => {
    const shop = await tenant();
    const response = await api("/v1/products", { key: shop.key, headers: { Origin: SHOP } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const options = await preflight("/v1/products", SHOP);
    expect(options.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});

describe("CORS on images", () => {
  const ORIGIN = "https://images.cors.test";
  let imageUrl: string;

  beforeAll(async () => {
    const shop = await tenant();
    await publishableKey(shop.orgId, [ORIGIN]);
    const product = await createProduct(shop.key, { name: "Vase" });
    const upload = await api(`/v1/products/${product.id}/images`, {
      method: "POST",
      key: shop.key,
      body: bytesOf(IMAGES.png),
      headers: { "Content-Type": "image/png" },
    });
    const images = ((await upload.json()) as { images: { id: string }[] }).images;
    imageUrl = `/images/${images[0]?.id}`;
  });

  it("echoes an allowed origin on GET, HEAD and a Range preflight, with Vary: Origin", async () => {
    const get = await api(imageUrl, { headers: { Origin: ORIGIN } });
    expect(get.status).toBe(200);
    expect(get.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    expect(headerList(get, "Vary")).toContain("origin");
    expect(headerList(get, "Access-Control-Expose-Headers")).toEqual(
      expect.arrayContaining(["etag", "content-range", "accept-ranges"]),
    );
    const head = await api(imageUrl, { method: "HEAD", headers: { Origin: ORIGIN } });
    expect(head.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    const options = await preflight(imageUrl, ORIGIN, "range");
    expect(options.status).toBe(204);
    expect(options.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    expect(headerList(options, "Access-Control-Allow-Headers")).toContain("range");
  });

  it("gives an unknown origin the bytes but no CORS headers, and says Vary: Origin without one", async () => {
    const stranger = await api(imageUrl, { headers: { Origin: "https://nobody.cors.test" } });
    expect(stranger.status).toBe(200);
    expect(stranger.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const plain = await api(imageUrl);
    expect(plain.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(headerList(plain, "Vary")).toContain("origin");
  });

  it("stops answering for an origin once its only key is revoked (after the isolate's minute)", async () => {
    const origin = "https://revoked.cors.test";
    const shop = await tenant();
    const created = await admin("/api_keys", {
      method: "POST",
      body: {
        name: "revoked",
        org_ids: [shop.orgId],
        type: "publishable",
        scopes: ["storefront.read"],
        allowed_origins: [origin],
      },
    });
    const key = (await created.json()) as { id: string; key: string };
    expect((await admin(`/api_keys/${key.id}`, { method: "DELETE" })).status).toBe(200);
    // Never asked before the revocation, so nothing remembered: no CORS headers.
    const response = await preflight("/v1/storefront/products", origin);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});

describe("allowed_origins", () => {
  const body = (orgId: string, origins: string[]) => ({
    method: "POST",
    body: {
      name: "shop",
      org_ids: [orgId],
      type: "publishable",
      scopes: ["storefront.read"],
      allowed_origins: origins,
    },
  });

  it("takes up to 50 origins (stored once each) and refuses 51", async () => {
    const shop = await tenant();
    const fifty = Array.from({ length: 50 }, (_, index) => `https://shop${index}.limit.test`);
    const created = await admin("/api_keys", body(shop.orgId, [...fifty.slice(0, 49), fifty[0] as string]));
    expect(created.status).toBe(201);
    expect(((await created.json()) as { allowed_origins: string[] }).allowed_origins).toEqual(
      fifty.slice(0, 49),
    );
    expect((await admin("/api_keys", body(shop.orgId, fifty))).status).toBe(201);
    await expectFailures(
      await admin("/api_keys", body(shop.orgId, [...fifty, "https://one-more.limit.test"])),
      ["allowed_origins"],
    );
    // Every one of them answers a preflight; the refused 51st does not.
    expect(
      (await preflight("/v1/storefront/products", fifty[49] as string)).headers.get(
        "Access-Control-Allow-Origin",
      ),
    ).toBe(fifty[49]);
    expect(
      (await preflight("/v1/storefront/products", "https://one-more.limit.test")).headers.get(
        "Access-Control-Allow-Origin",
      ),
    ).toBeNull();
  });
});
