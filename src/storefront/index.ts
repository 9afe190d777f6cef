import { authenticate, requireKeyOrigin } from "../auth/auth.middleware";
import { createRouter } from "../shared/router";
import * as handlers from "./storefront.handlers";
import * as routes from "./storefront.routes";

const router = createRouter();
router.use("*", authenticate(), requireKeyOrigin);

export const storefront = router
  .openapi(routes.listStorefrontProducts, handlers.list)
  .openapi(routes.getStorefrontProduct, handlers.get);

/** For typed clients: `hc<StorefrontApi>(".../v1/storefront")` from hono/client (examples/storefront). */
export type StorefrontApi = typeof storefront;
