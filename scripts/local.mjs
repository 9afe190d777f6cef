// The local Worker, as `npm run dev` and `npm run test:e2e` run it: D1 migrated, `wrangler dev`
// started and awaited, and calls to its admin API. Works offline: no metrics, no Request.cf download.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { buildAssets } from "./assets.mjs";

export const wranglerEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

/** Applies migrations/ to the local D1 (in `persistTo`, or wrangler's default .wrangler/state). */
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

/** A TCP port that is free on 127.0.0.1 now. */
export const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `wrangler dev` on 127.0.0.1:`port`; resolves once /health answers, with `stop()`, which
 * ends it and, when it runs detached (any `stdio` but the terminal's), the workerd of its process
 * group too, and `kill()` (detached only), which sends SIGKILL to that whole group at once, with no
 * graceful stop, and resolves when wrangler has exited. A start that fails stops what it started
 * before it throws.
 */
export async function startWorker({
  port,
  persistTo,
  vars = {},
  stdio = "inherit",
  args = [],
  timeoutMs = 60_000,
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
  const signal = (name) => {
    try {
      if (detached) process.kill(-child.pid, name);
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
      if ((await fetch(`${base}/health`)).ok) return { child, base, stop, kill };
    } catch {
      // not listening yet
    }
  }
  await stop();
  throw new Error(`wrangler dev did not come up within ${timeoutMs / 1000} s`);
}

/** A JSON call to the local API: GET, or POST with a body. */
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
 */
export async function createShop(base, adminToken, { name, origins, orgId }) {
  if (!orgId) {
    const org = await call(base, "/v1/admin/orgs", { token: adminToken, body: { name } });
    if (org.status !== 201) throw new Error(`could not create an org: ${JSON.stringify(org.body)}`);
    orgId = org.body.id;
  }
  const key = async (body) => {
    const created = await call(base, "/v1/admin/api_keys", {
      token: adminToken,
      body: { name, org_ids: [orgId], ...body },
    });
    if (created.status !== 201) throw new Error(`could not create a key: ${JSON.stringify(created.body)}`);
    return created.body.key;
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
