// The reference data (currencies), the event log and the webhook endpoints with their deliveries:
// B's event, endpoint and delivery ids, B's receiver url, B's Org-Id and A's publishable key.
import { expect } from "vitest";
import { type Case, created, cursor, orgOf, pk, same, sk } from "../generators";
import { state } from "../model";

export const WEBHOOK_EVENT_CASES: Case[] = [
  // GET /v1/currencies: reference data, read by any valid key; it reads no org's data, but an Org-Id
  // the key lacks is 403 there too (the contract: "Org-Id naming another org on a one-org key is 403").
  same("GET /v1/currencies", "A's key", () => sk("GET", "/v1/currencies"), [200]),
  same("GET /v1/currencies", "Org-Id of B", (n) => sk("GET", "/v1/currencies", { headers: orgOf(n) }), [403]),
  same(
    "GET /v1/currencies",
    "publishable key, Org-Id of B",
    (n) => pk("GET", "/v1/currencies", { headers: orgOf(n) }),
    [403],
  ),

  // GET /v1/events
  same("GET /v1/events", "Org-Id of B", (n) => sk("GET", "/v1/events", { headers: orgOf(n) }), [403]),
  same("GET /v1/events", "publishable key", () => pk("GET", "/v1/events"), [403]),
  same("GET /v1/events", "100 newest", () => sk("GET", "/v1/events?limit=100"), [200], { list: true }),
  same(
    "GET /v1/events",
    "type product.created",
    () => sk("GET", "/v1/events?type=product.created&limit=100"),
    [200],
    {
      list: true,
    },
  ),
  cursor(
    "GET /v1/events",
    "cursor: B's newest event",
    (n) => sk("GET", `/v1/events?cursor=${n.evtLast}&limit=100`),
    [200, 400],
  ),

  // GET /v1/events/{id}
  same("GET /v1/events/{id}", "B's first event", (n) => sk("GET", `/v1/events/${n.evtFirst}`), [404]),
  same("GET /v1/events/{id}", "B's last event", (n) => sk("GET", `/v1/events/${n.evtLast}`), [404]),
  same("GET /v1/events/{id}", "publishable key", (n) => pk("GET", `/v1/events/${n.evtLast}`), [403]),
  same(
    "GET /v1/events/{id}",
    "Org-Id of B on A's event",
    (n) => sk("GET", `/v1/events/${state.A.event}`, { headers: orgOf(n) }),
    [403],
  ),

  // POST /v1/webhook_endpoints
  same(
    "POST /v1/webhook_endpoints",
    "Org-Id of B",
    (n) => sk("POST", "/v1/webhook_endpoints", { headers: orgOf(n), body: { url: n.url, events: ["*"] } }),
    [403],
  ),
  same(
    "POST /v1/webhook_endpoints",
    "publishable key",
    (n) => pk("POST", "/v1/webhook_endpoints", { body: { url: n.url, events: ["*"] } }),
    [403],
  ),
  created(
    "POST /v1/webhook_endpoints",
    "B's url: A's own endpoint with its own secret",
    (n) =>
      sk("POST", "/v1/webhook_endpoints", { body: { url: n.url, events: ["*"], description: "A probe" } }),
    (body) => {
      expect(body.id).not.toBe(state.B.we);
      expect(body.secret).not.toBe(state.bEndpointSecret);
      expect(body.url).toBe(state.B.url);
    },
    (body) => `/v1/webhook_endpoints/${String(body.id)}`,
  ),

  // GET /v1/webhook_endpoints
  same(
    "GET /v1/webhook_endpoints",
    "Org-Id of B",
    (n) => sk("GET", "/v1/webhook_endpoints", { headers: orgOf(n) }),
    [403],
  ),
  same("GET /v1/webhook_endpoints", "publishable key", () => pk("GET", "/v1/webhook_endpoints"), [403]),
  same("GET /v1/webhook_endpoints", "A's endpoints", () => sk("GET", "/v1/webhook_endpoints"), [200], {
    list: true,
  }),

  // GET /v1/webhook_endpoints/{id}
  same(
    "GET /v1/webhook_endpoints/{id}",
    "B's endpoint",
    (n) => sk("GET", `/v1/webhook_endpoints/${n.we}`),
    [404],
  ),
  same(
    "GET /v1/webhook_endpoints/{id}",
    "publishable key",
    (n) => pk("GET", `/v1/webhook_endpoints/${n.we}`),
    [403],
  ),
  same(
    "GET /v1/webhook_endpoints/{id}",
    "Org-Id of B on A's endpoint",
    (n) => sk("GET", `/v1/webhook_endpoints/${state.A.we}`, { headers: orgOf(n) }),
    [403],
  ),

  // DELETE /v1/webhook_endpoints/{id}
  same(
    "DELETE /v1/webhook_endpoints/{id}",
    "B's endpoint",
    (n) => sk("DELETE", `/v1/webhook_endpoints/${n.we}`),
    [404],
  ),
  same(
    "DELETE /v1/webhook_endpoints/{id}",
    "publishable key",
    (n) => pk("DELETE", `/v1/webhook_endpoints/${n.we}`),
    [403],
  ),
  same(
    "DELETE /v1/webhook_endpoints/{id}",
    "Org-Id of B on A's endpoint",
    (n) => sk("DELETE", `/v1/webhook_endpoints/${state.A.we}`, { headers: orgOf(n) }),
    [403],
  ),

  // GET /v1/webhook_endpoints/{id}/deliveries
  same(
    "GET /v1/webhook_endpoints/{id}/deliveries",
    "B's endpoint",
    (n) => sk("GET", `/v1/webhook_endpoints/${n.we}/deliveries`),
    [404],
  ),
  same(
    "GET /v1/webhook_endpoints/{id}/deliveries",
    "B's endpoint, cursor of B's delivery",
    (n) => sk("GET", `/v1/webhook_endpoints/${n.we}/deliveries?cursor=${n.del}`),
    [404],
  ),
  cursor(
    "GET /v1/webhook_endpoints/{id}/deliveries",
    "A's endpoint, cursor of B's delivery",
    (n) => sk("GET", `/v1/webhook_endpoints/${state.A.we}/deliveries?cursor=${n.del}&limit=100`),
    [200, 400],
  ),
  same(
    "GET /v1/webhook_endpoints/{id}/deliveries",
    "publishable key",
    (n) => pk("GET", `/v1/webhook_endpoints/${n.we}/deliveries`),
    [403],
  ),
  same(
    "GET /v1/webhook_endpoints/{id}/deliveries",
    "Org-Id of B on A's endpoint",
    (n) => sk("GET", `/v1/webhook_endpoints/${state.A.we}/deliveries`, { headers: orgOf(n) }),
    [403],
  ),
];
