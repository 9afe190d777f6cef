import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { timingSafeEqualText } from "../lib/crypto";
import { ApiError } from "../lib/errors";

/** The operator's API: `Bearer <ADMIN_TOKEN>`, compared in constant time; absent entirely (404) without a token set. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const token = c.env.ADMIN_TOKEN;
  if (!token) throw new ApiError("not_found");
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "")?.[1] ?? "";
  if (!(await timingSafeEqualText(presented, token))) throw new ApiError("unauthorized");
  await next();
});
