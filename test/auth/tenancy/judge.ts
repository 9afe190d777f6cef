// How a probe is sent (with A's keys, counted) and how an answer is judged: B's values swapped for
// the ghosts', bodies compared without the request id, no B string in a body, no B item in a list.
// `call` is the plain request the setup and the checks use (not a probe).
import { expect } from "vitest";
import { api } from "../../helpers";
import { A_ORIGIN, type Answer, type Json, type Names, type Probe, state, stats } from "./model";

/** A probe of the sweep (counted in the summary). */
export async function send(probe: Probe): Promise<Answer> {
  const headers: Record<string, string> = { ...probe.headers };
  if (probe.cred === "pk") headers.Origin ??= A_ORIGIN;
  const key =
    probe.cred === "sk"
      ? await state.aSecret.take()
      : probe.cred === "pk"
        ? await state.aPublishable.take()
        : null;
  const body = probe.body;
  const response = await api(probe.path, { method: probe.method, headers, body, key, redirect: "manual" });
  const text = await response.text();
  stats.requests += 1;
  stats.byStatus[response.status] = (stats.byStatus[response.status] ?? 0) + 1;
  return { status: response.status, text, headers: response.headers };
}

/** A setup or verification request (not a probe): must answer `status`. */
export async function call(
  key: string | null,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  status = 200,
) {
  const response = await api(path, { ...init, key });
  const text = await response.text();
  expect(response.status, `${init.method ?? "GET"} ${path}: ${text}`).toBe(status);
  return { body: (text ? JSON.parse(text) : undefined) as Json, headers: response.headers, text };
}

/** B's values replaced by the ghosts' (longest first, so a slug goes before the word inside it). */
export function toGhost(text: string): string {
  const pairs = (Object.keys(state.B) as (keyof Names)[])
    .map((name) => [state.B[name], state.G[name]] as const)
    .sort((x, y) => y[0].length - x[0].length);
  let out = text;
  for (const [real, ghost] of pairs) out = out.replaceAll(real, ghost);
  return out;
}

export function normal(text: string): unknown {
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === "object" && "request_id" in body) {
      const { request_id: _requestId, ...rest } = body as Json;
      return rest;
    }
    return body;
  } catch {
    return text;
  }
}

export function expectNoMarkers(text: string, where: string, allowed: string[] = []) {
  for (const marker of state.markers) {
    if (allowed.includes(marker)) continue;
    expect(text.includes(marker), `${where}: the body contains B's '${marker}': ${text.slice(0, 600)}`).toBe(
      false,
    );
  }
}

/** A list answer: no item of B's, every org-owned item A's. */
export function expectNoBItems(text: string, where: string) {
  const body = JSON.parse(text) as { object: string; data: Json[] };
  expect(body.object, where).toBe("list");
  for (const item of body.data) {
    expect(state.bIds.has(String(item.id)), `${where}: lists B's ${String(item.id)}`).toBe(false);
    if ("org_id" in item) expect(item.org_id, where).toBe(state.A.org);
    const inner = (item.data as { object?: Json } | undefined)?.object;
    if (inner) {
      expect(state.bIds.has(String(inner.id)), `${where}: lists B's ${String(inner.id)}`).toBe(false);
      expect(inner.org_id, where).toBe(state.A.org);
    }
    if (typeof item.event_id === "string") expect(state.bIds.has(item.event_id), where).toBe(false);
  }
}
