import { createMiddleware } from "hono/factory";
import { authenticate } from "../auth/auth.middleware";
import type { AppEnv } from "../env";
import { idempotency } from "../idempotency/idempotency.middleware";
import { createRouter } from "../shared/router";
import type { EventMessage } from "./events.delivery";
import * as handlers from "./events.handlers";
import * as routes from "./events.routes";

function authenticatedRouter() {
  const router = createRouter();
  router.use(
    "*",
    authenticate(),
    idempotency((c) => c.get("auth").keyId),
  );
  return router;
}

/** Mounted at /v1/events. */
export const events = authenticatedRouter()
  .openapi(routes.listEvents, handlers.listEvents)
  .openapi(routes.getEvent, handlers.getEvent);

/** Mounted at /v1/webhook_endpoints. */
export const webhookEndpoints = authenticatedRouter()
  .openapi(routes.createEndpoint, handlers.createEndpoint)
  .openapi(routes.listEndpoints, handlers.listEndpoints)
  .openapi(routes.getEndpoint, handlers.getEndpoint)
  .openapi(routes.deleteEndpoint, handlers.deleteEndpoint)
  .openapi(routes.listDeliveries, handlers.listDeliveries);

/**
 * After a product write answered 2xx (its events are committed with it), tells the consumer that
 * the org has events to send. If this send fails, the events wait in D1 and the cron sends it.
 */
export const announceEvents = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (c.req.method === "GET" || c.req.method === "HEAD" || c.res.status >= 300) return;
  const message: EventMessage = {
    kind: "dispatch",
    org_id: c.get("auth").orgId,
    origin: new URL(c.req.url).origin,
  };
  // Never fails the answer: the write is committed whatever happens to this message.
  c.executionCtx.waitUntil(
    Promise.resolve()
      .then(() => c.env.EVENTS.send(message))
      .catch((error: unknown) =>
        console.error(
          JSON.stringify({ level: "error", request_id: c.get("requestId"), error: String(error) }),
        ),
      ),
  );
});
