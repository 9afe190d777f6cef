import { z } from "@hono/zod-openapi";
import { Product } from "../products/products.output";
import { IdCursor, ListMeta, PageLimit, Timestamp, text } from "../shared/schemas";
import { EVENT_TYPES } from "./events.repo";
import { DELIVERY_OUTCOMES } from "./webhooks.repo";

export const Event = z
  .object({
    id: z.string().openapi({ example: "evt_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK" }),
    object: z.literal("event"),
    type: z.enum(EVENT_TYPES),
    created_at: Timestamp,
    data: z.object({
      object: Product.openapi({
        description: "The product as the change left it (as it was, when deleted).",
      }),
      changed_fields: z
        .array(z.string())
        .optional()
        .openapi({ description: "`product.updated` only: the fields the change changed." }),
      adjustment: z.object({ delta: z.int(), reason: z.string().nullable() }).optional().openapi({
        description:
          "`product.updated` and `product.low_stock` of a change made by `POST /v1/products/{id}/inventory_adjustments`: its `delta` and `reason`.",
      }),
    }),
  })
  .openapi("Event");

export const EventList = z.object({ ...ListMeta, data: z.array(Event) }).openapi("EventList");

export const EventListQuery = z.strictObject({
  limit: PageLimit,
  cursor: IdCursor("evt"),
  type: z.enum(EVENT_TYPES).optional(),
});

const SUBSCRIBABLE = [...EVENT_TYPES, "*"] as const;

export const WebhookEndpointInput = z
  .strictObject({
    url: text(1, 2048).openapi({ example: "https://shop.example/hooks/products" }),
    events: z
      .array(z.enum(SUBSCRIBABLE))
      .min(1)
      .max(SUBSCRIBABLE.length)
      .openapi({ description: "Event types to receive; `*` for all." }),
    description: text(1, 256).nullable().default(null),
  })
  .openapi("WebhookEndpointInput");

export const WebhookEndpoint = z
  .object({
    id: z.string().openapi({ example: "we_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK" }),
    object: z.literal("webhook_endpoint"),
    url: z.string(),
    events: z.array(z.enum(SUBSCRIBABLE)),
    description: z.string().nullable(),
    secret: z
      .string()
      .optional()
      .openapi({ description: "`whsec_…`: in the create response only. Verify signatures with it." }),
    created_at: Timestamp,
  })
  .openapi("WebhookEndpoint");

export const WebhookEndpointList = z
  .object({ ...ListMeta, data: z.array(WebhookEndpoint) })
  .openapi("WebhookEndpointList");

export const WebhookEndpointListQuery = z.strictObject({ limit: PageLimit, cursor: IdCursor("we") });

export const DeletedWebhookEndpoint = z
  .object({ id: z.string(), object: z.literal("webhook_endpoint"), deleted: z.literal(true) })
  .openapi("DeletedWebhookEndpoint");

export const Delivery = z
  .object({
    id: z.string().openapi({ example: "del_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK" }),
    object: z.literal("webhook_delivery"),
    event_id: z.string(),
    attempt: z.int().openapi({ description: "1 for the first try; at most 8." }),
    status_code: z.int().nullable().openapi({ description: "The receiver's status; null when none came." }),
    outcome: z.enum(DELIVERY_OUTCOMES),
    duration_ms: z.int(),
    created_at: Timestamp,
  })
  .openapi("WebhookDelivery");

export const DeliveryList = z.object({ ...ListMeta, data: z.array(Delivery) }).openapi("WebhookDeliveryList");

export const DeliveryListQuery = z.strictObject({ limit: PageLimit, cursor: IdCursor("del") });
