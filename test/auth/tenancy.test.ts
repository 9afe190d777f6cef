// The tenancy sweep: for every operation of the OpenAPI document, org A (a secret key with every scope,
// and on the storefront and admin routes its publishable key too) sends requests that name org B's
// resources: B's product ids and slugs, image id, event ids, webhook endpoint id, delivery id, api key
// ids, B's org id in Org-Id, and list filters and cursors that would match B's data. Every answer
// must be the one a nonexistent resource gets, never B's data; afterwards B's data is unchanged.
//
// How an answer is judged ("same as for nothing"): each probe is sent twice, once naming B's real
// values and once naming ghost values of the same shape that exist nowhere. The two answers must have
// the same status and, once B's values are replaced by the ghosts' in the first, the same body (the
// request id aside). A 404 message may echo the id the client sent ("No product with id 'prod_…'"):
// that is the client's own input, and the comparison proves it is no more than an echo (no existence
// oracle either: B's id and an unknown id are answered alike). Then neither body may contain any of
// B's strings (ids, names, slugs, sku, gtin, tags, secrets, urls, key ids, …). A create that names
// B's values in its own body (per-org uniqueness) answers 201 in A's org, and may contain only those
// of B's strings that A itself sent.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesOf, IMAGES } from "../fixtures/images";
import { admin, api, createKey, createOrg } from "../helpers";
import { pngVariant } from "../image-origin";

const ALL_SCOPES = ["product.read", "product.edit", "webhook.manage"];
const RECEIVER = "http://allowed.test:8080/hooks/ok";
const A_ORIGIN = "https://shop-a.test";
const B_ORIGIN = "https://shop-b.test";
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const PROBE_NAME = `tenancy-probe-${crypto.randomUUID()}`;

type Json = Record<string, unknown>;
type Doc = { paths: Record<string, Record<string, unknown>> };

/**
 * The api limit is 100 requests per key per 10 s window (clock-aligned): a ring hands out one key
 * for at most 80 requests, then a fresh key of the same org and kind (admin API, 1000 per 10 s here).
 */
class KeyRing {
  private key = "";
  private uses = Number.POSITIVE_INFINITY;
  constructor(private readonly make: () => Promise<string>) {}
  async take(): Promise<string> {
    if (this.uses >= 80) {
      this.key = await this.make();
      this.uses = 0;
    }
    this.uses += 1;
    return this.key;
  }
}

async function publishable(orgId: string, origin: string): Promise<{ id: string; key: string }> {
  const response = await admin("/api_keys", {
    method: "POST",
    body: {
      name: "tenancy storefront",
      org_ids: [orgId],
      type: "publishable",
      scopes: ["storefront.read"],
      allowed_origins: [origin],
    },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; key: string };
}

const randomText = (length: number, alphabet: string) =>
  [...crypto.getRandomValues(new Uint8Array(length))]
    .map((byte) => alphabet[byte % alphabet.length])
    .join("");
const lowerRandom = () => randomText(8, "abcdefghijklmnopqrstuvwxyz0123456789");

/** An id of the same kind and creation time as `id`, with another random part: it exists nowhere. */
const ghostId = (id: string) => {
  const cut = id.indexOf("_") + 1 + 10;
  return `${id.slice(0, cut)}${randomText(id.length - cut, CROCKFORD)}`;
};

/** A GTIN-13 with a valid GS1 check digit. */
function gtin13(): string {
  const digits = randomText(12, "0123456789").replace(/^0/, "4");
  const sum = [...digits].reduce(
    (total, digit, index) => total + Number(digit) * (index % 2 === 0 ? 1 : 3),
    0,
  );
  return `${digits}${(10 - (sum % 10)) % 10}`;
}

const productCursor = (id: string) => btoa(`i:${id}`).replaceAll("=", "");

/** Everything of B's a request can name; the ghosts have the same keys and shapes. */
type Names = {
  org: string;
  p1: string;
  p2: string;
  p3: string;
  img: string;
  evtFirst: string;
  evtLast: string;
  we: string;
  del: string;
  keyId: string;
  pkId: string;
  slug: string;
  slugDe: string;
  sku: string;
  gtin: string;
  word: string;
  tag: string;
  agent: string;
  url: string;
  createIdem: string;
  patchIdem: string;
  productCursor: string;
  storefrontCursor: string;
};

type Cred = "sk" | "pk" | "none";
type Probe = { method: string; path: string; cred: Cred; headers?: Record<string, string>; body?: unknown };
type Answer = { status: number; text: string; headers: Headers };

// State made in beforeAll.
let B: Names;
let G: Names;
let bOrgName: string;
let bProductBody: Json;
let bPatchBody: Json;
let bEndpointSecret: string;
let bMainKey: string;
let bPk: string;
let bImageEtag: string;
/** Every string of B's that must never reach A. */
let markers: string[];
/** B's ids, for the list checks. */
let bIds: Set<string>;
let A: {
  org: string;
  product: string;
  image: string;
  deletedImage: string;
  event: string;
  we: string;
};
let aSecret: KeyRing;
let aPublishable: KeyRing;
let bSecret: KeyRing;
type Snapshot = Record<string, { status: number; etag: string | null; body: string }>;
let before: Snapshot;

const stats = { requests: 0, byStatus: {} as Record<string, number> };

/** A probe of the sweep (counted in the summary). */
async function send(probe: Probe): Promise<Answer> {
  const headers: Record<string, string> = { ...probe.headers };
  if (probe.cred === "pk") headers.Origin ??= A_ORIGIN;
  const key =
    probe.cred === "sk" ? await aSecret.take() : probe.cred === "pk" ? await aPublishable.take() : null;
  const body = probe.body;
  const response = await api(probe.path, { method: probe.method, headers, body, key, redirect: "manual" });
  const text = await response.text();
  stats.requests += 1;
  stats.byStatus[response.status] = (stats.byStatus[response.status] ?? 0) + 1;
  return { status: response.status, text, headers: response.headers };
}

/** A setup or verification request (not a probe): must answer `status`. */
async function call(
  key: string | null,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  status = 200,
) {
  const response = await api(path, { ...init, key });
  const text = await response.text();
  expect(response.status, `${init.method ?? "GET"} ${path}: ${text}`).toBe(status);
  return { body: (text ? JSON.parse(text) : undefined) as Json, headers: response.headers, text };
}

/** B's values replaced by the ghosts' (longest first, so a slug goes before the word inside it). */
function toGhost(text: string): string {
  const pairs = (Object.keys(B) as (keyof Names)[])
    .map((name) => [B[name], G[name]] as const)
    .sort((x, y) => y[0].length - x[0].length);
  let out = text;
  for (const [real, ghost] of pairs) out = out.replaceAll(real, ghost);
  return out;
}

function normal(text: string): unknown {
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === "object" && "request_id" in body) {
      const { request_id: _requestId, ...rest } = body as Json;
      return rest;
    }
    return body;
  } catch {
    return text;
  }
}

