import { createDb, newDbStats } from "./db/client";
import { IDEMPOTENCY_LIFETIME_MS } from "./idempotency/idempotency.middleware";
import { deleteExpiredClaims } from "./idempotency/idempotency.repo";
import { sweepStrayImages } from "./images/images.sweep";

/** The cron trigger (wrangler.toml): every sweep of data past its lifetime, in one place. */
export async function sweep(
  env: Env,
  now = Date.now(),
): Promise<{ idempotency_claims: number; stray_images: number }> {
  const session = env.DB.withSession("first-primary");
  const db = createDb(() => session, newDbStats());
  const swept = {
    idempotency_claims: await deleteExpiredClaims(db, now - IDEMPOTENCY_LIFETIME_MS),
    stray_images: await sweepStrayImages(db, env.IMAGES, now),
  };
  console.log(JSON.stringify({ level: "info", event: "sweep", ...swept }));
  return swept;
}
