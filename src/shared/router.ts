import { OpenAPIHono, type RouteConfig, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { invalidData } from "../lib/errors";
import { issuesToFailures } from "../lib/failures";

/** Every zod failure, whatever the route, becomes one invalid_data error with field paths. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalidData(issuesToFailures(result.error.issues));
    },
  });
}

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
