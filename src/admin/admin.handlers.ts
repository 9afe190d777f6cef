import * as authRepo from "../auth/auth.repo";
import type { Scope } from "../env";
import { resourceId } from "../idempotency/idempotency.middleware";
import { findApplied, isAppliedAlready, keepAnswer } from "../idempotency/idempotency.repo";
import { sha256Hex } from "../lib/crypto";
import { ApiError, invalidData } from "../lib/errors";
import { newId } from "../lib/ids";
import { cacheTags, purgeOf } from "../shared/edge-cache";
import { page } from "../shared/page";
import type { AppRouteHandler } from "../shared/router";
import type * as routes from "./admin.routes";

const toOrg = (row: authRepo.OrgRow) => ({
  id: row.id,
  object: "org" as const,
  name: row.name,
  default_currency: row.defaultCurrency,
  created_at: row.createdAt,
});

export const createOrg: AppRouteHandler<typeof routes.createOrg> = async (c) => {
  const input = c.req.valid("json");
  const org = await authRepo.insertOrg(c.get("db"), {
    id: resourceId(c, "org"),
    name: input.name,
    defaultCurrency: input.default_currency,
    createdAt: new Date().toISOString(),
  });
  return c.json(toOrg(org), 201, { Location: `/v1/admin/orgs/${org.id}` });
};

export const listOrgs: AppRouteHandler<typeof routes.listOrgs> = async (c) => {
  const query = c.req.valid("query");
  const rows = await authRepo.listOrgs(c.get("db"), query.limit + 1, query.cursor);
  return c.json(page(rows, query.limit, toOrg), 200);
};

export const updateOrg: AppRouteHandler<typeof routes.updateOrg> = async (c) => {
  const { id } = c.req.valid("param");
  const input = c.req.valid("json");
  const org = await authRepo.updateOrg(c.get("db"), id, {
    name: input.name,
    defaultCurrency: input.default_currency,
  });
  if (!org) throw new ApiError("not_found", { message: `No org with id '${id}'.` });
  return c.json(toOrg(org), 200);
};

function randomKey(prefix: "sk" | "pk"): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `${prefix}_${[...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

export const createApiKey: AppRouteHandler<typeof routes.createApiKey> = async (c) => {
  const input = c.req.valid("json");
  const orgIds = [...new Set(input.org_ids)];
  const existing = await authRepo.findExistingOrgIds(c.get("db"), orgIds);
  const unknown = input.org_ids.flatMap((id, index) =>
    existing.has(id) ? [] : [{ field: `org_ids[${index}]`, message: `Unknown org '${id}'.` }],
  );
  if (unknown.length > 0) throw invalidData(unknown);

  const key = randomKey(input.type === "secret" ? "sk" : "pk");
  const row: authRepo.ApiKeyRow = {
    id: newId("key"),
    name: input.name,
    type: input.type,
    keyHash: await sha256Hex(key),
    orgIds,
    scopes: [...new Set(input.scopes)] as Scope[],
    allowedOrigins: [...new Set(input.allowed_origins ?? [])],
    createdAt: new Date().toISOString(),
    revokedAt: null,
  };
  const answer = {
    id: row.id,
    object: "api_key" as const,
    key,
    name: row.name,
    type: row.type,
    org_ids: row.orgIds,
    scopes: row.scopes as Scope[],
    allowed_origins: row.allowedOrigins,
    created_at: row.createdAt,
  };
  // Keyed: the answer is kept with the key, since a retry that finds no stored response cannot
  // show the secret again from the hash; it answers the kept one, and no second key is made.
  const claimId = c.get("idempotencyClaimId");
  try {
    await authRepo.insertApiKey(
      c.get("db"),
      row,
      claimId ? keepAnswer(c.get("db"), claimId, JSON.stringify(answer)) : undefined,
    );
  } catch (error) {
    const kept = claimId && isAppliedAlready(error) ? await findApplied(c.get("db"), claimId) : undefined;
    if (!kept?.answer) throw error;
    return c.json(JSON.parse(kept.answer) as typeof answer, 201);
  }
  return c.json(answer, 201);
};

export const revokeApiKey: AppRouteHandler<typeof routes.revokeApiKey> = async (c) => {
  const { id } = c.req.valid("param");
  if (!(await authRepo.revokeApiKey(c.get("db"), id, new Date().toISOString()))) {
    throw new ApiError("not_found", { message: `No live API key with id '${id}'.` });
  }
  // A cache hit never runs the Worker, so a publishable key's cached storefront answers go now.
  purgeOf(c)([cacheTags.key(id)]);
  return c.json({ id, object: "api_key" as const, deleted: true as const }, 200);
};
