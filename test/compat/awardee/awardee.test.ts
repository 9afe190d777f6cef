// The Awardee dialect (/compat/awardee): Awardee's documented create answers its documented shape,
// with UUID ids (the product's ULID, bit for bit), Idempotency-Key replays and failed_image_urls
// only when an image failed.
import { describe, expect, it } from "vitest";
import { api, createKey, createOrg, expectError, expectFailures, type Tenant, tenant } from "../../helpers";

const BASE = "/compat/awardee/v1/products";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SEED_UUID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

/** Awardee's example request as its page prints it, `<string>` replaced by real values. */
const EXAMPLE = {
  name: "Espresso machine",
  gtin: "4006381333931",
  description: "15 bar pump, stainless steel body.",
  destination: {
    chatbot: SEED_UUID,
    page: SEED_UUID,
    knowledge_base: SEED_UUID,
    url: "https://example.com/espresso",
  },
  image_urls: ["https://images.test/png?awardee"],
};

/** The keys of the documented response, failed_image_urls aside (present only when one failed). */
const RESPONSE_KEYS = [
  "created_at",
  "description",
  "destination",
  "gtin",
  "id",
  "last_scanned_at",
  "name",
  "object",
  "status",
  "total_scans",
  "updated_at",
];

type AwardeeProduct = {
  object: string;
  id: string;
  name: string;
  gtin: string | null;
  description: string | null;
  status: string;
  destination: Record<string, string>;
  total_scans: number;
  last_scanned_at: string | null;
  created_at: string;
  updated_at: string;
  failed_image_urls?: string[];
};

/** The /v1 id of an Awardee UUID, computed independently of the server: 128 bits in Crockford. */
function v1Id(uuid: string) {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let value = BigInt(`0x${uuid.replaceAll("-", "")}`);
  let ulid = "";
  for (let i = 0; i < 26; i++, value >>= 5n) ulid = alphabet[Number(value & 31n)] + ulid;
  return `prod_${ulid}`;
}

/** The Awardee UUID of a /v1 id, the other way round. */
function awardeeId(productId: string) {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let value = 0n;
  for (const char of productId.slice("prod_".length)) value = (value << 5n) | BigInt(alphabet.indexOf(char));
  const hex = value.toString(16).padStart(32, "0");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
}

const post = (t: Tenant, body: unknown, headers?: Record<string, string>) =>
  api(BASE, { method: "POST", key: t.key, body, headers });

async function created(t: Tenant, body: unknown = EXAMPLE): Promise<AwardeeProduct> {
  const response = await post(t, body);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as AwardeeProduct;
}

describe("Awardee's create, as its page documents it", () => {
  it("the example request gives the documented response, the product being a /v1 product", async () => {
    const t = await tenant();
    const response = await post(t, EXAMPLE);
    expect(response.status).toBe(201);
    const product = (await response.json()) as AwardeeProduct;
    expect(Object.keys(product).sort()).toEqual(RESPONSE_KEYS);
    expect(product.id).toMatch(UUID);
    expect(response.headers.get("Location")).toBe(`${BASE}/${product.id}`);
    expect(product).toMatchObject({
      object: "product",
      name: EXAMPLE.name,
      gtin: EXAMPLE.gtin,
      description: EXAMPLE.description,
      status: "active",
      destination: EXAMPLE.destination,
      total_scans: 0,
      last_scanned_at: null,
    });
    expect(product.updated_at).toBe(product.created_at);

    const v1 = await api(`/v1/products/${v1Id(product.id)}`, { key: t.key });
    expect(v1.status).toBe(200);
    const stored = (await v1.json()) as { gtin: string; destination: unknown; images: unknown[] };
    expect(stored).toMatchObject({ gtin: EXAMPLE.gtin, destination: EXAMPLE.destination });
    expect(stored.images).toHaveLength(1);

    const read = await api(`${BASE}/${product.id}`, { key: t.key });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(product);
  });

  it("the smallest body: a name; destination is {} and gtin and description null", async () => {
    const t = await tenant();
    const product = await created(t, { name: "N" });
    expect(Object.keys(product).sort()).toEqual(RESPONSE_KEYS);
    expect(product).toMatchObject({ name: "N", gtin: null, description: null, destination: {} });
    expect((await created(t, { name: "Null", destination: null })).destination).toEqual({});
  });

  it("takes every documented status", async () => {
    const t = await tenant();
    for (const status of ["unconfigured", "active", "inactive", "archived"]) {
      expect((await created(t, { name: status, status })).status).toBe(status);
    }
    await expectFailures(await post(t, { name: "x", status: "draft" }), ["status"]);
  });

  it("failed_image_urls appears when an image URL failed, and only then", async () => {
    const t = await tenant();
    const broken = "https://images.test/status/404?awardee";
    const product = await created(t, { name: "Half", image_urls: ["https://images.test/png?half", broken] });
    expect(Object.keys(product).sort()).toEqual([...RESPONSE_KEYS, "failed_image_urls"].sort());
    expect(product.failed_image_urls).toEqual([broken]);
    const v1 = (await (await api(`/v1/products/${v1Id(product.id)}`, { key: t.key })).json()) as {
      images: unknown[];
    };
    expect(v1.images).toHaveLength(1);
    // A read is no write: it has no image report.
    expect(await (await api(`${BASE}/${product.id}`, { key: t.key })).json()).not.toHaveProperty(
      "failed_image_urls",
    );
  });
});

