import { clientIp, rateLimit } from "../middleware/rate-limit";
import { createRouter } from "../shared/router";
import * as handlers from "./images.handlers";
import * as routes from "./images.routes";

const router = createRouter();
router.use("*", rateLimit("public", clientIp));

/** GET /images/{image_id}: public, no key (storefront pages link images directly). */
export const images = router.openapi(routes.serveImage, handlers.serve);
