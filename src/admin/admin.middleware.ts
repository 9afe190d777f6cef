import { createMiddleware } from "hono/factory";
import { findActiveKey } from "../auth/auth.repo";
import type { AppEnv } from "../env";
import { sha256Hex, timingSafeEqualText } from "../lib/crypto";
import { ApiError } from "../lib/errors";

/**
 * Without ADMIN_TOKEN set the operator API does not exist: every /v1/admin path is 404, whatever
 * the method (mounted before the app's route check, which would otherwise answer 405 or 204).
 */
export const adminEnabled = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.env.ADMIN_TOKEN) throw new ApiError("not_found");
  await next();
});

/** The operator's API: `Bearer <ADMIN_TOKEN>`, compared in constant time (after adminEnabled). */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const token = c.env.ADMIN_TOKEN;
  // adminEnabled has answered already; this keeps an empty token from ever matching.
  if (!token) throw new ApiError("not_found");
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "")?.[1] ?? "";
  if (!(await timingSafeEqualText(presented, token))) {
    // A live publishable key is a credential, only not for this: say so, as every other route does.
    if (presented.startsWith("pk_") && (await findActiveKey(c.get("db"), await sha256Hex(presented)))) {
      throw new ApiError("forbidden", { message: "A publishable key works on the storefront routes only." });
    }
    throw new ApiError("unauthorized");
  }
  await next();
});
