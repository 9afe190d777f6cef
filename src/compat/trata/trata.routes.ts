import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../../auth/auth.middleware";
import { jsonBody } from "../../middleware/json-body";
import { authErrors, etagHeader, ifMatch } from "../../shared/openapi";
import { errorResponses, IdempotencyHeader, idempotencyErrors, PageLimit } from "../../shared/schemas";
import { dialectWriteErrors } from "../dialect";
import { TRATA_READ_ONLY, TrataDeleted, TrataProduct, TrataProductInput } from "./trata.model";

const tags = ["Trata dialect"];
const security = [{ bearer: [] }];
const ProductId = z.object({
  product_id: z.string().openapi({
    param: { name: "product_id", in: "path" },
    example: "prod_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK",
    description: "ID of the product",
  }),
});
const product = (description: string) => ({
  description,
  headers: etagHeader,
  content: { "application/json": { schema: TrataProduct } },
});
const body = { required: true, content: { "application/json": { schema: TrataProductInput } } };

export const createProduct = createRoute({
  operationId: "trataCreateProduct",
  method: "post",
  path: "/v1/products",
  tags,
  security,
  summary: "Create a New Product",
  description:
    "Trata's create, answered `200` as Trata documents it. The product is a /v1 product like any other: its price is `prices` in `currency`, `active` is `visible`.",
  middleware: [requireScope("product.edit"), jsonBody({ ignoreFields: TRATA_READ_ONLY })] as const,
  request: { headers: IdempotencyHeader, body },
  responses: {
    200: product("Product created successfully"),
    ...errorResponses(...dialectWriteErrors, ...idempotencyErrors, "not_found"),
  },
});

export const listProducts = createRoute({
  operationId: "trataListProducts",
  method: "get",
  path: "/v1/products",
  tags,
  security,
  summary: "List products",
  description:
    'Newest first, as a JSON array; the next page\'s URL is in the `Link` header (`rel="next"`), absent on the last page.',
  middleware: [requireScope("product.read")] as const,
  request: {
    query: z.strictObject({
      limit: PageLimit,
      cursor: z.string().min(1).max(200).optional().openapi({ description: "From the `Link` header." }),
    }),
  },
  responses: {
    200: {
      description: "A page of products.",
      headers: {
        Link: {
          description: 'The next page: `<url>; rel="next"`.',
          schema: { type: "string" },
        },
      },
      content: { "application/json": { schema: z.array(TrataProduct) } },
    },
    ...errorResponses(...authErrors, "invalid_data"),
  },
});

export const getProduct = createRoute({
  operationId: "trataGetProduct",
  method: "get",
  path: "/v1/products/{product_id}",
  tags,
  security,
  summary: "Get a Specific Product by ID",
  description: "The product in Trata's shape, whichever API wrote it.",
  middleware: [requireScope("product.read")] as const,
  request: { params: ProductId },
  responses: { 200: product("The product."), ...errorResponses(...authErrors, "not_found") },
});

export const updateProduct = createRoute({
  operationId: "trataUpdateProduct",
  method: "put",
  path: "/v1/products/{product_id}",
  tags,
  security,
  summary: "Update a Specific Product by ID",
  description:
    "Sets every field sent; an optional field left out keeps its value, and the product's /v1-only fields (SKU, variants, images, other prices, …) stay. A PUT of what a GET answered changes nothing.",
  middleware: [requireScope("product.edit"), jsonBody({ ignoreFields: TRATA_READ_ONLY })] as const,
  request: { params: ProductId, headers: ifMatch, body },
  responses: {
    200: product("Product updated successfully"),
    ...errorResponses(...dialectWriteErrors, "not_found", "precondition_failure"),
  },
});

export const deleteProduct = createRoute({
  operationId: "trataDeleteProduct",
  method: "delete",
  path: "/v1/products/{product_id}",
  tags,
  security,
  summary: "Delete a Specific Product by ID",
  description: "Deletes the product (its images with it), as `DELETE /v1/products/{id}` does.",
  middleware: [requireScope("product.edit")] as const,
  request: { params: ProductId, headers: ifMatch },
  responses: {
    200: { description: "Deleted.", content: { "application/json": { schema: TrataDeleted } } },
    ...errorResponses(...authErrors, "not_found", "precondition_failure"),
  },
});
