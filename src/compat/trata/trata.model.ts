import { z } from "@hono/zod-openapi";
import { isCurrency, MAX_AMOUNT } from "../../lib/currencies";
import type { ProductRow } from "../../products";
import { toProduct } from "../../products";
import { Timestamp, text } from "../../shared/schemas";
import { type FieldNames, fieldNames } from "../dialect";

// Trata's product, as its create and update pages document it (docs/compat.md, "Trata"): camelCase,
// one price (`defaultPrice` in minor units, `currency`), `active` next to `status`. Its body maps
// to a /v1 product and back; the write itself is the /v1 one.

/** Fields Trata answers that a client sends back: ignored, as /v1 ignores its read-only fields. */
export const TRATA_READ_ONLY = ["id", "orgId", "createdBy", "createdAt", "updatedBy", "updatedAt"] as const;

const Currency = z
  .string()
  .refine((code) => isCurrency(code.toUpperCase()), {
    error: (issue) => `Unknown currency '${issue.input}'.`,
  })
  .openapi({ example: "USD", description: "A code of `GET /v1/currencies`, case-insensitive." });

/** A list, or (as Trata's own example sends) one string: a list of it. null is an empty list. */
const listOrOne = (item: z.ZodType<string>) =>
  z
    .union([z.array(item), item])
    .nullable()
    .optional()
    .openapi({ description: "A list of strings; one string is a list of it; null is an empty list." });

export const TrataProductInput = z
  .strictObject({
    active: z.boolean().openapi({ description: "Shown in the storefront (the product's `visible`)." }),
    defaultPrice: z.int().min(0).max(MAX_AMOUNT).openapi({
      example: 1299,
      description: "The price in `currency`'s minor unit (1000 is 10.00 USD).",
    }),
    currency: Currency,
    description: text(1, 512).nullable().openapi({ example: "High-quality gardening tools" }),
    name: text(1, 512, { trim: true }).openapi({ example: "Garden Tool Set" }),
    status: z.enum(["active", "inactive"]),
    shippable: z.boolean().optional().openapi({ description: "Default false." }),
    features: z.array(text(1, 512)).max(100).nullable().optional(),
    scheduleAppointment: z.boolean().optional().openapi({ description: "Default false." }),
    props: z
      .union([z.record(z.string(), z.unknown()), text(1, 1024)])
      .nullable()
      .optional()
      .openapi({
        description:
          'An object; one string (as Trata\'s own example sends) is `{"value": <string>}`; null is `{}`.',
      }),
    tags: listOrOne(text(1, 64)),
    agentIds: listOrOne(text(1, 128)),
    // What Trata answers and a client sends back: ignored (jsonBody drops them before validation).
    ...Object.fromEntries(
      TRATA_READ_ONLY.map((field) => [
        field,
        z.unknown().optional().openapi({ readOnly: true, description: "Read-only: ignored when sent." }),
      ]),
    ),
  })
  .openapi("TrataProductInput", {
    example: {
      active: true,
      defaultPrice: 123,
      currency: "AED",
      description: "High-quality gardening tools",
      name: "Garden Tool Set",
      shippable: false,
      features: ["ergonomic handles"],
      scheduleAppointment: false,
      props: "stainless steel",
      tags: "gardening",
      status: "active",
      agentIds: ["agent_42"],
    },
  });

export type TrataProductInput = z.output<typeof TrataProductInput>;

export const TrataProduct = z
  .object({
    id: z.string().openapi({ example: "prod_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK" }),
    orgId: z.string(),
    active: z.boolean(),
    defaultPrice: z.int().nullable(),
    currency: z.string().nullable(),
    description: z.string().nullable(),
    name: z.string(),
    shippable: z.boolean(),
    features: z.array(z.string()),
    scheduleAppointment: z.boolean(),
    props: z.record(z.string(), z.unknown()),
    tags: z.array(z.string()),
    status: z
      .string()
      .openapi({ description: "active or inactive (or a /v1 status: unconfigured, archived)." }),
    createdBy: z.string().nullable(),
    createdAt: Timestamp,
    updatedBy: z.string().nullable(),
    updatedAt: Timestamp,
  })
  .openapi("TrataProduct");

export const TrataDeleted = z.object({ id: z.string(), deleted: z.literal(true) }).openapi("TrataDeleted");

/** /v1 field paths as Trata names them. */
export const trataNames: FieldNames = fieldNames({
  visible: "active",
  prices: (field) => (field.endsWith(".currency") ? "currency" : "defaultPrice"),
  default_currency: "currency",
  schedule_appointment: "scheduleAppointment",
  agent_ids: "agentIds",
});

const list = (value: string | string[] | null | undefined) =>
  value === undefined ? undefined : value === null ? [] : typeof value === "string" ? [value] : value;

const props = (value: TrataProductInput["props"]) =>
  value === undefined ? undefined : value === null ? {} : typeof value === "string" ? { value } : value;

/** Only what was sent: Trata's optional fields left out keep the product's value on an update. */
const defined = (fields: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));

/** The /v1 fields a Trata body sets (its price as the one in its currency, and the default). */
function v1Fields(input: TrataProductInput) {
  return defined({
    name: input.name,
    description: input.description,
    status: input.status,
    visible: input.active,
    shippable: input.shippable,
    schedule_appointment: input.scheduleAppointment,
    features: input.features === null ? [] : input.features,
    props: props(input.props),
    tags: list(input.tags),
    agent_ids: list(input.agentIds),
    default_currency: input.currency.toUpperCase(),
  });
}

/** POST: a new product with one price. */
export const createInput = (input: TrataProductInput) => ({
  shippable: false,
  ...v1Fields(input),
  prices: [{ currency: input.currency, amount: input.defaultPrice }],
});

type Price = { currency: string; amount: number; [key: string]: unknown };

/**
 * PUT: Trata's fields over the product's others. The price in `currency` gets `defaultPrice` (a
 * new amount drops a markup that no longer agrees with it; an unchanged one keeps everything) or is
 * added; the prices in other currencies stay.
 */
export function updateEdit(input: TrataProductInput) {
  return (current: Record<string, unknown>) => {
    const currency = input.currency.toUpperCase();
    const prices = (current.prices as Price[]).map((price) => ({ ...price }));
    const index = prices.findIndex((price) => price.currency === currency);
    const existing = prices[index];
    if (!existing) prices.push({ currency, amount: input.defaultPrice });
    else if (existing.amount !== input.defaultPrice) {
      const { markup_percent: _markup, ...rest } = existing;
      prices[index] = { ...rest, amount: input.defaultPrice };
    }
    return { ...current, ...v1Fields(input), prices };
  };
}

/** The stored product as Trata answers it: the price shown is the one in the default currency. */
export function toTrata(row: ProductRow, origin: string) {
  const product = toProduct(row, origin);
  const price = product.prices.find((p) => p.currency === product.default_currency);
  return {
    id: product.id,
    orgId: product.org_id,
    active: product.visible,
    defaultPrice: price?.amount ?? null,
    currency: product.default_currency,
    description: product.description,
    name: product.name,
    shippable: product.shippable,
    features: product.features,
    scheduleAppointment: product.schedule_appointment,
    props: product.props,
    tags: product.tags,
    status: product.status,
    createdBy: product.created_by,
    createdAt: product.created_at,
    updatedBy: product.updated_by,
    updatedAt: product.updated_at,
  };
}
