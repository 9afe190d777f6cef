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
//
// The folder: model.ts (constants, types, the `state` made in beforeAll, the probe counts),
// fixtures.ts (orgs B and A, the ghosts, B's snapshot), judge.ts (sending a probe, judging an
// answer), generators.ts (the kinds of case and the probe shorthands), cases/ (the operations and
// requests swept, by route group, gathered in cases/index.ts).
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, api } from "../../helpers";
import { CASES, SWEEP } from "./cases";
import { setUpOrgs, snapshotOfB } from "./fixtures";
import { call, expectNoMarkers, send } from "./judge";
import { B_ORIGIN, type Doc, PROBE_NAME, state, stats } from "./model";

// /openapi.json and /docs are not operations of the document (they serve it): they read no org's
// data and are checked below only to hold no B string.

beforeAll(async () => {
  await setUpOrgs();
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
    for (const name of Object.keys(state.before)) {
      expect(after[name], `B's ${name}`).toEqual(state.before[name]);
    }
    const p1 = JSON.parse(String(after.p1?.body)) as {
      images: { id: string }[];
      total_scans: number;
      version: number;
      inventory: { quantity: number };
    };
    expect(p1.images.map((image) => image.id)).toEqual([state.B.img]);
    expect(p1.total_scans).toBe(1);
    expect(p1.inventory.quantity).toBe(9);
    expect(after.image?.etag).toBe(state.bImageEtag);
    const r2 = await env.IMAGES.list({ prefix: `orgs/${state.B.org}/products/${state.B.p1}/` });
    expect(r2.objects.map((object) => object.key)).toEqual([
      `orgs/${state.B.org}/products/${state.B.p1}/${state.B.img}`,
    ]);
    const p3 = JSON.parse(String(after.p3?.body)) as { total_scans: number };
    expect(p3.total_scans).toBe(0);
    // B's keys still work (A's revoke attempts failed), and A minted no key nor org.
    await call(state.bMainKey, `/v1/products/${state.B.p1}`);
    await call(state.bPk, `/v1/storefront/products/${state.B.p1}`, { headers: { Origin: B_ORIGIN } });
    const keys = await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE name = ?")
      .bind(PROBE_NAME)
      .first();
    expect(keys?.n).toBe(0);
    const orgs = await admin("/orgs");
    expect(await orgs.text()).not.toContain(PROBE_NAME);
  });
});
