import { idempotency } from "../idempotency/idempotency.middleware";
import { clientIp, rateLimit } from "../middleware/rate-limit";
import { createRouter } from "../shared/router";
import * as handlers from "./admin.handlers";
import { requireAdmin } from "./admin.middleware";
import * as routes from "./admin.routes";

const router = createRouter();
// The limit comes before the token check, so guessing tokens is limited too.
router.use(
  "*",
  rateLimit("admin", clientIp),
  requireAdmin,
  idempotency(() => "admin"),
);

export { adminEnabled } from "./admin.middleware";

export const admin = router
  .openapi(routes.createOrg, handlers.createOrg)
  .openapi(routes.listOrgs, handlers.listOrgs)
  .openapi(routes.updateOrg, handlers.updateOrg)
  .openapi(routes.createApiKey, handlers.createApiKey)
  .openapi(routes.revokeApiKey, handlers.revokeApiKey);
