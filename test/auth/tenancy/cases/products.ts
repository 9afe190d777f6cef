// The product routes: create, list, read, replace, patch, delete, with B's ids, B's Org-Id, A's
// publishable key, B's filter values and cursor, B's idempotency keys and related ids.
import { expect } from "vitest";
import { type Case, created, cursor, orgOf, pk, same, sk } from "../generators";
import { state } from "../model";

export const PRODUCT_CASES: Case[] = [
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
      expect(body.org_id).toBe(state.A.org);
      expect(body.sku).toBe(state.B.sku);
      expect(body.slug).toBe(state.B.slug);
    },
    (body) => `/v1/products/${String(body.id)}`,
  ),
  created(
    "POST /v1/products",
    "B's Idempotency-Key with B's body: a new product of A, not B's stored response",
    (n) =>
      sk("POST", "/v1/products", { headers: { "Idempotency-Key": n.createIdem }, body: state.bProductBody }),
    (body, answer) => {
      expect(answer.headers.get("Idempotent-Replayed")).toBeNull();
      expect(body.org_id).toBe(state.A.org);
      expect(body.id).not.toBe(state.B.p1);
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
    (n) => sk("GET", "/v1/products", { headers: { "Org-Id": `${state.A.org}, ${n.org}` } }),
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
    (n) => sk("GET", `/v1/products/${n.p1}`, { headers: { "If-None-Match": String(state.before.p1?.etag) } }),
    [404],
  ),
  same("GET /v1/products/{id}", "B's slug as the id", (n) => sk("GET", `/v1/products/${n.slug}`), [400, 404]),
  same("GET /v1/products/{id}", "publishable key", (n) => pk("GET", `/v1/products/${n.p1}`), [403]),
  same(
    "GET /v1/products/{id}",
    "Org-Id of B on A's product",
    (n) => sk("GET", `/v1/products/${state.A.product}`, { headers: orgOf(n) }),
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
        headers: { "If-Match": String(state.before.p1?.etag) },
        body: { name: "Hijacked" },
      }),
    [404],
  ),
  same(
    "PUT /v1/products/{id}",
    "A's product related to B's",
    (n) =>
      sk("PUT", `/v1/products/${state.A.product}`, {
        body: { name: "Alpha lamp", related_product_ids: [n.p1] },
      }),
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
    (n) => sk("PUT", `/v1/products/${state.A.product}`, { headers: orgOf(n), body: { name: "Alpha lamp" } }),
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
      sk("PATCH", `/v1/products/${n.p1}`, {
        headers: { "Idempotency-Key": n.patchIdem },
        body: state.bPatchBody,
      }),
    [404],
  ),
  same(
    "PATCH /v1/products/{id}",
    "A's product related to B's",
    (n) => sk("PATCH", `/v1/products/${state.A.product}`, { body: { related_product_ids: [n.p1] } }),
    [400],
  ),
  same(
    "PATCH /v1/products/{id}",
    "A's variant naming B's image",
    (n) =>
      sk("PATCH", `/v1/products/${state.A.product}`, {
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
    (n) =>
      sk("PATCH", `/v1/products/${state.A.product}`, { headers: orgOf(n), body: { name: "Alpha lamp" } }),
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
    (n) => sk("DELETE", `/v1/products/${state.A.product}`, { headers: orgOf(n) }),
    [403],
  ),
];
