// The kinds of case the sweep is made of (same: B's values against ghosts; cursor: a cursor of B's;
// created: a create in A's org carrying B's values) and the shorthands the case lists build probes
// with (sk / pk: A's secret or publishable key; orgOf: an Org-Id header; png: an image body).
import { expect } from "vitest";
import { bytesOf, IMAGES } from "../../fixtures/images";
import { call, expectNoBItems, expectNoMarkers, normal, send, toGhost } from "./judge";
import { type Answer, type Json, type Names, type Probe, state } from "./model";

/** `writesA`: the case creates data of A's that carries B's values A sent (see SWEEP). */
export type Case = { op: string; label: string; run: () => Promise<void>; writesA?: boolean };

/**
 * The probe with B's values, then with the ghosts': same status (one of `statuses`), same body once
 * B's values are swapped for the ghosts', and no B string in either.
 */
export function same(
  op: string,
  label: string,
  build: (n: Names) => Probe,
  statuses: number[],
  options: { list?: boolean } = {},
): Case {
  return {
    op,
    label,
    run: async () => {
      const real = await send(build(state.B));
      const ghost = await send(build(state.G));
      const where = `${op} ${label}`;
      expect(statuses, `${where}: ${real.status} ${real.text}`).toContain(real.status);
      expect(ghost.status, `${where}: B's values answered ${real.status}, unknown ones ${ghost.status}`).toBe(
        real.status,
      );
      const swapped = toGhost(real.text);
      expect(normal(swapped), `${where}: B's values and unknown ones answered differently`).toEqual(
        normal(ghost.text),
      );
      expectNoMarkers(swapped, where);
      expectNoMarkers(ghost.text, `${where} (ghost)`);
      if (options.list && real.status === 200) expectNoBItems(real.text, where);
    },
  };
}

/**
 * A list with a cursor taken from B's listing: it cannot be compared with a ghost cursor (a cursor is a
 * position, and another position may page A's items differently); it must show no B item and no B string.
 */
export function cursor(op: string, label: string, build: (n: Names) => Probe, statuses: number[]): Case {
  return {
    op,
    label,
    run: async () => {
      const probe = build(state.B);
      const answer = await send(probe);
      const where = `${op} ${label}`;
      expect(statuses, `${where}: ${answer.status} ${answer.text}`).toContain(answer.status);
      expectNoMarkers(answer.text, where);
      if (answer.status === 200) expectNoBItems(answer.text, where);
    },
  };
}

/**
 * A create in A's org whose body carries B's values: 201, A's, not B's resource, and only the B
 * strings A sent itself in the body. Then it is deleted (not counted as a probe).
 */
export function created(
  op: string,
  label: string,
  build: (n: Names) => Probe,
  check: (body: Json, answer: Answer) => void,
  remove: (body: Json) => string,
  /** What the create answers: 201, or 200 for a dialect whose vendor documents 200 (Trata). */
  status = 201,
): Case {
  return {
    op,
    label,
    writesA: true,
    run: async () => {
      const probe = build(state.B);
      const answer = await send(probe);
      const where = `${op} ${label}`;
      expect(answer.status, `${where}: ${answer.text}`).toBe(status);
      const sent = JSON.stringify(probe);
      expectNoMarkers(
        answer.text,
        where,
        state.markers.filter((marker) => sent.includes(marker)),
      );
      const body = JSON.parse(answer.text) as Json;
      expect(state.bIds.has(String(body.id)), where).toBe(false);
      check(body, answer);
      await call(await state.aSecret.take(), remove(body), { method: "DELETE" });
    },
  };
}

export const sk = (method: string, path: string, extra: Partial<Probe> = {}): Probe => ({
  method,
  path,
  cred: "sk",
  ...extra,
});
export const pk = (method: string, path: string, extra: Partial<Probe> = {}): Probe => ({
  method,
  path,
  cred: "pk",
  ...extra,
});
export const orgOf = (n: Names) => ({ "Org-Id": n.org });
export const png = () => ({ body: bytesOf(IMAGES.png), headers: { "Content-Type": "image/png" } });
