import { type Database, onPrimary } from "./db/client";
import { sendAll, sendDeliveries } from "./events/events.delivery";
import { deleteOlderThan, orgsWithUndispatched } from "./events/events.repo";
import { claimOverdueDeliveries } from "./events/webhooks.repo";
import { IDEMPOTENCY_LIFETIME_MS } from "./idempotency/idempotency.middleware";
import { deleteExpiredApplied, deleteExpiredClaims } from "./idempotency/idempotency.repo";
import { sweepStrayImages } from "./images/images.sweep";
import { ulidFloor } from "./lib/ids";

/** The cron triggers of wrangler.toml. */
export const EVERY_MINUTE = "* * * * *";
export const HOURLY = "17 * * * *";

const EVENT_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
/** An event still undispatched this long after its write lost its queue message: send it again. */
const REDISPATCH_AFTER_MS = 60_000;
/**
 * A pending delivery not confirmed this long after its next attempt was due lost its message (or
 * its consumer): send it again. Past the 10 s an attempt may take, so the queue's own retry, on
 * time, is never doubled.
 */
export const RESEND_GRACE_MS = 60_000;
/** Deliveries one run re-sends at most; the next minute's run goes on from there. */
export const RESEND_BATCH = 500;

/** The cron triggers, in one place: each minute the re-drive, each hour the lifetime sweeps. */
export async function runCron(controller: ScheduledController, env: Env): Promise<object> {
  if (controller.cron === EVERY_MINUTE) return redrive(env, controller.scheduledTime);
  if (controller.cron === HOURLY) return sweep(env, controller.scheduledTime);
  throw new Error(`No cron job for '${controller.cron}'.`);
}

/** Every sweep of data past its lifetime. */
export async function sweep(
  env: Env,
  now = Date.now(),
): Promise<{
  idempotency_claims: number;
  idempotency_applied: number;
  stray_images: number;
  events_expired: number;
}> {
  // On the primary: the crons read what they then write.
  const swept = await onPrimary(env, async (db) => ({
    idempotency_claims: await deleteExpiredClaims(db, now - IDEMPOTENCY_LIFETIME_MS),
    idempotency_applied: await deleteExpiredApplied(db, ulidFloor(now - IDEMPOTENCY_LIFETIME_MS)),
    stray_images: await sweepStrayImages(db, env.IMAGES, now),
    events_expired: await deleteOlderThan(db, now - EVENT_LIFETIME_MS, 10_000),
  }));
  console.log(JSON.stringify({ level: "info", event: "sweep", ...swept }));
  return swept;
}

/** What a lost queue message or a crashed consumer left undone: events to dispatch, deliveries to re-send. */
export async function redrive(
  env: Env,
  now = Date.now(),
): Promise<{ orgs_redispatched: number; deliveries_resent: number }> {
  const redriven = await onPrimary(env, async (db) => ({
    orgs_redispatched: await redispatch(db, env, now),
    deliveries_resent: await resend(db, env, now),
  }));
  // Most minutes find nothing; log the ones that did something.
  if (redriven.orgs_redispatched + redriven.deliveries_resent > 0)
    console.log(JSON.stringify({ level: "info", event: "redrive", ...redriven }));
  return redriven;
}

/** Sends a dispatch for every org whose events' own dispatch was lost (its send failed after the commit). */
async function redispatch(db: Database, env: Env, now: number): Promise<number> {
  const orgs = await orgsWithUndispatched(db, `evt_${ulidFloor(now - REDISPATCH_AFTER_MS)}`);
  await sendAll(
    env.EVENTS,
    orgs.map((orgId) => ({ kind: "dispatch", org_id: orgId, origin: env.API_ORIGIN })),
  );
  return orgs.length;
}

/**
 * Sends again each pending delivery whose next attempt was due over the grace period ago: the
 * same event, so the same `webhook-id`, signed afresh; its attempts go on counting in D1.
 */
async function resend(db: Database, env: Env, now: number): Promise<number> {
  const overdue = await claimOverdueDeliveries(db, now - RESEND_GRACE_MS, now, RESEND_BATCH);
  await sendDeliveries(env.EVENTS, overdue, env.API_ORIGIN);
  return overdue.length;
}
