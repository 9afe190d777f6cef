import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ADMIN_TOKEN,
  admin,
  api,
  createKey,
  createOrg,
  createProduct,
  expectError,
  expectFailures,
  type Tenant,
  tenant,
} from "../helpers";

type Parameter = { name: string; in: string };
type Operation = { operationId: string; security?: Record<string, string[]>[]; parameters?: Parameter[] };
type OpenApiDoc = { paths: Record<string, Record<string, Operation>> };
type List<T> = { object: string; data: T[]; has_more: boolean; next_cursor: string | null };

const RECEIVER = "http://allowed.test:8080";

let main: Tenant;
/** A key with every scope, so that each operation's checks before the query pass. */
let everything: string;
let productId: string;

beforeAll(async () => {
  main = await tenant();
  productId = (await createProduct(main.key)).id;
});

// A key per test: the api rate limit counts per key (helpers.ts rekey).
beforeEach(async () => {
  everything = (await createKey([main.orgId], ["product.edit", "webhook.manage"])).key;
});

async function openapi(): Promise<OpenApiDoc> {
  const response = await api("/openapi.json");
  expect(response.status).toBe(200);
  return (await response.json()) as OpenApiDoc;
}

const operations = (doc: OpenApiDoc) =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
  );

const queryOf = (operation: Operation) =>
  (operation.parameters ?? []).filter((parameter) => parameter.in === "query").map((p) => p.name);

/** The key an operation's security asks for: a secret key, the admin token, or none. */
function keyFor(operation: Operation): string | undefined {
  const scheme = Object.keys(operation.security?.[0] ?? {})[0];
  if (scheme === "admin") return ADMIN_TOKEN;
  if (scheme === "bearer") return everything;
  return undefined;
}

describe("unknown query parameters", () => {
  it("are invalid_data naming the parameter on every operation of /openapi.json", async () => {
    const all = operations(await openapi());
    expect(all.length).toBeGreaterThanOrEqual(25);
    for (const { path, method, operation } of all) {
      const concrete = path.replace(/\{[^}]+\}/g, (name) =>
        name === "{image_id}" ? `img_${"0".repeat(26)}` : productId,
      );
      const write = method !== "GET" && method !== "DELETE";
      const response = await api(`${concrete}?zz_unknown=1`, {
        method,
        key: keyFor(operation),
        // A JSON body, so that a route reading one gets as far as its query.
        body: write ? {} : undefined,
      });
      const label = `${method} ${path} (${operation.operationId})`;
      expect(response.status, `${label}: ${await response.clone().text()}`).toBe(400);
      const body = await expectFailures(response, ["zz_unknown"]);
      expect(body.failures?.[0]?.message, label).toBe("Unknown query parameter 'zz_unknown'.");
      // HEAD is GET without the body: refused the same way.
      if (method === "GET") {
        const head = await api(`${concrete}?zz_unknown=1`, { method: "HEAD", key: keyFor(operation) });
        expect(head.status, label).toBe(400);
      }
    }
  });

  it("the document still lists each operation's own query parameters, and only those", async () => {
    const byId = Object.fromEntries(
      operations(await openapi()).map(({ operation }) => [operation.operationId, queryOf(operation)]),
    );
    expect(byId.listProducts).toEqual(expect.arrayContaining(["limit", "cursor", "order", "status", "q"]));
    expect(byId.listEvents?.sort()).toEqual(["cursor", "limit", "type"]);
    expect(byId.listWebhookDeliveries?.sort()).toEqual(["cursor", "limit"]);
    expect(byId.listWebhookEndpoints?.sort()).toEqual(["cursor", "limit"]);
    expect(byId.listOrgs?.sort()).toEqual(["cursor", "limit"]);
    expect(byId.listStorefrontProducts?.sort()).toEqual(["cursor", "limit", "locale", "q", "tag"]);
    expect(byId.getStorefrontProduct).toEqual(["locale"]);
    for (const id of ["getProduct", "listCurrencies", "getEvent", "getWebhookEndpoint", "health", "getImage"])
      expect(byId[id], id).toEqual([]);
  });

  it("a known parameter still works, and a repeated unknown one is named once", async () => {
    expect((await api("/v1/products?limit=1", { key: everything })).status).toBe(200);
    await expectFailures(await api("/v1/currencies?x=1&x=2", { key: everything }), ["x"]);
    await expectFailures(await api(`/v1/products/${productId}?limit=1`, { key: everything }), ["limit"]);
  });

  it("auth comes first: without a key the answer is 401", async () => {
    await expectError(await api("/v1/currencies?zz_unknown=1"), 401, "unauthorized");
    await expectError(await api("/v1/admin/orgs?zz_unknown=1"), 401, "unauthorized");
  });

  it("/openapi.json and /docs take none either", async () => {
    await expectFailures(await api("/openapi.json?zz_unknown=1"), ["zz_unknown"]);
    await expectFailures(await api("/docs?zz_unknown=1"), ["zz_unknown"]);
    expect((await api("/docs")).status).toBe(200);
  });
});

