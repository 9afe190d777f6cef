import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { api, tenant } from "../helpers";

/** The Worker's log lines: one JSON object per request (src/middleware/request-context.ts). */
type Line = Record<string, unknown>;
let logged: string[];
let errors: string[];

beforeEach(() => {
  logged = [];
  errors = [];
  vi.spyOn(console, "log").mockImplementation(
    (...args: unknown[]) => void logged.push(args.map(String).join(" ")),
  );
  vi.spyOn(console, "error").mockImplementation(
    (...args: unknown[]) => void errors.push(args.map(String).join(" ")),
  );
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The request lines logged for this response (by its Request-Id). */
function linesFor(response: Response): Line[] {
  const id = response.headers.get("Request-Id");
  return logged
    .map((text) => JSON.parse(text) as Line)
    .filter((line) => line.event === "request" && line.request_id === id);
}

const KEYS = [
  "level",
  "event",
  "request_id",
  "method",
  "route",
  "status",
  "duration_ms",
  "org_id",
  "key_id",
  "rows_read",
  "rows_written",
  "queries",
].sort();

describe("request logs", () => {
  it("log one line per request with its ids, route, status, duration and D1 rows", async () => {
    const { orgId, key, keyId } = await tenant();
    logged = [];
    const created = await api("/v1/products", { method: "POST", key, body: { name: "Logged kettle" } });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const read = await api(`/v1/products/${id}`, { key });
    expect(read.status).toBe(200);

    const [write] = linesFor(created);
    expect(linesFor(created)).toHaveLength(1);
    expect(Object.keys(write ?? {}).sort()).toEqual(KEYS);
    expect(write).toMatchObject({
      level: "info",
      method: "POST",
      route: "/v1/products",
      status: 201,
      org_id: orgId,
      key_id: keyId,
    });
    expect(write?.rows_written).toBeGreaterThan(0);
    expect(typeof write?.duration_ms).toBe("number");

    const [get] = linesFor(read);
    expect(get).toMatchObject({ method: "GET", route: "/v1/products/:id", status: 200, rows_written: 0 });
    expect(get?.rows_read).toBeGreaterThanOrEqual(1);
    expect(get?.queries).toBeGreaterThanOrEqual(1);
    // Exactly the two requests made since the reset.
    expect(logged.filter((text) => text.includes('"event":"request"'))).toHaveLength(2);
  });

  it("never log a key, token, header, query or body", async () => {
    const { key } = await tenant();
    const secretName = "Confidential launch codename ZEBRA-7731";
    logged = [];
    const responses = [
      await api("/v1/products?q=ZEBRA", { key }),
      await api("/v1/products", {
        method: "POST",
        key,
        body: { name: secretName, props: { password: "hunter2" } },
        headers: { "Idempotency-Key": "idem-secret-4411", "Org-Id": "org_spoofed_header_value" },
      }),
      await api("/v1/products", { key: "sk_thisisnotarealkeybutlookslikeone1234" }),
      await api("/v1/admin/orgs", { key: "wrong-admin-token-guess" }),
    ];
    expect(responses.map((response) => response.status)).toEqual([200, 403, 401, 401]);
    const text = [...logged, ...errors].join("\n");
    expect(logged.length).toBeGreaterThanOrEqual(4);
    for (const secret of [
      key,
      key.slice(3),
      secretName,
      "ZEBRA",
      "hunter2",
      "idem-secret-4411",
      "org_spoofed",
      "sk_thisisnotarealkey",
      "wrong-admin-token",
      "test-admin-token",
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it("log failed requests without an org or key, and unknown routes without a route", async () => {
    logged = [];
    const unauthorized = await api("/v1/products");
    const unknown = await api("/v2/nothing-here");
    expect(linesFor(unauthorized)[0]).toMatchObject({
      status: 401,
      route: "/v1/products",
      org_id: null,
      key_id: null,
      level: "info",
    });
    expect(linesFor(unknown)[0]).toMatchObject({ status: 404, route: null, rows_read: 0, queries: 0 });
  });

  it("log a replayed response as replayed, and any method as a JSON string, one parseable line each", async () => {
    const { key } = await tenant();
    const send = () =>
      api("/v1/products", {
        method: "POST",
        key,
        body: { name: "Replayed line" },
        headers: { "Idempotency-Key": "log-replay-1" },
      });
    await send();
    logged = [];
    const replayed = await send();
    expect(replayed.headers.get("Idempotent-Replayed")).toBe("true");
    // A replay answers the first request's Request-Id; its own line has its own request id.
    const lines = logged.map((text) => JSON.parse(text) as Line).filter((entry) => entry.event === "request");
    expect(lines).toEqual([expect.objectContaining({ replayed: true, status: 201, route: "/v1/products" })]);
    expect(lines[0]?.request_id).not.toBe(replayed.headers.get("Request-Id"));
    const odd = await api("/v1/products", { method: "PROPFIND", key });
    const [line] = linesFor(odd);
    expect(line).toMatchObject({ method: "PROPFIND", status: odd.status });
    expect(Object.keys(line ?? {}).sort()).toEqual(KEYS);
    expect(logged.filter((text) => text.includes('"event":"request"'))).toHaveLength(2);
  });

  it("log a 500 at level error, and its details with console.error under the same request id", async () => {
    const app = createApp();
    app.get("/v1/boom", () => {
      throw new Error("kaboom at the bottom");
    });
    const response = await app.fetch(new Request("https://api.test/v1/boom"), env, {
      waitUntil() {},
      passThroughOnException() {},
      props: {},
    } as unknown as ExecutionContext);
    expect(response.status).toBe(500);
    const [line] = linesFor(response);
    expect(line).toMatchObject({ level: "error", status: 500, route: "/v1/boom" });
    const id = response.headers.get("Request-Id") ?? "";
    const detail = errors.map((text) => JSON.parse(text) as Line).find((entry) => entry.request_id === id);
    expect(detail).toMatchObject({ level: "error", error: "kaboom at the bottom" });
  });
});