function expectNoMarkers(text: string, where: string, allowed: string[] = []) {
  for (const marker of markers) {
    if (allowed.includes(marker)) continue;
    expect(text.includes(marker), `${where}: the body contains B's '${marker}': ${text.slice(0, 600)}`).toBe(
      false,
    );
  }
}

/** A list answer: no item of B's, every org-owned item A's. */
function expectNoBItems(text: string, where: string) {
  const body = JSON.parse(text) as { object: string; data: Json[] };
  expect(body.object, where).toBe("list");
  for (const item of body.data) {
    expect(bIds.has(String(item.id)), `${where}: lists B's ${String(item.id)}`).toBe(false);
    if ("org_id" in item) expect(item.org_id, where).toBe(A.org);
    const inner = (item.data as { object?: Json } | undefined)?.object;
    if (inner) {
      expect(bIds.has(String(inner.id)), `${where}: lists B's ${String(inner.id)}`).toBe(false);
      expect(inner.org_id, where).toBe(A.org);
    }
    if (typeof item.event_id === "string") expect(bIds.has(item.event_id), where).toBe(false);
  }
}

/** `writesA`: the case creates data of A's that carries B's values A sent (see SWEEP). */
type Case = { op: string; label: string; run: () => Promise<void>; writesA?: boolean };

/**
 * The probe with B's values, then with the ghosts': same status (one of `statuses`), same body once
 * B's values are swapped for the ghosts', and no B string in either.
 */
function same(
  op: string,
  label: string,
  build: (n: Names) => Probe,
  statuses: number[],
  options: { list?: boolean } = {},
): Case {
  return {
    op,
    label,
    run: async () => {
      const real = await send(build(B));
      const ghost = await send(build(G));
      const where = `${op} ${label}`;
      expect(statuses, `${where}: ${real.status} ${real.text}`).toContain(real.status);
      expect(ghost.status, `${where}: B's values answered ${real.status}, unknown ones ${ghost.status}`).toBe(
        real.status,
      );
      const swapped = toGhost(real.text);
      expect(normal(swapped), `${where}: B's values and unknown ones answered differently`).toEqual(
        normal(ghost.text),
      );
      expectNoMarkers(swapped, where);
      expectNoMarkers(ghost.text, `${where} (ghost)`);
      if (options.list && real.status === 200) expectNoBItems(real.text, where);
    },
  };
}

/**
 * A list with a cursor taken from B's listing: it cannot be compared with a ghost cursor (a cursor is a
 * position, and another position may page A's items differently); it must show no B item and no B string.
 */
function cursor(op: string, label: string, build: (n: Names) => Probe, statuses: number[]): Case {
  return {
    op,
    label,
    run: async () => {
      const probe = build(B);
      const answer = await send(probe);
      const where = `${op} ${label}`;
      expect(statuses, `${where}: ${answer.status} ${answer.text}`).toContain(answer.status);
      expectNoMarkers(answer.text, where);
      if (answer.status === 200) expectNoBItems(answer.text, where);
    },
  };
}

/**
 * A create in A's org whose body carries B's values: 201, A's, not B's resource, and only the B
 * strings A sent itself in the body. Then it is deleted (not counted as a probe).
 */
function created(
  op: string,
  label: string,
  build: (n: Names) => Probe,
  check: (body: Json, answer: Answer) => void,
  remove: (body: Json) => string,
): Case {
  return {
    op,
    label,
    writesA: true,
    run: async () => {
      const probe = build(B);
      const answer = await send(probe);
      const where = `${op} ${label}`;
      expect(answer.status, `${where}: ${answer.text}`).toBe(201);
      const sent = JSON.stringify(probe);
      expectNoMarkers(
        answer.text,
        where,
        markers.filter((marker) => sent.includes(marker)),
      );
      const body = JSON.parse(answer.text) as Json;
      expect(bIds.has(String(body.id)), where).toBe(false);
      check(body, answer);
      await call(await aSecret.take(), remove(body), { method: "DELETE" });
    },
  };
}

const sk = (method: string, path: string, extra: Partial<Probe> = {}): Probe => ({
  method,
  path,
  cred: "sk",
  ...extra,
});
const pk = (method: string, path: string, extra: Partial<Probe> = {}): Probe => ({
  method,
  path,
  cred: "pk",
  ...extra,
});
const orgOf = (n: Names) => ({ "Org-Id": n.org });
const png = () => ({ body: bytesOf(IMAGES.png), headers: { "Content-Type": "image/png" } });

