import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../auth/auth.middleware";
import { authErrors } from "../shared/openapi";
import { errorResponses } from "../shared/schemas";
import {
  StorefrontListQuery,
  StorefrontLocaleQuery,
  StorefrontProduct,
  StorefrontProductList,
} from "./storefront.schemas";

const tags = ["Storefront"];
const security = [{ bearer: [] }];

const cacheHeaders = {
  ETag: { schema: { type: "string" as const }, description: "Strong ETag of the body." },
  "Cache-Control": {
    schema: { type: "string" as const },
    description:
      "`public, max-age=60, stale-while-revalidate=600`, shorter when the next availability or novelty boundary of what it shows is nearer (never cached past it).",
  },
  "Cache-Tag": {
    schema: { type: "string" as const },
    description:
      "What the edge cache purges it by: `org:<org id>`, `product:<id>` (a product) or `org:<org id>:list` (a page), `key:<key id>`. Cloudflare's edge strips it before a client sees it.",
  },
  "Content-Language": {
    schema: { type: "string" as const },
    description: "The locale(s) shown; absent on an empty page.",
  },
  Vary: {
    schema: { type: "string" as const },
    description: "`Accept-Language, Authorization, Org-Id, Origin`.",
  },
};

// Documented as parameters, not validated as a `headers` schema: hono/client would then make
// every typed call pass a `header` object.
const parameters = [
  {
    in: "header" as const,
    name: "Accept-Language",
    required: false,
    schema: { type: "string" as const },
    description:
      "Locales wanted, with q-values, matched by language and script (likely subtags: `zh-HK` is Traditional Chinese); `?locale=` wins over it.",
  },
  {
    in: "header" as const,
    name: "If-None-Match",
    required: false,
    schema: { type: "string" as const },
    description: "ETag(s) held by the client: 304 when one matches.",
  },
];

const notModified = { description: "Not modified: the ETag matches.", headers: cacheHeaders };

export const listStorefrontProducts = createRoute({
  operationId: "listStorefrontProducts",
  method: "get",
  path: "/products",
  tags,
  security,
  summary: "List what shoppers see",
  description:
    "Active, visible products inside their availability window, newest first, in the public projection. A publishable key (`pk_…`) from a browser page, or any key that reads products from a server.",
  middleware: [requireScope("storefront.read")] as const,
  parameters,
  request: { query: StorefrontListQuery },
  responses: {
    200: {
      description: "A page of products.",
      headers: cacheHeaders,
      content: { "application/json": { schema: StorefrontProductList } },
    },
    304: notModified,
    ...errorResponses(...authErrors, "invalid_data"),
  },
});

export const getStorefrontProduct = createRoute({
  operationId: "getStorefrontProduct",
  method: "get",
  path: "/products/{id_or_slug}",
  tags,
  security,
  summary: "Retrieve what shoppers see of a product",
  description:
    "By id, or by a slug of any of its locales, so a link works without `?locale=`: a slug in the locale the request negotiates first, then a default locale's, then any other (one slug of two products: in that order, then the older product). Shown in the locale `?locale=` or `Accept-Language` picks among the product's, its `slug` that locale's (a shop may redirect to it); when none picks one, in the slug's locale (by id: the default). A product shoppers may not see is `404`.",
  middleware: [requireScope("storefront.read")] as const,
  parameters,
  request: {
    params: z.object({
      id_or_slug: z
        .string()
        .min(1)
        .max(256)
        .openapi({ example: "espresso-machine", description: "A product id (`prod_…`) or a slug." }),
    }),
    query: StorefrontLocaleQuery,
  },
  responses: {
    200: {
      description: "The product.",
      headers: cacheHeaders,
      content: { "application/json": { schema: StorefrontProduct } },
    },
    304: notModified,
    ...errorResponses(...authErrors, "invalid_data", "not_found"),
  },
});
