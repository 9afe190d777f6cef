import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rateLimitSetting } from "../../src/middleware/rate-limit";
import {
  ADMIN_TOKEN,
  admin,
  api,
  createKey,
  createOrg,
  expectError,
  publishableKey,
  tenant,
} from "../helpers";

/**
 * The limiters are miniflare's real rate-limit bindings, whose windows align to the clock (as
 * Cloudflare's do): each test starts at the beginning of a 10 s window so that its requests fall
 * in one window.
 */
async function freshWindow(period = 10) {
  const into = Date.now() % (period * 1000);
  if (into > 500) await new Promise((resolve) => setTimeout(resolve, period * 1000 - into + 20));
}

/** `count` requests, `concurrency` at a time; their responses in order. */
async function flood(count: number, send: () => Promise<Response>, concurrency = 1) {
  const responses: Response[] = [];
  for (let sent = 0; sent < count; sent += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - sent) }, send);
    for (const response of await Promise.all(batch)) {
      await response.arrayBuffer();
      responses.push(response);
    }
  }
  return responses;
}

const statuses = (responses: Response[]) =>
  Object.fromEntries(
    Object.entries(Object.groupBy(responses, (r) => r.status)).map(([s, rs]) => [s, rs?.length]),
  );

async function expectRateLimited(response: Response, limit: number) {
  const body = await expectError(response, 429, "rate_limited");
  const retryAfter = Number(response.headers.get("Retry-After"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(10);
  expect(response.headers.get("RateLimit-Limit")).toBe(String(limit));
  expect(response.headers.get("RateLimit-Remaining")).toBe("0");
  expect(response.headers.get("RateLimit-Reset")).toBe(String(retryAfter));
  return body;
}

describe("configuration", () => {
  it("states in its vars the limits wrangler.toml's limiters enforce", () => {
    const { ratelimits, vars } = JSON.parse(env.WRANGLER_RATE_LIMITS) as {
      ratelimits: { name: string; simple: { limit: number; period: number } }[];
      vars: Record<string, string>;
    };
    const configured = Object.fromEntries(ratelimits.map((limiter) => [limiter.name, limiter.simple]));
    expect(configured).toEqual({
      RATE_LIMITER: rateLimitSetting(vars.RATE_LIMIT ?? ""),
      ADMIN_RATE_LIMITER: rateLimitSetting(vars.ADMIN_RATE_LIMIT ?? ""),
      PUBLIC_RATE_LIMITER: rateLimitSetting(vars.PUBLIC_RATE_LIMIT ?? ""),
      AUTH_FAILURE_RATE_LIMITER: rateLimitSetting(vars.AUTH_FAILURE_RATE_LIMIT ?? ""),
    });
    // The documented default.
    expect(configured.RATE_LIMITER).toEqual({ limit: 100, period: 10 });
  });

  it("documents 429 on every operation of the OpenAPI document but the health check", async () => {
    const doc = (await (await api("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const undocumented = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => !("429" in operation.responses))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(undocumented).toEqual(["GET /health"]);
  });
});

// Concurrent: the tests share their wait for a fresh window, and use keys and IPs of their own.
describe.concurrent("limits", { timeout: 30_000 }, () => {
  it("lets 100 requests through in 10 s, answers the 101st with 429, and counts each key apart", async () => {
    const { orgId, key } = await tenant();
    const other = await createKey([orgId]);
    await freshWindow();
    const responses = await flood(100, () => api("/v1/products?limit=1", { key }));
    expect(statuses(responses)).toEqual({ 200: 100 });
    expect(responses.map((r) => r.headers.get("RateLimit-Remaining"))).toEqual(
      Array.from({ length: 100 }, (_, i) => String(99 - i)),
    );
    for (const response of responses) expect(response.headers.get("RateLimit-Limit")).toBe("100");

    const over = await api("/v1/products", { key });
    const body = await expectRateLimited(over, 100);
    expect(body.message).toMatch(/100 requests per 10 seconds/);
    // Every route of the key counts, writes too, and nothing is written past the limit.
    await expectRateLimited(
      await api("/v1/products", { key, method: "POST", body: { name: "Too many" } }),
      100,
    );
    const sibling = await api("/v1/products?limit=100", { key: other.key });
    expect(sibling.status).toBe(200);
    expect(sibling.headers.get("RateLimit-Remaining")).toBe("99");
    expect(((await sibling.json()) as { data: unknown[] }).data).toEqual([]);
  });

  it("does not store a 429 under an Idempotency-Key: the retry in the next window creates the product", async () => {
    const { key } = await tenant();
    await freshWindow();
    await flood(100, () => api("/v1/currencies", { key }), 10);
    const send = () =>
      api("/v1/products", {
        key,
        method: "POST",
        body: { name: "Retried" },
        headers: { "Idempotency-Key": "once" },
      });
    const limited = await send();
    await expectRateLimited(limited, 100);
    await new Promise((resolve) =>
      setTimeout(resolve, Number(limited.headers.get("Retry-After")) * 1000 + 50),
    );
    const created = await send();
    expect(created.status).toBe(201);
    expect(created.headers.get("Idempotent-Replayed")).toBeNull();
    const replayed = await send();
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get("Idempotent-Replayed")).toBe("true");
  });

  it("counts a publishable key per client IP: one shopper's flood does not stop the next", async () => {
    const orgId = await createOrg();
    const key = await publishableKey(orgId);
    const from = (ip: string) => () =>
      api("/v1/storefront/products", { key, headers: { "CF-Connecting-IP": ip } });
    await freshWindow();
    expect(statuses(await flood(100, from("198.51.100.1"), 10))).toEqual({ 200: 100 });
    await expectRateLimited(await from("198.51.100.1")(), 100);
    const next = await from("198.51.100.2")();
    expect(next.status).toBe(200);
    expect(next.headers.get("RateLimit-Remaining")).toBe("99");
  });

  it("limit the admin API per client IP before the token is checked", async () => {
    const { limit } = rateLimitSetting(env.ADMIN_RATE_LIMIT);
    const ip = { "CF-Connecting-IP": "203.0.113.7" };
    await freshWindow();
    // Wrong tokens count too: guessing is limited.
    const guesses = await flood(limit, () => api("/v1/admin/orgs", { key: "wrong", headers: ip }), 50);
    expect(statuses(guesses)).toEqual({ 401: limit });
    expect(guesses[0]?.headers.get("RateLimit-Limit")).toBe(String(limit));
    await expectRateLimited(await api("/v1/admin/orgs", { key: ADMIN_TOKEN, headers: ip }), limit);
    const elsewhere = await api("/v1/admin/orgs", {
      key: ADMIN_TOKEN,
      headers: { "CF-Connecting-IP": "203.0.113.8" },
    });
    expect(elsewhere.status).toBe(200);
  });

  it("count failed authentications per client IP; past the limit, that IP's keys are refused until the window ends", async () => {
    const { limit } = rateLimitSetting(env.AUTH_FAILURE_RATE_LIMIT);
    const { key } = await tenant();
    const from = (ip: string, bearer?: string) => () =>
      api("/v1/products?limit=1", { key: bearer, headers: { "CF-Connecting-IP": ip } });
    // Missing, malformed, unknown and revoked keys all count.
    const revoked = await createKey([(await tenant()).orgId]);
    await admin(`/api_keys/${revoked.id}`, { method: "DELETE" });
    const failing = [undefined, "sk_short", `sk_${"x".repeat(32)}`, revoked.key];
    let sent = 0;
    await freshWindow();
    const failures = await flood(limit, () => from("203.0.113.9", failing[sent++ % failing.length])(), 50);
    expect(statuses(failures)).toEqual({ 401: limit });
    expect(failures[0]?.headers.get("RateLimit-Limit")).toBe(String(limit));
    expect(failures.map((r) => r.headers.get("RateLimit-Remaining"))).toContain("0");
    // The first failure past the limit is a 429; from then on the IP is refused, a good key
    // included, before any key is looked up: no D1 query (Server-Timing names none).
    const madeUp = `sk_${"y".repeat(32)}`;
    await expectRateLimited(await from("203.0.113.9", madeUp)(), limit);
    const again = await from("203.0.113.9", madeUp)();
    await expectRateLimited(again, limit);
    expect(again.headers.get("Server-Timing")).toBeNull();
    const refused = await from("203.0.113.9", key)();
    await expectRateLimited(refused, limit);
    expect(refused.headers.get("Server-Timing")).toBeNull();
    const unknownElsewhere = await from("203.0.113.11", madeUp)();
    await expectError(unknownElsewhere, 401, "unauthorized");
    expect(unknownElsewhere.headers.get("Server-Timing")).toContain("queries=1");
    // Other IPs are not, and the refusal ends with the window.
    expect((await from("203.0.113.10", key)()).status).toBe(200);
    await new Promise((resolve) =>
      setTimeout(resolve, Number(refused.headers.get("Retry-After")) * 1000 + 50),
    );
    expect((await from("203.0.113.9", key)()).status).toBe(200);
    await expectError(await from("203.0.113.9", "sk_short")(), 401, "unauthorized");
  });

  it("limit /images and /s per client IP, together", async () => {
    const { limit } = rateLimitSetting(env.PUBLIC_RATE_LIMIT);
    const ip = { "CF-Connecting-IP": "192.0.2.55" };
    await freshWindow();
    const images = await flood(
      limit - 1,
      () => api("/images/img_00000000000000000000000000", { headers: ip }),
      50,
    );
    expect(statuses(images)).toEqual({ 404: limit - 1 });
    const scan = await api("/s/prod_00000000000000000000000000", { headers: ip });
    expect(scan.status).toBe(404);
    expect(scan.headers.get("RateLimit-Remaining")).toBe("0");
    await expectRateLimited(await api("/images/img_00000000000000000000000000", { headers: ip }), limit);
    await expectRateLimited(await api("/s/prod_00000000000000000000000000", { headers: ip }), limit);
    expect(
      (await api("/images/img_00000000000000000000000000", { headers: { "CF-Connecting-IP": "192.0.2.56" } }))
        .status,
    ).toBe(404);
  });
});
