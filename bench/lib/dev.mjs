// The Worker and the floor Worker under `wrangler dev` (`npm run bench -- --floor --dev`): the frame a
// developer runs locally, where each request also crosses wrangler's proxy and, for ours, the assets
// router (`run_worker_first`), and each console.log is relayed to wrangler's Node process through
// the V8 inspector. Both start on persistence seeded beforehand by Miniflare (`wrangler dev
// --persist-to <dir>` reads `<dir>/v3`, which is where the seeding Miniflare wrote).
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { OFFLINE_ENV, ROOT, WRANGLER } from "./proc.mjs";

const UNLIMITED = 1_000_000_000;

/** A port nothing listens on at 127.0.0.1 now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

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
 * `wrangler dev -c <configFile> --persist-to <persistDir>` on free ports, ready once `probe` answers
 * 2xx. Its output is read and dropped (kept for the error when it does not start).
 * @param {object} options
 * @param {string} options.configFile
 * @param {string} options.persistDir
 * @param {string} options.probe a path that answers 2xx once the Worker runs
 * @param {Record<string, string>} [options.vars] `--var` pairs (the required secrets)
 * @param {Record<string, string>} [options.headers] the probe's headers
 */
export async function startDev({ configFile, persistDir, probe, vars = {}, headers = {} }) {
  const port = await freePort();
  const args = [
    WRANGLER,
    "dev",
    "-c",
    configFile,
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(await freePort()),
    "--persist-to",
    persistDir,
    "--show-interactive-dev-session=false",
    ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: OFFLINE_ENV,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (/** @type {Buffer} */ chunk) => {
    if (output.length < 20_000) output += chunk;
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
      child.once("exit", resolve);
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const response = await fetch(`${url}${probe}`, { headers });
      if (response.ok) return { url, pid: /** @type {number} */ (child.pid), stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`wrangler dev -c ${configFile} did not answer ${probe}:\n${output}`);
}
