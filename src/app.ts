import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { matchedRoutes } from "hono/route";
import { admin, adminEnabled } from "./admin";
import { mountDialects } from "./compat";
import { currencies } from "./currencies";
import { API_DESCRIPTION } from "./docs";
import { docsUi } from "./docs-ui";
import type { AppEnv } from "./env";
import { events, webhookEndpoints } from "./events";
import { images } from "./images";
import { ApiError, type ErrorKey } from "./lib/errors";
import { API_VERSIONS, apiVersion, LATEST_API_VERSION } from "./middleware/api-version";
import { browserCors } from "./middleware/cors";
import { MAX_JSON_BYTES } from "./middleware/json-body";
import { requestContext } from "./middleware/request-context";
import { products } from "./products";
import { READ_ONLY_FIELDS } from "./products/products.output";
import { scans } from "./scans";
import { finishDocument, mergePatch, readOnlyFields } from "./shared/openapi";
import { createRouter, noQuery } from "./shared/router";
import { ErrorBody, errorResponses, PreconditionFailure } from "./shared/schemas";
import { storefront } from "./storefront";

const HTTP_EXCEPTION_KEYS: Partial<Record<number, ErrorKey>> = {
  400: "invalid_json",
  401: "unauthorized",
  404: "not_found",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

/** The one error body, whatever produced the error; internals are logged, never sent. */
function errorResponse(error: Error, c: Context<AppEnv>) {
  let apiError: ApiError;
  if (error instanceof ApiError) {
    apiError = error;
  } else if (error instanceof HTTPException && HTTP_EXCEPTION_KEYS[error.status]) {
    apiError = new ApiError(HTTP_EXCEPTION_KEYS[error.status] as ErrorKey);
  } else {
    console.error(
      JSON.stringify({
        level: "error",
        request_id: c.get("requestId"),
        error: error.message,
        stack: error.stack,
      }),
    );
    apiError = new ApiError("internal_error");
  }
  const headers: Record<string, string> = { ...apiError.headers };
  if (apiError.key === "unauthorized") headers["WWW-Authenticate"] = 'Bearer realm="products-api"';
  return c.json(
    {
      key: apiError.key,
      message: apiError.message,
      ...(apiError.failures ? { failures: apiError.failures } : {}),
      ...apiError.extra,
      request_id: c.get("requestId"),
    },
    apiError.status,
    headers,
  );
}

/**
 * A route path as a pattern of request paths. Exact, as hono's router matches (strict): a trailing
 * slash is another path, so `/v1/products/` is 404, not a 405 that allows the method asked for.
 */
const patternOf = (path: string) =>
  new RegExp(`^${path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\/:[^/]+/g, "/[^/]+")}$`);

/** The methods some route has for a request path (HEAD with GET); none for an unknown path. */
function routeMethods(app: { routes: { method: string; path: string }[] }) {
  let table: { pattern: RegExp; methods: Set<string> }[] | undefined;
  return (path: string): string[] => {
    table ??= Object.entries(
      Object.groupBy(
        app.routes.filter((route) => route.method !== "ALL"),
        (route) => route.path,
      ),
    ).map(([routePath, routes]) => ({
      pattern: patternOf(routePath),
      methods: new Set((routes ?? []).map((route) => route.method)),
    }));
    const methods = new Set<string>();
    for (const entry of table)
      if (entry.pattern.test(path)) for (const method of entry.methods) methods.add(method);
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}

const health = createRoute({
  operationId: "health",
  method: "get",
  path: "/health",
  tags: ["Operations"],
  summary: "Liveness",
  description: '`200 {"status": "ok"}` while the Worker runs; it reads no binding.',
  security: [],
  responses: {
    200: {
      description: "The Worker is up.",
      content: { "application/json": { schema: z.object({ status: z.literal("ok") }) } },
    },
    ...errorResponses(),
  },
});

export function createApp() {
  const app = createRouter();
  const methodsFor = routeMethods(app);
  /**
   * Unknown path: 404. Known path, other method: 405 with Allow (OPTIONS: 204 with Allow).
   * Undefined when the path has the method: the route answers.
   */
  const noRoute = (c: Context<AppEnv>) =>
    errorResponse(new ApiError("not_found", { message: `No route for ${c.req.method} ${c.req.path}.` }), c);
  const routeCheck = (c: Context<AppEnv>) => {
    // The common case first: hono matched a route of this method (HEAD is routed as GET).
    const method = c.req.method === "HEAD" ? "GET" : c.req.method;
    if (matchedRoutes(c).some((route) => route.method === method)) return undefined;
    const allowed = methodsFor(c.req.path);
    if (allowed.length === 0) return noRoute(c);
    if (allowed.includes(c.req.method)) return undefined;
    const allow = [...allowed, "OPTIONS"].join(", ");
    if (c.req.method === "OPTIONS") return c.body(null, 204, { Allow: allow });
    return errorResponse(
      new ApiError("method_not_allowed", {
        message: `${c.req.method} is not allowed on ${c.req.path}. Allowed: ${allow}.`,
        headers: { Allow: allow },
      }),
      c,
    );
  };
  // Middleware order: request context (id, timing, D1 meter) → CORS (what browsers read) → version →
  // route check (404, 405, OPTIONS) → (per router) auth → idempotency → handler. The error boundary
  // is app.onError below, so every error leaves in the one shape, with CORS headers where a browser
  // has to read it.
  app.use("*", requestContext);
  app.use("/v1/storefront/*", browserCors);
  app.use("/images/*", browserCors);
  app.use("*", apiVersion);
  app.use("/v1/admin/*", adminEnabled);
  // hono runs the routers' `use("*")` middleware (auth, idempotency) for any method on their paths,
  // so the route check comes first: a wrong method is 405 whatever key or Idempotency-Key came with
  // it, and OPTIONS needs no key.
  app.use("*", async (c, next) => {
    const response = routeCheck(c);
    return response ? response : next();
  });

  app.route("/v1/products", products);
  app.route("/v1/storefront", storefront);
  app.route("/v1/currencies", currencies);
  app.route("/v1/events", events);
  app.route("/v1/webhook_endpoints", webhookEndpoints);
  app.route("/v1/admin", admin);
  app.route("/images", images);
  app.route("/s", scans);
  mountDialects(app);
  app.openapi(health, (c) => c.json({ status: "ok" as const }, 200));

  app.openAPIRegistry.register("Error", ErrorBody);
  app.openAPIRegistry.register("PreconditionFailure", PreconditionFailure);
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "A secret key `sk_…` (or a publishable key `pk_…` on storefront routes).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "admin", {
    type: "http",
    scheme: "bearer",
    description: "The ADMIN_TOKEN Worker secret.",
  });
  app.use("/openapi.json", noQuery);
  app.use("/docs", noQuery);
  app.use("/docs/guides/*", noQuery);
  const config = {
    openapi: "3.1.0",
    info: {
      title: "Products API",
      version: LATEST_API_VERSION,
      contact: { name: "Products API" },
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
      description: API_DESCRIPTION({ versions: API_VERSIONS, maxJsonBytes: MAX_JSON_BYTES }),
    },
    servers: [{ url: "/" }],
  };
  let document: string | undefined;
  app.get("/openapi.json", (c) => {
    document ??= JSON.stringify(
      finishDocument(app.getOpenAPI31Document(config), [
        readOnlyFields("Product", ["ProductInput"], READ_ONLY_FIELDS),
        mergePatch("ProductInput", "ProductPatch", { status: "inactive", description: null }),
      ]),
    );
    return c.body(document, 200, { "Content-Type": "application/json; charset=UTF-8" });
  });
  app.route("/docs", docsUi);

  // The route check has answered every path no route has; this is for a path it matched that
  // hono's router did not, should they ever disagree.
  app.notFound((c) => routeCheck(c) ?? noRoute(c));
  app.onError(errorResponse);
  return app;
}