/** The org routes: B's ids, A's key with B's Org-Id, and A's publishable key (403 off the storefront). */
const CASES: Case[] = [
  // POST /v1/products
  same(
    "POST /v1/products",
    "Org-Id of B",
    (n) => sk("POST", "/v1/products", { headers: orgOf(n), body: { name: "Probe" } }),
    [403],
  ),
  same(
    "POST /v1/products",
    "publishable key",
    () => pk("POST", "/v1/products", { body: { name: "Probe" } }),
    [403],
  ),
  same(
    "POST /v1/products",
    "related_product_ids names B's product",
    (n) => sk("POST", "/v1/products", { body: { name: "Probe", related_product_ids: [n.p1] } }),
    [400],
  ),
  created(
    "POST /v1/products",
    "B's sku, gtin, slug and org_id in the body: A's own product (uniqueness is per org)",
    (n) =>
      sk("POST", "/v1/products", {
        body: { name: "Probe", sku: n.sku, gtin: n.gtin, slug: n.slug, org_id: n.org },
      }),
    (body) => {
      expect(body.org_id).toBe(A.org);
      expect(body.sku).toBe(B.sku);
      expect(body.slug).toBe(B.slug);
    },
    (body) => `/v1/products/${String(body.id)}`,
  ),
  created(
    "POST /v1/products",
    "B's Idempotency-Key with B's body: a new product of A, not B's stored response",
    (n) => sk("POST", "/v1/products", { headers: { "Idempotency-Key": n.createIdem }, body: bProductBody }),
    (body, answer) => {
      expect(answer.headers.get("Idempotent-Replayed")).toBeNull();
      expect(body.org_id).toBe(A.org);
      expect(body.id).not.toBe(B.p1);
      expect(body.version).toBe(1);
    },
    (body) => `/v1/products/${String(body.id)}`,
  ),

  // GET /v1/products
  same("GET /v1/products", "Org-Id of B", (n) => sk("GET", "/v1/products", { headers: orgOf(n) }), [403]),
  same("GET /v1/products", "publishable key", () => pk("GET", "/v1/products"), [403]),
  same(
    "GET /v1/products",
    "Org-Id of B, padded",
    (n) => sk("GET", "/v1/products", { headers: { "Org-Id": ` ${n.org} ` } }),
    [403],
  ),
  same(
    "GET /v1/products",
    "Org-Id listing A's org and B's",
    (n) => sk("GET", "/v1/products", { headers: { "Org-Id": `${A.org}, ${n.org}` } }),
    [403],
  ),
  same("GET /v1/products", "sku filter of B", (n) => sk("GET", `/v1/products?sku=${n.sku}`), [200], {
    list: true,
  }),
  same("GET /v1/products", "gtin filter of B", (n) => sk("GET", `/v1/products?gtin=${n.gtin}`), [200], {
    list: true,
  }),
  same("GET /v1/products", "q of B's name", (n) => sk("GET", `/v1/products?q=${n.word}`), [200], {
    list: true,
  }),
  same("GET /v1/products", "tag of B", (n) => sk("GET", `/v1/products?tag=${n.tag}`), [200], { list: true }),
  same("GET /v1/products", "agent_id of B", (n) => sk("GET", `/v1/products?agent_id=${n.agent}`), [200], {
    list: true,
  }),
  same(
    "GET /v1/products",
    "every status and type, oldest first, 100",
    () =>
      sk(
        "GET",
        "/v1/products?status=active,inactive,unconfigured,archived&type=physical&order=asc&limit=100",
      ),
    [200],
    { list: true },
  ),
  cursor(
    "GET /v1/products",
    "cursor from B's listing",
    (n) => sk("GET", `/v1/products?cursor=${n.productCursor}`),
    [200, 400],
  ),

  // GET /v1/products/{id}
  same("GET /v1/products/{id}", "B's product", (n) => sk("GET", `/v1/products/${n.p1}`), [404]),
  same("GET /v1/products/{id}", "B's second product", (n) => sk("GET", `/v1/products/${n.p2}`), [404]),
  same("GET /v1/products/{id}", "B's inactive product", (n) => sk("GET", `/v1/products/${n.p3}`), [404]),
  same(
    "GET /v1/products/{id}",
    "B's product with If-None-Match of its ETag (not 304)",
    (n) => sk("GET", `/v1/products/${n.p1}`, { headers: { "If-None-Match": String(before.p1?.etag) } }),
    [404],
  ),
  same("GET /v1/products/{id}", "B's slug as the id", (n) => sk("GET", `/v1/products/${n.slug}`), [400, 404]),
  same("GET /v1/products/{id}", "publishable key", (n) => pk("GET", `/v1/products/${n.p1}`), [403]),
  same(
    "GET /v1/products/{id}",
    "Org-Id of B on A's product",
    (n) => sk("GET", `/v1/products/${A.product}`, { headers: orgOf(n) }),
    [403],
  ),

  // PUT /v1/products/{id}
  same(
    "PUT /v1/products/{id}",
    "B's product",
    (n) => sk("PUT", `/v1/products/${n.p1}`, { body: { name: "Hijacked" } }),
    [404],
  ),
  same(
    "PUT /v1/products/{id}",
    "B's product, If-Match *",
    (n) => sk("PUT", `/v1/products/${n.p1}`, { headers: { "If-Match": "*" }, body: { name: "Hijacked" } }),
    [404],
  ),
  same(
    "PUT /v1/products/{id}",
    "B's product, If-Match of its ETag",
    (n) =>
      sk("PUT", `/v1/products/${n.p1}`, {
        headers: { "If-Match": String(before.p1?.etag) },
        body: { name: "Hijacked" },
      }),
    [404],
  ),
  same(
    "PUT /v1/products/{id}",
    "A's product related to B's",
    (n) =>
      sk("PUT", `/v1/products/${A.product}`, { body: { name: "Alpha lamp", related_product_ids: [n.p1] } }),
    [400],
  ),
  same(
    "PUT /v1/products/{id}",
    "publishable key",
    (n) => pk("PUT", `/v1/products/${n.p1}`, { body: { name: "H" } }),
    [403],
  ),
  same(
    "PUT /v1/products/{id}",
    "Org-Id of B on A's product",
    (n) => sk("PUT", `/v1/products/${A.product}`, { headers: orgOf(n), body: { name: "Alpha lamp" } }),
    [403],
  ),

  // PATCH /v1/products/{id}
  same(
    "PATCH /v1/products/{id}",
    "B's product",
    (n) => sk("PATCH", `/v1/products/${n.p1}`, { body: { name: "Hijacked" } }),
    [404],
  ),
  same(
    "PATCH /v1/products/{id}",
    "B's product, merge-patch, If-Match *",
    (n) =>
      sk("PATCH", `/v1/products/${n.p1}`, {
        headers: { "Content-Type": "application/merge-patch+json", "If-Match": "*" },
        body: { status: "archived" },
      }),
    [404],
  ),
  same(
    "PATCH /v1/products/{id}",
    "B's product with B's Idempotency-Key and body (no replay of B's 200)",
    (n) =>
      sk("PATCH", `/v1/products/${n.p1}`, { headers: { "Idempotency-Key": n.patchIdem }, body: bPatchBody }),
    [404],
  ),
  same(
    "PATCH /v1/products/{id}",
    "A's product related to B's",
    (n) => sk("PATCH", `/v1/products/${A.product}`, { body: { related_product_ids: [n.p1] } }),
    [400],
  ),
  same(
    "PATCH /v1/products/{id}",
    "A's variant naming B's image",
    (n) =>
      sk("PATCH", `/v1/products/${A.product}`, {
        body: { variants: [{ options: { Size: "S" }, image_ids: [n.img] }] },
      }),
    [400],
  ),
  same(
    "PATCH /v1/products/{id}",
    "publishable key",
    (n) => pk("PATCH", `/v1/products/${n.p1}`, { body: { name: "H" } }),
    [403],
  ),
  same(
    "PATCH /v1/products/{id}",
    "Org-Id of B on A's product",
    (n) => sk("PATCH", `/v1/products/${A.product}`, { headers: orgOf(n), body: { name: "Alpha lamp" } }),
    [403],
  ),

  // DELETE /v1/products/{id}
  same("DELETE /v1/products/{id}", "B's product", (n) => sk("DELETE", `/v1/products/${n.p1}`), [404]),
  same(
    "DELETE /v1/products/{id}",
    "B's second product, If-Match *",
    (n) => sk("DELETE", `/v1/products/${n.p2}`, { headers: { "If-Match": "*" } }),
    [404],
  ),
  same(
    "DELETE /v1/products/{id}",
    "B's inactive product",
    (n) => sk("DELETE", `/v1/products/${n.p3}`),
    [404],
  ),
  same("DELETE /v1/products/{id}", "publishable key", (n) => pk("DELETE", `/v1/products/${n.p1}`), [403]),
  same(
    "DELETE /v1/products/{id}",
    "Org-Id of B on A's product",
    (n) => sk("DELETE", `/v1/products/${A.product}`, { headers: orgOf(n) }),
    [403],
  ),

  // POST /v1/products/{id}/inventory_adjustments
  same(
    "POST /v1/products/{id}/inventory_adjustments",
    "B's product",
    (n) => sk("POST", `/v1/products/${n.p1}/inventory_adjustments`, { body: { delta: -1 } }),
    [404],
  ),
  same(
    "POST /v1/products/{id}/inventory_adjustments",
    "B's product below zero (not 409 insufficient_stock)",
    (n) => sk("POST", `/v1/products/${n.p1}/inventory_adjustments`, { body: { delta: -100000 } }),
    [404],
  ),
  same(
    "POST /v1/products/{id}/inventory_adjustments",
    "B's product, If-Match *",
    (n) =>
      sk("POST", `/v1/products/${n.p1}/inventory_adjustments`, {
        headers: { "If-Match": "*" },
        body: { delta: 5 },
      }),
    [404],
  ),
  same(
    "POST /v1/products/{id}/inventory_adjustments",
    "publishable key",
    (n) => pk("POST", `/v1/products/${n.p1}/inventory_adjustments`, { body: { delta: 1 } }),
    [403],
  ),
  same(
    "POST /v1/products/{id}/inventory_adjustments",
    "Org-Id of B on A's product",
    (n) =>
      sk("POST", `/v1/products/${A.product}/inventory_adjustments`, {
        headers: orgOf(n),
        body: { delta: 1 },
      }),
    [403],
  ),

  // POST /v1/products/{id}/scans
  same("POST /v1/products/{id}/scans", "B's product", (n) => sk("POST", `/v1/products/${n.p1}/scans`), [404]),
  same(
    "POST /v1/products/{id}/scans",
    "B's inactive product",
    (n) => sk("POST", `/v1/products/${n.p3}/scans`),
    [404],
  ),
  same(
    "POST /v1/products/{id}/scans",
    "publishable key",
    (n) => pk("POST", `/v1/products/${n.p1}/scans`),
    [403],
  ),
  same(
    "POST /v1/products/{id}/scans",
    "Org-Id of B on A's product",
    (n) => sk("POST", `/v1/products/${A.product}/scans`, { headers: orgOf(n) }),
    [403],
  ),

  // POST /v1/products/{id}/images
  same(
    "POST /v1/products/{id}/images",
    "B's product, image_urls",
    (n) =>
      sk("POST", `/v1/products/${n.p1}/images`, { body: { image_urls: ["http://allowed.test:8080/png"] } }),
    [404],
  ),
  same(
    "POST /v1/products/{id}/images",
    "B's product, raw bytes",
    (n) => sk("POST", `/v1/products/${n.p1}/images`, png()),
    [404],
  ),
  same(
    "POST /v1/products/{id}/images",
    "publishable key",
    (n) => pk("POST", `/v1/products/${n.p1}/images`, png()),
    [403],
  ),
  same(
    "POST /v1/products/{id}/images",
    "Org-Id of B on A's product",
    (n) =>
      sk("POST", `/v1/products/${A.product}/images`, {
        ...png(),
        headers: { ...png().headers, ...orgOf(n) },
      }),
    [403],
  ),

  // PATCH /v1/products/{id}/images/{image_id}
  same(
    "PATCH /v1/products/{id}/images/{image_id}",
    "B's product and image",
    (n) => sk("PATCH", `/v1/products/${n.p1}/images/${n.img}`, { body: { alt: "Hijacked", position: 0 } }),
    [404],
  ),
  same(
    "PATCH /v1/products/{id}/images/{image_id}",
    "A's product, B's image",
    (n) => sk("PATCH", `/v1/products/${A.product}/images/${n.img}`, { body: { alt: "Hijacked" } }),
    [404],
  ),
  same(
    "PATCH /v1/products/{id}/images/{image_id}",
    "B's product, A's image",
    (n) => sk("PATCH", `/v1/products/${n.p1}/images/${A.image}`, { body: { alt: "Hijacked" } }),
    [404],
  ),
  same(
    "PATCH /v1/products/{id}/images/{image_id}",
    "publishable key",
    (n) => pk("PATCH", `/v1/products/${n.p1}/images/${n.img}`, { body: { alt: "H" } }),
    [403],
  ),
  same(
    "PATCH /v1/products/{id}/images/{image_id}",
    "Org-Id of B on A's product and image",
    (n) =>
      sk("PATCH", `/v1/products/${A.product}/images/${A.image}`, { headers: orgOf(n), body: { alt: "H" } }),
    [403],
  ),

  // DELETE /v1/products/{id}/images/{image_id}
  same(
    "DELETE /v1/products/{id}/images/{image_id}",
    "B's product and image",
    (n) => sk("DELETE", `/v1/products/${n.p1}/images/${n.img}`),
    [404],
  ),
  same(
    "DELETE /v1/products/{id}/images/{image_id}",
    "A's product, B's image",
    (n) => sk("DELETE", `/v1/products/${A.product}/images/${n.img}`),
    [404],
  ),
  same(
    "DELETE /v1/products/{id}/images/{image_id}",
    "B's product, A's image, If-Match *",
    (n) => sk("DELETE", `/v1/products/${n.p1}/images/${A.image}`, { headers: { "If-Match": "*" } }),
    [404],
  ),
  same(
    "DELETE /v1/products/{id}/images/{image_id}",
    "publishable key",
    (n) => pk("DELETE", `/v1/products/${n.p1}/images/${n.img}`),
    [403],
  ),
  same(
    "DELETE /v1/products/{id}/images/{image_id}",
    "Org-Id of B on A's product and image",
    (n) => sk("DELETE", `/v1/products/${A.product}/images/${A.image}`, { headers: orgOf(n) }),
    [403],
  ),

  // The storefront, with A's secret key and with A's publishable key.
  ...(["sk", "pk"] as const).flatMap((cred): Case[] => {
    const as = (path: string, extra: Partial<Probe> = {}): Probe => ({ method: "GET", path, cred, ...extra });
    const list = "GET /v1/storefront/products";
    const one = "GET /v1/storefront/products/{id_or_slug}";
    return [
      same(list, `${cred}: Org-Id of B`, (n) => as("/v1/storefront/products", { headers: orgOf(n) }), [403]),
      same(list, `${cred}: q of B's name`, (n) => as(`/v1/storefront/products?q=${n.word}`), [200], {
        list: true,
      }),
      same(list, `${cred}: tag of B`, (n) => as(`/v1/storefront/products?tag=${n.tag}`), [200], {
        list: true,
      }),
      same(list, `${cred}: locale de, 100`, () => as("/v1/storefront/products?locale=de&limit=100"), [200], {
        list: true,
      }),
      same(
        list,
        `${cred}: Accept-Language de`,
        () => as("/v1/storefront/products", { headers: { "Accept-Language": "de" } }),
        [200],
        { list: true },
      ),
      cursor(
        list,
        `${cred}: cursor from B's storefront`,
        (n) => as(`/v1/storefront/products?cursor=${n.storefrontCursor}`),
        [200, 400],
      ),
      same(one, `${cred}: B's product id`, (n) => as(`/v1/storefront/products/${n.p1}`), [404]),
      same(one, `${cred}: B's second product id`, (n) => as(`/v1/storefront/products/${n.p2}`), [404]),
      same(one, `${cred}: B's slug`, (n) => as(`/v1/storefront/products/${n.slug}`), [404]),
      same(
        one,
        `${cred}: B's slug with If-None-Match of B's storefront ETag (not 304)`,
        (n) =>
          as(`/v1/storefront/products/${n.slug}`, {
            headers: { "If-None-Match": String(before.storefront?.etag) },
          }),
        [404],
      ),
      same(
        one,
        `${cred}: B's de slug, ?locale=de`,
        (n) => as(`/v1/storefront/products/${n.slugDe}?locale=de`),
        [404],
      ),
      same(
        one,
        `${cred}: B's de slug, Accept-Language de`,
        (n) => as(`/v1/storefront/products/${n.slugDe}`, { headers: { "Accept-Language": "de" } }),
        [404],
      ),
      same(
        one,
        `${cred}: Org-Id of B on A's product`,
        (n) => as(`/v1/storefront/products/${A.product}`, { headers: orgOf(n) }),
        [403],
      ),
    ];
  }),

  // GET /v1/currencies: reference data, read by any valid key; it reads no org's data, but an Org-Id
  // the key lacks is 403 there too (the contract: "Org-Id naming another org on a one-org key is 403").
  same("GET /v1/currencies", "A's key", () => sk("GET", "/v1/currencies"), [200]),
  same("GET /v1/currencies", "Org-Id of B", (n) => sk("GET", "/v1/currencies", { headers: orgOf(n) }), [403]),
  same(
    "GET /v1/currencies",
    "publishable key, Org-Id of B",
    (n) => pk("GET", "/v1/currencies", { headers: orgOf(n) }),
    [403],
  ),

  // GET /v1/events
  same("GET /v1/events", "Org-Id of B", (n) => sk("GET", "/v1/events", { headers: orgOf(n) }), [403]),
  same("GET /v1/events", "publishable key", () => pk("GET", "/v1/events"), [403]),
  same("GET /v1/events", "100 newest", () => sk("GET", "/v1/events?limit=100"), [200], { list: true }),
  same(
    "GET /v1/events",
    "type product.created",
    () => sk("GET", "/v1/events?type=product.created&limit=100"),
    [200],
    {
      list: true,
    },
  ),
  cursor(
    "GET /v1/events",
    "cursor: B's newest event",
    (n) => sk("GET", `/v1/events?cursor=${n.evtLast}&limit=100`),
    [200, 400],
  ),

  // GET /v1/events/{id}
  same("GET /v1/events/{id}", "B's first event", (n) => sk("GET", `/v1/events/${n.evtFirst}`), [404]),
  same("GET /v1/events/{id}", "B's last event", (n) => sk("GET", `/v1/events/${n.evtLast}`), [404]),
  same("GET /v1/events/{id}", "publishable key", (n) => pk("GET", `/v1/events/${n.evtLast}`), [403]),
  same(
    "GET /v1/events/{id}",
    "Org-Id of B on A's event",
    (n) => sk("GET", `/v1/events/${A.event}`, { headers: orgOf(n) }),
    [403],
  ),

  // POST /v1/webhook_endpoints
  same(
    "POST /v1/webhook_endpoints",
    "Org-Id of B",
    (n) => sk("POST", "/v1/webhook_endpoints", { headers: orgOf(n), body: { url: n.url, events: ["*"] } }),
    [403],
  ),
  same(
    "POST /v1/webhook_endpoints",
    "publishable key",
    (n) => pk("POST", "/v1/webhook_endpoints", { body: { url: n.url, events: ["*"] } }),
    [403],
  ),
  created(
    "POST /v1/webhook_endpoints",
    "B's url: A's own endpoint with its own secret",
    (n) =>
      sk("POST", "/v1/webhook_endpoints", { body: { url: n.url, events: ["*"], description: "A probe" } }),
    (body) => {
      expect(body.id).not.toBe(B.we);
      expect(body.secret).not.toBe(bEndpointSecret);
      expect(body.url).toBe(B.url);
    },
    (body) => `/v1/webhook_endpoints/${String(body.id)}`,
  ),

  // GET /v1/webhook_endpoints
  same(
    "GET /v1/webhook_endpoints",
    "Org-Id of B",
    (n) => sk("GET", "/v1/webhook_endpoints", { headers: orgOf(n) }),
    [403],
  ),
  same("GET /v1/webhook_endpoints", "publishable key", () => pk("GET", "/v1/webhook_endpoints"), [403]),
  same("GET /v1/webhook_endpoints", "A's endpoints", () => sk("GET", "/v1/webhook_endpoints"), [200], {
    list: true,
  }),

  // GET /v1/webhook_endpoints/{id}
  same(
    "GET /v1/webhook_endpoints/{id}",
    "B's endpoint",
    (n) => sk("GET", `/v1/webhook_endpoints/${n.we}`),
    [404],
  ),
  same(
    "GET /v1/webhook_endpoints/{id}",
    "publishable key",
    (n) => pk("GET", `/v1/webhook_endpoints/${n.we}`),
    [403],
  ),
  same(
    "GET /v1/webhook_endpoints/{id}",
    "Org-Id of B on A's endpoint",
    (n) => sk("GET", `/v1/webhook_endpoints/${A.we}`, { headers: orgOf(n) }),
    [403],
  ),

  // DELETE /v1/webhook_endpoints/{id}
  same(
    "DELETE /v1/webhook_endpoints/{id}",
    "B's endpoint",
    (n) => sk("DELETE", `/v1/webhook_endpoints/${n.we}`),
    [404],
  ),
  same(
    "DELETE /v1/webhook_endpoints/{id}",
    "publishable key",
    (n) => pk("DELETE", `/v1/webhook_endpoints/${n.we}`),
    [403],
  ),
  same(
    "DELETE /v1/webhook_endpoints/{id}",
    "Org-Id of B on A's endpoint",
    (n) => sk("DELETE", `/v1/webhook_endpoints/${A.we}`, { headers: orgOf(n) }),
    [403],
  ),

  // GET /v1/webhook_endpoints/{id}/deliveries
  same(
    "GET /v1/webhook_endpoints/{id}/deliveries",
    "B's endpoint",
    (n) => sk("GET", `/v1/webhook_endpoints/${n.we}/deliveries`),
    [404],
  ),
  same(
    "GET /v1/webhook_endpoints/{id}/deliveries",
    "B's endpoint, cursor of B's delivery",
    (n) => sk("GET", `/v1/webhook_endpoints/${n.we}/deliveries?cursor=${n.del}`),
    [404],
  ),
  cursor(
    "GET /v1/webhook_endpoints/{id}/deliveries",
    "A's endpoint, cursor of B's delivery",
    (n) => sk("GET", `/v1/webhook_endpoints/${A.we}/deliveries?cursor=${n.del}&limit=100`),
    [200, 400],
  ),
  same(
    "GET /v1/webhook_endpoints/{id}/deliveries",
    "publishable key",
    (n) => pk("GET", `/v1/webhook_endpoints/${n.we}/deliveries`),
    [403],
  ),
  same(
    "GET /v1/webhook_endpoints/{id}/deliveries",
    "Org-Id of B on A's endpoint",
    (n) => sk("GET", `/v1/webhook_endpoints/${A.we}/deliveries`, { headers: orgOf(n) }),
    [403],
  ),

  // The admin API takes the ADMIN_TOKEN only: A's secret key is 401, its publishable key 403.
  same(
    "POST /v1/admin/orgs",
    "A's secret key",
    () => sk("POST", "/v1/admin/orgs", { body: { name: PROBE_NAME } }),
    [401],
  ),
  same(
    "POST /v1/admin/orgs",
    "A's publishable key",
    () => pk("POST", "/v1/admin/orgs", { body: { name: PROBE_NAME } }),
    [403],
  ),
  same("GET /v1/admin/orgs", "A's secret key", () => sk("GET", "/v1/admin/orgs"), [401]),
  same(
    "GET /v1/admin/orgs",
    "A's secret key, Org-Id of B",
    (n) => sk("GET", "/v1/admin/orgs", { headers: orgOf(n) }),
    [401],
  ),
  same("GET /v1/admin/orgs", "A's publishable key", () => pk("GET", "/v1/admin/orgs"), [403]),
  same(
    "POST /v1/admin/api_keys",
    "A's secret key minting a key for B",
    (n) =>
      sk("POST", "/v1/admin/api_keys", {
        body: { name: PROBE_NAME, org_ids: [n.org], type: "secret", scopes: ALL_SCOPES },
      }),
    [401],
  ),
  same(
    "POST /v1/admin/api_keys",
    "A's publishable key minting a key for B",
    (n) =>
      pk("POST", "/v1/admin/api_keys", {
        body: { name: PROBE_NAME, org_ids: [n.org], type: "secret", scopes: ALL_SCOPES },
      }),
    [403],
  ),
  same(
    "DELETE /v1/admin/api_keys/{id}",
    "A's secret key, B's secret key id",
    (n) => sk("DELETE", `/v1/admin/api_keys/${n.keyId}`),
    [401],
  ),
  same(
    "DELETE /v1/admin/api_keys/{id}",
    "A's secret key, B's publishable key id",
    (n) => sk("DELETE", `/v1/admin/api_keys/${n.pkId}`),
    [401],
  ),
  same(
    "DELETE /v1/admin/api_keys/{id}",
    "A's publishable key, B's key id",
    (n) => pk("DELETE", `/v1/admin/api_keys/${n.keyId}`),
    [403],
  ),

  // The public routes, public by design: they take no key and have no org.
  // GET /images/{image_id}: an image url is a capability handed out in product and storefront answers
  // (`immutable`, served by CDNs), so B's image bytes are served to anyone holding B's image id,
  // with or without A's key: that is no tenancy decision. What is checked: an unknown id and an image
  // deleted a moment ago are 404 (ghost-compared, so B's image id is asked of nobody here), and A's key
  // with B's Org-Id changes nothing: the answer to B's image id is the same bytes as without a key.
  {
    op: "GET /images/{image_id}",
    label: "an unknown image id is 404",
    run: async () => {
      const unknown = await send({ method: "GET", path: `/images/${G.img}`, cred: "none" });
      expect(unknown.status, unknown.text).toBe(404);
      expectNoMarkers(unknown.text, "GET /images/{unknown}");
    },
  },
  {
    op: "GET /images/{image_id}",
    label: "an image A deleted is 404; B's image answers alike with and without A's key",
    run: async () => {
      const deleted = await send({ method: "GET", path: `/images/${A.deletedImage}`, cred: "none" });
      expect(deleted.status, deleted.text).toBe(404);
      const keyless = await send({ method: "GET", path: `/images/${B.img}`, cred: "none" });
      const withA = await send({ method: "GET", path: `/images/${B.img}`, cred: "sk", headers: orgOf(B) });
      expect(keyless.status).toBe(200);
      expect(withA.status).toBe(keyless.status);
      expect(withA.headers.get("ETag")).toBe(keyless.headers.get("ETag"));
      expect(withA.text).toBe(keyless.text);
    },
  },
  // GET /s/{id}: the public scan of a printed code counts a scan of any org's active product with a
  // destination and redirects to it, by design (anyone holding the code may scan). So B's scannable
  // product is not probed here (that would count a scan). Checked: B's inactive product with a
  // destination and B's active product without one answer exactly as an unknown id (404), and count
  // nothing (B's total_scans are checked unchanged below).
  same(
    "GET /s/{id}",
    "B's inactive product (has a destination)",
    (n) => ({ method: "GET", path: `/s/${n.p3}`, cred: "none" }),
    [404],
  ),
  same(
    "GET /s/{id}",
    "B's product without a destination",
    (n) => ({ method: "GET", path: `/s/${n.p2}`, cred: "none" }),
    [404],
  ),
  // GET /health: liveness, no data; with A's key and B's Org-Id it is the same answer.
  same("GET /health", "keyless", () => ({ method: "GET", path: "/health", cred: "none" }), [200]),
  same("GET /health", "A's key, Org-Id of B", (n) => sk("GET", "/health", { headers: orgOf(n) }), [200]),
];

