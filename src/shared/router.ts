import { OpenAPIHono, type RouteConfig, type RouteHandler, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { invalidData } from "../lib/errors";
import { issuesToFailures } from "../lib/failures";

/** The query of a route that declares none: any parameter is unknown. Lists no parameter in /openapi.json. */
const NoQuery = z.strictObject({});

/**
 * Every route's query is a strict object (its own, or NoQuery), so that a parameter the operation
 * does not define is invalid_data naming it, on every route, from the one declaration that also
 * documents the query. A route whose query would let unknown parameters through fails at startup.
 */
function withStrictQuery<R extends RouteConfig>(route: R): R {
  const query = route.request?.query;
  if (query === undefined) return { ...route, request: { ...route.request, query: NoQuery } };
  const def = query._zod.def;
  if (!("catchall" in def) || def.catchall?._zod.def.type !== "never") {
    throw new Error(`${route.method.toUpperCase()} ${route.path}: its query must be a z.strictObject.`);
  }
  return route;
}

/**
 * A request-header schema whose every field is an optional string with no check of its own: every
 * request passes it (a header is always a string), so it documents the headers and validates
 * nothing. Their rules (If-Match, Idempotency-Key) are the middleware's and handlers' to apply.
 */
function documentsOnly(schema: z.ZodObject): boolean {
  return Object.values(schema.shape).every((field) => {
    const def = (field as z.ZodType)._zod.def;
    if (def.type !== "optional") return false;
    const inner = (def as z.core.$ZodOptionalDef).innerType._zod.def;
    return inner.type === "string" && (inner.checks ?? []).length === 0;
  });
}

/** For the routes that are not operations (/openapi.json, /docs): no query parameter either. */
export const noQuery = createMiddleware<AppEnv>(async (c, next) => {
  const parsed = NoQuery.safeParse(c.req.query());
  if (!parsed.success) throw invalidData(issuesToFailures(parsed.error.issues, [], "query parameter"));
  await next();
});

/** Every zod failure, whatever the route, becomes one invalid_data error with field paths. */
export function createRouter() {
  const router = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const unknownKey = result.target === "query" ? "query parameter" : "field";
        throw invalidData(issuesToFailures(result.error.issues, [], unknownKey));
      }
    },
  });
  const openapi = router.openapi;
  router.openapi = ((route, handler, hook) => {
    const strict = withStrictQuery(route);
    const headers = strict.request?.headers;
    if (!(headers instanceof z.ZodObject) || !documentsOnly(headers)) return openapi(strict, handler, hook);
    // Documented as declared, routed without the header validator: it could not fail.
    const { middleware: _middleware, hide, ...documented } = strict;
    if (!hide) router.openAPIRegistry.registerPath(documented);
    return openapi(
      { ...strict, hide: true, request: { ...strict.request, headers: undefined } },
      handler,
      hook,
    );
  }) as typeof router.openapi;
  return router;
}

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
