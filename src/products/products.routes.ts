import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../auth/auth.middleware";
import { jsonBody } from "../middleware/json-body";
import { authErrors, etagHeader, ifMatch } from "../shared/openapi";
import { errorResponses, IdempotencyHeader, IdParam, idempotencyErrors } from "../shared/schemas";
import { InventoryAdjustment, ProductInput } from "./products.input";
import { DeletedProduct, Product, ProductList, READ_ONLY_FIELDS } from "./products.output";
import { ProductListQuery } from "./products.query";

const tags = ["Products"];
const security = [{ bearer: [] }];
export const ProductId = IdParam("Product id", "prod_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK");

const writeErrors = [
  ...authErrors,
  "invalid_data",
  "invalid_json",
  "payload_too_large",
  "unsupported_media_type",
  "duplicate_sku",
  "duplicate_gtin",
  "duplicate_slug",
] as const;

export const productResponse = (description: string) => ({
  description,
  headers: etagHeader,
  content: { "application/json": { schema: Product } },
});

export const createProduct = createRoute({
  operationId: "createProduct",
  method: "post",
  path: "/",
  tags,
  security,
  summary: "Create a product",
  description:
    "Only `name` is required; every other writable field has a default. Read-only fields are ignored, so a product read back may be sent again; unknown fields are `invalid_data`. `image_urls` are fetched into `images`. With an `Idempotency-Key` a retry creates nothing more and gets the first answer again (`404 not_found` in the one case where that answer was lost and the product deleted since).",
  middleware: [requireScope("product.edit"), jsonBody({ ignoreFields: READ_ONLY_FIELDS })] as const,
  request: {
    headers: IdempotencyHeader,
    body: { required: true, content: { "application/json": { schema: ProductInput } } },
  },
  responses: {
    201: productResponse("The product."),
    ...errorResponses(...writeErrors, ...idempotencyErrors, "not_found"),
  },
});

export const listProducts = createRoute({
  operationId: "listProducts",
  method: "get",
  path: "/",
  tags,
  security,
  summary: "List products",
  description:
    "Newest first (`order=asc` for oldest first), cursor-paginated. Filters combine; each is index-backed, so a page reads a bounded number of rows.",
  middleware: [requireScope("product.read")] as const,
  request: { query: ProductListQuery },
  responses: {
    200: { description: "A page of products.", content: { "application/json": { schema: ProductList } } },
    ...errorResponses(...authErrors, "invalid_data"),
  },
});

export const getProduct = createRoute({
  operationId: "getProduct",
  method: "get",
  path: "/{id}",
  tags,
  security,
  summary: "Retrieve a product",
  description: 'With its strong `ETag: "<version>"`; `If-None-Match` with that ETag answers `304`.',
  middleware: [requireScope("product.read")] as const,
  request: {
    params: ProductId,
    headers: z.object({
      "if-none-match": z.string().optional().openapi({ description: "ETag(s) held by the client." }),
    }),
  },
  responses: {
    200: productResponse("The product."),
    304: { description: "Not modified: the ETag matches.", headers: etagHeader },
    ...errorResponses(...authErrors, "not_found"),
  },
});

export const replaceProduct = createRoute({
  operationId: "replaceProduct",
  method: "put",
  path: "/{id}",
  tags,
  security,
  summary: "Replace a product",
  description: "Replaces every writable field; an absent field takes its default. Images stay.",
  middleware: [requireScope("product.edit"), jsonBody({ ignoreFields: READ_ONLY_FIELDS })] as const,
  request: {
    params: ProductId,
    headers: ifMatch,
    body: { required: true, content: { "application/json": { schema: ProductInput } } },
  },
  responses: {
    200: productResponse("The product."),
    ...errorResponses(...writeErrors, "not_found", "precondition_failure"),
  },
});

/** ProductPatch is ProductInput's merge-patch form, derived when the document is served (src/shared/openapi.ts). */
const mergePatchBody = {
  schema: {
    $ref: "#/components/schemas/ProductPatch",
    description:
      "A JSON merge patch (RFC 7396) of the writable fields: `null` resets a field to its default.",
  },
};

export const updateProduct = createRoute({
  operationId: "updateProduct",
  method: "patch",
  path: "/{id}",
  tags,
  security,
  summary: "Update a product",
  description: "JSON merge patch (RFC 7396) of the writable fields. The result must be a valid product.",
  middleware: [
    requireScope("product.edit"),
    jsonBody({
      mediaTypes: ["application/json", "application/merge-patch+json"],
      ignoreFields: READ_ONLY_FIELDS,
    }),
  ] as const,
  request: {
    params: ProductId,
    headers: ifMatch.extend(IdempotencyHeader.shape),
    body: {
      required: true,
      content: { "application/merge-patch+json": mergePatchBody, "application/json": mergePatchBody },
    },
  },
  responses: {
    200: productResponse("The product."),
    ...errorResponses(...writeErrors, ...idempotencyErrors, "not_found", "precondition_failure"),
  },
});

export const deleteProduct = createRoute({
  operationId: "deleteProduct",
  method: "delete",
  path: "/{id}",
  tags,
  security,
  summary: "Delete a product",
  description: "Deletes the product with its variants, slugs and images (D1 and R2). Honours `If-Match`.",
  middleware: [requireScope("product.edit")] as const,
  request: { params: ProductId, headers: ifMatch },
  responses: {
    200: { description: "Deleted.", content: { "application/json": { schema: DeletedProduct } } },
    ...errorResponses(...authErrors, "not_found", "precondition_failure"),
  },
});

export const adjustInventory = createRoute({
  operationId: "adjustProductInventory",
  method: "post",
  path: "/{id}/inventory_adjustments",
  tags,
  security,
  summary: "Adjust the stock",
  description:
    "Adds `delta` to `inventory.quantity` atomically: concurrent adjustments all count. Only for `inventory.tracking: product`. Going below 0 without `allow_backorder` is `409 insufficient_stock` and changes nothing. Honours `If-Match`; answers the product.",
  middleware: [requireScope("product.edit"), jsonBody()] as const,
  request: {
    params: ProductId,
    headers: ifMatch.extend(IdempotencyHeader.shape),
    body: { required: true, content: { "application/json": { schema: InventoryAdjustment } } },
  },
  responses: {
    200: productResponse("The product, with the new quantity."),
    ...errorResponses(
      ...authErrors,
      ...idempotencyErrors,
      "invalid_data",
      "invalid_json",
      "payload_too_large",
      "unsupported_media_type",
      "not_found",
      "precondition_failure",
      "insufficient_stock",
    ),
  },
});
