// The Worker and the floor Worker under `wrangler dev` (`npm run bench -- --floor --dev`): the frame a
// developer runs locally, where each request also crosses wrangler's proxy and, for ours, the assets
// router (`run_worker_first`), and each console.log is relayed to wrangler's Node process through
// the V8 inspector. Both start on persistence seeded beforehand by Miniflare (`wrangler dev
// --persist-to <dir>` reads `<dir>/v3`, which is where the seeding Miniflare wrote).
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, startWorker } from "../../scripts/local.mjs";
import { ROOT } from "./proc.mjs";
import { UNLIMITED } from "./worker.mjs";

/**
 * Our wrangler.toml with every rate limit (the limiter's `simple` and its var) at a billion, as the
 * Miniflare runs have them, written beside it (its relative paths then hold); removed by the caller.
 */
export function writeUnlimitedConfig() {
  const file = join(ROOT, "wrangler.bench-dev.tmp.toml");
  const text = readFileSync(join(ROOT, "wrangler.toml"), "utf8")
    .replace(/simple = \{ limit = \d+, period = (\d+) \}/g, `simple = { limit = ${UNLIMITED}, period = $1 }`)
    .replace(/^(\w*RATE_LIMIT) = "\d+\/(\d+)"$/gm, `$1 = "${UNLIMITED}/$2"`);
  if ((text.match(new RegExp(String(UNLIMITED), "g")) ?? []).length < 8) {
    throw new Error("dev: wrangler.toml's four limiters and their vars were not all found");
  }
  writeFileSync(file, text);
  return { file, remove: () => rmSync(file, { force: true }) };
}

/**
 * The floor Worker's script and a wrangler.toml for it in `dir`: its D1 (the one startFloor seeded
 * under `dir`/v3) and its limiter, as bench/lib/floor.mjs starts it under Miniflare.
 * @param {string} dir
 * @param {string} script
 * @param {{ compatibilityDate: string, compatibilityFlags: string[] }} config
 * @param {string} orgId
 */
export function writeFloorConfig(dir, script, config, orgId) {
  writeFileSync(join(dir, "floor.js"), script);
  const file = join(dir, "wrangler.toml");
  writeFileSync(
    file,
    [
      'name = "floor"',
      'main = "floor.js"',
      `compatibility_date = "${config.compatibilityDate}"`,
      `compatibility_flags = ${JSON.stringify(config.compatibilityFlags)}`,
      "[vars]",
      `ORG_ID = "${orgId}"`,
      "[[d1_databases]]",
      'binding = "DB"',
      'database_name = "floor"',
      'database_id = "floor"',
      "[[ratelimits]]",
      'name = "RATE_LIMITER"',
      'namespace_id = "9001"',
      `simple = { limit = ${UNLIMITED}, period = 10 }`,
      "",
    ].join("\n"),
  );
  return file;
}

/**
 * `wrangler dev -c <configFile> --persist-to <persistDir>` on free ports (scripts/local.mjs's
 * startWorker), ready once `probe` answers 2xx; its output goes to `<persistDir>/wrangler.log`.
 * @param {object} options
 * @param {string} options.configFile
 * @param {string} options.persistDir
 * @param {string} [options.probe] a path that answers 2xx once the Worker runs (/health)
 * @param {Record<string, string>} [options.vars] `--var` pairs (the required secrets)
 */
export async function startDev({ configFile, persistDir, probe, vars }) {
  const log = openSync(join(persistDir, "wrangler.log"), "a");
  try {
    const { base, child, stop } = await startWorker({
      port: await freePort(),
      persistTo: persistDir,
      vars,
      stdio: ["ignore", log, log],
      args: [
        "-c",
        configFile,
        "--inspector-port",
        String(await freePort()),
        "--show-interactive-dev-session=false",
      ],
      probe,
    });
    return { url: base, pid: /** @type {number} */ (child.pid), stop };
  } catch (error) {
    throw new Error(`wrangler dev -c ${configFile}: see ${join(persistDir, "wrangler.log")}`, {
      cause: error,
    });
  } finally {
    closeSync(log);
  }
}
