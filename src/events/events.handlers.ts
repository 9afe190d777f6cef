import { resourceId } from "../idempotency/idempotency.middleware";
import { ApiError, invalidData } from "../lib/errors";
import { checkFetchUrl, parseAllowedHosts } from "../lib/url-safety";
import { originOf } from "../shared/http";
import { page } from "../shared/page";
import type { AppRouteHandler } from "../shared/router";
import { newSecret } from "./events.delivery";
import { toEvent } from "./events.model";
import * as repo from "./events.repo";
import type * as routes from "./events.routes";
import * as webhooks from "./webhooks.repo";

export const listEvents: AppRouteHandler<typeof routes.listEvents> = async (c) => {
  const query = c.req.valid("query");
  const rows = await repo.listEvents(c.get("db"), c.get("auth").orgId, {
    limit: query.limit,
    type: query.type,
    before: query.cursor,
  });
  const origin = originOf(c);
  return c.json(
    page(rows, query.limit, (row) => toEvent(row, origin)),
    200,
  );
};

export const getEvent: AppRouteHandler<typeof routes.getEvent> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await repo.findEvent(c.get("db"), c.get("auth").orgId, id);
  if (!row) throw new ApiError("not_found", { message: `No event with id '${id}'.` });
  return c.json(toEvent(row, originOf(c)), 200);
};

const toEndpoint = (row: webhooks.EndpointRow) => ({
  id: row.id,
  object: "webhook_endpoint" as const,
  url: row.url,
  events: row.events as ("*" | repo.EventType)[],
  description: row.description,
  created_at: row.createdAt,
});

const endpointNotFound = (id: string) =>
  new ApiError("not_found", { message: `No webhook endpoint with id '${id}'.` });

export const createEndpoint: AppRouteHandler<typeof routes.createEndpoint> = async (c) => {
  const input = c.req.valid("json");
  // The same rules as image URLs, checked again before every delivery.
  const check = checkFetchUrl(input.url, parseAllowedHosts(c.env.IMAGE_FETCH_ALLOWED_HOSTS));
  if ("blocked" in check) throw invalidData([{ field: "url", message: check.blocked }]);
  const row: webhooks.EndpointRow = {
    id: resourceId(c, "we"),
    orgId: c.get("auth").orgId,
    url: check.url.href,
    events: [...new Set(input.events)],
    description: input.description,
    secret: newSecret(),
    createdAt: new Date().toISOString(),
  };
  // A keyed retry that finds no stored response gets the endpoint its first run made, secret included.
  const endpoint = await webhooks.insertEndpoint(c.get("db"), row, c.get("idempotencyClaimId"));
  if (!endpoint) throw endpointNotFound(row.id);
  return c.json({ ...toEndpoint(endpoint), secret: endpoint.secret }, 201, {
    Location: `/v1/webhook_endpoints/${endpoint.id}`,
  });
};

export const listEndpoints: AppRouteHandler<typeof routes.listEndpoints> = async (c) => {
  const query = c.req.valid("query");
  const rows = await webhooks.listEndpoints(c.get("db"), c.get("auth").orgId, query.limit + 1, query.cursor);
  return c.json(page(rows, query.limit, toEndpoint), 200);
};

export const getEndpoint: AppRouteHandler<typeof routes.getEndpoint> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await webhooks.findEndpoint(c.get("db"), c.get("auth").orgId, id);
  if (!row) throw endpointNotFound(id);
  return c.json(toEndpoint(row), 200);
};

export const deleteEndpoint: AppRouteHandler<typeof routes.deleteEndpoint> = async (c) => {
  const { id } = c.req.valid("param");
  if (!(await webhooks.deleteEndpoint(c.get("db"), c.get("auth").orgId, id))) throw endpointNotFound(id);
  return c.json({ id, object: "webhook_endpoint" as const, deleted: true as const }, 200);
};

export const listDeliveries: AppRouteHandler<typeof routes.listDeliveries> = async (c) => {
  const { id } = c.req.valid("param");
  const query = c.req.valid("query");
  if (!(await webhooks.findEndpoint(c.get("db"), c.get("auth").orgId, id))) throw endpointNotFound(id);
  const rows = await webhooks.listDeliveries(c.get("db"), id, { limit: query.limit, before: query.cursor });
  return c.json(
    page(rows, query.limit, (row) => ({
      id: row.id,
      object: "webhook_delivery" as const,
      event_id: row.eventId,
      attempt: row.attempt,
      status_code: row.statusCode,
      outcome: row.outcome as webhooks.DeliveryOutcome,
      duration_ms: row.durationMs,
      created_at: row.createdAt,
    })),
    200,
  );
};
