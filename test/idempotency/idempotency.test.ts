import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { admin, api, createKey, createProduct, expectError, sharedTenant } from "../helpers";

type Product = { id: string; name: string; version: number };
const DAY = 24 * 60 * 60 * 1000;

const main = sharedTenant();

let serial = 0;
const uniqueKey = () => `key-${Date.now()}-${++serial}`;

const post = (idempotencyKey: string, body: unknown, key = main.key) =>
  api("/v1/products", { method: "POST", key, body, headers: { "Idempotency-Key": idempotencyKey } });

async function sha256Hex(text: string) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Where the key's claim (D1) and stored response (KV) live. */
async function storage(idempotencyKey: string, scope = main.keyId) {
  const hash = await sha256Hex(idempotencyKey);
  return { kv: `${scope}:${hash}`, scope, hash };
}

async function productsNamed(name: string, key = main.key): Promise<Product[]> {
  const response = await api(`/v1/products?limit=100&q=${encodeURIComponent(name)}`, { key });
  const body = (await response.json()) as { data: Product[] };
  return body.data.filter((product) => product.name === name);
}

describe("replay", () => {
  it("replays the stored response byte for byte, with its status and headers", async () => {
    const key = uniqueKey();
    const body = { name: "Replayed one", prices: [{ currency: "EUR", amount: 100 }] };
    const first = await post(key, body);
    const firstText = await first.text();
    expect(first.status, firstText).toBe(201);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();

    const again = await post(key, body);
    expect(again.status).toBe(201);
    expect(await again.text()).toBe(firstText);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    for (const name of ["Location", "ETag", "Content-Type"]) {
      expect(again.headers.get(name), name).toBe(first.headers.get(name));
    }
    // The Request-Id is the original's, as in a stored error body.
    expect(again.headers.get("Request-Id")).toBe(first.headers.get("Request-Id"));
    expect(await productsNamed("Replayed one")).toHaveLength(1);
  });

  it("the same body with its keys in another order is the same request", async () => {
    const key = uniqueKey();
    const first = await post(key, { name: "Key order", tags: ["a"], status: "inactive" });
    const again = await post(key, { status: "inactive", tags: ["a"], name: "Key order" });
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.text()).toBe(await first.text());
  });

  it("the same key with another body, path or Org-Id is 422 idempotency_key_reused", async () => {
    const key = uniqueKey();
    expect((await post(key, { name: "Original body" })).status).toBe(201);
    await expectError(await post(key, { name: "Another body" }), 422, "idempotency_key_reused");
    const product = (await productsNamed("Original body"))[0] as Product;
    await expectError(
      await api(`/v1/products/${product.id}`, {
        method: "PATCH",
        key: main.key,
        body: { name: "Original body" },
        headers: { "Idempotency-Key": key },
      }),
      422,
      "idempotency_key_reused",
    );
    await expectError(
      await api("/v1/products", {
        method: "POST",
        key: main.key,
        body: { name: "Original body" },
        headers: { "Idempotency-Key": key, "Org-Id": main.orgId },
      }),
      422,
      "idempotency_key_reused",
    );
    expect(await productsNamed("Another body")).toHaveLength(0);
  });

  it("is scoped to the api key: another key with the same Idempotency-Key makes its own product", async () => {
    const other = await createKey([main.orgId]);
    const key = uniqueKey();
    const first = (await (await post(key, { name: "Per api key" })).json()) as Product;
    const second = await post(key, { name: "Per api key" }, other.key);
    expect(second.status).toBe(201);
    expect(second.headers.get("Idempotent-Replayed")).toBeNull();
    expect(((await second.json()) as Product).id).not.toBe(first.id);
    expect(await productsNamed("Per api key")).toHaveLength(2);
  });

  it("a raw token and its RFC 8941 quoted string are the same key", async () => {
    const raw = uniqueKey();
    const first = await post(raw, { name: "Spelled twice" });
    const quoted = await post(`"${raw}"`, { name: "Spelled twice" });
    expect(quoted.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await quoted.text()).toBe(await first.text());
    // Escapes inside the quoted form unescape to the raw key.
    const tricky = `${uniqueKey()}"\\x`;
    const escaped = `"${tricky.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
    const a = await post(tricky, { name: "Escaped key" });
    const b = await post(escaped, { name: "Escaped key" });
    expect(b.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await b.text()).toBe(await a.text());
  });

  it("stores any status once the handler ran: a 409 duplicate is replayed even after the conflict is gone", async () => {
    const holder = await createProduct(main.key, { name: "Holds sku", sku: "IDEM-DUP" });
    const key = uniqueKey();
    await expectError(await post(key, { name: "Wants sku", sku: "IDEM-DUP" }), 409, "duplicate_sku");
    expect((await api(`/v1/products/${holder.id}`, { method: "DELETE", key: main.key })).status).toBe(200);
    const again = await post(key, { name: "Wants sku", sku: "IDEM-DUP" });
    await expectError(again.clone(), 409, "duplicate_sku");
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
  });

  it("PATCH with a key is replayed, not applied twice", async () => {
    const product = await createProduct(main.key, { name: "Patched once" });
    const key = uniqueKey();
    const patch = () =>
      api(`/v1/products/${product.id}`, {
        method: "PATCH",
        key: main.key,
        body: { name: "Patched twice?" },
        headers: { "Idempotency-Key": key },
      });
    const first = await patch();
    expect(first.status).toBe(200);
    await api(`/v1/products/${product.id}`, {
      method: "PATCH",
      key: main.key,
      body: { name: "Changed since" },
    });
    const again = await patch();
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.text()).toBe(await first.text());
    const current = (await (await api(`/v1/products/${product.id}`, { key: main.key })).json()) as Product;
    expect(current).toMatchObject({ name: "Changed since", version: 3 });
  });

  it("admin creates are idempotent too", async () => {
    const key = uniqueKey();
    const create = () =>
      admin("/orgs", {
        method: "POST",
        body: { name: "Idempotent org" },
        headers: { "Idempotency-Key": key },
      });
    const first = await create();
    expect(first.status).toBe(201);
    const again = await create();
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.text()).toBe(await first.text());
  });

  it("GET ignores the header", async () => {
    const response = await api("/v1/products?limit=1", { key: main.key, headers: { "Idempotency-Key": "" } });
    expect(response.status).toBe(200);
  });
});

describe("what is not stored", () => {
  it("a validation failure frees the key: the corrected body then creates", async () => {
    const key = uniqueKey();
    await expectError(await post(key, { name: "" }), 400, "invalid_data");
    await expectError(
      await api("/v1/products", {
        method: "POST",
        key: main.key,
        body: "{not json",
        headers: { "Idempotency-Key": key },
      }),
      400,
      "invalid_json",
    );
    const created = await post(key, { name: "Corrected" });
    expect(created.status).toBe(201);
    expect(created.headers.get("Idempotent-Replayed")).toBeNull();
  });

  it("an auth failure is not stored", async () => {
    const reader = await createKey([main.orgId], ["product.read"]);
    const key = uniqueKey();
    await expectError(await post(key, { name: "Forbidden first" }, reader.key), 403, "forbidden");
    await expectError(await post(key, { name: "Forbidden first" }, reader.key), 403, "forbidden");
    await expectError(
      await api("/v1/products", {
        method: "POST",
        key: "sk_0000000000000000000000",
        body: { name: "x" },
        headers: { "Idempotency-Key": key },
      }),
      401,
      "unauthorized",
    );
  });
});

describe("the header", () => {
  it.each([
    ["empty", ""],
    ["256 characters", "k".repeat(256)],
    ["quoted 256 characters", `"${"k".repeat(256)}"`],
    ["a tab inside", "a\tb"],
    ["an unterminated quoted string", '"abc'],
    ["a quoted string with a bare backslash", '"a\\b"'],
    ["empty quoted", '""'],
  ])("refuses %s with 400 invalid_idempotency_key, writing nothing", async (_label, value) => {
    const name = `Bad key ${_label}`;
    await expectError(await post(value, { name }), 400, "invalid_idempotency_key");
    expect(await productsNamed(name)).toHaveLength(0);
  });

  it("accepts 1 and 255 printable characters, spaces and symbols included", async () => {
    for (const value of [
      "k",
      `${uniqueKey()}-${"k".repeat(255)}`.slice(-255),
      `a b~!#$%&'()*+,-./:;<=>?@[]^_\`{|}`,
    ]) {
      expect((await post(value, { name: "Good key" })).status).toBe(201);
    }
  });
});

