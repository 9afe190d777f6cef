import { createRoute } from "@hono/zod-openapi";
import { requireScope } from "../../auth/auth.middleware";
import { jsonBody } from "../../middleware/json-body";
import { authErrors } from "../../shared/openapi";
import { errorResponses, IdempotencyHeader, idempotencyErrors } from "../../shared/schemas";
import { dialectWriteErrors, UuidIdParam } from "../dialect";
import { TamioProductAnswer, TamioServiceInput } from "./tamio.model";

const tags = ["Tamio dialect"];
const security = [{ bearer: [] }];
const answer = (description: string) => ({
  description,
  content: { "application/json": { schema: TamioProductAnswer } },
});

export const createService = createRoute({
  operationId: "tamioCreateService",
  method: "post",
  path: "/v2/products/create/service",
  tags,
  security,
  summary: "Create Service",
  description:
    "Tamio's create-service (permission `product.edit`), answered `200` with `{product, status}` as Tamio documents it. The product is a /v1 product of type `service`: `pricing_model` is its `prices`, `languages` its texts per locale (`en`, or else the first language, is the default), `unlimited_stock` its `inventory.tracking: none`. Dates are Unix seconds or `YYYY-MM-DD HH:MM:SS +0000`. Mapping: docs/compat.md.",
  middleware: [requireScope("product.edit"), jsonBody()] as const,
  request: {
    headers: IdempotencyHeader,
    body: { required: true, content: { "application/json": { schema: TamioServiceInput } } },
  },
  responses: {
    200: answer("The product created."),
    ...errorResponses(...dialectWriteErrors, "not_found", ...idempotencyErrors),
  },
});

export const getProduct = createRoute({
  operationId: "tamioGetProduct",
  method: "get",
  path: "/v2/products/{id}",
  tags,
  security,
  summary: "Get a product",
  description:
    "The product with this UUID in the org (permission `product.read`), in Tamio's `{product, status}` shape, whichever API wrote it.",
  middleware: [requireScope("product.read")] as const,
  request: { params: UuidIdParam("cbadfed2-4464-452c-a146-6f064c863953") },
  responses: { 200: answer("The product."), ...errorResponses(...authErrors, "not_found") },
});
