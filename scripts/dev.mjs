// `npm run dev`: local D1 migrated, `wrangler dev` started, a local org with a secret key that runs
// every example of the README and a publishable key (made through the admin API, kept in
// .wrangler/dev-key.json) that survive restarts, demo products on first start, and the example
// storefront on its own origin. IMAGE_FETCH_ALLOWED_HOSTS from the environment is passed on to the
// Worker (.dev.vars holds only the secrets wrangler.toml declares).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { seedDemo } from "../examples/storefront/seed.mjs";
import { serveStorefront } from "../examples/storefront/serve.mjs";
import { call, createShop, migrate, SECRET_KEY_SCOPES, startWorker } from "./local.mjs";

/** @import { ApiProductPage } from "./local.mjs" */
/**
 * What .wrangler/dev-key.json keeps: createShop's org and keys, and what they were made for.
 * @typedef {{ org_id: string, key: string, publishable_key: string, scopes: string[], storefront_origins: string[] }} DevKeys
 */

const PORT = Number(process.env.PORT ?? "8787");
const STOREFRONT_PORT = Number(process.env.STOREFRONT_PORT ?? PORT + 1);
const KEY_FILE = ".wrangler/dev-key.json";
const storefrontOrigins = [`http://127.0.0.1:${STOREFRONT_PORT}`, `http://localhost:${STOREFRONT_PORT}`];

if (!existsSync(".dev.vars")) {
  writeFileSync(".dev.vars", `ADMIN_TOKEN=${randomBytes(24).toString("hex")}\n`);
  console.log("Wrote .dev.vars with a new ADMIN_TOKEN.");
}
const adminToken = /** @type {string} */ (
  /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync(".dev.vars", "utf8"))?.[1]?.trim()
);

migrate();
const allowedHosts = process.env.IMAGE_FETCH_ALLOWED_HOSTS;
const { child, base } = await startWorker({
  port: PORT,
  vars: allowedHosts ? { IMAGE_FETCH_ALLOWED_HOSTS: allowedHosts } : {},
  args: process.argv.slice(2),
});
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"]))
  process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));

// Until the first run has written it, there is no file: `dev` is undefined, which the checks below allow.
let dev = /** @type {DevKeys} */ (
  existsSync(KEY_FILE) ? JSON.parse(readFileSync(KEY_FILE, "utf8")) : undefined
);
/**
 * @param {string | undefined} key
 * @param {string} path
 */
const works = async (key, path) => key && (await call(base, path, { token: key })).status === 200;
const current =
  dev?.storefront_origins?.join() === storefrontOrigins.join() &&
  dev?.scopes?.join() === SECRET_KEY_SCOPES.join() &&
  (await works(dev?.key, "/v1/webhook_endpoints?limit=1")) &&
  (await works(dev?.publishable_key, "/v1/storefront/products?limit=1"));
if (!current) {
  const shop = { name: "Local development", origins: storefrontOrigins };
  // New keys for the org of the last run, so its products stay; a new org if that one is gone.
  const keys = await createShop(base, adminToken, { ...shop, orgId: dev?.org_id }).catch(() =>
    createShop(base, adminToken, shop),
  );
  dev = { ...keys, scopes: SECRET_KEY_SCOPES, storefront_origins: storefrontOrigins };
  mkdirSync(".wrangler", { recursive: true });
  writeFileSync(KEY_FILE, `${JSON.stringify(dev, null, 2)}\n`);
}
if (
  /** @type {ApiProductPage} */ ((await call(base, "/v1/products?limit=1", { token: dev.key })).body).data
    .length === 0
) {
  await seedDemo(base, dev.key);
  console.log("Added the demo products.");
}
await serveStorefront({ port: STOREFRONT_PORT, api: base, publishableKey: dev.publishable_key });

console.log(`
  Products API on ${base}
  org:             ${dev.org_id}
  secret key:      ${dev.key}   (${SECRET_KEY_SCOPES.join(", ")}; product.edit implies product.read)
  publishable key: ${dev.publishable_key}   (storefront.read, from ${storefrontOrigins.join(", ")})
  admin token:     ADMIN_TOKEN in .dev.vars (POST /v1/admin/api_keys makes keys with other scopes)
  image fetches:   ${allowedHosts ? `also from ${allowedHosts}` : "https on port 443 only (IMAGE_FETCH_ALLOWED_HOSTS=host:port npm run dev allows a local server)"}
  docs:            ${base}/docs
  openapi:         ${base}/openapi.json
  storefront:      http://127.0.0.1:${STOREFRONT_PORT}/examples/storefront/

  curl -H "Authorization: Bearer ${dev.key}" ${base}/v1/products
`);
