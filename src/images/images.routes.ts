import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { requireScope } from "../auth/auth.middleware";
import type { AppEnv } from "../env";
import { jsonBody, mediaTypeOf } from "../middleware/json-body";
import { ImageUrls } from "../products/products.input";
import { ProductId, productResponse } from "../products/products.routes";
import { authErrors, ifMatch } from "../shared/openapi";
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

/** `{image_urls}`: 1 to 10 URLs to fetch. */
const ImageUrlsBody = z.strictObject({ image_urls: ImageUrls.min(1) }).openapi("ImageUrls");

/** The JSON form is read like every JSON body; the raw form is read by the handler. */
const jsonBodyWhenJson = createMiddleware<AppEnv>((c, next) =>
  mediaTypeOf(c) === "application/json" ? jsonBody()(c, next) : next(),
);

export const addImages = createRoute({
  operationId: "addProductImage",
  method: "post",
  path: "/{id}/images",
  tags,
  security,
  summary: "Add images",
  description:
    "Either `{image_urls}` as JSON (1–10 URLs, fetched as for a product write: a URL that fails is listed in `failed_image_urls` and `image_errors` and does not fail the request), or one image's raw bytes with `Content-Type: image/…`. Images are JPEG, PNG, GIF, WebP or AVIF by their magic number (SVG is refused), at most 10 MiB, 50 a product; the same bytes twice are stored once. Answers the product.",
  middleware: [requireScope("product.edit"), jsonBodyWhenJson] as const,
  request: {
    params: ProductId,
    headers: ifMatch.extend(IdempotencyHeader.shape),
    body: {
      // Not `required`: the JSON validator then runs only for JSON bodies, not for image bytes.
      required: false,
      content: {
        "application/json": { schema: ImageUrlsBody },
        // A zod schema that accepts nothing, so that the handler's JSON type stays `{image_urls}`.
        "image/*": { schema: z.custom<never>().openapi({ type: "string", format: "binary" }) },
      },
    },
  },
  responses: {
    200: productResponse("The product, with the images."),
    ...errorResponses(
      ...imageWriteErrors,
      ...idempotencyErrors,
      "invalid_json",
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
  description:
    "`alt` (null removes it) and `position` (images are listed by position). Honours `If-Match`; answers the product.",
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

const imageEtag = { ETag: { description: 'Strong: `"<sha256>"`.', schema: { type: "string" as const } } };

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
    headers: z.object({
      "if-none-match": z
        .string()
        .optional()
        .openapi({ description: "The ETag held: `304` when it matches." }),
      range: z.string().optional().openapi({
        description: "One range, `bytes=first-last`, `bytes=first-` or `bytes=-suffix`: `206`, or `416`.",
      }),
    }),
  },
  responses: {
    200: {
      description: "The bytes.",
      headers: imageEtag,
      content: { "image/*": { schema: { type: "string", format: "binary" } } },
    },
    206: {
      description: "The requested range.",
      headers: imageEtag,
      content: { "image/*": { schema: { type: "string", format: "binary" } } },
    },
    304: { description: "Not modified.", headers: imageEtag },
    416: { description: "Range not satisfiable; `Content-Range: bytes */<size>`.", headers: imageEtag },
    ...errorResponses("not_found", "rate_limited"),
  },
});
