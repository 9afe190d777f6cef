// The seed dialects (/compat/{vendor}): the same keys, orgs and ids as /v1, so B's products are
// as unknown to A there as in /v1.
import { expect } from "vitest";
import { uuidOf } from "../fixtures";
import { type Case, created, orgOf, pk, same, sk } from "../generators";
import { state } from "../model";

const TRATA = "/compat/trata/v1/products";
const trataBody = {
  active: true,
  defaultPrice: 123,
  currency: "AED",
  description: "Probe",
  name: "Probe",
  status: "active",
};

const WETHOD = "/compat/wethod/api/products";
const AWARDEE = "/compat/awardee/v1/products";
const TAMIO = "/compat/tamio/v2/products";
const tamioBody = {
  unlimited_stock: true,
  tax_category: "digital services",
  pricing_model: [{ currency: "eur", price: 10 }],
  languages: { en: { title: "Probe" } },
};

export const COMPAT_CASES: Case[] = [
  same(
    "POST /compat/tamio/v2/products/create/service",
    "Org-Id of B",
    (n) => sk("POST", `${TAMIO}/create/service`, { headers: orgOf(n), body: tamioBody }),
    [403],
  ),
  same(
    "POST /compat/tamio/v2/products/create/service",
    "publishable key",
    () => pk("POST", `${TAMIO}/create/service`, { body: tamioBody }),
    [403],
  ),
  same(
    "POST /compat/tamio/v2/products/create/service",
    "B's product as a related product",
    (n) => sk("POST", `${TAMIO}/create/service`, { body: { ...tamioBody, related_products: [n.p1Uuid] } }),
    [400],
  ),
  same("GET /compat/tamio/v2/products/{id}", "B's product", (n) => sk("GET", `${TAMIO}/${n.p1Uuid}`), [404]),
  same(
    "GET /compat/tamio/v2/products/{id}",
    "Org-Id of B on A's product",
    (n) => sk("GET", `${TAMIO}/${uuidOf(state.A.product)}`, { headers: orgOf(n) }),
    [403],
  ),
  same(
    "GET /compat/tamio/v2/products/{id}",
    "publishable key",
    (n) => pk("GET", `${TAMIO}/${n.p1Uuid}`),
    [403],
  ),
  same(
    "POST /compat/awardee/v1/products",
    "Org-Id of B",
    (n) => sk("POST", AWARDEE, { headers: orgOf(n), body: { name: "Probe" } }),
    [403],
  ),
  same(
    "POST /compat/awardee/v1/products",
    "publishable key",
    () => pk("POST", AWARDEE, { body: { name: "Probe" } }),
    [403],
  ),
  same(
    "GET /compat/awardee/v1/products/{id}",
    "B's product",
    (n) => sk("GET", `${AWARDEE}/${n.p1Uuid}`),
    [404],
  ),
  same(
    "GET /compat/awardee/v1/products/{id}",
    "Org-Id of B on A's product",
    (n) => sk("GET", `${AWARDEE}/${uuidOf(state.A.product)}`, { headers: orgOf(n) }),
    [403],
  ),
  same(
    "GET /compat/awardee/v1/products/{id}",
    "publishable key",
    (n) => pk("GET", `${AWARDEE}/${n.p1Uuid}`),
    [403],
  ),
  same(
    "POST /compat/wethod/api/products",
    "Org-Id of B",
    (n) => sk("POST", WETHOD, { headers: orgOf(n), body: { name: "Probe" } }),
    [403],
  ),
  same(
    "POST /compat/wethod/api/products",
    "publishable key",
    () => pk("POST", WETHOD, { body: { name: "Probe" } }),
    [403],
  ),
  same(
    "GET /compat/wethod/api/products/{id}",
    "Org-Id of B",
    (n) => sk("GET", `${WETHOD}/1`, { headers: orgOf(n) }),
    [403],
  ),
  same("GET /compat/wethod/api/products/{id}", "publishable key", () => pk("GET", `${WETHOD}/1`), [403]),
  same(
    "POST /compat/trata/v1/products",
    "Org-Id of B",
    (n) => sk("POST", TRATA, { headers: orgOf(n), body: trataBody }),
    [403],
  ),
  same(
    "POST /compat/trata/v1/products",
    "publishable key",
    () => pk("POST", TRATA, { body: trataBody }),
    [403],
  ),
  created(
    "POST /compat/trata/v1/products",
    "B's org id in the body: A's own product",
    (n) => sk("POST", TRATA, { body: { ...trataBody, orgId: n.org } }),
    (body) => expect(body.orgId).toBe(state.A.org),
    (body) => `/v1/products/${String(body.id)}`,
    200,
  ),
  same("GET /compat/trata/v1/products", "Org-Id of B", (n) => sk("GET", TRATA, { headers: orgOf(n) }), [403]),
  same("GET /compat/trata/v1/products", "A's own list", () => sk("GET", TRATA), [200]),
  same(
    "GET /compat/trata/v1/products/{product_id}",
    "B's product",
    (n) => sk("GET", `${TRATA}/${n.p1}`),
    [404],
  ),
  same(
    "GET /compat/trata/v1/products/{product_id}",
    "publishable key",
    (n) => pk("GET", `${TRATA}/${n.p1}`),
    [403],
  ),
  same(
    "PUT /compat/trata/v1/products/{product_id}",
    "B's product",
    (n) => sk("PUT", `${TRATA}/${n.p1}`, { body: { ...trataBody, name: "Hijacked" } }),
    [404],
  ),
  same(
    "PUT /compat/trata/v1/products/{product_id}",
    "B's product, If-Match *",
    (n) => sk("PUT", `${TRATA}/${n.p1}`, { headers: { "If-Match": "*" }, body: trataBody }),
    [404],
  ),
  same(
    "DELETE /compat/trata/v1/products/{product_id}",
    "B's product",
    (n) => sk("DELETE", `${TRATA}/${n.p1}`),
    [404],
  ),
  same(
    "DELETE /compat/trata/v1/products/{product_id}",
    "Org-Id of B on A's product",
    (n) => sk("DELETE", `${TRATA}/${state.A.product}`, { headers: orgOf(n) }),
    [403],
  ),
];
