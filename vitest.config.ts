import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { imageOrigin } from "./test/image-origin.ts";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
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
    },
  };
});
