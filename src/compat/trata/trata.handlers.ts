import { resourceId } from "../../idempotency/idempotency.middleware";
import { decodeCursor, encodeCursor, findProduct, listProducts, productWrites } from "../../products";
import { originOf, versionHeaders } from "../../shared/http";
import type { AppRouteHandler } from "../../shared/router";
import { writeDeps } from "../../shared/write-deps";
import { inDialect, productInput } from "../dialect";
import { createInput, toTrata, trataNames, updateEdit } from "./trata.model";
import type * as routes from "./trata.routes";

// Parse, map, call the /v1 write, answer in Trata's shape.

export const create: AppRouteHandler<typeof routes.createProduct> = async (c) => {
  const deps = writeDeps(c);
  const id = resourceId(c, "prod", deps.now);
  const input = productInput(createInput(c.req.valid("json")), trataNames);
  const { row } = await inDialect(trataNames, () => productWrites.createProduct(deps, id, input));
  return c.json(toTrata(row, originOf(c)), 200, versionHeaders(row.version));
};

export const list: AppRouteHandler<typeof routes.listProducts> = async (c) => {
  const query = c.req.valid("query");
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, false);
  const rows = await listProducts(
    c.get("db"),
    c.get("auth").orgId,
    { lookups: [] },
    {
      limit: query.limit,
      ascending: false,
      after,
    },
  );
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const headers: Record<string, string> = {};
  if (rows.length > query.limit && last) {
    const next = new URL(c.req.url);
    next.search = new URLSearchParams({
      limit: String(query.limit),
      cursor: encodeCursor({ id: last.id }),
    }).toString();
    headers.Link = `<${next.href}>; rel="next"`;
  }
  const origin = originOf(c);
  return c.json(
    page.map((row) => toTrata(row, origin)),
    200,
    headers,
  );
};

export const get: AppRouteHandler<typeof routes.getProduct> = async (c) => {
  const { product_id: id } = c.req.valid("param");
  const row = await findProduct(c.get("db"), c.get("auth").orgId, id);
  if (!row) throw productWrites.notFound(id);
  return c.json(toTrata(row, originOf(c)), 200, versionHeaders(row.version));
};

export const update: AppRouteHandler<typeof routes.updateProduct> = async (c) => {
  const { product_id: id } = c.req.valid("param");
  const edit = updateEdit(c.req.valid("json"));
  const { row } = await inDialect(trataNames, () => productWrites.updateProduct(writeDeps(c), id, { edit }));
  return c.json(toTrata(row, originOf(c)), 200, versionHeaders(row.version));
};

export const remove: AppRouteHandler<typeof routes.deleteProduct> = async (c) => {
  const { product_id: id } = c.req.valid("param");
  await productWrites.deleteProduct(writeDeps(c), id);
  return c.json({ id, deleted: true as const }, 200);
};
