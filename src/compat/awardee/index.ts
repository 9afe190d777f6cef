import { dialectRouter } from "../dialect";
import * as handlers from "./awardee.handlers";
import * as routes from "./awardee.routes";

/** Awardee's product API at /compat/awardee (docs/compat.md). */
export const awardee = dialectRouter()
  .openapi(routes.createProduct, handlers.create)
  .openapi(routes.getProduct, handlers.get);
