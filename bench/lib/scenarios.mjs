// The benchmark's scenarios (bench/run.mjs runs them): the request paths it drives and the fixtures
// they need (rich products, an image, a stock product, a storefront sample), for the Worker and the peer.
import {
  COMMON_TAG,
  RICH_COUNT,
  RICH_LOCALIZATIONS,
  RICH_TAG,
  RICH_VARIANTS,
  richProduct,
  SEARCH_WORD,
} from "./catalog.mjs";
import { PNG } from "./image-origin.mjs";
import { header } from "./load.mjs";

/**
 * @import { ApiEventPage, ApiProduct, ApiProductPage, ApiStorefrontPage, ApiStorefrontProduct } from "../../scripts/local.mjs"
 * @import { Scenario, ScenarioRequest } from "./load.mjs"
 */

/**
 * What the scenarios run against: the seeded ids and the secret key (both stacks), and the Worker's
 * other fixtures (the peer has none of them).
 * @typedef {object} Fixtures
 * @property {string[]} ids
 * @property {string} key
 * @property {string} publishableKey
 * @property {string} url
 * @property {string} imageId
 * @property {string} stockId
 * @property {string[]} imageUrls
 * @property {() => Promise<string[]>} createRich makes the rich products, returns their ids
 */

export const LIST_LIMIT = 20;

/**
 * @param {number} a
 * @param {number} b
 * @returns {number}
 */
export function gcd(a, b) {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * A cursor over `ids` that visits them all in a scattered order (a stride coprime to the length).
 * @template T
 * @param {T[]} ids not empty
 * @param {number} offset
 * @returns {() => T}
 */
export function rotation(ids, offset) {
  let stride = Math.max(1, Math.floor(ids.length * 0.618)) | 1;
  while (gcd(stride, ids.length) !== 1) stride += 2;
  let index = 0;
  return () => /** @type {T} */ (ids[(offset + index++ * stride) % ids.length]);
}

/**
 * Uploads the 7 × 5 PNG once for the image scenario.
 * @param {string} url
 * @param {string} key
 * @param {string} productId
 */
export async function uploadImage(url, key, productId) {
  const response = await fetch(`${url}/v1/products/${productId}/images`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "image/png" },
    body: Buffer.from(PNG, "base64"),
  });
  if (response.status !== 200)
    throw new Error(`image upload answered ${response.status}: ${await response.text()}`);
  // the product, with its only image
  const product = /** @type {ApiProduct} */ (await response.json());
  return /** @type {ApiProduct["images"][number]} */ (product.images[0]).id;
}

/**
 * A product as made by richProduct: every variant with its id, every localization with its slug.
 * @type {(product: ApiProduct | undefined) => product is ApiProduct}
 */
export const isRich = (product) =>
  product?.object === "product" &&
  product.variants?.length === RICH_VARIANTS &&
  product.variants.every((variant) => typeof variant.id === "string") &&
  Object.keys(product.localizations ?? {}).length === RICH_LOCALIZATIONS &&
  Object.values(product.localizations).every((localization) => typeof localization.slug === "string");

/**
 * Creates the rich products through the API, one at a time, each checked; returns their ids.
 * @param {string} url
 * @param {string} key
 */
export async function createRichProducts(url, key) {
  const ids = [];
  for (let index = 0; index < RICH_COUNT; index++) {
    const response = await fetch(`${url}/v1/products`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify(richProduct(index)),
    });
    const text = await response.text();
    /** @type {ApiProduct | undefined} */
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      // reported below
    }
    if (response.status !== 201 || !isRich(body)) {
      throw new Error(
        `rich product ${index + 1}: POST /v1/products → ${response.status}, not 201 with ${RICH_VARIANTS} variants and ${RICH_LOCALIZATIONS} localizations: ${text.slice(0, 400)}`,
      );
    }
    ids.push(body.id);
  }
  return ids;
}

/**
 * The first page of what shoppers see (up to 100 products), each with its storefront ETag.
 * @param {string} url
 * @param {string} publishableKey
 */
export async function storefrontSample(url, publishableKey) {
  const headers = { Authorization: `Bearer ${publishableKey}` };
  const page = /** @type {ApiStorefrontPage} */ (
    await (await fetch(`${url}/v1/storefront/products?limit=100`, { headers })).json()
  );
  if (!Array.isArray(page.data) || page.data.length === 0) throw new Error("the storefront shows no product");
  const sample = [];
  for (const product of page.data) {
    const response = await fetch(`${url}/v1/storefront/products/${product.id}`, { headers });
    await response.arrayBuffer();
    sample.push({ id: product.id, slug: product.slug, etag: response.headers.get("etag") });
  }
  return sample;
}

