// Bundle size (gzip of the minified dry-run output) and startup time (`wrangler check startup`,
// which profiles the Worker's module evaluation locally in workerd, offline).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { wrangler } from "./proc.mjs";
import { buildBundle } from "./worker.mjs";

/** @import { Profiler } from "node:inspector" */

/** @param {string} outdir */
export async function bundleSize(outdir) {
  const { file } = await buildBundle(outdir, { minify: true });
  const minified = readFileSync(file);
  const gzip = gzipSync(minified, { level: 9 }).length;
  return { minified_bytes: minified.length, gzip_bytes: gzip, gzip_kib: Number((gzip / 1024).toFixed(1)) };
}

/**
 * @param {string} label
 * @param {string} text
 */
const MS = (label, text) => {
  const match = new RegExp(`${label}:\\s*([\\d.]+)\\s*ms`).exec(text);
  return match ? Number(match[1]) : null;
};

/**
 * Sums a V8 .cpuprofile's sample time by kind: idle, garbage collection, everything else.
 * @param {string} file
 */
function profileTimes(file) {
  // what `wrangler check startup` writes has samples and timeDeltas (µs)
  const profile = /** @type {Required<Profiler.Profile>} */ (JSON.parse(readFileSync(file, "utf8")));
  const names = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]));
  let idle = 0;
  let gc = 0;
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = (profile.timeDeltas[index] ?? 0) / 1000;
    total += delta;
    if (names.get(id) === "(idle)") idle += delta;
    if (names.get(id) === "(garbage collector)") gc += delta;
  });
  return {
    window_ms: (profile.endTime - profile.startTime) / 1000,
    active_ms: total - idle,
    gc_ms: gc,
  };
}

/**
 * `wrangler check startup --args=--minify`: builds the minified Worker, evaluates it in a local
 * workerd under the CPU profiler and reports the startup phase. Works offline.
 * @param {string} outdir
 */
export async function startupTime(outdir) {
  const outfile = join(outdir, "startup.cpuprofile");
  const { stdout, stderr } = await wrangler(["check", "startup", "--args=--minify", "--outfile", outfile]);
  const text = `${stdout}\n${stderr}`;
  const fromProfile = profileTimes(outfile);
  const active = MS("Active", text) ?? Number(fromProfile.active_ms.toFixed(1));
  const gcMatch = /including ([\d.]+) ms garbage collection/.exec(text);
  return {
    method: "wrangler check startup --args=--minify (local workerd CPU profile of the startup phase)",
    active_ms: active,
    gc_ms: gcMatch ? Number(gcMatch[1]) : Number(fromProfile.gc_ms.toFixed(1)),
    profile_window_ms: MS("Profile window", text) ?? Number(fromProfile.window_ms.toFixed(1)),
  };
}
