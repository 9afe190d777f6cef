// The local Worker, as `npm run dev` and `npm run test:e2e` run it: D1 migrated, `wrangler dev`
// started and awaited, and calls to its admin API. Works offline: no metrics, no Request.cf download.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { buildAssets } from "./assets.mjs";

/**
 * @import { ChildProcess, StdioOptions } from "node:child_process"
 * @import { AddressInfo } from "node:net"
 * @import { z } from "@hono/zod-openapi"
 * @import { ApiKey, Org } from "../src/admin/admin.schemas.ts"
 * @import { Product, ProductList } from "../src/products/products.output.ts"
 * @import { ErrorBody } from "../src/shared/schemas.ts"
 * @import { StorefrontProduct, StorefrontProductList } from "../src/storefront/storefront.schemas.ts"
 */

// The API's answers as these tools read them (types only), from the schemas in src/.
/** @typedef {z.output<typeof Product>} ApiProduct */
/** @typedef {z.output<typeof ProductList>} ApiProductPage */
/** @typedef {z.output<typeof StorefrontProduct>} ApiStorefrontProduct */
/** @typedef {z.output<typeof StorefrontProductList>} ApiStorefrontPage */
/** @typedef {z.output<typeof ErrorBody>} ApiError */
/** @typedef {z.output<typeof Org>} ApiOrg */
/** @typedef {z.output<typeof ApiKey>} ApiKeyCreated POST /v1/admin/api_keys: the key itself in `key`. */
/**
 * An event as GET /v1/events lists it: the part these tools read (src/events/events.schemas.ts's
 * Event, whose module needs the Workers types to load).
 * @typedef {{ id: string, type: string, data: { object: ApiProduct, adjustment?: { delta: number, reason: string | null } } }} ApiEvent
 */
/** @typedef {{ object: "list", data: ApiEvent[], has_more: boolean, next_cursor: string | null }} ApiEventPage */

export const wranglerEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

/**
 * Applies migrations/ to the local D1 (in `persistTo`, or wrangler's default .wrangler/state).
 * @param {string} [persistTo]
 */
export function migrate(persistTo) {
  const args = [
    "d1",
    "migrations",
    "apply",
    "DB",
    "--local",
    ...(persistTo ? ["--persist-to", persistTo] : []),
  ];
  const result = spawnSync("wrangler", args, { env: wranglerEnv, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`migrations failed:\n${result.stdout}${result.stderr}`);
}

/**
 * A TCP port that is free on 127.0.0.1 now.
 * @type {() => Promise<number>}
 */
export const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = /** @type {AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `wrangler dev` on 127.0.0.1:`port`; resolves once `probe` (/health) answers, with
 * `stop()`, which ends it and, when it runs detached (any `stdio` but the terminal's), the workerd
 * of its process group too, and `kill()` (detached only), which sends SIGKILL to that whole group
 * at once, with no graceful stop, and resolves when wrangler has exited. A start that fails stops what it started
 * before it throws.
 * @param {object} options
 * @param {number} options.port
 * @param {string} [options.persistTo]
 * @param {Record<string, string>} [options.vars] each passed with `--var NAME:value`
 * @param {StdioOptions} [options.stdio]
 * @param {string[]} [options.args] more arguments of `wrangler dev`
 * @param {number} [options.timeoutMs]
 * @param {string} [options.probe] the path that answers 2xx once the Worker runs
 * @returns {Promise<LocalWorker>}
 */
export async function startWorker({
  port,
  persistTo,
  vars = {},
  stdio = "inherit",
  args = [],
  timeoutMs = 60_000,
  probe = "/health",
}) {
  buildAssets(); // wrangler.toml's [assets] directory (the /docs bundle)
  const detached = stdio !== "inherit";
  const child = spawn(
    "wrangler",
    [
      "dev",
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      ...(persistTo ? ["--persist-to", persistTo] : []),
      ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
      ...args,
    ],
    { env: wranglerEnv, stdio, detached },
  );
  /** @param {NodeJS.Signals} name */
  const signal = (name) => {
    try {
      if (detached) process.kill(-(/** @type {number} */ (child.pid)), name);
      else child.kill(name);
    } catch {
      // already gone
    }
  };
  const stop = async () => {
    const exited =
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise((resolve) => child.once("exit", resolve));
    signal("SIGTERM");
    await Promise.race([exited, sleep(5000)]);
    signal("SIGKILL"); // whatever is left (workerd, in the group)
  };
  const kill = async () => {
    if (!detached)
      throw new Error("kill() needs wrangler dev in its own process group (stdio not inherited)");
    const exited =
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise((resolve) => child.once("exit", resolve));
    signal("SIGKILL");
    await exited;
  };
  const base = `http://127.0.0.1:${port}`;
  for (const until = Date.now() + timeoutMs; Date.now() < until; await sleep(250)) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`wrangler dev exited with ${child.exitCode}`);
    }
    try {
      if ((await fetch(`${base}${probe}`)).ok) return { child, base, stop, kill };
    } catch {
      // not listening yet
    }
  }
  await stop();
  throw new Error(`wrangler dev did not come up within ${timeoutMs / 1000} s`);
}
/**
 * @typedef {object} LocalWorker
 * @property {ChildProcess} child `wrangler dev`
 * @property {string} base its origin, `http://127.0.0.1:<port>`
 * @property {() => Promise<void>} stop
 * @property {() => Promise<void>} kill
 */

/**
 * A JSON call to the local API: GET, or POST with a body. The answer's `body` is its JSON, unchecked.
 * @param {string} base
 * @param {string} path
 * @param {{ token?: string, body?: object }} [options]
 * @returns {Promise<{ status: number, body: unknown }>}
 */
export async function call(base, path, { token, body } = {}) {
  const response = await fetch(`${base}${path}`, {
    method: body ? "POST" : "GET",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body && JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** The scopes of the secret key `npm run dev` prints: every example of the README runs with it. */
export const SECRET_KEY_SCOPES = ["product.edit", "webhook.manage"];

/**
 * An org with a secret key (SECRET_KEY_SCOPES) and a publishable key (storefront.read) for
 * `origins`, made through the admin API. With `orgId`, new keys for that org (throws if it is gone).
 * @param {string} base
 * @param {string} adminToken
 * @param {{ name: string, origins: string[], orgId?: string }} shop
 * @returns {Promise<{ org_id: string, key: string, publishable_key: string }>}
 */
export async function createShop(base, adminToken, { name, origins, orgId }) {
  if (!orgId) {
    const org = await call(base, "/v1/admin/orgs", { token: adminToken, body: { name } });
    if (org.status !== 201) throw new Error(`could not create an org: ${JSON.stringify(org.body)}`);
    orgId = /** @type {ApiOrg} */ (org.body).id;
  }
  /** @param {Record<string, unknown>} body */
  const key = async (body) => {
    const created = await call(base, "/v1/admin/api_keys", {
      token: adminToken,
      body: { name, org_ids: [orgId], ...body },
    });
    if (created.status !== 201) throw new Error(`could not create a key: ${JSON.stringify(created.body)}`);
    return /** @type {ApiKeyCreated} */ (created.body).key;
  };
  return {
    org_id: orgId,
    key: await key({ type: "secret", scopes: SECRET_KEY_SCOPES }),
    publishable_key: await key({
      type: "publishable",
      scopes: ["storefront.read"],
      allowed_origins: origins,
    }),
  };
}
