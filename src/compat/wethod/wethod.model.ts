import { z } from "@hono/zod-openapi";
import { exponentOf, toMajorUnits, toMinorUnits } from "../../lib/currencies";
import { invalidData } from "../../lib/errors";
import { type ProductRow, toProduct } from "../../products";
import { Timestamp, text } from "../../shared/schemas";
import { type FieldNames, fieldNames } from "../dialect";

// Wethod's product, as its create page documents it (docs/compat.md, "Wethod"): an integer id (the
// product's number in its org), decimal prices in major units with no currency (the org's
// default_currency), dates as YYYY-MM-DD, name and description of at most 50 characters.

const WethodDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: "Must be a date, YYYY-MM-DD." })
  .openapi({ format: "date", example: "2024-01-01" });

const Decimal = (description: string, example: number) => z.number().min(0).openapi({ description, example });

export const WethodProductInput = z
  .strictObject({
    name: text(1, 50, { trim: true }).openapi({
      description: "The product name",
      example: "Premium Software License",
    }),
    description: text(0, 50).nullable().optional().openapi({ description: "The product description" }),
    available_from: WethodDate.nullable()
      .optional()
      .openapi({ description: "Product availability start date." }),
    available_to: WethodDate.nullable().optional().openapi({ description: "Product availability end date." }),
    external_cost: Decimal(
      "The external cost of the product, in the org's default currency.",
      100.5,
    ).optional(),
    markup: Decimal("The markup percentage for the product.", 20).optional(),
    price: Decimal(
      "The final price of the product; when absent, external_cost × (100 + markup) / 100.",
      120.6,
    ).optional(),
  })
  .openapi("WethodProductInput", {
    example: {
      name: "Premium Software License",
      description: "Annual license for premium software",
      available_from: "2024-01-01",
      available_to: "2024-12-31",
      external_cost: 100.5,
      markup: 20,
      price: 120.6,
    },
  });

export type WethodProductInput = z.output<typeof WethodProductInput>;

export const WethodProduct = z
  .object({
    id: z.int().min(1).openapi({ description: "The unique identifier of the resource", example: 1 }),
    created_at: Timestamp,
    updated_at: Timestamp,
    name: z.string(),
    description: z.string().nullable(),
    available_from: z.string().nullable().openapi({ format: "date", example: "2024-01-01" }),
    available_to: z.string().nullable().openapi({ format: "date", example: "2024-12-31" }),
    external_cost: z.number(),
    markup: z.number(),
    price: z.number(),
  })
  .openapi("WethodProduct");

/** /v1 field paths as Wethod names them: its one price's parts. */
export const wethodNames: FieldNames = fieldNames({
  prices: (field) =>
    field.endsWith(".cost_amount") ? "external_cost" : field.endsWith(".markup_percent") ? "markup" : "price",
  default_currency: "price",
});

/** A decimal of the request in the currency's minor unit; more decimals than it has are refused. */
function minor(field: string, value: number | undefined, currency: string, exponent: number) {
  if (value === undefined) return undefined;
  const amount = toMinorUnits(value, exponent);
  if (amount === undefined) {
    const unit = exponent === 0 ? "no decimals" : `at most ${exponent} decimals`;
    throw invalidData([{ field, message: `The org's currency is ${currency}: ${unit}.` }]);
  }
  return amount;
}

/** POST: a /v1 product with one price in the org's currency (cost and markup only when sent). */
export function createInput(input: WethodProductInput, currency: string) {
  const exponent = exponentOf(currency) ?? 2;
  const amount = minor("price", input.price, currency, exponent);
  const cost = minor("external_cost", input.external_cost, currency, exponent);
  const price = {
    currency,
    ...(amount === undefined ? {} : { amount }),
    // Without a price, the defaults of the page (cost 0, markup 0) give it.
    ...(cost === undefined && amount !== undefined ? {} : { cost_amount: cost ?? 0 }),
    ...(input.markup === undefined && amount !== undefined ? {} : { markup_percent: input.markup ?? 0 }),
  };
  return {
    name: input.name,
    description: input.description ?? null,
    available_from: input.available_from ?? null,
    available_to: input.available_to ?? null,
    prices: [price],
    default_currency: currency,
  };
}

/** A stored date or date-time as Wethod's date: its UTC day. */
const day = (value: string | null) =>
  value === null
    ? null
    : new Date(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value)).toISOString().slice(0, 10);

/** The stored product as Wethod answers it: its price in the org's currency (0 when it has none). */
export function toWethod(row: ProductRow, origin: string, currency: string) {
  const product = toProduct(row, origin);
  const exponent = exponentOf(currency) ?? 2;
  const price = product.prices.find((p) => p.currency === currency);
  return {
    id: product.number,
    created_at: product.created_at,
    updated_at: product.updated_at,
    name: product.name,
    description: product.description,
    available_from: day(product.available_from),
    available_to: day(product.available_to),
    external_cost: toMajorUnits(price?.cost_amount ?? 0, exponent),
    markup: price?.markup_percent ?? 0,
    price: toMajorUnits(price?.amount ?? 0, exponent),
  };
}
