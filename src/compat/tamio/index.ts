import { dialectRouter } from "../dialect";
import * as handlers from "./tamio.handlers";
import * as routes from "./tamio.routes";

/** Tamio's product API at /compat/tamio (docs/compat.md). */
export const tamio = dialectRouter()
  .openapi(routes.createService, handlers.createService)
  .openapi(routes.getProduct, handlers.get);
