import { authenticate } from "../auth/auth.middleware";
import { announceEvents } from "../events";
import { idempotency } from "../idempotency/idempotency.middleware";
import * as imageHandlers from "../images/images.handlers";
import * as imageRoutes from "../images/images.routes";
import * as scanHandlers from "../scans/scans.handlers";
import * as scanRoutes from "../scans/scans.routes";
import { createRouter } from "../shared/router";
import * as handlers from "./products.handlers";
import * as routes from "./products.routes";

const router = createRouter();
router.use(
  "*",
  authenticate(),
  announceEvents,
  idempotency((c) => c.get("auth").keyId),
);

export const products = router
  .openapi(routes.createProduct, handlers.create)
  .openapi(routes.listProducts, handlers.list)
  .openapi(routes.getProduct, handlers.get)
  .openapi(routes.replaceProduct, handlers.replace)
  .openapi(routes.updateProduct, handlers.patch)
  .openapi(routes.deleteProduct, handlers.remove)
  .openapi(routes.adjustInventory, handlers.adjustInventory)
  .openapi(scanRoutes.recordScan, scanHandlers.record)
  .openapi(imageRoutes.addImages, imageHandlers.add)
  .openapi(imageRoutes.updateImage, imageHandlers.update)
  .openapi(imageRoutes.deleteImage, imageHandlers.remove);

export { ProductInput } from "./products.input";
// What other features (the seed dialects in src/compat) use of products: the one write path, the
// reads and the API's representation.
export { decodeCursor, encodeCursor, listProducts } from "./products.listing";
export { findProduct, findProductByNumber } from "./products.repo";
export type { ProductRow } from "./products.stored";
export { writableFields } from "./products.stored";
export { toProduct } from "./products.view";
export * as productWrites from "./products.write";
