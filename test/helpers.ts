import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, beforeEach, expect } from "vitest";
import worker from "../src/index";
import { checkExchange } from "./contract";

export const ADMIN_TOKEN = "test-admin-token";
export const BASE = "https://api.test";

type Init = {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  key?: string | null;
  /** "manual" to see a redirect itself (the Worker's fetch follows it otherwise). */
  redirect?: "follow" | "manual";
  /** Vars set otherwise than wrangler.toml for this request (the Worker's fetch handler is then called directly). */
  vars?: Partial<Env>;
};

/** A request through the Worker's fetch handler, as a client sends it, checked against the OpenAPI document. */
export async function api(path: string, init: Init = {}): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key) headers.Authorization = `Bearer ${init.key}`;
  let body: BodyInit | undefined;
  if (init.body !== undefined) {
    body =
      typeof init.body === "string" || init.body instanceof Uint8Array
        ? (init.body as BodyInit)
        : JSON.stringify(init.body);
    headers["Content-Type"] ??= "application/json";
  }
  const request = new Request(`${BASE}${path}`, {
    method: init.method ?? "GET",
    headers,
    body,
    redirect: init.redirect,
  });
  const sent = request.clone();
  const response = init.vars
    ? await worker.fetch(request, { ...env, ...init.vars }, createExecutionContext())
    : await exports.default.fetch(request);
  await checkExchange(sent, response.clone());
  return response;
}

export const admin = (path: string, init: Init = {}) =>
  api(`/v1/admin${path}`, { ...init, key: ADMIN_TOKEN });

export async function createOrg(name = "Test org"): Promise<string> {
  const response = await admin("/orgs", { method: "POST", body: { name } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

export async function createKey(
  orgIds: string[],
  scopes: string[] = ["product.edit"],
  type: "secret" | "publishable" = "secret",
): Promise<{ id: string; key: string }> {
  const response = await admin("/api_keys", {
    method: "POST",
    body: { name: "test key", org_ids: orgIds, type, scopes },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; key: string };
}

/** A publishable key (`storefront.read`) for the org, usable from these browser origins. */
export async function publishableKey(orgId: string, allowedOrigins: string[] = []): Promise<string> {
  const response = await admin("/api_keys", {
    method: "POST",
    body: {
      name: "storefront",
      org_ids: [orgId],
      type: "publishable",
      scopes: ["storefront.read"],
      allowed_origins: allowedOrigins,
    },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { key: string }).key;
}

export type Tenant = { orgId: string; key: string; keyId: string };

/** A fresh org with a read-write key. */
export async function tenant(): Promise<Tenant> {
  const orgId = await createOrg();
  const { id, key } = await createKey([orgId]);
  return { orgId, key, keyId: id };
}

/**
 * Gives the tenant a new read-write key of the same org. The api rate limit (100 requests per
 * 10 s) counts per key, so a file whose tests share a tenant calls this before each test.
 */
export async function rekey(tenant: Tenant): Promise<void> {
  const { id, key } = await createKey([tenant.orgId]);
  tenant.key = key;
  tenant.keyId = id;
}

/**
 * The tenant a file's tests share: one org, made before the file's first test, and a new read-write
 * key of it before each test (the api rate limit, 100 requests per 10 s, counts per key, and a
 * file's tests together send more). Call it at the top of the file.
 */
export function sharedTenant(): Tenant {
  const shared: Tenant = { orgId: "", key: "", keyId: "" };
  beforeAll(async () => {
    Object.assign(shared, await tenant());
  });
  beforeEach(async () => {
    await rekey(shared);
  });
  return shared;
}

export async function createProduct<T = Record<string, unknown> & { id: string; version: number }>(
  key: string,
  body: Record<string, unknown> = {},
): Promise<T> {
  const response = await api("/v1/products", { method: "POST", key, body: { name: "Widget", ...body } });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as T;
}

/** Asserts the one error shape and returns the body. */
export async function expectError(response: Response, status: number, key: string) {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = JSON.parse(text) as {
    key: string;
    message: string;
    request_id: string;
    failures?: { field: string; message: string }[];
  };
  expect(body.key).toBe(key);
  expect(typeof body.message).toBe("string");
  expect(body.request_id).toMatch(/^req_[0-9A-Z]{26}$/);
  expect(response.headers.get("Request-Id")).toBe(body.request_id);
  if (key === "invalid_data") expect(Array.isArray(body.failures)).toBe(true);
  else expect(body.failures).toBeUndefined();
  return body;
}

/** Asserts invalid_data with exactly these failing fields. */
export async function expectFailures(response: Response, fields: string[]) {
  const body = await expectError(response, 400, "invalid_data");
  expect(body.failures?.map((failure) => failure.field).sort()).toEqual([...fields].sort());
  return body;
}

export async function sha256Hex(bytes: Uint8Array) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** An image as the API shows it, and a product with the fields the image tests read. */
export type Image = {
  id: string;
  object: string;
  url: string;
  source_url: string | null;
  content_type: string;
  size_bytes: number;
  width: number;
  height: number;
  orientation: number;
  sha256: string;
  alt: string | null;
  position: number;
  created_at: string;
};
export type ProductWithImages = {
  id: string;
  version: number;
  name: string;
  images: Image[];
  failed_image_urls?: string[];
  image_errors?: { url: string; key: string; message: string }[];
};
