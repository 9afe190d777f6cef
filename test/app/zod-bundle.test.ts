import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import * as real from "zod/v4";

/**
 * The Worker bundle's zod (src/lib/zod, wrangler.toml [alias]) must be zod's whole API less its
 * locales: a name missing here would be undefined in production. This compares it with the real
 * package, so a zod upgrade that adds an export fails here until the list is updated.
 */
describe("the bundle's zod", () => {
  it("is what @hono/zod-openapi gets in the tests too", () => {
    expect("locales" in z).toBe(false);
  });

  it("exports every name of zod except locales", () => {
    const expected = Object.keys(real)
      .filter((name) => name !== "locales")
      .sort();
    expect(Object.keys(z).sort()).toEqual(expected);
  });

  it("and its core namespace every name of zod's core except locales", () => {
    const expected = Object.keys(real.core)
      .filter((name) => name !== "locales")
      .sort();
    expect(Object.keys(z.core).sort()).toEqual(expected);
  });
});
