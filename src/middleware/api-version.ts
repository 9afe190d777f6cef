import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";

/** Newest first. A request without API-Version gets the newest. */
export const API_VERSIONS = ["2026-11-01"] as const;
export const LATEST_API_VERSION = API_VERSIONS[0];

export const apiVersion = createMiddleware<AppEnv>(async (c, next) => {
  const requested = c.req.header("API-Version")?.trim();
  if (requested !== undefined && !(API_VERSIONS as readonly string[]).includes(requested)) {
    throw new ApiError("unsupported_api_version", {
      message: `Unknown API-Version '${requested}'. Supported: ${API_VERSIONS.join(", ")}.`,
    });
  }
  c.set("apiVersion", requested ?? LATEST_API_VERSION);
  await next();
});
