import { createRoute } from "@hono/zod-openapi";
import { requireScope } from "../auth/auth.middleware";
import { jsonBody } from "../middleware/json-body";
import { authErrors } from "../shared/openapi";
import { errorResponses, IdempotencyHeader, IdParam, idempotencyErrors } from "../shared/schemas";
import {
  DeletedWebhookEndpoint,
  DeliveryList,
  DeliveryListQuery,
  Event,
  EventList,
  EventListQuery,
  WebhookEndpoint,
  WebhookEndpointInput,
  WebhookEndpointList,
  WebhookEndpointListQuery,
} from "./events.schemas";

const security = [{ bearer: [] }];
const json = <T>(description: string, schema: T) => ({
  description,
  content: { "application/json": { schema } },
});

export const listEvents = createRoute({
  operationId: "listEvents",
  method: "get",
  path: "/",
  tags: ["Events"],
  security,
  summary: "List events",
  description: "The org's product events of the last 30 days, newest first.",
  middleware: [requireScope("webhook.manage")] as const,
  request: { query: EventListQuery },
  responses: { 200: json("A page of events.", EventList), ...errorResponses(...authErrors, "invalid_data") },
});

export const getEvent = createRoute({
  operationId: "getEvent",
  method: "get",
  path: "/{id}",
  tags: ["Events"],
  security,
  summary: "Retrieve an event",
  description: "One event of the last 30 days, as listed.",
  middleware: [requireScope("webhook.manage")] as const,
  request: { params: IdParam("Event id", "evt_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK") },
  responses: { 200: json("The event.", Event), ...errorResponses(...authErrors, "not_found") },
});

const EndpointId = IdParam("Webhook endpoint id", "we_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK");
const tags = ["Webhook endpoints"];

export const createEndpoint = createRoute({
  operationId: "createWebhookEndpoint",
  method: "post",
  path: "/",
  tags,
  security,
  summary: "Create a webhook endpoint",
  description:
    "The URL must pass the same rules as image URLs (`https`, port 443, no local or private hosts; `IMAGE_FETCH_ALLOWED_HOSTS` lifts them for named hosts). The `secret` is in this response only (and in a keyed retry's; `404 not_found` if that retry finds the endpoint deleted since).",
  middleware: [requireScope("webhook.manage"), jsonBody()] as const,
  request: {
    headers: IdempotencyHeader,
    body: { required: true, content: { "application/json": { schema: WebhookEndpointInput } } },
  },
  responses: {
    201: json("The endpoint, with its secret.", WebhookEndpoint),
    ...errorResponses(
      ...authErrors,
      "invalid_data",
      "invalid_json",
      "payload_too_large",
      "unsupported_media_type",
      "not_found",
      ...idempotencyErrors,
    ),
  },
});

export const listEndpoints = createRoute({
  operationId: "listWebhookEndpoints",
  method: "get",
  path: "/",
  tags,
  security,
  summary: "List webhook endpoints",
  description: "This org's endpoints without their secrets, newest first, cursor-paginated.",
  middleware: [requireScope("webhook.manage")] as const,
  request: { query: WebhookEndpointListQuery },
  responses: {
    200: json("A page of the org's endpoints.", WebhookEndpointList),
    ...errorResponses(...authErrors, "invalid_data"),
  },
});

export const getEndpoint = createRoute({
  operationId: "getWebhookEndpoint",
  method: "get",
  path: "/{id}",
  tags,
  security,
  summary: "Retrieve a webhook endpoint",
  description: "Without its secret, which is shown only when the endpoint is created.",
  middleware: [requireScope("webhook.manage")] as const,
  request: { params: EndpointId },
  responses: { 200: json("The endpoint.", WebhookEndpoint), ...errorResponses(...authErrors, "not_found") },
});

export const deleteEndpoint = createRoute({
  operationId: "deleteWebhookEndpoint",
  method: "delete",
  path: "/{id}",
  tags,
  security,
  summary: "Delete a webhook endpoint",
  description: "Nothing more is sent to it; its delivery log goes with it.",
  middleware: [requireScope("webhook.manage")] as const,
  request: { params: EndpointId },
  responses: {
    200: json("Deleted.", DeletedWebhookEndpoint),
    ...errorResponses(...authErrors, "not_found"),
  },
});

export const listDeliveries = createRoute({
  operationId: "listWebhookDeliveries",
  method: "get",
  path: "/{id}/deliveries",
  tags,
  security,
  summary: "List an endpoint's delivery attempts",
  description: "Every attempt, newest first, with the receiver's status and how long it took.",
  middleware: [requireScope("webhook.manage")] as const,
  request: { params: EndpointId, query: DeliveryListQuery },
  responses: {
    200: json("A page of attempts.", DeliveryList),
    ...errorResponses(...authErrors, "invalid_data", "not_found"),
  },
});
