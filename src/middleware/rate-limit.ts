import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";

/**
 * The three rate limiters of wrangler.toml, each a Workers rate-limit binding with a var that states
 * its configured "limit/period" (the binding itself cannot be asked).
 */
const LIMITERS = {
  api: { binding: "RATE_LIMITER", setting: "RATE_LIMIT" },
  admin: { binding: "ADMIN_RATE_LIMITER", setting: "ADMIN_RATE_LIMIT" },
  public: { binding: "PUBLIC_RATE_LIMITER", setting: "PUBLIC_RATE_LIMIT" },
} as const;
export type Limiter = keyof typeof LIMITERS;

export function rateLimitSetting(value: string): { limit: number; period: number } {
  const match = /^(\d+)\/(10|60)$/.exec(value);
  if (!match) throw new Error(`A rate limit is "limit/period" with period 10 or 60, not '${value}'.`);
  return { limit: Number(match[1]), period: Number(match[2]) };
}

/**
 * What this isolate has let through per counter and window, for RateLimit-Remaining: the binding
 * answers only yes or no. It is exact with one isolate (wrangler dev, tests) and an upper bound
 * when several share the traffic. Windows align to the clock, as the limiter's do.
 */
const taken = new Map<string, { window: number; count: number }>();
const MAX_COUNTERS = 10_000;

/** Client IP as Cloudflare states it (it overwrites any the client sends). */
export const clientIp = (c: Context<AppEnv>) => c.req.header("CF-Connecting-IP") ?? "unknown";

/**
 * Counts one request against `subject`'s limit: 429 rate_limited with Retry-After when it is spent.
 * Returns the RateLimit-* headers for the response.
 */
async function takeRequest(c: Context<AppEnv>, limiter: Limiter, subject: string) {
  const { binding, setting } = LIMITERS[limiter];
  const { limit, period } = rateLimitSetting(c.env[setting]);
  const now = Date.now();
  const window = Math.floor(now / (period * 1000));
  const reset = String(Math.max(1, Math.ceil(((window + 1) * period * 1000 - now) / 1000)));
  const counter = `${limiter}:${subject}`;
  const { success } = await c.env[binding].limit({ key: counter });
  if (!success) {
    throw new ApiError("rate_limited", {
      message: `Rate limit of ${limit} requests per ${period} seconds reached: retry after ${reset} s.`,
      headers: {
        "Retry-After": reset,
        "RateLimit-Limit": String(limit),
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": reset,
      },
    });
  }
  let count = taken.get(counter);
  if (count?.window !== window) {
    if (taken.size >= MAX_COUNTERS) taken.clear();
    count = { window, count: 0 };
    taken.set(counter, count);
  }
  count.count += 1;
  return {
    "RateLimit-Limit": String(limit),
    "RateLimit-Remaining": String(Math.max(0, limit - count.count)),
    "RateLimit-Reset": reset,
  };
}

/** Counts the request against `subject`'s limit, runs `next`, and puts the RateLimit-* headers on its response. */
export async function limited(
  c: Context<AppEnv>,
  limiter: Limiter,
  subject: string,
  next: () => Promise<void>,
) {
  const headers = await takeRequest(c, limiter, subject);
  await next();
  for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
}

/** Middleware form, for the routes with no api key: the limiter counts per `subject(c)`. */
export const rateLimit = (limiter: Limiter, subject: (c: Context<AppEnv>) => string) =>
  createMiddleware<AppEnv>((c, next) => limited(c, limiter, subject(c), next));