/**
 * The product the adjustment scenarios change: stock tracked per product, backorders allowed.
 * @param {string} url
 * @param {string} key
 */
export async function createStockProduct(url, key) {
  const response = await fetch(`${url}/v1/products`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      name: "Benchmark stock",
      inventory: { tracking: "product", quantity: 0, allow_backorder: true },
    }),
  });
  if (response.status !== 201)
    throw new Error(`creating the stock product: ${response.status} ${await response.text()}`);
  return /** @type {ApiProduct} */ (await response.json()).id;
}

/**
 * @param {"worker" | "peer"} stack
 * @param {Pick<Fixtures, "ids" | "key"> & Partial<Fixtures>} fixtures all of them for the Worker
 * @returns {Scenario[]}
 */
export function scenarios(stack, { ids, key, publishableKey, url, imageId, stockId, imageUrls, createRich }) {
  const auth = { Authorization: `Bearer ${key}` };
  const nextGet = rotation(ids, 0);
  /** @param {ApiProductPage} body */
  const isPage = (body) => body.object === "list" && Array.isArray(body.data);
  /** @type {Scenario[]} */
  const list = [
    { name: "health", path: "/health", noDb: true },
    {
      name: "get-by-id",
      path: `/v1/products/${ids[0]}`,
      label: "/v1/products/{id}",
      headers: auth,
      setup: (req) => ({ ...req, path: `/v1/products/${nextGet()}` }),
      expect: /** @param {ApiProduct} body */ (body) => body.object === "product" && ids.includes(body.id),
    },
    {
      name: "list",
      path: `/v1/products?limit=${LIST_LIMIT}`,
      headers: auth,
      expect: /** @param {ApiProductPage} body */ (body) =>
        isPage(body) && body.data.length === LIST_LIMIT && body.has_more === true,
    },
  ];
  if (stack === "peer") return list;

  const nextPatch = rotation(ids, Math.floor(ids.length / 2));
  /** @type {string[]} */
  let richIds = [];
  /** @type {() => string} */
  let nextRich;
  /** @type {Map<string, number>} product id → its last seen version */
  const versions = new Map();
  let created = 0;
  let patched = 0;
  let replaced = 0;
  /** @type {() => number} */
  let nextRichIndex;
  // imageUrls: fetched by the Worker into R2; every one must become an image, none may fail
  /**
   * @param {string} name
   * @param {{ idempotent?: boolean, imageUrls?: string[] }} [options]
   * @returns {Scenario}
   */
  const create = (name, { idempotent = false, imageUrls } = {}) => ({
    name,
    method: "POST",
    path: "/v1/products",
    label: idempotent
      ? "/v1/products (Idempotency-Key)"
      : imageUrls
        ? `/v1/products (${imageUrls.length} image_urls)`
        : undefined,
    headers: { ...auth, "Content-Type": "application/json" },
    probeStatus: 201,
    setup: (req) => ({
      ...req,
      headers: idempotent
        ? { ...req.headers, "Idempotency-Key": `bench-${process.pid}-${created + 1}` }
        : req.headers,
      body: JSON.stringify({
        name: `Benchmark item ${++created}`,
        prices: [
          { currency: "EUR", amount: 1299 },
          { currency: "USD", amount: 1499 },
        ],
        image_urls: imageUrls,
      }),
    }),
    expect: /** @param {ApiProduct} body */ (body) =>
      body.object === "product" &&
      body.version === 1 &&
      (imageUrls === undefined ||
        (!("failed_image_urls" in body) &&
          body.images?.length === imageUrls.length &&
          body.images.every((image) => image.content_type === "image/png"))),
    // under load, a 201 that lists failed image URLs counts as an error
    bodyOk: imageUrls === undefined ? undefined : (body) => !body.includes('"failed_image_urls"'),
  });
  let adjusted = 0;
  // one product with its own stock (backorders allowed), +1 at a time
  /**
   * @param {string} name
   * @param {{ idempotent?: boolean }} options
   * @returns {Scenario}
   */
  const adjust = (name, { idempotent = false }) => ({
    name,
    method: "POST",
    path: `/v1/products/${stockId}/inventory_adjustments`,
    label: `/v1/products/{id}/inventory_adjustments${idempotent ? " (Idempotency-Key)" : ""}`,
    headers: { ...auth, "Content-Type": "application/json" },
    setup: (req) => ({
      ...req,
      headers: idempotent
        ? { ...req.headers, "Idempotency-Key": `bench-${process.pid}-adjust-${++adjusted}` }
        : req.headers,
      body: JSON.stringify({ delta: 1 }),
    }),
    expect: /** @param {ApiProduct} body */ (body) => body.object === "product" && body.id === stockId,
  });
  list.push(
    {
      name: "list-filtered",
      path: `/v1/products?status=active&tag=${COMMON_TAG}`,
      headers: auth,
      expect: /** @param {ApiProductPage} body */ (body) =>
        isPage(body) &&
        body.data.length === LIST_LIMIT &&
        body.data.every((product) => product.status === "active" && product.tags.includes(COMMON_TAG)),
    },
    {
      name: "search",
      path: `/v1/products?q=${SEARCH_WORD}`,
      headers: auth,
      expect: /** @param {ApiProductPage} body */ (body) =>
        isPage(body) &&
        body.data.length > 0 &&
        body.data.every((product) => product.name.toLowerCase().includes(SEARCH_WORD)),
    },
    {
      name: "events-list",
      path: `/v1/events?limit=${LIST_LIMIT}`,
      headers: auth,
      // the seeder leaves no events: the stock product's adjustments (the scenarios above, or made
      // here when bench:profile runs this one alone) write a product.updated event each
      prepare: async () => {
        const page = await fetch(`${url}/v1/events?limit=${LIST_LIMIT + 1}`, { headers: auth });
        if (page.status !== 200) throw new Error(`GET /v1/events for events-list: ${page.status}`);
        const { data } = /** @type {ApiEventPage} */ (await page.json());
        for (let count = data.length; count <= LIST_LIMIT; count++) {
          const made = await fetch(`${url}/v1/products/${stockId}/inventory_adjustments`, {
            method: "POST",
            headers: { ...auth, "Content-Type": "application/json" },
            body: JSON.stringify({ delta: 1 }),
          });
          if (made.status !== 200) throw new Error(`inventory adjustment for events-list: ${made.status}`);
        }
      },
      expect: /** @param {ApiEventPage} body */ (body) =>
        body.object === "list" && body.data.length === LIST_LIMIT && body.has_more === true,
    },
    { name: "image", path: `/images/${imageId}`, label: "/images/{id}" },
    ...storefrontScenarios(/** @type {string} */ (url), /** @type {string} */ (publishableKey)),
    {
      name: "get-rich",
      label: "/v1/products/{rich id}",
      headers: auth,
      // made only now: being the newest products, they would otherwise be the page of `list` above
      prepare: async () => {
        richIds = await /** @type {Fixtures["createRich"]} */ (createRich)();
        nextRich = rotation(richIds, 0);
        nextRichIndex = rotation(
          richIds.map((_, index) => index),
          0,
        );
      },
      setup: (req) => ({ ...req, path: `/v1/products/${nextRich()}` }),
      expect: /** @param {ApiProduct} body */ (body) => isRich(body) && richIds.includes(body.id),
    },
    {
      name: "list-rich",
      path: `/v1/products?tag=${RICH_TAG}&limit=${RICH_COUNT}`,
      headers: auth,
      expect: /** @param {ApiProductPage} body */ (body) =>
        isPage(body) &&
        body.data.length === RICH_COUNT &&
        body.data.every((product) => product.variants?.length === RICH_VARIANTS),
    },
    create("create", {}),
    // the same create with an Idempotency-Key: the middleware's cost (KV get and put, D1 claim)
    create("create-keyed", { idempotent: true }),
    adjust("adjust", {}),
    // with an Idempotency-Key: the claim, and the record that makes the adjustment apply once
    adjust("adjust-keyed", { idempotent: true }),
    {
      name: "patch",
      method: "PATCH",
      path: `/v1/products/${ids[0]}`,
      label: "/v1/products/{id} (If-Match)",
      headers: { ...auth, "Content-Type": "application/merge-patch+json" },
      // a 412 (someone else's write got there first) is counted apart, not as an error
      softStatuses: [412],
      setup: (req, context) => {
        const id = nextPatch();
        context.id = id;
        return {
          ...req,
          path: `/v1/products/${id}`,
          headers: { ...req.headers, "If-Match": `"${versions.get(id) ?? 1}"` },
          body: JSON.stringify({ description: `Patched by the benchmark, round ${++patched}.` }),
        };
      },
      onResponse: (_status, headers, context) => {
        const version = /"(\d+)"/.exec(header(headers, "etag") ?? "")?.[1];
        if (version && context.id) versions.set(/** @type {string} */ (context.id), Number(version));
      },
      expect: /** @param {ApiProduct} body */ (body) => body.object === "product" && body.version >= 2,
    },
    {
      // a full replace of a rich product (50 variants, 10 locales) as a sync job sends it: every
      // field as created (no slugs, so they are picked again), the description new; If-Match as for
      // patch
      name: "put-rich",
      method: "PUT",
      path: "/v1/products/{rich id}",
      label: "/v1/products/{rich id} (If-Match)",
      headers: { ...auth, "Content-Type": "application/json" },
      softStatuses: [412],
      setup: (req, context) => {
        const index = nextRichIndex();
        const id = /** @type {string} */ (richIds[index]);
        context.id = id;
        return {
          ...req,
          path: `/v1/products/${id}`,
          headers: { ...req.headers, "If-Match": `"${versions.get(id) ?? 1}"` },
          body: JSON.stringify({
            ...richProduct(index),
            description: `Replaced by the benchmark, round ${++replaced}.`,
          }),
        };
      },
      onResponse: (_status, headers, context) => {
        const version = /"(\d+)"/.exec(header(headers, "etag") ?? "")?.[1];
        if (version && context.id) versions.set(/** @type {string} */ (context.id), Number(version));
      },
      expect: /** @param {ApiProduct} body */ (body) => isRich(body) && body.version >= 2,
    },
    // the same create with 4 image URLs on the local origin: 4 fetches (4 at once), 4 R2 puts, 4 image
    // rows; last, so that its R2 and origin traffic does not run into the scenarios measured before it
    create("create-4-images", { imageUrls }),
  );
  return list;
}

