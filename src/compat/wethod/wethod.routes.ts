import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../../auth/auth.middleware";
import { jsonBody } from "../../middleware/json-body";
import { authErrors } from "../../shared/openapi";
import { errorResponses, IdempotencyHeader, idempotencyErrors } from "../../shared/schemas";
import { dialectWriteErrors } from "../dialect";
import { WethodProduct, WethodProductInput } from "./wethod.model";

const tags = ["Wethod dialect"];
const security = [{ bearer: [] }];
const product = (description: string) => ({
  description,
  content: { "application/json": { schema: WethodProduct } },
});

export const createProduct = createRoute({
  operationId: "wethodCreateProduct",
  method: "post",
  path: "/api/products",
  tags,
  security,
  summary: "Create a product",
  description:
    "Wethod's create (permission `product.edit`). Prices are decimals in the org's `default_currency` (EUR unless set through the admin API), converted exactly to its minor unit; the `id` is the product's `number`. `Org-Id` names the company, `API-Version` the version.",
  middleware: [requireScope("product.edit"), jsonBody()] as const,
  request: {
    headers: IdempotencyHeader,
    body: { required: true, content: { "application/json": { schema: WethodProductInput } } },
  },
  responses: {
    201: product("Returns the product created."),
    ...errorResponses(...dialectWriteErrors, "not_found", ...idempotencyErrors),
  },
});

export const getProduct = createRoute({
  operationId: "wethodGetProduct",
  method: "get",
  path: "/api/products/{id}",
  tags,
  security,
  summary: "Get a product",
  description: "The product with this number in the org, in Wethod's shape, whichever API wrote it.",
  middleware: [requireScope("product.read")] as const,
  request: {
    params: z.object({
      id: z.string().openapi({
        param: { name: "id", in: "path" },
        pattern: "^[1-9][0-9]*$",
        example: "1",
        description: "The product's number.",
      }),
    }),
  },
  responses: { 200: product("The product."), ...errorResponses(...authErrors, "not_found") },
});