describe("webhook endpoint list", () => {
  it("pages newest first with limit, cursor, has_more and next_cursor", async () => {
    const shop = { key: (await createKey([await createOrg("Hooks")], ["webhook.manage"])).key };
    const created: string[] = [];
    for (let n = 0; n < 5; n++) {
      const response = await api("/v1/webhook_endpoints", {
        method: "POST",
        key: shop.key,
        body: { url: `${RECEIVER}/hooks/ok/page-${n}`, events: ["*"] },
      });
      expect(response.status).toBe(201);
      created.push(((await response.json()) as { id: string }).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await api(`/v1/webhook_endpoints?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
        key: shop.key,
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as List<{ id: string; secret?: string }>;
      expect(body.object).toBe("list");
      expect(body.data.length).toBeLessThanOrEqual(2);
      expect(body.has_more).toBe(pages < 2);
      expect(body.next_cursor).toBe(body.has_more ? (body.data[1]?.id ?? null) : null);
      for (const endpoint of body.data) expect(endpoint.secret).toBeUndefined();
      seen.push(...body.data.map((endpoint) => endpoint.id));
      cursor = body.next_cursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...created].reverse());

    const first = (await (await api("/v1/webhook_endpoints", { key: shop.key })).json()) as List<unknown>;
    expect(first.data).toHaveLength(5);
    expect(first.has_more).toBe(false);
    const one = (await (
      await api("/v1/webhook_endpoints?limit=1", { key: shop.key })
    ).json()) as List<unknown>;
    expect(one.data).toHaveLength(1);
    expect(one.has_more).toBe(true);
    for (const limit of ["0", "101", "x"])
      await expectFailures(await api(`/v1/webhook_endpoints?limit=${limit}`, { key: shop.key }), ["limit"]);
    await expectFailures(await api("/v1/webhook_endpoints?cursor=evt_x", { key: shop.key }), ["cursor"]);
  });
});

describe("admin org list", () => {
  it("pages newest first with limit, cursor, has_more and next_cursor", async () => {
    const created: string[] = [];
    for (let n = 0; n < 3; n++) created.push(await createOrg(`Paged ${n}`));
    const first = (await (await admin("/orgs?limit=2")).json()) as List<{ id: string }>;
    expect(first.data.map((org) => org.id)).toEqual([created[2], created[1]]);
    expect(first.has_more).toBe(true);
    expect(first.next_cursor).toBe(created[1]);
    const second = (await (await admin(`/orgs?limit=1&cursor=${first.next_cursor}`)).json()) as List<{
      id: string;
    }>;
    expect(second.data.map((org) => org.id)).toEqual([created[0]]);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body = (await (await admin(`/orgs?limit=3${cursor ? `&cursor=${cursor}` : ""}`)).json()) as List<{
        id: string;
      }>;
      seen.push(...body.data.map((org) => org.id));
      cursor = body.next_cursor;
      pages++;
    } while (cursor !== null && pages < 100);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(seen).toEqual(expect.arrayContaining([main.orgId, ...created]));
    expect(new Set(seen).size).toBe(seen.length);
    const defaults = (await (await admin("/orgs")).json()) as List<unknown>;
    expect(defaults.data.length).toBe(Math.min(20, seen.length));
    expect(defaults.has_more).toBe(seen.length > 20);
    for (const limit of ["0", "101"]) await expectFailures(await admin(`/orgs?limit=${limit}`), ["limit"]);
    await expectFailures(await admin("/orgs?cursor=we_x"), ["cursor"]);
  });
});
