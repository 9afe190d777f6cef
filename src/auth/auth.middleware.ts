import { createMiddleware } from "hono/factory";
import type { AppEnv, Scope } from "../env";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/errors";
import { clientIp, failedAuthentication, limited, refuseSpentIp } from "../middleware/rate-limit";
import { findActiveKey } from "./auth.repo";

const KEY_PATTERN = /^(sk|pk)_[A-Za-z0-9]{16,128}$/;

/**
 * Authenticates `Authorization: Bearer <key>` and resolves the org the request acts on: the
 * key's only org, or the one named in Org-Id (which must be one of the key's). Routes that read
 * no org's data (reference data) pass `{ org: false }`. Then the key's rate limit is counted (a
 * publishable key's per client IP too: every shopper's browser sends the same key). A failed
 * authentication counts against the client IP's own limit (failedAuthentication).
 */
export const authenticate = (options: { org: boolean } = { org: true }) =>
  createMiddleware<AppEnv>(async (c, next) => {
    refuseSpentIp(c);
    const header = c.req.header("Authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const key = match?.[1];
    if (!key || !KEY_PATTERN.test(key)) return failedAuthentication(c);
    const row = await findActiveKey(c.get("db"), await sha256Hex(key));
    if (!row) return failedAuthentication(c);

    // An Org-Id the key lacks is 403 on every route, those that read no org's data included.
    const requestedOrg = c.req.header("Org-Id")?.trim();
    if (requestedOrg && !row.orgIds.includes(requestedOrg)) {
      throw new ApiError("forbidden", { message: "This key does not work for the org named in Org-Id." });
    }
    let orgId = "";
    if (!options.org) {
      // no org is read: leave orgId empty
    } else if (requestedOrg) {
      orgId = requestedOrg;
    } else if (row.orgIds.length === 1 && row.orgIds[0]) {
      orgId = row.orgIds[0];
    } else {
      throw new ApiError("org_required");
    }
    c.set("auth", {
      keyId: row.id,
      keyType: row.type,
      scopes: row.scopes as Scope[],
      allowedOrigins: row.allowedOrigins,
      orgId,
    });
    await limited(c, "api", row.type === "publishable" ? `${row.id}:${clientIp(c)}` : row.id, next);
  });

/**
 * `product.edit` implies `product.read`, and a key that reads products may read the storefront
 * too (a server rendering a shop with its secret key).
 */
const IMPLIED: Partial<Record<Scope, Scope[]>> = {
  "product.read": ["product.edit"],
  "storefront.read": ["product.read", "product.edit"],
};

export function requireScope(scope: Scope) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.get("auth").keyType === "publishable" && scope !== "storefront.read") {
      throw new ApiError("forbidden", { message: "A publishable key works on the storefront routes only." });
    }
    const granted = c.get("auth").scopes;
    if (!granted.includes(scope) && !(IMPLIED[scope] ?? []).some((implied) => granted.includes(implied))) {
      throw new ApiError("forbidden", { message: `This key lacks the '${scope}' scope.` });
    }
    await next();
  });
}

/**
 * A request from a browser page (it sends `Origin`) must use a publishable key that allows that
 * origin; a secret key never belongs in a page. Requests without `Origin` (servers, curl, the
 * page's own origin) are not checked.
 */
export const requireKeyOrigin = createMiddleware<AppEnv>(async (c, next) => {
  const origin = c.req.header("Origin");
  const { keyType, allowedOrigins } = c.get("auth");
  if (origin !== undefined && !(keyType === "publishable" && allowedOrigins.includes(origin))) {
    throw new ApiError("forbidden", {
      message:
        keyType === "publishable"
          ? `This key does not allow the origin '${origin}': add it to the key's allowed_origins.`
          : "A secret key must not be used from a browser: use a publishable key.",
    });
  }
  await next();
});
