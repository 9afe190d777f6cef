import { createDb, newDbStats } from "./db/client";
import { sendAll } from "./events/events.delivery";
import { deleteOlderThan, orgsWithUndispatched } from "./events/events.repo";
import { IDEMPOTENCY_LIFETIME_MS } from "./idempotency/idempotency.middleware";
import { deleteExpiredApplied, deleteExpiredClaims } from "./idempotency/idempotency.repo";
import { sweepStrayImages } from "./images/images.sweep";
import { ulidFloor } from "./lib/ids";

const EVENT_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
/** An event still undispatched this long after its write lost its queue message: send it again. */
const REDISPATCH_AFTER_MS = 60_000;

/** The cron trigger (wrangler.toml): every sweep of data past its lifetime, in one place. */
export async function sweep(
  env: Env,
  now = Date.now(),
): Promise<{
  idempotency_claims: number;
  idempotency_applied: number;
  stray_images: number;
  events_expired: number;
  orgs_redispatched: number;
}> {
  const session = env.DB.withSession("first-primary");
  const db = createDb(() => session, newDbStats());
  const swept = {
    idempotency_claims: await deleteExpiredClaims(db, now - IDEMPOTENCY_LIFETIME_MS),
    idempotency_applied: await deleteExpiredApplied(db, ulidFloor(now - IDEMPOTENCY_LIFETIME_MS)),
    stray_images: await sweepStrayImages(db, env.IMAGES, now),
    events_expired: await deleteOlderThan(db, now - EVENT_LIFETIME_MS, 10_000),
    orgs_redispatched: await redispatch(db, env, now),
  };
  console.log(JSON.stringify({ level: "info", event: "sweep", ...swept }));
  return swept;
}

/** Sends a dispatch for every org whose events' own dispatch was lost (its send failed after the commit). */
async function redispatch(db: ReturnType<typeof createDb>, env: Env, now: number): Promise<number> {
  const orgs = await orgsWithUndispatched(db, `evt_${ulidFloor(now - REDISPATCH_AFTER_MS)}`);
  await sendAll(
    env.EVENTS,
    orgs.map((orgId) => ({ kind: "dispatch", org_id: orgId, origin: env.API_ORIGIN })),
  );
  return orgs.length;
}