describe("exactly once", () => {
  it("50 concurrent identical keyed creates make one product; each answer is the 201 or a 409 in use", async () => {
    const key = uniqueKey();
    const body = { name: "Fifty at once" };
    const responses = await Promise.all(Array.from({ length: 50 }, () => post(key, body)));
    const ids = new Set<string>();
    for (const response of responses) {
      if (response.status === 201) {
        ids.add(((await response.json()) as Product).id);
      } else {
        await expectError(response.clone(), 409, "idempotency_key_in_use");
        expect(response.headers.get("Retry-After")).toBe("1");
      }
    }
    expect(ids.size).toBe(1);
    expect(await productsNamed("Fifty at once")).toHaveLength(1);
    // Once the first is done, every retry is its replay.
    const later = await post(key, body);
    expect(later.status).toBe(201);
    expect(((await later.json()) as Product).id).toBe([...ids][0]);
  });

  it("a request that died after its write (claim held, nothing in KV) is recovered by the retry, not repeated", async () => {
    const key = uniqueKey();
    const body = { name: "Died after writing" };
    const created = (await (await post(key, body)).json()) as Product;
    // Undo what happens after the write: the KV response and the claim's completion.
    const where = await storage(key);
    await env.IDEMPOTENCY.delete(where.kv);
    await env.DB.prepare("UPDATE idempotency_claims SET locked_until = ? WHERE scope = ? AND key = ?")
      .bind(Date.now() + 60_000, where.scope, where.hash)
      .run();
    // While the dead request's lock lasts, the key is in use …
    await expectError(await post(key, body), 409, "idempotency_key_in_use");
    // … and once it has run out, the retry runs and finds the product the first run wrote.
    await env.DB.prepare("UPDATE idempotency_claims SET locked_until = ? WHERE scope = ? AND key = ?")
      .bind(Date.now() - 1, where.scope, where.hash)
      .run();
    const retried = await post(key, body);
    expect(retried.status).toBe(201);
    expect(((await retried.json()) as Product).id).toBe(created.id);
    expect(await productsNamed("Died after writing")).toHaveLength(1);
    // The recovered response is stored again: the next retry is a replay.
    expect((await post(key, body)).headers.get("Idempotent-Replayed")).toBe("true");
  });

  it("a response KV lost (its put failed) is recovered from D1's claim, not repeated", async () => {
    const key = uniqueKey();
    const body = { name: "KV lost it" };
    const created = (await (await post(key, body)).json()) as Product;
    await env.IDEMPOTENCY.delete((await storage(key)).kv);
    const retried = await post(key, body);
    expect(retried.status).toBe(201);
    expect(((await retried.json()) as Product).id).toBe(created.id);
    expect(await productsNamed("KV lost it")).toHaveLength(1);
  });
});

