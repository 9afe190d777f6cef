// The Worker's static assets (wrangler.toml [assets], directory assets/): the reference UI that
// /docs loads, copied from the pinned @scalar/api-reference devDependency. assets/ is built, not
// committed: the version and its integrity hash live in package.json and package-lock.json only.
// Run by `npm install` (prepare), vitest.config.ts, scripts/local.mjs (dev, e2e, bench:no-loss,
// bench:webhooks), bench/lib/proc.mjs (npm run bench) and before `npm run build` / `npm run openapi`,
// since wrangler refuses to start without the directory; each run copies only what changed.
// `node scripts/assets.mjs` builds it by hand.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const scalar = join(root, "node_modules/@scalar/api-reference");

/** What assets/ holds: its path there (= its URL path) ← the file it is copied from. */
export const ASSET_FILES = {
  // The standalone browser build (MIT): one self-contained script (no chunks, no eval), which
  // defines window.Scalar and injects its own styles.
  "docs/scalar/standalone.js": join(scalar, "dist/browser/standalone.js"),
};

/** Writes assets/ from node_modules; true if a file changed. */
export function buildAssets() {
  let changed = false;
  for (const [path, from] of Object.entries(ASSET_FILES)) {
    let source;
    try {
      source = readFileSync(from);
    } catch {
      throw new Error(`${from} is missing: run \`npm install\` (assets/${path} is copied from it)`);
    }
    const to = join(root, "assets", path);
    let current;
    try {
      current = readFileSync(to);
    } catch {
      // not built yet
    }
    if (current?.equals(source)) continue;
    mkdirSync(dirname(to), { recursive: true });
    // Written aside and renamed, so a wrangler dev or vitest starting meanwhile never reads half a file.
    const partial = `${to}.${process.pid}.partial`;
    writeFileSync(partial, source);
    renameSync(partial, to);
    changed = true;
  }
  return changed;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(buildAssets() ? "assets/: written" : "assets/: up to date");
}