describe("each field at its edge and just past it", () => {
  it("name: 1 to 512 characters", async () => {
    const t = await tenant();
    expect((await created(t, { name: "x".repeat(512) })).name).toHaveLength(512);
    await expectFailures(await post(t, { name: "" }), ["name"]);
    await expectFailures(await post(t, { name: "x".repeat(513) }), ["name"]);
    await expectFailures(await post(t, {}), ["name"]);
  });

  it("gtin: a GTIN with its check digit; description up to 5000", async () => {
    const t = await tenant();
    expect((await created(t, { name: "g", gtin: "96385074" })).gtin).toBe("96385074");
    await expectFailures(await post(t, { name: "g", gtin: "96385075" }), ["gtin"]);
    await expectError(await post(t, { name: "again", gtin: "96385074" }), 409, "duplicate_gtin");
    expect((await created(t, { name: "d", description: "d".repeat(5000) })).description).toHaveLength(5000);
    await expectFailures(await post(t, { name: "d", description: "d".repeat(5001) }), ["description"]);
  });

  it("destination: UUIDs and an http(s) URL, nothing else", async () => {
    const t = await tenant();
    expect(
      (await created(t, { name: "u", destination: { url: "http://example.com/" } })).destination,
    ).toEqual({ url: "http://example.com/" });
    await expectFailures(await post(t, { name: "u", destination: { url: "ftp://example.com/" } }), [
      "destination.url",
    ]);
    await expectFailures(await post(t, { name: "c", destination: { chatbot: "not-a-uuid" } }), [
      "destination.chatbot",
    ]);
    await expectFailures(await post(t, { name: "c", destination: { app: SEED_UUID } }), ["destination.app"]);
  });

  it("image_urls: at most 10", async () => {
    const t = await tenant();
    const urls = (n: number) => Array.from({ length: n }, (_, i) => `https://images.test/status/404?n=${i}`);
    expect((await created(t, { name: "ten", image_urls: urls(10) })).failed_image_urls).toHaveLength(10);
    await expectFailures(await post(t, { name: "eleven", image_urls: urls(11) }), ["image_urls"]);
  });

  it("what Awardee's page does not document is refused naming the field, never dropped", async () => {
    const t = await tenant();
    await expectFailures(await post(t, { name: "x", sku: "A-1" }), ["sku"]);
    await expectFailures(await post(t, { name: "x", total_scans: 5 }), ["total_scans"]);
  });
});