/**
 * The creates run last: A's product events keep the B values A sent in those bodies (A's own data
 * then), which the event listings before them must not see as a leak.
 */
const SWEEP = [...CASES.filter((entry) => !entry.writesA), ...CASES.filter((entry) => entry.writesA)];

// /openapi.json and /docs are not operations of the document (they serve it): they read no org's
// data and are checked below only to hold no B string.

async function waitForDeliveries(endpointId: string, eventIds: string[]) {
  const until = Date.now() + 15_000;
  for (;;) {
    const { body } = await call(
      await bSecret.take(),
      `/v1/webhook_endpoints/${endpointId}/deliveries?limit=100`,
    );
    const rows = body.data as { id: string; event_id: string; status_code: number | null }[];
    const delivered = new Set(rows.filter((row) => row.status_code === 200).map((row) => row.event_id));
    if (eventIds.every((id) => delivered.has(id)) || Date.now() > until) return rows;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** B's data as B reads it: products, endpoint, events, storefront, image. */
async function snapshotOfB(): Promise<Snapshot> {
  const out: Snapshot = {};
  const read = async (name: string, path: string, key: string, headers: Record<string, string> = {}) => {
    const response = await api(path, { key, headers });
    out[name] = { status: response.status, etag: response.headers.get("ETag"), body: await response.text() };
  };
  for (const id of ["p1", "p2", "p3"] as const) await read(id, `/v1/products/${B[id]}`, await bSecret.take());
  await read("products", "/v1/products?limit=100", await bSecret.take());
  await read("endpoint", `/v1/webhook_endpoints/${B.we}`, await bSecret.take());
  await read("endpoints", "/v1/webhook_endpoints", await bSecret.take());
  await read("events", "/v1/events?limit=100", await bSecret.take());
  await read("storefront", `/v1/storefront/products/${B.slug}`, bPk, { Origin: B_ORIGIN });
  await read("storefront de", `/v1/storefront/products/${B.slugDe}?locale=de`, bPk, { Origin: B_ORIGIN });
  await read("image", `/images/${B.img}`, "");
  return out;
}

beforeAll(async () => {
  const rand = lowerRandom();
  const word = `bzq${rand}`;

  // Org B, with data of every kind.
  bOrgName = `Tenancy B ${word}`;
  const bOrg = await createOrg(bOrgName);
  const main = await createKey([bOrg], ALL_SCOPES);
  bMainKey = main.key;
  bSecret = new KeyRing(async () => (await createKey([bOrg], ALL_SCOPES)).key);
  const bPublishable = await publishable(bOrg, B_ORIGIN);
  bPk = bPublishable.key;

  const url = `${RECEIVER}/tenancy-b-${rand}`;
  const endpoint = await call(
    await bSecret.take(),
    "/v1/webhook_endpoints",
    { method: "POST", body: { url, events: ["*"], description: `B endpoint ${word}` } },
    201,
  );
  bEndpointSecret = String(endpoint.body.secret);

  const sku = `B-SKU-${rand}`;
  const gtin = gtin13();
  const slug = `bravo-${word}`;
  const slugDe = `bravo-de-${word}`;
  const tag = `t${word}`;
  const agent = `agent-${word}`;
  bProductBody = {
    name: `Bravo ${word}`,
    description: `B-only description ${word}`,
    sku,
    gtin,
    slug,
    tags: [tag],
    agent_ids: [agent],
    props: { secret: `B-PROPS-${word}` },
    prices: [{ currency: "EUR", amount: 1299, cost_amount: 700 }],
    inventory: { tracking: "product", quantity: 10, low_stock_threshold: 2 },
    localizations: { de: { name: `Bravo Deutsch ${word}`, slug: slugDe } },
    options: [{ name: "Size", values: ["S", "M"] }],
    variants: [{ options: { Size: "S" }, sku: `B-VAR-${rand}` }, { options: { Size: "M" } }],
    destination: { url: `https://b.example/dest-${rand}` },
  };
  const createIdem = `b-create-${rand}`;
  const p1 = await call(
    await bSecret.take(),
    "/v1/products",
    { method: "POST", body: bProductBody, headers: { "Idempotency-Key": createIdem } },
    201,
  );
  const p1Id = String(p1.body.id);
  const uploaded = await call(await bSecret.take(), `/v1/products/${p1Id}/images`, {
    method: "POST",
    body: pngVariant(crypto.getRandomValues(new Uint32Array(1))[0] ?? 7),
    headers: { "Content-Type": "image/png" },
  });
  const image = (uploaded.body.images as { id: string; sha256: string }[])[0];
  if (!image) throw new Error("no image uploaded");
  await call(await bSecret.take(), `/v1/products/${p1Id}/images/${image.id}`, {
    method: "PATCH",
    body: { alt: `B alt ${word}` },
  });
  await call(await bSecret.take(), `/v1/products/${p1Id}/inventory_adjustments`, {
    method: "POST",
    body: { delta: -1, reason: `B restock ${word}` },
  });
  await call(await bSecret.take(), `/v1/products/${p1Id}/scans`, { method: "POST" });
  const patchIdem = `b-patch-${rand}`;
  bPatchBody = { description: `B patched ${word}` };
  await call(await bSecret.take(), `/v1/products/${p1Id}`, {
    method: "PATCH",
    body: bPatchBody,
    headers: { "Idempotency-Key": patchIdem },
  });
  const p2 = await call(
    await bSecret.take(),
    "/v1/products",
    { method: "POST", body: { name: `Bravo second ${word}`, sku: `B2-SKU-${rand}`, tags: [tag] } },
    201,
  );
  const p3 = await call(
    await bSecret.take(),
    "/v1/products",
    {
      method: "POST",
      body: {
        name: `Bravo third ${word}`,
        status: "inactive",
        destination: { url: `https://b.example/third-${rand}` },
      },
    },
    201,
  );
  const listed = await call(await bSecret.take(), "/v1/products?limit=1");
  const shop = await call(bPk, "/v1/storefront/products?limit=1", { headers: { Origin: B_ORIGIN } });
  const events = (await call(await bSecret.take(), "/v1/events?limit=100")).body.data as { id: string }[];
  const deliveries = await waitForDeliveries(
    String(endpoint.body.id),
    events.map((event) => event.id),
  );
  const [newest] = events;
  const oldest = events[events.length - 1];
  const [delivery] = deliveries;
  if (!newest || !oldest || !delivery) throw new Error("B has no events or no deliveries");
  expect(deliveries.filter((row) => row.status_code === 200).length).toBeGreaterThanOrEqual(events.length);

  B = {
    org: bOrg,
    p1: p1Id,
    p2: String(p2.body.id),
    p3: String(p3.body.id),
    img: image.id,
    evtFirst: oldest.id,
    evtLast: newest.id,
    we: String(endpoint.body.id),
    del: delivery.id,
    keyId: main.id,
    pkId: bPublishable.id,
    slug,
    slugDe,
    sku,
    gtin,
    word,
    tag,
    agent,
    url,
    createIdem,
    patchIdem,
    productCursor: String(listed.body.next_cursor),
    storefrontCursor: String(shop.body.next_cursor),
  };
  expect(listed.body.next_cursor).toBeTypeOf("string");
  expect(shop.body.next_cursor).toBeTypeOf("string");

  const grand = lowerRandom();
  const gword = `gzq${grand}`;
  G = {
    org: ghostId(B.org),
    p1: ghostId(B.p1),
    p2: ghostId(B.p2),
    p3: ghostId(B.p3),
    img: ghostId(B.img),
    evtFirst: ghostId(B.evtFirst),
    evtLast: ghostId(B.evtLast),
    we: ghostId(B.we),
    del: ghostId(B.del),
    keyId: ghostId(B.keyId),
    pkId: ghostId(B.pkId),
    slug: `ghost-${gword}`,
    slugDe: `ghost-de-${gword}`,
    sku: `G-SKU-${grand}`,
    gtin: gtin13(),
    word: gword,
    tag: `t${gword}`,
    agent: `agent-${gword}`,
    url: `${RECEIVER}/tenancy-g-${grand}`,
    createIdem: `g-create-${grand}`,
    patchIdem: `g-patch-${grand}`,
    productCursor: productCursor(ghostId(atob(B.productCursor).slice(2))),
    storefrontCursor: productCursor(ghostId(atob(B.storefrontCursor).slice(2))),
  };

  const variantIds = (p1.body.variants as { id: string }[]).map((variant) => variant.id);
  markers = [
    ...Object.values(B),
    bOrgName,
    `Bravo ${word}`,
    `B-only description ${word}`,
    `B-PROPS-${word}`,
    `Bravo Deutsch ${word}`,
    `B alt ${word}`,
    `B patched ${word}`,
    `B restock ${word}`,
    `Bravo second ${word}`,
    `Bravo third ${word}`,
    `B-VAR-${rand}`,
    `B2-SKU-${rand}`,
    `B endpoint ${word}`,
    `https://b.example/dest-${rand}`,
    `https://b.example/third-${rand}`,
    bEndpointSecret,
    bMainKey,
    bPk,
    image.sha256,
    ...variantIds,
    ...events.map((event) => event.id),
    ...deliveries.map((row) => row.id),
  ];
  bIds = new Set([B.p1, B.p2, B.p3, B.img, B.we, ...variantIds, ...events.map((event) => event.id)]);
  for (const row of deliveries) bIds.add(row.id);

  // Org A: a product with an option and an image, an image deleted again, an endpoint, events.
  const aOrg = await createOrg(`Tenancy A ${rand}`);
  aSecret = new KeyRing(async () => (await createKey([aOrg], ALL_SCOPES)).key);
  aPublishable = new KeyRing(async () => (await publishable(aOrg, A_ORIGIN)).key);
  const aProduct = await call(
    await aSecret.take(),
    "/v1/products",
    {
      method: "POST",
      body: {
        name: "Alpha lamp",
        tags: ["alpha"],
        options: [{ name: "Size", values: ["S"] }],
        variants: [{ options: { Size: "S" } }],
      },
    },
    201,
  );
  const aProductId = String(aProduct.body.id);
  const aUpload = await call(await aSecret.take(), `/v1/products/${aProductId}/images`, {
    method: "POST",
    ...png(),
  });
  const aImage = (aUpload.body.images as { id: string }[])[0];
  const spare = await call(
    await aSecret.take(),
    "/v1/products",
    { method: "POST", body: { name: "Alpha spare" } },
    201,
  );
  const spareUpload = await call(await aSecret.take(), `/v1/products/${String(spare.body.id)}/images`, {
    method: "POST",
    ...png(),
  });
  const spareImage = (spareUpload.body.images as { id: string }[])[0];
  if (!aImage || !spareImage) throw new Error("A's images were not uploaded");
  await call(await aSecret.take(), `/v1/products/${String(spare.body.id)}/images/${spareImage.id}`, {
    method: "DELETE",
  });
  // A's endpoint takes low_stock events only, which A never causes: its delivery log stays empty and
  // steady while the sweep compares answers.
  const aEndpoint = await call(
    await aSecret.take(),
    "/v1/webhook_endpoints",
    { method: "POST", body: { url: `${RECEIVER}/tenancy-a-${rand}`, events: ["product.low_stock"] } },
    201,
  );
  const aEvents = (await call(await aSecret.take(), "/v1/events")).body.data as { id: string }[];
  A = {
    org: aOrg,
    product: aProductId,
    image: aImage.id,
    deletedImage: spareImage.id,
    event: String(aEvents[0]?.id),
    we: String(aEndpoint.body.id),
  };
  expect(aProduct.body.org_id).toBe(aOrg);

  before = await snapshotOfB();
  bImageEtag = String(before.image?.etag);
  for (const [name, entry] of Object.entries(before)) expect(entry.status, `B's ${name}`).toBe(200);
}, 30_000);

afterAll(() => {
  const operations = new Set(CASES.map((entry) => entry.op)).size;
  console.log(
    JSON.stringify({ tenancy_summary: { operations, requests: stats.requests, byStatus: stats.byStatus } }),
  );
});

describe("tenancy sweep: org A naming org B's resources", () => {
  it("covers exactly the operations of the OpenAPI document", async () => {
    const doc = (await (await api("/openapi.json")).json()) as Doc;
    const documented = Object.entries(doc.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const covered = [...new Set(CASES.map((entry) => entry.op))].sort();
    expect(covered).toEqual(documented);
  });

  it.each(SWEEP)("$op: $label", async ({ run }) => {
    await run();
  });

  it("/openapi.json and /docs (public, no org) hold no B string", async () => {
    for (const path of ["/openapi.json", "/docs"]) {
      const answer = await send({ method: "GET", path, cred: "none" });
      expect(answer.status, path).toBe(200);
      expectNoMarkers(answer.text, path);
    }
  });

  it("left B's data unchanged: products, image, endpoint, events, storefront, keys", async () => {
    const after = await snapshotOfB();
    for (const name of Object.keys(before)) {
      expect(after[name], `B's ${name}`).toEqual(before[name]);
    }
    const p1 = JSON.parse(String(after.p1?.body)) as {
      images: { id: string }[];
      total_scans: number;
      version: number;
      inventory: { quantity: number };
    };
    expect(p1.images.map((image) => image.id)).toEqual([B.img]);
    expect(p1.total_scans).toBe(1);
    expect(p1.inventory.quantity).toBe(9);
    expect(after.image?.etag).toBe(bImageEtag);
    const r2 = await env.IMAGES.list({ prefix: `orgs/${B.org}/products/${B.p1}/` });
    expect(r2.objects.map((object) => object.key)).toEqual([`orgs/${B.org}/products/${B.p1}/${B.img}`]);
    const p3 = JSON.parse(String(after.p3?.body)) as { total_scans: number };
    expect(p3.total_scans).toBe(0);
    // B's keys still work (A's revoke attempts failed), and A minted no key nor org.
    await call(bMainKey, `/v1/products/${B.p1}`);
    await call(bPk, `/v1/storefront/products/${B.p1}`, { headers: { Origin: B_ORIGIN } });
    const keys = await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE name = ?")
      .bind(PROBE_NAME)
      .first();
    expect(keys?.n).toBe(0);
    const orgs = await admin("/orgs");
    expect(await orgs.text()).not.toContain(PROBE_NAME);
  });
});
