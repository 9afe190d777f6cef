import type { Context, TypedResponse } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { acceptedLocales } from "../lib/locale";
import {
  decodeCursor,
  encodeCursor,
  listProducts,
  type Position,
  type ProductFilters,
  searchWords,
} from "../products/products.listing";
import * as productsRepo from "../products/products.repo";
import type { ProductRow } from "../products/products.stored";
import { cacheTags } from "../shared/edge-cache";
import { contentEtag, noneMatch, originOf } from "../shared/http";
import type { AppRouteHandler } from "../shared/router";
import { storefrontProductBySlug, toStorefrontProduct } from "./storefront.model";
import * as repo from "./storefront.repo";
import type * as routes from "./storefront.routes";

/** How long an edge or browser may keep a storefront answer, and serve it stale while refreshing. */
const MAX_AGE = 60;
const STALE_WHILE_REVALIDATE = 600;

/**
 * `Cache-Control` of an answer that stays right for `fresh` more seconds at most (until the next
 * availability or novelty boundary of what it shows): never cached past that, stale included.
 */
function cacheControl(fresh: number | undefined) {
  const maxAge = Math.max(0, Math.min(MAX_AGE, fresh ?? MAX_AGE));
  const stale = Math.max(0, Math.min(STALE_WHILE_REVALIDATE, (fresh ?? Number.POSITIVE_INFINITY) - maxAge));
  return maxAge === 0
    ? "public, max-age=0, must-revalidate"
    : `public, max-age=${maxAge}${stale > 0 ? `, stale-while-revalidate=${stale}` : ""}`;
}

/** `?locale=` alone when given, else Accept-Language's ranges by preference. */
const preferencesOf = (c: Context<AppEnv>, locale: string | undefined) =>
  locale === undefined ? acceptedLocales(c.req.header("Accept-Language")) : [locale];

/**
 * The one way a storefront answer leaves: a strong ETag of its bytes (the projection depends on
 * locale and time, not only on the product's version), 304 on a match, and what a shared cache
 * needs: `public` with a Vary on every request header the body depends on.
 */
async function publicJson<T>(
  c: Context<AppEnv>,
  body: T,
  locales: string[],
  cache: { tags: string[]; fresh: number | undefined },
): Promise<(Response & TypedResponse<T, 200, "json">) | (Response & TypedResponse<null, 304, "body">)> {
  const text = JSON.stringify(body);
  const etag = await contentEtag(text);
  const headers: Record<string, string> = {
    ETag: etag,
    "Cache-Control": cacheControl(cache.fresh),
    // What the edge purges by (shared/edge-cache.ts): the org, the product or list, the key.
    "Cache-Tag": [cacheTags.org(c.get("auth").orgId), ...cache.tags, cacheTags.key(c.get("auth").keyId)].join(
      ",",
    ),
    Vary: "Accept-Language, Authorization, Org-Id",
  };
  if (locales.length > 0) headers["Content-Language"] = [...new Set(locales)].join(", ");
  if (noneMatch(c.req.header("If-None-Match"), etag)) return c.body(null, 304, headers);
  // The text was needed for the ETag; sending it as it is spares a second JSON.stringify.
  const response: Response = c.body(text, 200, { ...headers, "Content-Type": "application/json" });
  return response as Response & TypedResponse<T, 200, "json">;
}

/**
 * A list page reads `limit + 1` rows while every active product is shown. Products it may not show
 * (hidden, outside their window) are read and passed over, at most this many per page; past that,
 * the page ends early with `has_more` and a cursor from where it stopped.
 */
const MAX_PASSED_OVER = 1000;
const NEXT_BATCH = 100;

export const list: AppRouteHandler<typeof routes.listStorefrontProducts> = async (c) => {
  const query = c.req.valid("query");
  const preferences = preferencesOf(c, query.locale);
  const search = searchWords(query.q);
  const filters: ProductFilters = {
    status: ["active"],
    lookups: query.tag === undefined ? [] : [{ kind: "tag", value: query.tag }],
    search,
  };
  const positionOf = (row: ProductRow): Position => (search ? { seq: row.seq } : { id: row.id });
  const now = Date.now();
  const origin = originOf(c);

  let after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, search !== undefined);
  const shown: ({ row: ProductRow } & NonNullable<ReturnType<typeof toStorefrontProduct>>)[] = [];
  let passedOver = 0;
  let exhausted = false;
  for (let batch = query.limit; shown.length <= query.limit && !exhausted; batch = NEXT_BATCH) {
    if (passedOver >= MAX_PASSED_OVER) break;
    const rows = await listProducts(c.get("db"), c.get("auth").orgId, filters, {
      limit: batch,
      ascending: false,
      after,
    });
    exhausted = rows.length <= batch;
    for (const row of rows) {
      after = positionOf(row);
      const seen = toStorefrontProduct(row, preferences, origin, now);
      if (!seen) passedOver++;
      else if (shown.push({ row, ...seen }) > query.limit) break;
    }
  }

  const page = shown.slice(0, query.limit);
  const last = page[page.length - 1];
  let next: Position | undefined;
  if (shown.length > query.limit && last) next = positionOf(last.row);
  else if (!exhausted) next = after;
  const data = page.map((entry) => entry.product);
  return publicJson(
    c,
    {
      object: "list" as const,
      data,
      has_more: next !== undefined,
      next_cursor: next === undefined ? null : encodeCursor(next),
    },
    data.map((product) => product.locale),
    {
      tags: [cacheTags.list(c.get("auth").orgId)],
      fresh: earliest(page.map((entry) => entry.fresh)),
    },
  );
};

/** The smallest of some numbers, undefined when there are none. */
const earliest = (values: (number | undefined)[]) =>
  values.reduce<number | undefined>(
    (min, value) => (value === undefined || (min !== undefined && min <= value) ? min : value),
    undefined,
  );

const PRODUCT_ID = /^prod_[0-9A-Z]{26}$/;

const notFound = (idOrSlug: string) =>
  new ApiError("not_found", { message: `No product '${idOrSlug}' on the storefront.` });

export const get: AppRouteHandler<typeof routes.getStorefrontProduct> = async (c) => {
  const { id_or_slug: idOrSlug } = c.req.valid("param");
  const preferences = preferencesOf(c, c.req.valid("query").locale);
  const db = c.get("db");
  const auth = c.get("auth");
  const [origin, now] = [originOf(c), Date.now()];

  let seen: ReturnType<typeof toStorefrontProduct>;
  if (PRODUCT_ID.test(idOrSlug)) {
    const row = await productsRepo.findProduct(db, auth.orgId, idOrSlug);
    seen = row && toStorefrontProduct(row, preferences, origin, now);
  } else {
    const matches = await repo.findBySlug(db, auth.orgId, idOrSlug);
    seen = storefrontProductBySlug(matches, preferences, origin, now);
  }
  if (!seen) throw notFound(idOrSlug);
  const { product, fresh } = seen;
  return publicJson(c, product, [product.locale], { tags: [cacheTags.product(product.id)], fresh });
};
