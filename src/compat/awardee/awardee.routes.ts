import { createRoute } from "@hono/zod-openapi";
import { requireScope } from "../../auth/auth.middleware";
import { jsonBody } from "../../middleware/json-body";
import { authErrors } from "../../shared/openapi";
import { errorResponses, IdempotencyHeader, idempotencyErrors } from "../../shared/schemas";
import { dialectWriteErrors, UuidIdParam } from "../dialect";
import { AwardeeProduct, AwardeeProductInput } from "./awardee.model";

const tags = ["Awardee dialect"];
const security = [{ bearer: [] }];
const product = (description: string) => ({
  description,
  content: { "application/json": { schema: AwardeeProduct } },
});

export const createProduct = createRoute({
  operationId: "awardeeCreateProduct",
  method: "post",
  path: "/v1/products",
  tags,
  security,
  summary: "Create a product",
  description:
    "Awardee's create (scope `product.edit`): the /v1 fields of the same names and rules. `Idempotency-Key` makes it safe to retry (24 h per key). Images are fetched from `image_urls`; one that fails is listed in `failed_image_urls` and does not fail the request.",
  middleware: [requireScope("product.edit"), jsonBody()] as const,
  request: {
    headers: IdempotencyHeader,
    body: { required: true, content: { "application/json": { schema: AwardeeProductInput } } },
  },
  responses: {
    201: product("Product created"),
    ...errorResponses(...dialectWriteErrors, "duplicate_gtin", ...idempotencyErrors),
  },
});

export const getProduct = createRoute({
  operationId: "awardeeGetProduct",
  method: "get",
  path: "/v1/products/{id}",
  tags,
  security,
  summary: "Get a product",
  description: "The product with this UUID in the org, in Awardee's shape, whichever API wrote it.",
  middleware: [requireScope("product.read")] as const,
  request: { params: UuidIdParam("01936d1c-9e47-b1b8-5c43-7c5f1a2b3c4d") },
  responses: { 200: product("The product."), ...errorResponses(...authErrors, "not_found") },
});
