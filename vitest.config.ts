import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";
import { buildAssets } from "./scripts/assets.mjs";
import { imageOrigin } from "./test/image-origin.ts";

/** The admin and failed-authentication limits in tests (see ADMIN_RATE_LIMIT below). */
// wrangler.toml requires the ADMIN_TOKEN secret; the tests give it to miniflare below, and this keeps
// the plugin from warning that it is missing.
process.env.ADMIN_TOKEN ??= "test-admin-token";

const PER_IP_LIMIT = { limit: 1000, period: 10 as const };

export default defineConfig(async () => {
  // wrangler.toml's [assets] directory, built from node_modules (the /docs bundle).
  buildAssets();
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  const wrangler = unstable_readConfig({ config: "./wrangler.toml" });
  const docs = path.join(import.meta.dirname, "docs");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          // Test-only bindings: the migrations, applied by test/apply-migrations.ts, an admin token,
          // and two hosts that IMAGE_FETCH_ALLOWED_HOSTS lets through the URL rules.
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_TOKEN: "test-admin-token",
            IMAGE_FETCH_ALLOWED_HOSTS: "allowed.test:8080, plain.test",
            // Webhook retries at once, so a delivery's 8 attempts take well under a second.
            WEBHOOK_RETRY_BASE_SECONDS: "0",
            // wrangler.toml's rate limiters and the vars that state them, for the test that they agree.
            WRANGLER_RATE_LIMITS: JSON.stringify({
              ratelimits: wrangler.ratelimits,
              vars: {
                RATE_LIMIT: wrangler.vars.RATE_LIMIT,
                ADMIN_RATE_LIMIT: wrangler.vars.ADMIN_RATE_LIMIT,
                PUBLIC_RATE_LIMIT: wrangler.vars.PUBLIC_RATE_LIMIT,
                AUTH_FAILURE_RATE_LIMIT: wrangler.vars.AUTH_FAILURE_RATE_LIMIT,
              },
            }),
            // Every test's requests come from one client IP. Its fixtures (orgs, keys) are made
            // through the admin API, and the auth tests of all files fail on purpose, so these two
            // per-IP limits are raised here; the api and public limits are wrangler.toml's.
            ADMIN_RATE_LIMIT: `${PER_IP_LIMIT.limit}/${PER_IP_LIMIT.period}`,
            AUTH_FAILURE_RATE_LIMIT: `${PER_IP_LIMIT.limit}/${PER_IP_LIMIT.period}`,
            // wrangler.toml's cron triggers, for the test that the scheduled handler knows each.
            WRANGLER_CRONS: JSON.stringify(wrangler.triggers.crons),
            // The committed schema (npm run db:schema), for the test that the migrations leave it.
            SCHEMA_SQL: readFileSync(path.join(import.meta.dirname, "src", "db", "schema.sql"), "utf8"),
            SCHEMA_TS: readFileSync(path.join(import.meta.dirname, "src", "db", "schema.ts"), "utf8"),
            // The design notes as written (docs/*.md), for the tests of the pages /docs/guides serves.
            GUIDE_SOURCES: JSON.stringify(
              Object.fromEntries(
                readdirSync(docs)
                  .filter((file) => file.endsWith(".md"))
                  .map((file) => [file.slice(0, -3), readFileSync(path.join(docs, file), "utf8")]),
              ),
            ),
          },
          ratelimits: {
            ADMIN_RATE_LIMITER: { namespace_id: "1002", simple: PER_IP_LIMIT },
            AUTH_FAILURE_RATE_LIMITER: { namespace_id: "1004", simple: PER_IP_LIMIT },
          },
          // Every outbound fetch of the Worker goes to a stub in this process, never the network.
          outboundService: imageOrigin,
        },
      }),
    ],
    // The same zod as the Worker bundle (wrangler.toml [alias]), so that the tests run what ships.
    resolve: {
      alias: [{ find: /^zod$/, replacement: path.join(import.meta.dirname, "src/lib/zod/index.js") }],
    },
    test: {
      setupFiles: ["./test/apply-migrations.ts"],
      include: ["test/**/*.test.ts"],
      // The Worker logs a line per request (test/app/logs.test.ts checks them); keep them out of the report.
      onConsoleLog: (log: string) =>
        !log.includes('"event":"request"') && !log.includes('"event":"image_fetch_failed"'),
    },
  };
});
