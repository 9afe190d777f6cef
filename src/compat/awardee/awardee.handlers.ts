import { resourceId } from "../../idempotency/idempotency.middleware";
import { productWrites } from "../../products";
import { originOf } from "../../shared/http";
import type { AppRouteHandler } from "../../shared/router";
import { writeDeps } from "../../shared/write-deps";
import { inDialect, productByUuid, productInput, uuidOf } from "../dialect";
import { awardeeNames, toAwardee } from "./awardee.model";
import type * as routes from "./awardee.routes";

// Parse, call the /v1 write, answer in Awardee's shape.

export const create: AppRouteHandler<typeof routes.createProduct> = async (c) => {
  const deps = writeDeps(c);
  const id = resourceId(c, "prod", deps.now);
  const input = productInput(c.req.valid("json"), awardeeNames);
  const { row, report } = await inDialect(awardeeNames, () => productWrites.createProduct(deps, id, input));
  return c.json(toAwardee(row, originOf(c), report), 201, {
    Location: `/compat/awardee/v1/products/${uuidOf(row.id)}`,
  });
};

export const get: AppRouteHandler<typeof routes.getProduct> = async (c) => {
  const row = await productByUuid(c.get("db"), c.get("auth").orgId, c.req.valid("param").id);
  return c.json(toAwardee(row, originOf(c)), 200);
};
