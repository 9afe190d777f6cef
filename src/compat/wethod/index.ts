import { dialectRouter } from "../dialect";
import * as handlers from "./wethod.handlers";
import * as routes from "./wethod.routes";

/** Wethod's product API at /compat/wethod (docs/compat.md). */
export const wethod = dialectRouter()
  .openapi(routes.createProduct, handlers.create)
  .openapi(routes.getProduct, handlers.get);
