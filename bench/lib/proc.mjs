// Child processes: wrangler through the Node that runs this script (Node 22), offline.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildAssets } from "../../scripts/assets.mjs";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const WRANGLER = fileURLToPath(
  new URL("../../node_modules/wrangler/bin/wrangler.js", import.meta.url),
);

/** The environment for anything that runs wrangler, miniflare or workerd: no metrics, no Request.cf download. */
export const OFFLINE_ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NO_COLOR: "1",
  FORCE_COLOR: "0",
};

/**
 * @typedef {object} RunOptions
 * @property {number} [timeoutMs]
 * @property {string} [cwd]
 * @property {NodeJS.ProcessEnv} [env]
 */

/**
 * Runs a command to completion (killed after `timeoutMs`); resolves with its exit code and output.
 * @param {string} command
 * @param {string[]} args
 * @param {RunOptions} [options]
 * @returns {Promise<{ code: number, signal: NodeJS.Signals | null, stdout: string, stderr: string }>}
 */
export function run(command, args, { timeoutMs = 120_000, cwd = ROOT, env = OFFLINE_ENV } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), signal, stdout, stderr });
    });
  });
}

/**
 * Runs wrangler with the given arguments; throws with its output when it fails.
 * @param {string[]} args
 * @param {RunOptions} [options]
 */
export async function wrangler(args, options) {
  buildAssets(); // wrangler.toml's [assets] directory, which every wrangler command here reads
  const result = await run(process.execPath, [WRANGLER, ...args], options);
  if (result.code !== 0) {
    throw new Error(
      `wrangler ${args.join(" ")} failed (${result.code}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}

/**
 * On the first SIGINT or SIGTERM: logs it, runs `release` (the script's orderly cleanup), then exits 130.
 * @param {(message: string) => void} log
 * @param {() => Promise<unknown>} release
 */
export function releaseOnSignal(log, release) {
  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      log(`${signal}: stopping`);
      release().finally(() => process.exit(130));
    });
  }
}
