import { resourceId } from "../../idempotency/idempotency.middleware";
import { productWrites } from "../../products";
import { originOf } from "../../shared/http";
import type { AppRouteHandler } from "../../shared/router";
import { writeDeps } from "../../shared/write-deps";
import { inDialect, productByUuid, productInput } from "../dialect";
import { toTamio } from "./tamio.answer";
import { createInput } from "./tamio.create";
import type * as routes from "./tamio.routes";

// Parse, map, call the /v1 write, answer in Tamio's `{product, status}`.

export const createService: AppRouteHandler<typeof routes.createService> = async (c) => {
  const deps = writeDeps(c);
  const id = resourceId(c, "prod", deps.now);
  const mapped = createInput(c.req.valid("json"));
  const input = productInput(mapped.input, mapped.names);
  const { row } = await inDialect(mapped.names, () => productWrites.createProduct(deps, id, input));
  return c.json({ product: await toTamio(row, originOf(c)), status: 200 as const }, 200);
};

export const get: AppRouteHandler<typeof routes.getProduct> = async (c) => {
  const row = await productByUuid(c.get("db"), c.get("auth").orgId, c.req.valid("param").id);
  return c.json({ product: await toTamio(row, originOf(c)), status: 200 as const }, 200);
};
