import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../auth/auth.middleware";
import { ProductId } from "../products/products.routes";
import { authErrors } from "../shared/openapi";
import { errorResponses, IdempotencyHeader, idempotencyErrors, Timestamp } from "../shared/schemas";

const tags = ["Scans"];

const ScanCount = z.object({ total_scans: z.int(), last_scanned_at: Timestamp }).openapi("ScanCount");

export const recordScan = createRoute({
  operationId: "recordProductScan",
  method: "post",
  path: "/{id}/scans",
  tags,
  security: [{ bearer: [] }],
  summary: "Record a scan",
  description:
    "Counts one scan of the product (any status) atomically. A scan is not a change of the product: `version`, `ETag` and `updated_at` stay as they were.",
  middleware: [requireScope("product.edit")] as const,
  request: { params: ProductId, headers: IdempotencyHeader },
  responses: {
    200: {
      description: "The count after this scan.",
      content: { "application/json": { schema: ScanCount } },
    },
    ...errorResponses(...authErrors, ...idempotencyErrors, "not_found"),
  },
});

export const publicScan = createRoute({
  operationId: "scan",
  method: "get",
  path: "/{id}",
  tags,
  security: [],
  summary: "Follow a scan",
  description:
    "Public, for QR codes and links: counts the scan of an active product with a `destination.url` (committed before answering) and redirects there with `302`. Any other id is `404`. `HEAD` answers the same without counting.",
  request: {
    params: z.object({
      id: z
        .string()
        .openapi({ param: { name: "id", in: "path" }, example: "prod_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK" }),
    }),
  },
  responses: {
    302: {
      description: "To the product's destination url.",
      headers: { Location: { schema: { type: "string" }, description: "destination.url" } },
    },
    ...errorResponses("not_found", "rate_limited"),
  },
});