/**
 * What a browser asks of the storefront: a product (fresh, by its slug, and again with its ETag) and
 * a page in German.
 * @param {string} url
 * @param {string} publishableKey
 * @returns {Scenario[]}
 */
export function storefrontScenarios(url, publishableKey) {
  const auth = { Authorization: `Bearer ${publishableKey}` };
  /** @type {Awaited<ReturnType<typeof storefrontSample>>} */
  let sample = [];
  /** @type {() => (typeof sample)[number]} */
  let next;
  /** @param {ScenarioRequest} req */
  const product = (req) => {
    const item = next();
    return { item, req: { ...req, path: `/v1/storefront/products/${item.id}` } };
  };
  // made just before the first of them runs (whichever: bench:profile may run one alone), from the
  // storefront's own first page
  const prepare = async () => {
    if (sample.length > 0) return;
    sample = await storefrontSample(url, publishableKey);
    next = rotation(sample, 0);
  };
  return [
    {
      name: "storefront-get",
      label: "/v1/storefront/products/{id}",
      headers: auth,
      prepare,
      setup: (req) => product(req).req,
      expect: /** @param {ApiStorefrontProduct} body */ (body) =>
        body.object === "product" && sample.some((item) => item.id === body.id),
    },
    {
      name: "storefront-get-slug",
      label: "/v1/storefront/products/{slug}",
      headers: auth,
      prepare,
      setup: (req) => {
        const { item, req: request } = product(req);
        return { ...request, path: `/v1/storefront/products/${item.slug}` };
      },
      expect: /** @param {ApiStorefrontProduct} body */ (body) =>
        body.object === "product" && sample.some((item) => item.id === body.id),
    },
    {
      name: "storefront-get-304",
      label: "/v1/storefront/products/{id} (If-None-Match)",
      headers: auth,
      okStatuses: [304],
      probeStatus: 304,
      prepare,
      setup: (req) => {
        const { item, req: request } = product(req);
        // every storefront product answers with its ETag
        return {
          ...request,
          headers: { ...request.headers, "If-None-Match": /** @type {string} */ (item.etag) },
        };
      },
    },
    {
      name: "storefront-list",
      path: `/v1/storefront/products?limit=${LIST_LIMIT}`,
      label: `/v1/storefront/products?limit=${LIST_LIMIT} (Accept-Language: de)`,
      headers: { ...auth, "Accept-Language": "de-DE, de;q=0.9, en;q=0.5" },
      expect: /** @param {ApiStorefrontPage} body */ (body) =>
        body.object === "list" && body.data.length === LIST_LIMIT && body.has_more === true,
    },
  ];
}
