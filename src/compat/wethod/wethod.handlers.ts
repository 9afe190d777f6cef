import { findOrg } from "../../auth/auth.repo";
import type { Database } from "../../db/client";
import { resourceId } from "../../idempotency/idempotency.middleware";
import { findProductByNumber, productWrites } from "../../products";
import { originOf } from "../../shared/http";
import type { AppRouteHandler } from "../../shared/router";
import { writeDeps } from "../../shared/write-deps";
import { inDialect, productInput } from "../dialect";
import { createInput, toWethod, wethodNames } from "./wethod.model";
import type * as routes from "./wethod.routes";

// Parse, map (in the org's currency), call the /v1 write, answer in Wethod's shape.

const orgCurrency = async (db: Database, orgId: string) =>
  (await findOrg(db, orgId))?.defaultCurrency ?? "EUR";

export const create: AppRouteHandler<typeof routes.createProduct> = async (c) => {
  const deps = writeDeps(c);
  const currency = await orgCurrency(deps.db, deps.orgId);
  const id = resourceId(c, "prod", deps.now);
  const input = productInput(createInput(c.req.valid("json"), currency), wethodNames);
  const { row } = await inDialect(wethodNames, () => productWrites.createProduct(deps, id, input));
  return c.json(toWethod(row, originOf(c), currency), 201, {
    Location: `/compat/wethod/api/products/${row.number}`,
  });
};

export const get: AppRouteHandler<typeof routes.getProduct> = async (c) => {
  const { id } = c.req.valid("param");
  const number = /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : undefined;
  const row =
    number === undefined ? undefined : await findProductByNumber(c.get("db"), c.get("auth").orgId, number);
  if (!row) throw productWrites.notFound(id);
  return c.json(toWethod(row, originOf(c), await orgCurrency(c.get("db"), c.get("auth").orgId)), 200);
};
