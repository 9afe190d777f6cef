// The admin API (A's keys are refused: 401 secret, 403 publishable) and the public routes (image
// bytes, scan redirects, health), which take no key and have no org.
import { expect } from "vitest";
import { type Case, orgOf, pk, same, sk } from "../generators";
import { expectNoMarkers, send } from "../judge";
import { ALL_SCOPES, PROBE_NAME, state } from "../model";

export const ADMIN_PUBLIC_CASES: Case[] = [
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
    "PATCH /v1/admin/orgs/{id}",
    "A's secret key renaming B",
    (n) => sk("PATCH", `/v1/admin/orgs/${n.org}`, { body: { name: PROBE_NAME, default_currency: "JPY" } }),
    [401],
  ),
  same(
    "PATCH /v1/admin/orgs/{id}",
    "A's publishable key renaming B",
    (n) => pk("PATCH", `/v1/admin/orgs/${n.org}`, { body: { name: PROBE_NAME } }),
    [403],
  ),
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
      const unknown = await send({ method: "GET", path: `/images/${state.G.img}`, cred: "none" });
      expect(unknown.status, unknown.text).toBe(404);
      expectNoMarkers(unknown.text, "GET /images/{unknown}");
    },
  },
  {
    op: "GET /images/{image_id}",
    label: "an image A deleted is 404; B's image answers alike with and without A's key",
    run: async () => {
      const deleted = await send({ method: "GET", path: `/images/${state.A.deletedImage}`, cred: "none" });
      expect(deleted.status, deleted.text).toBe(404);
      const keyless = await send({ method: "GET", path: `/images/${state.B.img}`, cred: "none" });
      const withA = await send({
        method: "GET",
        path: `/images/${state.B.img}`,
        cred: "sk",
        headers: orgOf(state.B),
      });
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
