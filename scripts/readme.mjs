// `npm run test:readme`: every shell example of README.md (then of docs/catalogue.md, which goes on
// with the same variables), run as a reader would run it against a fresh `npm run dev`. A fresh local state (a temporary --persist-to), the org, keys and demo
// products `npm run dev` makes, then each fenced `sh` block in order, each command through bash in
// a scratch directory holding the `.dev.vars` the README reads ADMIN_TOKEN from:
//   - a placeholder (`prod_…`, `img_…`, `we_…`, `key_…`, `org_…`, `sk_…`, `pk_…`, `<next_cursor>`)
//     is filled from the answers before it, as a reader copies ids: the first id of that kind in
//     the latest write's answer (what the reader made last), else in the latest read's answer;
//     `sk_…`, `pk_…` and `org_…` start as what `npm run dev` printed;
//   - a `curl` must state its status in a comment (`# → 201`) and answer exactly that;
//   - any other command must exit 0; one ending in `&` runs in the background until the end;
//   - `http://127.0.0.1:8787` is the Worker's port here.
// A block right after `<!-- readme: not run: why -->` is skipped, and listed with the reason.
// Ends with `readme: N passed, N failed`; exits non-zero if any command failed.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedDemo } from "../examples/storefront/seed.mjs";
import { createShop, freePort, migrate, startWorker } from "./local.mjs";

/** What the README tells a reader to allow before the local receiver example. */
const ALLOWED_HOSTS = "127.0.0.1:9000";

/** The documents whose `sh` blocks are run, in this order. */
const DOCUMENTS = ["README.md", "docs/catalogue.md"];

/**
 * A document's `sh` blocks: their text, the line they start on, and why one is not run.
 * @param {string} file
 * @param {string} markdown
 * @returns {{ where: string, text: string, skip: string | undefined }[]}
 */
export function shellBlocks(file, markdown) {
  const blocks = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (/** @type {string} */ (lines[i]).trim() !== "```sh") continue;
    let before = i - 1;
    while (before >= 0 && /** @type {string} */ (lines[before]).trim() === "") before--;
    const skip = /^<!-- readme: not run: (.*) -->$/.exec(lines[before]?.trim() ?? "")?.[1];
    const start = i + 1;
    while (i + 1 < lines.length && /** @type {string} */ (lines[i + 1]).trim() !== "```") i++;
    blocks.push({ where: `${file}:${start + 1}`, text: lines.slice(start, i + 1).join("\n"), skip });
    i++;
  }
  return blocks;
}

/**
 * A block's commands: a line, the lines its `\` continues onto, and lines inside an open quote.
 * @param {string} text
 */