describe("reading by UUID", () => {
  it("a product made in /v1 reads in Awardee's shape, a change in /v1 shows, scans count", async () => {
    const t = await tenant();
    const v1 = (await (
      await api("/v1/products", { method: "POST", key: t.key, body: { name: "From v1", status: "inactive" } })
    ).json()) as { id: string };
    const fromV1 = await api(`${BASE}/${awardeeId(v1.id)}`, { key: t.key });
    expect(fromV1.status).toBe(200);
    expect(await fromV1.json()).toMatchObject({ id: awardeeId(v1.id), name: "From v1", status: "inactive" });
    const made = (await created(t, { name: "Made in Awardee" })).id;
    const patched = await api(`/v1/products/${v1Id(made)}`, {
      method: "PATCH",
      key: t.key,
      body: { name: "Renamed in v1", gtin: "96385074" },
      headers: { "Content-Type": "application/merge-patch+json" },
    });
    expect(patched.status).toBe(200);
    const scan = await api(`/v1/products/${v1Id(made)}/scans`, { method: "POST", key: t.key });
    expect(scan.status).toBe(200);
    const read = (await (await api(`${BASE}/${made}`, { key: t.key })).json()) as AwardeeProduct;
    expect(read).toMatchObject({ name: "Renamed in v1", gtin: "96385074", total_scans: 1 });
    expect(read.last_scanned_at).not.toBeNull();
    expect(read.updated_at > read.created_at).toBe(true);
  });

  it("an id that is no UUID, an unknown UUID and another org's product are 404", async () => {
    const t = await tenant();
    const mine = await created(t);
    const other = await tenant();
    await expectError(await api(`${BASE}/${mine.id}`, { key: other.key }), 404, "not_found");
    await expectError(await api(`${BASE}/${SEED_UUID}`, { key: t.key }), 404, "not_found");
    await expectError(await api(`${BASE}/${v1Id(mine.id)}`, { key: t.key }), 404, "not_found");
    await expectError(await api(`${BASE}/${mine.id}x`, { key: t.key }), 404, "not_found");
    // Upper-case hex is the same UUID.
    expect((await api(`${BASE}/${mine.id.toUpperCase()}`, { key: t.key })).status).toBe(200);
  });
});

describe("the /v1 guarantees, in Awardee's dialect", () => {
  it("needs a key with the scope", async () => {
    const t = await tenant();
    await expectError(await api(BASE, { method: "POST", body: EXAMPLE }), 401, "unauthorized");
    await expectError(await api(`${BASE}/${SEED_UUID}`), 401, "unauthorized");
    const reader = await createKey([t.orgId], ["product.read"]);
    await expectError(await api(BASE, { method: "POST", key: reader.key, body: EXAMPLE }), 403, "forbidden");
    const product = await created(t, { name: "Readable" });
    expect((await api(`${BASE}/${product.id}`, { key: reader.key })).status).toBe(200);
  });

  it("Idempotency-Key: a retry gets the first answer and makes one product", async () => {
    const t = await tenant();
    const headers = { "Idempotency-Key": `awardee-${crypto.randomUUID()}` };
    const first = await post(t, { name: "Once" }, headers);
    expect(first.status).toBe(201);
    const again = await post(t, { name: "Once" }, headers);
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    const list = (await (await api("/v1/products", { key: t.key })).json()) as { data: unknown[] };
    expect(list.data).toHaveLength(1);
    await expectError(await post(t, { name: "Other" }, headers), 422, "idempotency_key_reused");
    await expectError(
      await post(t, { name: "Long" }, { "Idempotency-Key": "k".repeat(256) }),
      400,
      "invalid_idempotency_key",
    );
    expect((await post(t, { name: "Long" }, { "Idempotency-Key": "k".repeat(255) })).status).toBe(201);
  });

  it("a create emits product.created with the /v1 product", async () => {
    const orgId = await createOrg();
    const { id, key } = await createKey([orgId], ["product.edit", "webhook.manage"]);
    const product = await created({ orgId, key, keyId: id }, { name: "Evented" });
    const events = (await (await api("/v1/events?limit=10", { key })).json()) as {
      data: { type: string; data: { object: { id: string; name: string } } }[];
    };
    expect(events.data.map((event) => [event.type, event.data.object.id])).toEqual([
      ["product.created", v1Id(product.id)],
    ]);
  });
});

describe("Awardee's own OpenAPI document", () => {
  it("has Awardee's two operations at its paths, under its base", async () => {
    const response = await api("/compat/awardee/openapi.json");
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      servers: { url: string }[];
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    expect(document.servers).toEqual([{ url: "/compat/awardee" }]);
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => `${method} ${path} ${operation.operationId}`),
    );
    expect(operations.sort()).toEqual([
      "get /v1/products/{id} awardeeGetProduct",
      "post /v1/products awardeeCreateProduct",
    ]);
  });
});
