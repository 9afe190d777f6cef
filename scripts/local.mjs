// The local Worker, as `npm run dev` and `npm run test:e2e` run it: D1 migrated, `wrangler dev`
// started and awaited, and calls to its admin API. Works offline: no metrics, no Request.cf download.
import { spawn, spawnSync } from "node:child_process";

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

/** Starts `wrangler dev` on 127.0.0.1:`port`; resolves once /health answers. */
export async function startWorker({ port, persistTo, vars = {}, stdio = "inherit", args = [] }) {
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
    { env: wranglerEnv, stdio, detached: stdio !== "inherit" },
  );
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 240; attempt++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return { child, base };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill();
  throw new Error("wrangler dev did not come up within 60 s");
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

/** An org with a secret key (product.edit) and a publishable key for `origins`, made through the admin API. */
export async function createShop(base, adminToken, { name, origins }) {
  const org = await call(base, "/v1/admin/orgs", { token: adminToken, body: { name } });
  if (org.status !== 201) throw new Error(`could not create an org: ${JSON.stringify(org.body)}`);
  const key = async (body) => {
    const created = await call(base, "/v1/admin/api_keys", {
      token: adminToken,
      body: { name, org_ids: [org.body.id], ...body },
    });
    if (created.status !== 201) throw new Error(`could not create a key: ${JSON.stringify(created.body)}`);
    return created.body.key;
  };
  return {
    org_id: org.body.id,
    key: await key({ type: "secret", scopes: ["product.edit"] }),
    publishable_key: await key({
      type: "publishable",
      scopes: ["storefront.read"],
      allowed_origins: origins,
    }),
  };
}
