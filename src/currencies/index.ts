import { createRoute, z } from "@hono/zod-openapi";
import { authenticate } from "../auth/auth.middleware";
import { CURRENCIES } from "../lib/currencies";
import { createRouter } from "../shared/router";
import { errorResponses } from "../shared/schemas";

const CurrencyList = z
  .object({
    object: z.literal("list"),
    data: z.array(
      z.object({
        code: z.string().openapi({ example: "JPY" }),
        exponent: z.int().openapi({ example: 0, description: "ISO 4217 minor-unit digits." }),
      }),
    ),
  })
  .openapi("CurrencyList");

const listCurrencies = createRoute({
  operationId: "listCurrencies",
  method: "get",
  path: "/",
  tags: ["Currencies"],
  security: [{ bearer: [] }],
  summary: "List currencies",
  description:
    "The ISO 4217 codes a price may use, with their minor-unit exponents. Any valid key may read it.",
  responses: {
    200: { description: "Every currency.", content: { "application/json": { schema: CurrencyList } } },
    ...errorResponses("unauthorized", "forbidden", "org_required", "unsupported_api_version", "rate_limited"),
  },
});

const body = { object: "list" as const, data: CURRENCIES };

const router = createRouter();
router.use("*", authenticate({ org: false }));

export const currencies = router.openapi(listCurrencies, (c) => c.json(body, 200));
