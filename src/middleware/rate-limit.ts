import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";

/**
 * The four rate limiters of wrangler.toml, each a Workers rate-limit binding with a var that states
 * its configured "limit/period" (the binding itself cannot be asked).
 */
const LIMITERS = {
  api: { binding: "RATE_LIMITER", setting: "RATE_LIMIT" },
  admin: { binding: "ADMIN_RATE_LIMITER", setting: "ADMIN_RATE_LIMIT" },
  public: { binding: "PUBLIC_RATE_LIMITER", setting: "PUBLIC_RATE_LIMIT" },
  failedAuth: { binding: "AUTH_FAILURE_RATE_LIMITER", setting: "AUTH_FAILURE_RATE_LIMIT" },
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

/** The limiter's setting and the clock window `now` falls in; `reset` is the seconds left in it. */
function windowOf(c: Context<AppEnv>, limiter: Limiter, now: number) {
  const { limit, period } = rateLimitSetting(c.env[LIMITERS[limiter].setting]);
  const window = Math.floor(now / (period * 1000));
  const end = (window + 1) * period * 1000;
  return { limit, period, window, end, reset: String(Math.max(1, Math.ceil((end - now) / 1000))) };
}

const rateLimited = ({ limit, period, reset }: ReturnType<typeof windowOf>) =>
  new ApiError("rate_limited", {
    message: `Rate limit of ${limit} requests per ${period} seconds reached: retry after ${reset} s.`,
    headers: {
      "Retry-After": reset,
      "RateLimit-Limit": String(limit),
      "RateLimit-Remaining": "0",
      "RateLimit-Reset": reset,
    },
  });

/**
 * Counts one request against `subject`'s limit: 429 rate_limited with Retry-After when it is spent.
 * Returns the RateLimit-* headers for the response.
 */
async function takeRequest(c: Context<AppEnv>, limiter: Limiter, subject: string) {
  const current = windowOf(c, limiter, Date.now());
  const counter = `${limiter}:${subject}`;
  const { success } = await c.env[LIMITERS[limiter].binding].limit({ key: counter });
  if (!success) throw rateLimited(current);
  let count = taken.get(counter);
  if (count?.window !== current.window) {
    if (taken.size >= MAX_COUNTERS) taken.clear();
    count = { window: current.window, count: 0 };
    taken.set(counter, count);
  }
  count.count += 1;
  return {
    "RateLimit-Limit": String(current.limit),
    "RateLimit-Remaining": String(Math.max(0, current.limit - count.count)),
    "RateLimit-Reset": current.reset,
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

/**
 * Client IPs that spent their failed-authentication limit, with the end of that window. Until then
 * this isolate answers their keyed requests with 429 before looking the key up, so a flood of
 * made-up keys costs no D1 reads. Another isolate learns it from its own first failure past the limit.
 */
const refusedIps = new Map<string, number>();

/** 429 for a client IP that spent its failed-authentication limit in this window. */
export function refuseSpentIp(c: Context<AppEnv>) {
  const ip = clientIp(c);
  const until = refusedIps.get(ip);
  if (until === undefined) return;
  const now = Date.now();
  if (until > now) throw rateLimited(windowOf(c, "failedAuth", now));
  refusedIps.delete(ip);
}

/**
 * A request whose key is missing, malformed, unknown or revoked: counted per client IP, then 401,
 * or 429 once the IP has spent its limit (and is refused until the window ends).
 */
export async function failedAuthentication(c: Context<AppEnv>): Promise<never> {
  const ip = clientIp(c);
  const headers = await takeRequest(c, "failedAuth", ip).catch((error: unknown) => {
    if (refusedIps.size >= MAX_COUNTERS) refusedIps.clear();
    refusedIps.set(ip, windowOf(c, "failedAuth", Date.now()).end);
    throw error;
  });
  throw new ApiError("unauthorized", { headers });
}
