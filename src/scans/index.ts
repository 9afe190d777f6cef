import { clientIp, rateLimit } from "../middleware/rate-limit";
import { createRouter } from "../shared/router";
import * as handlers from "./scans.handlers";
import * as routes from "./scans.routes";

const router = createRouter();
router.use("*", rateLimit("public", clientIp));

/** GET /s/{id}: public, no key (QR codes and printed links lead here). */
export const scans = router.openapi(routes.publicScan, handlers.follow);
