import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../auth/auth.middleware";
import { jsonBody } from "../middleware/json-body";
import { authErrors, ifMatch, ProductId, productResponse } from "../products/products.routes";
import { errorResponses, IdempotencyHeader, idempotencyErrors, text } from "../shared/schemas";

const tags = ["Images"];
const security = [{ bearer: [] }];

const ImageParams = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, example: "prod_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK" }),
  image_id: z
    .string()
    .openapi({ param: { name: "image_id", in: "path" }, example: "img_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK" }),
});

const imageWriteErrors = [...authErrors, "not_found", "precondition_failure", "invalid_data"] as const;

export const uploadImage = createRoute({
  operationId: "addProductImage",
  method: "post",
  path: "/{id}/images",
  tags,
  security,
  summary: "Add an image",
  description:
    "The raw bytes with `Content-Type: image/…`: JPEG, PNG, GIF, WebP or AVIF by their magic number (SVG is refused), at most 10 MiB, 50 images a product. The same bytes twice are stored once. Answers the product. (`{image_urls}` as JSON is not served yet.)",
  middleware: [requireScope("product.edit")] as const,
  request: {
    params: ProductId,
    headers: ifMatch.extend(IdempotencyHeader.shape),
    body: {
      required: true,
      content: { "image/*": { schema: { type: "string", format: "binary" } } },
    },
  },
  responses: {
    200: productResponse("The product, with the image."),
    ...errorResponses(
      ...imageWriteErrors,
      ...idempotencyErrors,
      "payload_too_large",
      "unsupported_media_type",
    ),
  },
});

export const ImageUpdate = z
  .strictObject({
    alt: text(0, 1000).nullable().optional(),
    position: z.int().min(0).max(1000).optional(),
  })
  .openapi("ImageUpdate");

export const updateImage = createRoute({
  operationId: "updateProductImage",
  method: "patch",
  path: "/{id}/images/{image_id}",
  tags,
  security,
  summary: "Update an image's alt text or position",
  middleware: [requireScope("product.edit"), jsonBody()] as const,
  request: {
    params: ImageParams,
    headers: ifMatch.extend(IdempotencyHeader.shape),
    body: { required: true, content: { "application/json": { schema: ImageUpdate } } },
  },
  responses: {
    200: productResponse("The product."),
    ...errorResponses(
      ...imageWriteErrors,
      ...idempotencyErrors,
      "invalid_json",
      "payload_too_large",
      "unsupported_media_type",
    ),
  },
});

export const deleteImage = createRoute({
  operationId: "deleteProductImage",
  method: "delete",
  path: "/{id}/images/{image_id}",
  tags,
  security,
  summary: "Remove an image",
  description: "Removes it from D1 and R2: `GET /images/{id}` answers 404 at once.",
  middleware: [requireScope("product.edit")] as const,
  request: { params: ImageParams, headers: ifMatch },
  responses: {
    200: productResponse("The product."),
    ...errorResponses(...authErrors, "not_found", "precondition_failure"),
  },
});

export const serveImage = createRoute({
  operationId: "getImage",
  method: "get",
  path: "/{image_id}",
  tags,
  security: [],
  summary: "The image bytes",
  description:
    'Public. `ETag: "<sha256>"`, `Cache-Control: public, max-age=31536000, immutable` (an id never gets other bytes), `If-None-Match` → 304, one `Range` → 206 (416 when unsatisfiable), `HEAD`.',
  request: {
    params: z.object({
      image_id: z
        .string()
        .openapi({ param: { name: "image_id", in: "path" }, example: "img_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK" }),
    }),
  },
  responses: {
    200: {
      description: "The bytes.",
      content: { "image/*": { schema: { type: "string", format: "binary" } } },
    },
    206: { description: "The requested range." },
    304: { description: "Not modified." },
    416: { description: "Range not satisfiable; `Content-Range: bytes */<size>`." },
    ...errorResponses("not_found"),
  },
});
