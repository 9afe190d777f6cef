import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import {
  ADMIN_TOKEN,
  admin,
  api,
  createKey,
  createOrg,
  createProduct,
  expectError,
  expectFailures,
  sharedTenant,
} from "../helpers";

type Product = { id: string; org_id: string; name: string; version: number };
type Org = { id: string; object: string; name: string; created_at: string };
type ApiKey = Org & { key: string; type: string; org_ids: string[]; scopes: string[] };
interface OpenApiResponse {
  content?: Record<string, { schema?: { $ref?: string } }>;
}
interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, OpenApiResponse> }>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
}

const ULID = "[0-9A-HJKMNP-TV-Z]{26}";
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const hex48 = () =>
  [...crypto.getRandomValues(new Uint8Array(24))].map((b) => b.toString(16).padStart(2, "0")).join("");

/** A 401 in the error shape, with a Bearer challenge. */
async function expectUnauthorized(response: Response) {
  expect(response.headers.get("WWW-Authenticate") ?? "").toMatch(/^Bearer\b/);
  return expectError(response, 401, "unauthorized");
}

const allowOf = (response: Response) =>
  (response.headers.get("Allow") ?? "")
    .split(",")
    .map((method) => method.trim())
    .filter(Boolean)
    .sort();

/** The product as its owner sees it, for before/after comparisons. */
async function ownerView(key: string, id: string): Promise<unknown> {
  const response = await api(`/v1/products/${id}`, { key });
  expect(response.status).toBe(200);
  return response.json();
}

function postKey(body: Record<string, unknown>) {
  return admin("/api_keys", { method: "POST", body: { name: "k", type: "secret", ...body } });
}

const a = sharedTenant();
const b = sharedTenant();
let product: Product;

beforeAll(async () => {
  product = (await createProduct(a.key, { name: "Owned by A", sku: "TEN-1" })) as unknown as Product;
});

