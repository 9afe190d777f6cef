import { resourceId } from "../idempotency/idempotency.middleware";
import { noneMatch, originOf, versionHeaders } from "../shared/http";
import type { AppRouteHandler } from "../shared/router";
import { writeDeps } from "../shared/write-deps";
import { decodeCursor, encodeCursor, filtersOf, listProducts } from "./products.listing";
import * as repo from "./products.repo";
import type * as routes from "./products.routes";
import { toProduct } from "./products.view";
import * as write from "./products.write";

// Parse, call, answer: what a write does is in products.write.ts, what a list asks in products.listing.ts.

export const create: AppRouteHandler<typeof routes.createProduct> = async (c) => {
  const deps = writeDeps(c);
  const id = resourceId(c, "prod", deps.now);
  const { row, report } = await write.createProduct(deps, id, c.req.valid("json"));
  return c.json({ ...toProduct(row, originOf(c)), ...report }, 201, {
    ...versionHeaders(row.version),
    Location: `/v1/products/${row.id}`,
  });
};

export const get: AppRouteHandler<typeof routes.getProduct> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await repo.findProduct(c.get("db"), c.get("auth").orgId, id);
  if (!row) throw write.notFound(id);
  const headers = versionHeaders(row.version);
  if (noneMatch(c.req.header("If-None-Match"), headers.ETag)) return c.body(null, 304, headers);
  return c.json(toProduct(row, originOf(c)), 200, headers);
};

export const replace: AppRouteHandler<typeof routes.replaceProduct> = async (c) => {
  const { id } = c.req.valid("param");
  const { row, report } = await write.updateProduct(writeDeps(c), id, { replace: c.req.valid("json") });
  return c.json({ ...toProduct(row, originOf(c)), ...report }, 200, versionHeaders(row.version));
};

export const patch: AppRouteHandler<typeof routes.updateProduct> = async (c) => {
  const { id } = c.req.valid("param");
  const { row, report } = await write.updateProduct(writeDeps(c), id, { mergePatch: c.get("body") });
  return c.json({ ...toProduct(row, originOf(c)), ...report }, 200, versionHeaders(row.version));
};

export const adjustInventory: AppRouteHandler<typeof routes.adjustInventory> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await write.adjustInventory(writeDeps(c), id, c.req.valid("json"));
  return c.json(toProduct(row, originOf(c)), 200, versionHeaders(row.version));
};

export const remove: AppRouteHandler<typeof routes.deleteProduct> = async (c) => {
  const { id } = c.req.valid("param");
  await write.deleteProduct(writeDeps(c), id);
  return c.json({ id, object: "product" as const, deleted: true as const }, 200);
};

export const list: AppRouteHandler<typeof routes.listProducts> = async (c) => {
  const query = c.req.valid("query");
  const filters = filtersOf(query);
  const search = filters.search !== undefined;
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, search);
  const rows = await listProducts(c.get("db"), c.get("auth").orgId, filters, {
    limit: query.limit,
    ascending: query.order === "asc",
    after,
  });
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const hasMore = rows.length > query.limit && last !== undefined;
  const origin = originOf(c);
  return c.json(
    {
      object: "list" as const,
      data: page.map((row) => toProduct(row, origin)),
      has_more: hasMore,
      next_cursor: hasMore ? encodeCursor(search ? { seq: last.seq } : { id: last.id }) : null,
    },
    200,
  );
};
