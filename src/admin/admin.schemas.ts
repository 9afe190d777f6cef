import { z } from "@hono/zod-openapi";
import { isCurrency } from "../lib/currencies";
import { IdCursor, ListMeta, PageLimit, Timestamp, text } from "../shared/schemas";

export const SCOPES = ["product.read", "product.edit", "webhook.manage", "storefront.read"] as const;

const OrgName = text(1, 256, { trim: true }).openapi({ example: "Acme GmbH" });

const DefaultCurrency = z
  .string()
  .refine((code) => isCurrency(code.toUpperCase()), {
    error: (issue) => `Unknown currency '${issue.input}'.`,
  })
  .transform((code) => code.toUpperCase())
  .openapi({
    example: "EUR",
    pattern: "^[A-Za-z]{3}$",
    description:
      "The currency of prices sent without one (the Wethod dialect's decimal prices): a code of `GET /v1/currencies`, case-insensitive in, upper-case out. EUR when never set.",
  });

export const OrgInput = z
  .strictObject({ name: OrgName, default_currency: DefaultCurrency.default("EUR") })
  .openapi("OrgInput");

export const OrgPatch = z
  .strictObject({ name: OrgName.optional(), default_currency: DefaultCurrency.optional() })
  .openapi("OrgPatch");

export const Org = z
  .object({
    id: z.string().openapi({ example: "org_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK" }),
    object: z.literal("org"),
    name: z.string(),
    default_currency: z.string().openapi({ example: "EUR" }),
    created_at: Timestamp,
  })
  .openapi("Org");

export const OrgList = z.object({ ...ListMeta, data: z.array(Org) }).openapi("OrgList");

export const OrgListQuery = z.strictObject({ limit: PageLimit, cursor: IdCursor("org") });

const Origin = z
  .string()
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
      } catch {
        return false;
      }
    },
    { message: "Must be an origin: scheme, host and optional port, e.g. https://shop.example." },
  )
  .openapi({ example: "https://shop.example" });

export const ApiKeyInput = z
  .strictObject({
    name: text(1, 256, { trim: true }),
    org_ids: z.array(z.string()).min(1).max(100),
    type: z.enum(["secret", "publishable"]),
    scopes: z.array(z.enum(SCOPES)).min(1),
    allowed_origins: z
      .array(Origin)
      .max(50)
      .optional()
      .openapi({ description: "Publishable keys only: CORS origins." }),
  })
  .superRefine((input, ctx) => {
    if (input.type === "publishable") {
      input.scopes.forEach((scope, index) => {
        if (scope !== "storefront.read") {
          ctx.addIssue({
            code: "custom",
            path: ["scopes", index],
            message: "A publishable key can only have storefront.read.",
          });
        }
      });
    } else {
      input.scopes.forEach((scope, index) => {
        if (scope === "storefront.read") {
          ctx.addIssue({
            code: "custom",
            path: ["scopes", index],
            message: "storefront.read is for publishable keys.",
          });
        }
      });
      if (input.allowed_origins !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["allowed_origins"],
          message: "Only publishable keys have allowed origins.",
        });
      }
    }
  })
  .openapi("ApiKeyInput", {
    example: {
      name: "Back office",
      org_ids: ["org_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK"],
      type: "secret",
      scopes: ["product.edit"],
    },
  });

export const ApiKey = z
  .object({
    id: z.string().openapi({ example: "key_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK" }),
    object: z.literal("api_key"),
    key: z.string().openapi({ description: "Shown in this response only." }),
    name: z.string(),
    type: z.enum(["secret", "publishable"]),
    org_ids: z.array(z.string()),
    scopes: z.array(z.enum(SCOPES)),
    allowed_origins: z.array(z.string()),
    created_at: Timestamp,
  })
  .openapi("ApiKey");

export const RevokedApiKey = z
  .object({ id: z.string(), object: z.literal("api_key"), deleted: z.literal(true) })
  .openapi("RevokedApiKey");
