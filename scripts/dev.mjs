// `npm run dev`: local D1 migrated, `wrangler dev` started, and a local org and secret key
// (made through the admin API, kept in .wrangler/dev-key.json) that survive restarts.
// Works offline: no metrics, no Request.cf download.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const PORT = process.env.PORT ?? "8787";
const BASE = `http://127.0.0.1:${PORT}`;
const KEY_FILE = ".wrangler/dev-key.json";

if (!existsSync(".dev.vars")) {
  writeFileSync(".dev.vars", `ADMIN_TOKEN=${randomBytes(24).toString("hex")}\n`);
  console.log("Wrote .dev.vars with a new ADMIN_TOKEN.");
}
const adminToken = /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync(".dev.vars", "utf8"))?.[1]?.trim();

const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local"], {
  env,
  encoding: "utf8",
});
if (migrate.status !== 0) {
  process.stderr.write(migrate.stdout + migrate.stderr);
  process.exit(1);
}

const child = spawn("wrangler", ["dev", "--port", PORT, "--ip", "127.0.0.1", ...process.argv.slice(2)], {
  env,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));

async function call(path, { token, body } = {}) {
  const response = await fetch(`${BASE}${path}`, {
    method: body ? "POST" : "GET",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body && JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function ready() {
  for (let attempt = 0; attempt < 120; attempt++) {
    try {
      if ((await fetch(`${BASE}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("wrangler dev did not come up within 30 s");
}

await ready();
let dev = existsSync(KEY_FILE) ? JSON.parse(readFileSync(KEY_FILE, "utf8")) : undefined;
if (!dev || (await call("/v1/currencies", { token: dev.key })).status !== 200) {
  const org = await call("/v1/admin/orgs", { token: adminToken, body: { name: "Local development" } });
  const key = await call("/v1/admin/api_keys", {
    token: adminToken,
    body: { name: "Local development", org_ids: [org.body.id], type: "secret", scopes: ["product.edit"] },
  });
  if (key.status !== 201) throw new Error(`could not create the local key: ${JSON.stringify(key.body)}`);
  dev = { org_id: org.body.id, key_id: key.body.id, key: key.body.key };
  mkdirSync(".wrangler", { recursive: true });
  writeFileSync(KEY_FILE, `${JSON.stringify(dev, null, 2)}\n`);
}

console.log(`
  Products API on ${BASE}
  org:         ${dev.org_id}
  secret key:  ${dev.key}   (product.edit, product.read)
  admin token: from .dev.vars
  docs:        ${BASE}/docs
  openapi:     ${BASE}/openapi.json

  curl -H "Authorization: Bearer ${dev.key}" ${BASE}/v1/products
`);
