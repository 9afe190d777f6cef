declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    ADMIN_TOKEN: string;
    /** wrangler.toml's [[ratelimits]] and the vars stating them (vitest.config.ts). */
    WRANGLER_RATE_LIMITS: string;
    /** wrangler.toml's cron triggers, a JSON array (vitest.config.ts). */
    WRANGLER_CRONS: string;
    /** docs/*.md by name (`products`): their markdown (vitest.config.ts). */
    GUIDE_SOURCES: string;
    SCHEMA_SQL: string;
    SCHEMA_TS: string;
  }
}
