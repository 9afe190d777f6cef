// The routes under a product: inventory adjustments, scans, image uploads, image patch and delete,
// with B's product and image ids (and A's product with B's image, B's product with A's image).
import { type Case, orgOf, pk, png, same, sk } from "../generators";
import { state } from "../model";

export const PRODUCT_PART_CASES: Case[] = [
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
      sk("POST", `/v1/products/${state.A.product}/inventory_adjustments`, {
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
    (n) => sk("POST", `/v1/products/${state.A.product}/scans`, { headers: orgOf(n) }),
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
      sk("POST", `/v1/products/${state.A.product}/images`, {
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
    (n) => sk("PATCH", `/v1/products/${state.A.product}/images/${n.img}`, { body: { alt: "Hijacked" } }),
    [404],
  ),
  same(
    "PATCH /v1/products/{id}/images/{image_id}",
    "B's product, A's image",
    (n) => sk("PATCH", `/v1/products/${n.p1}/images/${state.A.image}`, { body: { alt: "Hijacked" } }),
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
      sk("PATCH", `/v1/products/${state.A.product}/images/${state.A.image}`, {
        headers: orgOf(n),
        body: { alt: "H" },
      }),
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
    (n) => sk("DELETE", `/v1/products/${state.A.product}/images/${n.img}`),
    [404],
  ),
  same(
    "DELETE /v1/products/{id}/images/{image_id}",
    "B's product, A's image, If-Match *",
    (n) => sk("DELETE", `/v1/products/${n.p1}/images/${state.A.image}`, { headers: { "If-Match": "*" } }),
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
    (n) => sk("DELETE", `/v1/products/${state.A.product}/images/${state.A.image}`, { headers: orgOf(n) }),
    [403],
  ),
];
