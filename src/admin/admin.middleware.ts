import { createMiddleware } from "hono/factory";
import { findActiveKey } from "../auth/auth.repo";
import type { AppEnv } from "../env";
import { sha256Hex, timingSafeEqualText } from "../lib/crypto";
import { ApiError } from "../lib/errors";

/** The operator's API: `Bearer <ADMIN_TOKEN>`, compared in constant time; absent entirely (404) without a token set. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const token = c.env.ADMIN_TOKEN;
  if (!token) throw new ApiError("not_found");
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "")?.[1] ?? "";
  if (!(await timingSafeEqualText(presented, token))) {
    // A live publishable key is a credential, only not for this: say so, as every other route does.
    if (presented.startsWith("pk_") && (await findActiveKey(c.var.db, await sha256Hex(presented)))) {
      throw new ApiError("forbidden", { message: "A publishable key works on the storefront routes only." });
    }
    throw new ApiError("unauthorized");
  }
  await next();
});
