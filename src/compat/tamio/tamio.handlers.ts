import { resourceId } from "../../idempotency/idempotency.middleware";
import { findProduct, productWrites } from "../../products";
import { originOf } from "../../shared/http";
import type { AppRouteHandler } from "../../shared/router";
import { writeDeps } from "../../shared/write-deps";
import { inDialect, productInput } from "../dialect";
import { toTamio } from "./tamio.answer";
import { createInput } from "./tamio.create";
import { productIdOf } from "./tamio.model";
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
  const { id } = c.req.valid("param");
  const productId = productIdOf(id);
  const row = productId === undefined ? undefined : await findProduct(c.var.db, c.var.auth.orgId, productId);
  if (!row) throw productWrites.notFound(id);
  return c.json({ product: await toTamio(row, originOf(c)), status: 200 as const }, 200);
};