describe("authentication", () => {
  it("accepts a valid secret key", async () => {
    const response = await api(`/v1/products/${product.id}`, {
      headers: { Authorization: `Bearer ${a.key}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("WWW-Authenticate")).toBeNull();
  });

  it("answers 401 without Authorization", async () => {
    await expectUnauthorized(await api("/v1/products"));
    await expectUnauthorized(await api("/v1/currencies"));
  });

  it.each([
    ["Bearer", () => "Bearer"],
    ["Bearer with blank", () => "Bearer "],
    ["Basic x", () => "Basic x"],
    ["Basic with a real key", () => `Basic ${a.key}`],
    ["the key without scheme", () => a.key],
    ["Bearer sk_short", () => "Bearer sk_short"],
    ["unknown sk_ key", () => `Bearer sk_${hex48()}`],
    ["unknown pk_ key", () => `Bearer pk_${hex48()}`],
    ["wrong prefix", () => `Bearer xk_${hex48()}`],
    [
      "real key with a character changed",
      () => `Bearer ${a.key.slice(0, -1)}${a.key.endsWith("0") ? "1" : "0"}`,
    ],
  ])("answers 401 for %s", async (_label, header) => {
    await expectUnauthorized(await api("/v1/products", { headers: { Authorization: header() } }));
    await expectUnauthorized(
      await api(`/v1/products/${product.id}`, { headers: { Authorization: header() } }),
    );
  });

  it("revocation takes effect at once, and a revoked key stays dead", async () => {
    const org = await createOrg("Revoked org");
    const { id, key } = await createKey([org]);
    expect((await api("/v1/products", { key })).status).toBe(200);
    const revoked = await admin(`/api_keys/${id}`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({ id, object: "api_key", deleted: true });
    await expectUnauthorized(await api("/v1/products", { key }));
    await expectUnauthorized(await api("/v1/currencies", { key }));
    await expectUnauthorized(await api("/v1/products", { method: "POST", key, body: { name: "x" } }));
    await expectError(await admin(`/api_keys/${id}`, { method: "DELETE" }), 404, "not_found");
  });

  it("a key revoked elsewhere (another isolate, straight in D1) stops working within 1 second", async () => {
    const org = await createOrg("Revoked elsewhere");
    const { id, key } = await createKey([org]);
    expect((await api("/v1/products", { key })).status).toBe(200);
    // Within the second the key is this isolate's copy: /v1/currencies then touches no D1 at all.
    const cached = await api("/v1/currencies", { key });
    expect(cached.status).toBe(200);
    expect(cached.headers.get("Server-Timing")).toBeNull();
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ?")
      .bind(new Date().toISOString(), id)
      .run();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expectUnauthorized(await api("/v1/products", { key }));
  });

  it("revoking an unknown key id is 404", async () => {
    await expectError(await admin(`/api_keys/key_${"0".repeat(26)}`, { method: "DELETE" }), 404, "not_found");
  });
});

describe("tenancy: another org's ids are 404 and untouched", () => {
  const patchType = { "Content-Type": "application/merge-patch+json" };
  const probes: [string, string, unknown, Record<string, string>][] = [
    ["GET", "GET", undefined, {}],
    ["PUT", "PUT", { name: "Hijacked" }, {}],
    ["PATCH", "PATCH", { name: "Hijacked" }, {}],
    ["PATCH merge-patch", "PATCH", { status: "archived" }, patchType],
    ["PATCH with If-Match", "PATCH", { name: "H" }, { "If-Match": '"9"' }],
    ["PUT with If-Match *", "PUT", { name: "H" }, { "If-Match": "*" }],
    ["DELETE", "DELETE", undefined, {}],
    ["DELETE with If-Match", "DELETE", undefined, { "If-Match": '"1"' }],
  ];

  it.each(probes)("%s with another org's key is 404", async (_label, method, body, headers) => {
    const before = await ownerView(a.key, product.id);
    const init = { method, body, headers, key: b.key };
    const error = await expectError(await api(`/v1/products/${product.id}`, init), 404, "not_found");
    expect(JSON.stringify(error)).not.toContain("Owned by A");
    expect(await ownerView(a.key, product.id)).toEqual(before);
  });

  it("create is scoped to the key's org: same sku in another org is fine and invisible to A", async () => {
    const created = (await createProduct(b.key, { name: "Owned by B", sku: "TEN-1" })) as unknown as Product;
    expect(created.org_id).toBe(b.orgId);
    expect(product.org_id).toBe(a.orgId);
    await expectError(await api(`/v1/products/${created.id}`, { key: a.key }), 404, "not_found");

    const listA = (await (await api("/v1/products?sku=TEN-1", { key: a.key })).json()) as { data: Product[] };
    expect(listA.data.map((p) => p.id)).toEqual([product.id]);
    const listB = (await (await api("/v1/products?limit=100", { key: b.key })).json()) as { data: Product[] };
    expect(listB.data.map((p) => p.id)).toEqual([created.id]);
    expect(listB.data.every((p) => p.org_id === b.orgId)).toBe(true);
  });

  it("org_id sent in the body is ignored", async () => {
    const created = (await createProduct(b.key, { name: "Sneaky", org_id: a.orgId })) as unknown as Product;
    expect(created.org_id).toBe(b.orgId);
    await expectError(await api(`/v1/products/${created.id}`, { key: a.key }), 404, "not_found");
  });
});

describe("scopes", () => {
  let readKey: string;
  beforeAll(async () => {
    readKey = (await createKey([a.orgId], ["product.read"])).key;
  });

  it("a product.read key may GET and list", async () => {
    const one = await api(`/v1/products/${product.id}`, { key: readKey });
    expect(one.status).toBe(200);
    expect(((await one.json()) as Product).id).toBe(product.id);
    const list = await api("/v1/products", { key: readKey });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { data: Product[] }).data.map((p) => p.id)).toContain(product.id);
  });

  it.each([
    ["POST", () => ["/v1/products", { method: "POST", body: { name: "Nope" } }] as const],
    ["PUT", () => [`/v1/products/${product.id}`, { method: "PUT", body: { name: "Nope" } }] as const],
    ["PATCH", () => [`/v1/products/${product.id}`, { method: "PATCH", body: { name: "Nope" } }] as const],
    ["DELETE", () => [`/v1/products/${product.id}`, { method: "DELETE" }] as const],
  ])("a product.read key gets 403 on %s and changes nothing", async (_label, probe) => {
    const before = await ownerView(a.key, product.id);
    const listBefore = await (await api("/v1/products?limit=100", { key: a.key })).text();
    const [path, init] = probe();
    await expectError(await api(path, { ...init, key: readKey }), 403, "forbidden");
    expect(await ownerView(a.key, product.id)).toEqual(before);
    expect(await (await api("/v1/products?limit=100", { key: a.key })).text()).toBe(listBefore);
  });

  it("product.edit implies product.read", async () => {
    expect((await api(`/v1/products/${product.id}`, { key: a.key })).status).toBe(200);
    expect((await api("/v1/products", { key: a.key })).status).toBe(200);
  });

  it("a webhook.manage-only key gets 403 on product reads and writes", async () => {
    const { key } = await createKey([a.orgId], ["webhook.manage"]);
    await expectError(await api("/v1/products", { key }), 403, "forbidden");
    await expectError(await api(`/v1/products/${product.id}`, { key }), 403, "forbidden");
    await expectError(
      await api("/v1/products", { method: "POST", key, body: { name: "x" } }),
      403,
      "forbidden",
    );
    expect((await api("/v1/currencies", { key })).status).toBe(200);
  });

  it("a publishable key is 403 on every product route", async () => {
    const created = await postKey({
      type: "publishable",
      org_ids: [a.orgId],
      scopes: ["storefront.read"],
      allowed_origins: ["https://shop.example"],
    });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as ApiKey;
    expect(key).toMatch(/^pk_/);
    const before = await ownerView(a.key, product.id);
    await expectError(await api("/v1/products", { key }), 403, "forbidden");
    await expectError(await api(`/v1/products/${product.id}`, { key }), 403, "forbidden");
    await expectError(
      await api("/v1/products", { method: "POST", key, body: { name: "x" } }),
      403,
      "forbidden",
    );
    const put = { method: "PUT", key, body: { name: "x" } };
    await expectError(await api(`/v1/products/${product.id}`, put), 403, "forbidden");
    const patch = { method: "PATCH", key, body: { name: "x" } };
    await expectError(await api(`/v1/products/${product.id}`, patch), 403, "forbidden");
    await expectError(await api(`/v1/products/${product.id}`, { method: "DELETE", key }), 403, "forbidden");
    expect(await ownerView(a.key, product.id)).toEqual(before);
    expect((await api("/v1/currencies", { key })).status).toBe(200);
  });
});

describe("orgs on a key", () => {
  let orgOne: string;
  let orgTwo: string;
  let multiKey: string;
  beforeAll(async () => {
    orgOne = await createOrg("Multi one");
    orgTwo = await createOrg("Multi two");
    multiKey = (await createKey([orgOne, orgTwo])).key;
  });

  it("a multi-org key without Org-Id is 400 org_required", async () => {
    await expectError(await api("/v1/products", { key: multiKey }), 400, "org_required");
    const post = await api("/v1/products", { method: "POST", key: multiKey, body: { name: "x" } });
    await expectError(post, 400, "org_required");
    await expectError(await api(`/v1/products/${product.id}`, { key: multiKey }), 400, "org_required");
  });

  it("a multi-org key acts on the org named in Org-Id", async () => {
    const one = { "Org-Id": orgOne };
    const two = { "Org-Id": orgTwo };
    const response = await api("/v1/products", {
      method: "POST",
      key: multiKey,
      headers: one,
      body: { name: "In one" },
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as Product;
    expect(created.org_id).toBe(orgOne);

    expect((await api(`/v1/products/${created.id}`, { key: multiKey, headers: one })).status).toBe(200);
    await expectError(
      await api(`/v1/products/${created.id}`, { key: multiKey, headers: two }),
      404,
      "not_found",
    );
    const patchInTwo = { method: "PATCH", key: multiKey, headers: two, body: { name: "Moved" } };
    await expectError(await api(`/v1/products/${created.id}`, patchInTwo), 404, "not_found");

    const listTwo = (await (await api("/v1/products", { key: multiKey, headers: two })).json()) as {
      data: Product[];
    };
    expect(listTwo.data).toEqual([]);
    const listOne = (await (await api("/v1/products", { key: multiKey, headers: one })).json()) as {
      data: Product[];
    };
    expect(listOne.data.map((p) => p.id)).toEqual([created.id]);
  });

  it("a multi-org key with an Org-Id it lacks is 403", async () => {
    await expectError(
      await api("/v1/products", { key: multiKey, headers: { "Org-Id": a.orgId } }),
      403,
      "forbidden",
    );
    const unknown = { "Org-Id": `org_${"0".repeat(26)}` };
    await expectError(await api("/v1/products", { key: multiKey, headers: unknown }), 403, "forbidden");
  });

  it("a one-org key: its own Org-Id is fine, another org's is 403", async () => {
    const own = await api(`/v1/products/${product.id}`, { key: a.key, headers: { "Org-Id": a.orgId } });
    expect(own.status).toBe(200);
    await expectError(
      await api("/v1/products", { key: a.key, headers: { "Org-Id": b.orgId } }),
      403,
      "forbidden",
    );
    const before = await ownerView(a.key, product.id);
    const patch = { method: "PATCH", key: b.key, headers: { "Org-Id": a.orgId }, body: { name: "x" } };
    await expectError(await api(`/v1/products/${product.id}`, patch), 403, "forbidden");
    expect(await ownerView(a.key, product.id)).toEqual(before);
  });

  it("GET /v1/currencies needs no Org-Id, even for a multi-org key", async () => {
    const response = await api("/v1/currencies", { key: multiKey });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { object: string; data: { code: string; exponent: number }[] };
    expect(body.object).toBe("list");
    expect(body.data.find((c) => c.code === "USD")?.exponent).toBe(2);
  });
});

describe("admin API", () => {
  it("creates and lists orgs", async () => {
    const response = await admin("/orgs", { method: "POST", body: { name: "Acme GmbH" } });
    expect(response.status).toBe(201);
    const org = (await response.json()) as Org;
    expect(Object.keys(org).sort()).toEqual(["created_at", "default_currency", "id", "name", "object"]);
    expect(org.id).toMatch(new RegExp(`^org_${ULID}$`));
    expect(org.object).toBe("org");
    expect(org.name).toBe("Acme GmbH");
    expect(org.created_at).toMatch(TIMESTAMP);

    const list = await admin("/orgs?limit=100");
    expect(list.status).toBe(200);
    const text = await list.text();
    const body = JSON.parse(text) as { object: string; data: Org[] };
    expect(body.object).toBe("list");
    expect(body.data).toContainEqual(org);
    expect(body.data.map((o) => o.id)).toEqual(expect.arrayContaining([a.orgId, b.orgId]));
    for (const entry of body.data)
      expect(Object.keys(entry).sort()).toEqual(["created_at", "default_currency", "id", "name", "object"]);
    expect(text).not.toContain(a.key);
    expect(text).not.toMatch(/sk_|pk_|key_hash|keyHash/);
  });

  it("validates the org body", async () => {
    await expectFailures(await admin("/orgs", { method: "POST", body: {} }), ["name"]);
    await expectFailures(await admin("/orgs", { method: "POST", body: { name: "" } }), ["name"]);
    await expectFailures(await admin("/orgs", { method: "POST", body: { name: "x", extra: 1 } }), ["extra"]);
    const one = await admin("/orgs", { method: "POST", body: { name: "x" } });
    expect(one.status).toBe(201);
  });

  it("creates a secret key: shown once, sk_ prefix, no hash leaked", async () => {
    const response = await postKey({ name: "Back office", org_ids: [a.orgId], scopes: ["product.edit"] });
    expect(response.status).toBe(201);
    const text = await response.text();
    const key = JSON.parse(text) as ApiKey;
    expect(key).toMatchObject({
      object: "api_key",
      name: "Back office",
      type: "secret",
      org_ids: [a.orgId],
      scopes: ["product.edit"],
    });
    expect(key.id).toMatch(new RegExp(`^key_${ULID}$`));
    expect(key.key).toMatch(/^sk_[0-9a-f]{48}$/);
    expect(key.created_at).toMatch(TIMESTAMP);
    expect(text).not.toMatch(/hash/i);
    expect((await api("/v1/products", { key: key.key })).status).toBe(200);
  });

  it("creates a publishable key with pk_ prefix and its origins", async () => {
    const response = await postKey({
      type: "publishable",
      org_ids: [a.orgId],
      scopes: ["storefront.read"],
      allowed_origins: ["https://shop.example", "http://localhost:8787"],
    });
    expect(response.status).toBe(201);
    const text = await response.text();
    const key = JSON.parse(text) as ApiKey & { allowed_origins: string[] };
    expect(key.type).toBe("publishable");
    expect(key.key).toMatch(/^pk_[0-9a-f]{48}$/);
    expect(key.scopes).toEqual(["storefront.read"]);
    expect(key.allowed_origins).toEqual(["https://shop.example", "http://localhost:8787"]);
    expect(text).not.toMatch(/hash/i);
  });

  it("each key is different", async () => {
    const one = await createKey([a.orgId]);
    const two = await createKey([a.orgId]);
    expect(one.key).not.toBe(two.key);
    expect(one.id).not.toBe(two.id);
  });

  const pub = (extra: Record<string, unknown>) => ({
    type: "publishable",
    org_ids: [a.orgId],
    scopes: ["storefront.read"],
    ...extra,
  });
  const edit = ["product.edit"];
  it.each([
    ["unknown org id", () => ({ org_ids: ["org_nope"], scopes: edit }), ["org_ids[0]"]],
    ["second org id unknown", () => ({ org_ids: [a.orgId, "org_nope"], scopes: edit }), ["org_ids[1]"]],
    ["empty org_ids", () => ({ org_ids: [], scopes: edit }), ["org_ids"]],
    ["empty scopes", () => ({ org_ids: [a.orgId], scopes: [] }), ["scopes"]],
    ["unknown scope", () => ({ org_ids: [a.orgId], scopes: ["product.delete"] }), ["scopes[0]"]],
    ["unknown type", () => ({ org_ids: [a.orgId], scopes: edit, type: "admin" }), ["type"]],
    ["missing name", () => ({ name: undefined, org_ids: [a.orgId], scopes: edit }), ["name"]],
    ["publishable with product.edit", () => pub({ scopes: edit }), ["scopes[0]"]],
    [
      "publishable with a 2nd scope",
      () => pub({ scopes: ["storefront.read", "product.read"] }),
      ["scopes[1]"],
    ],
    [
      "secret with storefront.read",
      () => ({ org_ids: [a.orgId], scopes: ["storefront.read"] }),
      ["scopes[0]"],
    ],
    [
      "secret with allowed_origins",
      () => ({ org_ids: [a.orgId], scopes: edit, allowed_origins: ["https://shop.example"] }),
      ["allowed_origins"],
    ],
    [
      "origin with a path",
      () => pub({ allowed_origins: ["https://shop.example/path"] }),
      ["allowed_origins[0]"],
    ],
    [
      "origin with a trailing slash",
      () => pub({ allowed_origins: ["https://shop.example", "https://b.example/"] }),
      ["allowed_origins[1]"],
    ],
    ["origin not http(s)", () => pub({ allowed_origins: ["ftp://x.example"] }), ["allowed_origins[0]"]],
  ])("rejects a key with %s", async (_label, body, fields) => {
    await expectFailures(await postKey(body()), fields);
  });

  it.each([
    ["POST /orgs", "/orgs", { method: "POST", body: { name: "x" } }],
    ["GET /orgs", "/orgs", {}],
    [
      "POST /api_keys",
      "/api_keys",
      { method: "POST", body: { name: "k", org_ids: [], type: "secret", scopes: [] } },
    ],
    ["DELETE /api_keys/{id}", "/api_keys/key_x", { method: "DELETE" }],
  ] as const)("%s: wrong, missing or product token is 401", async (_label, path, init) => {
    for (const key of [`${ADMIN_TOKEN}x`, ADMIN_TOKEN.slice(0, -1), a.key, null]) {
      await expectUnauthorized(await api(`/v1/admin${path}`, { ...init, key }));
    }
    await expectUnauthorized(
      await api(`/v1/admin${path}`, { ...init, headers: { Authorization: ADMIN_TOKEN } }),
    );
  });

  it("a product key cannot revoke a key", async () => {
    const { id, key } = await createKey([a.orgId]);
    await expectUnauthorized(await api(`/v1/admin/api_keys/${id}`, { method: "DELETE", key }));
    expect((await api("/v1/products", { key })).status).toBe(200);
  });

  it("with no ADMIN_TOKEN set every admin route is 404", async () => {
    const orgCount = async () =>
      ((await (await admin("/orgs?limit=100")).json()) as { data: Org[] }).data.length;
    const orgsBefore = await orgCount();
    const disabledEnv = { ...env, ADMIN_TOKEN: undefined } as unknown as typeof env;
    const routes: [string, string, unknown][] = [
      ["POST", "/v1/admin/orgs", { name: "x" }],
      ["GET", "/v1/admin/orgs", undefined],
      [
        "POST",
        "/v1/admin/api_keys",
        { name: "k", org_ids: [a.orgId], type: "secret", scopes: ["product.edit"] },
      ],
      ["DELETE", "/v1/admin/api_keys/key_x", undefined],
      // A method the path lacks does not tell that the admin API exists either.
      ["PUT", "/v1/admin/orgs", undefined],
      ["OPTIONS", "/v1/admin/api_keys", undefined],
    ];
    for (const [method, path, body] of routes) {
      for (const token of [ADMIN_TOKEN, "undefined", ""]) {
        const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
        if (body !== undefined) headers["Content-Type"] = "application/json";
        const request = new Request(`https://api.test${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const response = await worker.fetch(request, disabledEnv, createExecutionContext());
        expect(response.headers.get("WWW-Authenticate"), `${method} ${path}`).toBeNull();
        await expectError(response, 404, "not_found");
      }
    }
    expect(await orgCount()).toBe(orgsBefore);
  });
});

describe("API-Version", () => {
  it("absent: the newest, 2026-11-01", async () => {
    const response = await api("/v1/products", { key: a.key });
    expect(response.status).toBe(200);
    expect(response.headers.get("API-Version")).toBe("2026-11-01");
    expect((await api("/health")).headers.get("API-Version")).toBe("2026-11-01");
  });

  it("2026-11-01 is echoed", async () => {
    const response = await api("/v1/products", { key: a.key, headers: { "API-Version": "2026-11-01" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("API-Version")).toBe("2026-11-01");
  });

  it.each(["2020-01-01", "banana", "2026-11-02", "2026-11-01x"])(
    "unknown %s is 400, with or without a key",
    async (version) => {
      const headers = { "API-Version": version };
      await expectError(await api("/v1/products", { key: a.key, headers }), 400, "unsupported_api_version");
      await expectError(await api("/v1/products", { headers }), 400, "unsupported_api_version");
      await expectError(await api("/health", { headers }), 400, "unsupported_api_version");
    },
  );
});

describe("Request-Id", () => {
  it("is on every response and unique per request", async () => {
    const responses = [
      await api("/health"),
      await api("/health"),
      await api("/v1/products", { key: a.key }),
      await api(`/v1/products/${product.id}`, { key: a.key }),
      await api("/v1/products"),
      await api("/nope"),
      await api("/v1/products", { method: "OPTIONS", key: a.key }),
      await api("/v1/products", { method: "PATCH", key: a.key }),
      await api("/openapi.json"),
    ];
    const ids = responses.map((response) => response.headers.get("Request-Id"));
    for (const id of ids) expect(id).toMatch(new RegExp(`^req_${ULID}$`));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("equals body.request_id on errors", async () => {
    for (const response of [
      await api("/v1/products"),
      await api("/v1/nope", { key: a.key }),
      await api("/v1/products", { key: a.key, headers: { "API-Version": "banana" } }),
      await api(`/v1/products/${product.id}`, { key: b.key }),
    ]) {
      const body = (await response.json()) as { request_id: string };
      expect(response.headers.get("Request-Id")).toBe(body.request_id);
      expect(body.request_id).toMatch(new RegExp(`^req_${ULID}$`));
    }
  });
});

describe("routing", () => {
  it.each(["/nope", "/v1/nope", "/v1", "/"])("unknown route %s is 404 not_found", async (path) => {
    await expectError(await api(path), 404, "not_found");
    await expectError(await api(path, { key: a.key }), 404, "not_found");
  });

  it("a path below a product is 404", async () => {
    await expectError(await api("/v1/products/x/y", { key: a.key }), 404, "not_found");
    await expectError(await api(`/v1/products/${product.id}/nope`, { key: a.key }), 404, "not_found");
  });

  it("an unknown product id is 404", async () => {
    await expectError(await api(`/v1/products/prod_${"0".repeat(26)}`, { key: a.key }), 404, "not_found");
  });

  it("PATCH /v1/products is 405 with Allow", async () => {
    const response = await api("/v1/products", { method: "PATCH", key: a.key, body: { name: "x" } });
    expect(allowOf(response)).toEqual(["GET", "HEAD", "OPTIONS", "POST"]);
    await expectError(response, 405, "method_not_allowed");
  });

  it("POST /v1/products/{id} is 405 with Allow, and changes nothing", async () => {
    const before = await ownerView(a.key, product.id);
    const response = await api(`/v1/products/${product.id}`, {
      method: "POST",
      key: a.key,
      body: { name: "x" },
    });
    expect(allowOf(response)).toEqual(["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "PUT"]);
    await expectError(response, 405, "method_not_allowed");
    expect(await ownerView(a.key, product.id)).toEqual(before);
  });

  it("DELETE /health is 405 with Allow", async () => {
    const response = await api("/health", { method: "DELETE" });
    expect(allowOf(response)).toEqual(["GET", "HEAD", "OPTIONS"]);
    await expectError(response, 405, "method_not_allowed");
  });

  it("OPTIONS on a known path is 204 with Allow", async () => {
    const list = await api("/v1/products", { method: "OPTIONS", key: a.key });
    expect(list.status).toBe(204);
    expect(allowOf(list)).toEqual(["GET", "HEAD", "OPTIONS", "POST"]);
    expect(await list.text()).toBe("");
    const one = await api(`/v1/products/${product.id}`, { method: "OPTIONS", key: a.key });
    expect(one.status).toBe(204);
    expect(allowOf(one)).toEqual(["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "PUT"]);
    const health = await api("/health", { method: "OPTIONS" });
    expect(health.status).toBe(204);
    expect(allowOf(health)).toEqual(["GET", "HEAD", "OPTIONS"]);
  });

  it("OPTIONS on an unknown path is 404", async () => {
    await expectError(await api("/nope", { method: "OPTIONS" }), 404, "not_found");
  });

  it("OPTIONS needs no key: 204 with Allow on secret and admin routes", async () => {
    const cases: [string, string[]][] = [
      ["/v1/products", ["GET", "HEAD", "OPTIONS", "POST"]],
      [`/v1/products/${product.id}`, ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "PUT"]],
      [`/v1/products/${product.id}/images/img_${"0".repeat(26)}`, ["DELETE", "OPTIONS", "PATCH"]],
      ["/v1/currencies", ["GET", "HEAD", "OPTIONS"]],
      ["/v1/events", ["GET", "HEAD", "OPTIONS"]],
      ["/v1/webhook_endpoints", ["GET", "HEAD", "OPTIONS", "POST"]],
      ["/v1/admin/orgs", ["GET", "HEAD", "OPTIONS", "POST"]],
      ["/v1/admin/api_keys/key_x", ["DELETE", "OPTIONS"]],
    ];
    for (const [path, allow] of cases) {
      for (const key of [undefined, "sk_wrong"]) {
        const response = await api(path, { method: "OPTIONS", key });
        expect(response.status, `${path} ${await response.clone().text()}`).toBe(204);
        expect(allowOf(response)).toEqual(allow);
      }
    }
  });

  it("a wrong method is 405 with Allow whatever Idempotency-Key it carries", async () => {
    const headers = { "Idempotency-Key": "routing-405" };
    const created = await api("/v1/products", {
      method: "POST",
      key: a.key,
      headers,
      body: { name: "Once" },
    });
    expect(created.status).toBe(201);
    const cases: [string, string, string[]][] = [
      ["PATCH", "/v1/products", ["GET", "HEAD", "OPTIONS", "POST"]],
      ["POST", `/v1/products/${product.id}`, ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "PUT"]],
      ["POST", "/v1/events", ["GET", "HEAD", "OPTIONS"]],
      ["PATCH", "/v1/webhook_endpoints", ["GET", "HEAD", "OPTIONS", "POST"]],
      ["POST", "/v1/currencies", ["GET", "HEAD", "OPTIONS"]],
    ];
    for (const [method, path, allow] of cases) {
      for (const key of [a.key, undefined]) {
        const response = await api(path, { method, key, headers, body: { name: "Once" } });
        expect(allowOf(response)).toEqual(allow);
        await expectError(response, 405, "method_not_allowed");
      }
    }
    const adminHeaders = { "Idempotency-Key": "routing-405-admin" };
    expect(
      (await admin("/orgs", { method: "POST", headers: adminHeaders, body: { name: "x" } })).status,
    ).toBe(201);
    const orgs = await admin("/orgs", { method: "PATCH", headers: adminHeaders, body: { name: "x" } });
    expect(allowOf(orgs)).toEqual(["GET", "HEAD", "OPTIONS", "POST"]);
    await expectError(orgs, 405, "method_not_allowed");
    // An unknown path stays 404, whatever the key.
    for (const path of ["/v1/products/x/y", `/v1/products/${product.id}/nope`, "/v1/admin/nope"]) {
      await expectError(await api(path, { method: "POST", key: a.key, headers, body: {} }), 404, "not_found");
    }
  });

  it("a trailing slash is another path: 404, never a 405", async () => {
    const paths = [
      "/v1/products/",
      `/v1/products/${product.id}/`,
      `/v1/products/${product.id}/images/`,
      "/v1/currencies/",
      "/v1/events/",
      "/v1/webhook_endpoints/",
      "/v1/admin/orgs/",
      "/v1/storefront/products/",
      "/health/",
    ];
    for (const path of paths) {
      // The storefront's OPTIONS are CORS preflights (test/app/cors.test.ts).
      const methods = ["GET", "POST", "PATCH", ...(path.startsWith("/v1/storefront/") ? [] : ["OPTIONS"])];
      for (const method of methods) {
        const response = await api(path, { method, key: a.key, body: method === "GET" ? undefined : {} });
        const body = await expectError(response, 404, "not_found");
        expect(response.headers.get("Allow")).toBeNull();
        expect(body.message).toBe(`No route for ${method} ${path}.`);
      }
    }
    // The same paths without the slash are there.
    expect((await api("/v1/products", { key: a.key })).status).toBe(200);
    expect((await api(`/v1/products/${product.id}`, { key: a.key })).status).toBe(200);
  });
});

describe("public endpoints", () => {
  it("GET /health is 200 without a key", async () => {
    const response = await api("/health");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("GET /openapi.json describes the API", async () => {
    const response = await api("/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    const doc = (await response.json()) as OpenApiDoc;
    expect(doc.openapi).toBe("3.1.0");
    for (const path of [
      "/v1/products",
      "/v1/products/{id}",
      "/v1/currencies",
      "/v1/admin/orgs",
      "/v1/admin/api_keys",
      "/v1/admin/api_keys/{id}",
      "/health",
    ]) {
      expect(Object.keys(doc.paths), path).toContain(path);
    }
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });

    const operations: [string, string][] = [
      ["/v1/products", "post"],
      ["/v1/products", "get"],
      ["/v1/products/{id}", "get"],
      ["/v1/products/{id}", "put"],
      ["/v1/products/{id}", "patch"],
      ["/v1/products/{id}", "delete"],
    ];
    for (const [path, method] of operations) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      // Each error status is the Error schema with the enum of the keys that status can carry.
      for (const [status, key] of [
        ["400", "unsupported_api_version"],
        ["401", "unauthorized"],
        ["403", "forbidden"],
        ["429", "rate_limited"],
        ["500", "internal_error"],
      ] as const) {
        const schema = operation?.responses[status]?.content?.["application/json"]?.schema as {
          allOf: [{ $ref: string }, { properties: { key: { enum: string[] } } }];
        };
        expect(schema?.allOf[0].$ref, `${method} ${path} ${status}`).toBe("#/components/schemas/Error");
        expect(schema?.allOf[1].properties.key.enum, `${method} ${path} ${status}`).toContain(key);
      }
    }
  });

  it("GET /docs is an HTML page", async () => {
    const response = await api("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(await response.text()).toMatch(/<html/i);
  });
});
