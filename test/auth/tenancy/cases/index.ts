// All the cases of the sweep, in their order, and SWEEP, the order they run in.
import type { Case } from "../generators";
import { ADMIN_PUBLIC_CASES } from "./admin-public";
import { COMPAT_CASES } from "./compat";
import { PRODUCT_PART_CASES } from "./product-parts";
import { PRODUCT_CASES } from "./products";
import { STOREFRONT_CASES } from "./storefront";
import { WEBHOOK_EVENT_CASES } from "./webhooks-events";

/** The org routes: B's ids, A's key with B's Org-Id, and A's publishable key (403 off the storefront). */
export const CASES: Case[] = [
  ...PRODUCT_CASES,
  ...PRODUCT_PART_CASES,
  ...STOREFRONT_CASES,
  ...WEBHOOK_EVENT_CASES,
  ...ADMIN_PUBLIC_CASES,
  ...COMPAT_CASES,
];

/**
 * The creates run last: A's product events keep the B values A sent in those bodies (A's own data
 * then), which the event listings before them must not see as a leak.
 */
export const SWEEP = [...CASES.filter((entry) => !entry.writesA), ...CASES.filter((entry) => entry.writesA)];
