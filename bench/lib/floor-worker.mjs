// The floor Worker's source, bundled by bench/lib/floor.mjs (esbuild) and run under its own workerd.
// Four ways to answer, measured apart in each round:
//   /hello                      nothing at all: the runtime's own cost
//   /products/:id               the floor: one limiter call and one D1 point read, the row's JSON as stored
//   /framework/products/:id     the same floor as one @hono/zod-openapi route (its id validated by a
//                               zod schema), no other middleware: what the framework alone adds
//   /rows/products/:id          the floor reading our products row instead (product_rows: the same
//                               columns, every one selected, by id and org as ours does), answering
//                               its stored `data`: what the row's shape adds
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";

/**
 * @typedef {{
 *   RATE_LIMITER: { limit(options: { key: string }): Promise<{ success: boolean }> },
 *   DB: { prepare(sql: string): { bind(...values: unknown[]): { first(): Promise<Record<string, string> | null> } } },
 *   ORG_ID: string,
 * }} FloorEnv
 */

/**
 * @param {FloorEnv} env
 * @param {string} id
 */
async function floorRead(env, id) {
  const { success } = await env.RATE_LIMITER.limit({ key: "floor" });
  if (!success) return new Response("rate limited", { status: 429 });
  const row = await env.DB.prepare("SELECT body FROM products WHERE id = ?").bind(id).first();
  if (!row) return new Response("not found", { status: 404 });
  return new Response(row.body, { headers: { "Content-Type": "application/json" } });
}

/**
 * @param {FloorEnv} env
 * @param {string} id
 */
async function floorRowRead(env, id) {
  const { success } = await env.RATE_LIMITER.limit({ key: "floor" });
  if (!success) return new Response("rate limited", { status: 429 });
  const row = await env.DB.prepare("SELECT * FROM product_rows WHERE id = ? AND org_id = ? LIMIT 1")
    .bind(id, env.ORG_ID)
    .first();
  if (!row) return new Response("not found", { status: 404 });
  return new Response(row.data, { headers: { "Content-Type": "application/json" } });
}

const framework = new OpenAPIHono().openapi(
  createRoute({
    method: "get",
    path: "/framework/products/{id}",
    request: { params: z.object({ id: z.string().min(1) }) },
    responses: { 200: { description: "The row's JSON as stored." } },
  }),
  (c) => floorRead(/** @type {FloorEnv} */ (c.env), c.req.valid("param").id),
);

export default {
  /**
   * @param {Request} request
   * @param {FloorEnv} env
   */
  fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/hello") return new Response("hello");
    if (pathname.startsWith("/framework/")) return framework.fetch(request, env);
    if (pathname.startsWith("/rows/")) return floorRowRead(env, pathname.slice("/rows/products/".length));
    return floorRead(env, pathname.slice("/products/".length));
  },
};