export function commandsOf(text) {
  const commands = [];
  /** @type {string[]} */
  let current = [];
  /** @param {string[]} lines */
  const quotesOpen = (lines) => {
    const code = lines.map((line) => line.replace(/\s#\s.*$/, "")).join("\n");
    return (code.match(/'/g) ?? []).length % 2 === 1;
  };
  for (const line of text.split("\n")) {
    if (current.length === 0 && (line.trim() === "" || line.trim().startsWith("#"))) continue;
    current.push(line);
    if (/\\\s*$/.test(line) || quotesOpen(current)) continue;
    commands.push(current.join("\n"));
    current = [];
  }
  if (current.length > 0) commands.push(current.join("\n"));
  return commands;
}

const PLACEHOLDER = /\b(prod|img|we|key|org|evt|sk|pk)_…|<next_cursor>/g;
const ID = /^(prod|img|we|key|org|evt)_[0-9A-Za-z]{26}$/;

/**
 * Records the first id of each kind an answer holds in `filled`, and its `next_cursor`.
 * @param {Record<string, string>} filled placeholder → value
 * @param {unknown} body an answer's JSON
 */
function remember(filled, body) {
  const seen = new Set();
  /** @param {unknown} value */
  const walk = (value) => {
    if (typeof value === "string") {
      const kind = ID.exec(value)?.[1];
      if (kind && !seen.has(kind)) {
        seen.add(kind);
        filled[`${kind}_…`] = value;
      }
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(body);
  const cursor = /** @type {{ next_cursor?: unknown } | undefined} */ (body)?.next_cursor;
  if (typeof cursor === "string") filled["<next_cursor>"] = cursor;
}

/**
 * The JSON of an answer curl printed (headers first with -i), or undefined.
 * @param {string} output
 * @returns {unknown}
 */
function jsonOf(output) {
  const body = output.startsWith("HTTP/")
    ? output
        .split(/\r?\n\r?\n/)
        .slice(1)
        .join("\n\n")
    : output;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

async function main() {
  const blocks = DOCUMENTS.flatMap((file) => shellBlocks(file, readFileSync(file, "utf8")));
  const persistTo = mkdtempSync(join(tmpdir(), "readme-state-"));
  const work = mkdtempSync(join(tmpdir(), "readme-work-"));
  const adminToken = randomBytes(24).toString("hex");
  writeFileSync(join(work, ".dev.vars"), `ADMIN_TOKEN=${adminToken}\n`);
  const port = await freePort();
  migrate(persistTo);
  const worker = await startWorker({
    port,
    persistTo,
    vars: { ADMIN_TOKEN: adminToken, IMAGE_FETCH_ALLOWED_HOSTS: ALLOWED_HOSTS },
    stdio: "ignore",
  });
  const background = [];
  let passed = 0;
  let failed = 0;
  try {
    const shop = await createShop(worker.base, adminToken, {
      name: "Local development",
      origins: [`http://127.0.0.1:${port + 1}`],
    });
    await seedDemo(worker.base, shop.key);
    /** @type {Record<string, string>} */
    const written = { "sk_…": shop.key, "pk_…": shop.publishable_key, "org_…": shop.org_id };
    /** @type {Record<string, string>} */
    const read = {};
    /** @param {string} placeholder */
    const fill = (placeholder) => written[placeholder] ?? read[placeholder];
    // A function, so that `curl` in any command prints its status last.
    const prelude = `curl() { command curl -sS -w '\\n%{http_code}' "$@"; }\n`;
    let assignments = "";
    for (const block of blocks) {
      if (block.skip) {
        console.log(`${block.where}: not run (${block.skip})`);
        continue;
      }
      console.log(block.where);
      for (const raw of commandsOf(block.text)) {
        const shown = /** @type {string} */ (raw.split("\n")[0]).slice(0, 110);
        const missing = [...raw.matchAll(PLACEHOLDER)].map((m) => m[0]).filter((p) => !fill(p));
        if (missing.length > 0) {
          failed++;
          console.log(`  ✗ ${shown}\n    nothing earlier to fill ${missing.join(", ")} from`);
          continue;
        }
        // every placeholder is filled (checked just above)
        const command = raw
          .replace(PLACEHOLDER, /** @type {(placeholder: string) => string} */ (fill))
          .replaceAll("http://127.0.0.1:8787", worker.base);
        if (/^[A-Z_]+=/.test(command)) {
          assignments += `export ${command}\n`;
          continue;
        }
        const script = `${prelude}${assignments}${command}`;
        if (/&\s*(#.*)?$/.test(command)) {
          background.push(spawn("bash", ["-c", script], { cwd: work, stdio: "ignore", detached: true }));
          await new Promise((resolve) => setTimeout(resolve, 500));
          continue;
        }
        const result = spawnSync("bash", ["-c", script], { cwd: work, encoding: "utf8", timeout: 30_000 });
        const stated = /#\s*→\s*(\d{3})\b/.exec(raw)?.[1];
        const isCurl = /^curl\s/.test(command);
        const output = result.stdout.trimEnd();
        const status = isCurl ? output.slice(output.lastIndexOf("\n") + 1) : String(result.status);
        const answer = isCurl ? output.slice(0, Math.max(0, output.lastIndexOf("\n"))) : output;
        const expected = isCurl ? stated : "0";
        const isWrite = /\s-X\s*(POST|PUT|PATCH|DELETE)\b|\s(-d|--data-binary)\s/.test(command);
        if (isCurl && status.startsWith("2")) remember(isWrite ? written : read, jsonOf(answer));
        if (expected !== undefined && status === expected) {
          passed++;
          console.log(`  ✓ ${isCurl ? status : "exit 0"}  ${shown}`);
        } else {
          failed++;
          const why =
            expected === undefined ? "states no status (# → NNN)" : `expected ${expected}, got ${status}`;
          console.log(`  ✗ ${shown}\n    ${why}\n    ${`${answer}${result.stderr}`.slice(0, 600)}`);
        }
      }
    }
  } finally {
    for (const child of background) {
      try {
        process.kill(-(/** @type {number} */ (child.pid)), "SIGKILL");
      } catch {
        // already gone
      }
    }
    await worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`readme: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
