// The Worker's static assets (wrangler.toml [assets], directory assets/): the reference UI that
// /docs loads, copied from the pinned @scalar/api-reference devDependency, and the design notes
// (docs/*.md) as the HTML pages of /docs/guides/, rendered by scripts/guides.mjs. assets/ is built,
// not committed: the versions and their integrity hashes live in package.json and package-lock.json
// only. Run by `npm install` (prepare), vitest.config.ts, scripts/local.mjs (dev, e2e, bench:no-loss,
// bench:webhooks), bench/lib/proc.mjs (npm run bench) and before `npm run build` / `npm run openapi`,
// since wrangler refuses to start without the directory; each run writes only what changed.
// `node scripts/assets.mjs` builds it by hand.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GUIDES_PATH, renderGuides } from "./guides.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const scalar = join(root, "node_modules/@scalar/api-reference");

/** The files assets/ holds as copies: its path there (= its URL path) ← the file it is copied from. */
export const ASSET_FILES = {
  // The standalone browser build (MIT): one self-contained script (no chunks, no eval), which
  // defines window.Scalar and injects its own styles.
  "docs/scalar/standalone.js": join(scalar, "dist/browser/standalone.js"),
  // The guide pages' one stylesheet (their policy allows no inline style).
  [`${GUIDES_PATH}/guides.css`]: join(root, "scripts/guides.css"),
};

/**
 * Writes `contents` to assets/<path> unless it holds them already; true if it wrote.
 * @param {string} path
 * @param {Buffer} contents
 */
function writeAsset(path, contents) {
  const to = join(root, "assets", path);
  let current;
  try {
    current = readFileSync(to);
  } catch {
    // not built yet
  }
  if (current?.equals(contents)) return false;
  mkdirSync(dirname(to), { recursive: true });
  // Written aside and renamed, so a wrangler dev or vitest starting meanwhile never reads half a file.
  const partial = `${to}.${process.pid}.partial`;
  writeFileSync(partial, contents);
  renameSync(partial, to);
  return true;
}

/** Writes assets/ from node_modules and docs/; true if a file changed. */
export function buildAssets() {
  const files = new Map();
  for (const [path, from] of Object.entries(ASSET_FILES)) {
    try {
      files.set(path, readFileSync(from));
    } catch {
      throw new Error(`${from} is missing: run \`npm install\` (assets/${path} is copied from it)`);
    }
  }
  const guides = renderGuides(root);
  for (const [path, html] of Object.entries(guides.files)) files.set(path, Buffer.from(html));
  for (const problem of new Set(guides.problems)) console.warn(`assets/: ${problem}`);

  let changed = false;
  for (const [path, contents] of files) changed = writeAsset(path, contents) || changed;
  // A page whose docs/*.md is gone goes too (another run's half-written file stays).
  for (const file of readdirSync(join(root, "assets", GUIDES_PATH))) {
    const path = `${GUIDES_PATH}/${file}`;
    if (files.has(path) || file.endsWith(".partial")) continue;
    rmSync(join(root, "assets", path), { force: true });
    changed = true;
  }
  return changed;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(buildAssets() ? "assets/: written" : "assets/: up to date");
}
