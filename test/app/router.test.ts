import { createRoute, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { createRouter } from "../../src/shared/router";

/**
 * createRouter's routes: a request-header schema that only documents (optional strings, no check)
 * is in the document but not run on each request; one with a rule of its own is still validated.
 */
function routerWith(headers: z.ZodObject) {
  const router = createRouter();
  router.onError((error, c) => c.json({ error: error.message }, 400));
  router.openapi(
    createRoute({
      method: "get",
      path: "/thing",
      request: { headers },
      responses: { 200: { description: "ok" } },
    }),
    (c) => c.json({ validated: c.req.valid("header") ?? null }, 200),
  );
  return router;
}

describe("request headers in createRouter", () => {
  it("documents a header schema of optional strings, and routes without validating it", async () => {
    const router = routerWith(z.object({ "if-none-match": z.string().optional() }));
    const document = router.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "t", version: "1" } });
    const parameters = document.paths?.["/thing"]?.get?.parameters as { name: string; in: string }[];
    expect(parameters).toEqual([expect.objectContaining({ name: "if-none-match", in: "header" })]);

    const response = await router.request("/thing", { headers: { "If-None-Match": '"3"' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ validated: null });
  });

  it("still validates a header schema with a rule of its own", async () => {
    const router = routerWith(z.object({ "x-count": z.string().regex(/^\d+$/).optional() }));
    expect((await router.request("/thing", { headers: { "X-Count": "12" } })).status).toBe(200);
    const refused = await router.request("/thing", { headers: { "X-Count": "twelve" } });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: expect.stringMatching(/./) });
  });
});