describe("lifetime", () => {
  /** Moves the key's first use back by `ms`, in D1 and in KV. */
  async function age(idempotencyKey: string, ms: number) {
    const where = await storage(idempotencyKey);
    await env.DB.prepare(
      "UPDATE idempotency_claims SET created_at = created_at - ? WHERE scope = ? AND key = ?",
    )
      .bind(ms, where.scope, where.hash)
      .run();
    const stored = await env.IDEMPOTENCY.get<{ created_at: number }>(where.kv, "json");
    if (stored) {
      stored.created_at -= ms;
      await env.IDEMPOTENCY.put(where.kv, JSON.stringify(stored));
    }
  }

  it("a key is replayed just inside 24 h and new again after", async () => {
    const key = uniqueKey();
    expect((await post(key, { name: "Day one" })).status).toBe(201);
    await age(key, DAY - 60_000);
    await expectError(await post(key, { name: "Day two" }), 422, "idempotency_key_reused");
    await age(key, 60_000);
    const reusedAfterADay = await post(key, { name: "Day two" });
    expect(reusedAfterADay.status).toBe(201);
    expect(reusedAfterADay.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await productsNamed("Day two")).toHaveLength(1);
  });

  it("the cron sweep removes expired claims and leaves live ones", async () => {
    const expired = uniqueKey();
    const live = uniqueKey();
    expect((await post(expired, { name: "Swept" })).status).toBe(201);
    expect((await post(live, { name: "Kept" })).status).toBe(201);
    await age(expired, DAY + 1);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "17 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);

    const count = async (key: string) => {
      const where = await storage(key);
      const row = await env.DB.prepare(
        "SELECT count(*) AS n FROM idempotency_claims WHERE scope = ? AND key = ?",
      )
        .bind(where.scope, where.hash)
        .first<{ n: number }>();
      return row?.n;
    };
    expect(await count(expired)).toBe(0);
    expect(await count(live)).toBe(1);
  });
});

describe("the OpenAPI document", () => {
  it("lists Idempotency-Key and its errors on every POST and PATCH", async () => {
    type Operation = { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> };
    const doc = (await (await api("/openapi.json")).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const writes = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([method]) => method === "post" || method === "patch")
        .map(([method, operation]) => [`${method} ${path}`, operation] as const),
    );
    expect(writes.length).toBeGreaterThanOrEqual(4);
    for (const [name, operation] of writes) {
      expect(
        operation.parameters?.some(
          (parameter) => parameter.name === "idempotency-key" && parameter.in === "header",
        ),
        name,
      ).toBe(true);
      for (const status of ["400", "409", "422"])
        expect(operation.responses[status], `${name} ${status}`).toBeDefined();
    }
  });
});
