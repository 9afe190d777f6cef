import { dialectRouter } from "../dialect";
import * as handlers from "./trata.handlers";
import * as routes from "./trata.routes";

/** Trata's product API at /compat/trata (docs/compat.md). */
export const trata = dialectRouter()
  .openapi(routes.createProduct, handlers.create)
  .openapi(routes.listProducts, handlers.list)
  .openapi(routes.getProduct, handlers.get)
  .openapi(routes.updateProduct, handlers.update)
  .openapi(routes.deleteProduct, handlers.remove);
