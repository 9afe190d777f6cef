/** The prose of the OpenAPI document: what /docs shows above the reference. Keep it true. */
export const API_DESCRIPTION = (limits: { versions: readonly string[]; maxJsonBytes: number }) => `
The product catalogue API. JSON in and out, \`snake_case\`, money as integer minor units
(1299 = 12.99 USD), timestamps RFC 3339 UTC with milliseconds, ids prefixed ULIDs (\`prod_…\`).

## Guides
How the API behaves beyond the shapes below, and why: the design notes, as [guides](/docs/guides/).
- [Products](/docs/guides/products.html): defaults, normalisation, merge patches, lists, slugs,
  variants, related products, inventory, scans and time windows.
- [Catalogue examples](/docs/guides/catalogue.html): request bodies for the fields beyond name and price.
- [Images](/docs/guides/images.html): URLs and uploads, the URL rules, what is stored, how it is served.
- [Idempotency and reading your writes](/docs/guides/idempotency.html): safe retries, reads that see a write.
- [Storefront](/docs/guides/storefront.html): what a shop page reads with a publishable key: CORS,
  visibility, projection, locale, slugs, caching.
- [Events and webhooks](/docs/guides/events.html): which writes make events, delivery and retries, signatures.
- [Limits, errors, keys and routing](/docs/guides/limits.html): how the limits are enforced, what comes first.
- [Seed dialects](/docs/guides/compat.html): the Trata, Wethod, Awardee and Tamio APIs served as their
  vendors document them, under \`/compat/trata\`, \`/compat/wethod\`, \`/compat/awardee\` and
  \`/compat/tamio\`, over the same products; how each field maps.
- [The OpenAPI document](/docs/guides/openapi.html): what this document says, and the choices behind it.
- [Architecture](/docs/guides/architecture.html): where things are, how a request flows, what D1 holds,
  what checks it.
- [Benchmarks](/docs/guides/benchmarks.html): throughput and latency under local Miniflare, commit by commit.

## Authentication and tenants
\`Authorization: Bearer sk_…\`. Keys carry scopes (\`product.read\`, \`product.edit\` which implies read,
\`webhook.manage\`, \`storefront.read\`) and one or more orgs. A key with several orgs names one in
\`Org-Id\`; without it the request is \`400 org_required\`. Another org's ids answer \`404\`.
A revoked key stops working within a second (each isolate keeps a key it checked for at most 1 s).
Publishable keys (\`pk_…\`) have only \`storefront.read\` and are refused (\`403\`) everywhere else but
\`GET /v1/currencies\`, which any key may read.

## Storefront
\`GET /v1/storefront/products\` and \`GET /v1/storefront/products/{id_or_slug}\` are what a shop page
reads with a publishable key: only active, visible products inside their availability window, in a
public projection (no costs, props, agent ids, org, authors or stock quantities), in one locale:
\`?locale=\`, else \`Accept-Language\` (q-values honoured), else the product's \`default_locale\`, named in
\`Content-Language\`. A locale is matched by language and script, its likely subtags filled in
(\`zh-HK\` finds \`zh-TW\` or \`zh-Hant\`, never \`zh-CN\`), the closest region first; \`no\` is \`nb\`,
and \`nn\` falls back to \`nb\`/\`no\`. A slug of any of the product's locales finds it (so a link
works without \`?locale=\`), shown in the locale picked, else in the slug's own. Answers carry a
strong \`ETag\` (\`304\` on \`If-None-Match\`), \`Cache-Control: public, max-age=60, stale-while-revalidate=600\`
(shorter before an availability or novelty boundary), \`Cache-Tag\` and
\`Vary: Accept-Language, Authorization, Org-Id, Origin\`: the edge cache keeps them, and every write
purges what it changed. Every other answer is \`Cache-Control: private, no-store\`. CORS: an origin some publishable key lists in
\`allowed_origins\` gets \`Access-Control-Allow-Origin\` (preflights included) here and on
\`/images/{id}\`; a request from a browser (\`Origin\`) must use a publishable key that lists its origin.

## Versions
\`API-Version: ${limits.versions.join(" | ")}\`; absent means the newest. Every response echoes the version used.

## Errors
One shape for every error: \`{key, message, failures?, request_id}\`. \`failures\` lists each failing
field of an \`invalid_data\` error by its path in the body (\`prices[0].currency\`) or its query parameter,
at most 100 of them: past that, the message says how many there were (\`… (the first 100 of 5000).\`).
An unknown path is \`404\` (paths are exact: \`/v1/products/\` is unknown), a method the path lacks \`405\`
with \`Allow\`, and \`OPTIONS\` \`204\` with \`Allow\` (a CORS preflight on the storefront and \`/images\`), all
before the key is checked.
Every response carries \`Request-Id\`; responses that read the database carry
\`Server-Timing: db;dur=…;desc="rows_read=… rows_written=…", total;dur=…\`.
Each operation lists, per status, the \`key\` values it can answer (\`Error.key\` is an enum), so a
client generated from this document can branch on \`error.key\`; a \`412\` is \`PreconditionFailure\`,
with \`current_version\`.

## This document
It is checked against every response of the API's test suite, and a client generated from it
(openapi-typescript, openapi-fetch) is compiled and run in CI. \`PATCH /v1/products/{id}\` takes
\`ProductPatch\`: every field optional, \`null\` resets any but \`name\` to its default. The read-only
fields of \`Product\` are declared \`readOnly\` on the write schemas, so a product as read can be sent
back. Request schemas name their defaults in the field's description.

## Idempotency
Send \`Idempotency-Key: <key>\` (1–255 printable ASCII characters, raw or as an RFC 8941 quoted string) on any
\`POST\` or \`PATCH\` to make a retry safe. Keys belong to the API key that sent them and live **24 hours from
first use**; after that the same key starts a new request. A retry with the same method, path, \`Org-Id\`,
\`API-Version\` and body (compared as canonical JSON: key order does not matter) gets the first response
again, byte for byte, with its status, \`Location\`, \`ETag\` and \`Request-Id\`, plus
\`Idempotent-Replayed: true\`. Any response is kept once the request was handled, errors included, except
those decided before it was (\`400 invalid_data\`, \`invalid_json\`, \`401\`, \`403\`, \`413\`, \`415\`, \`429\`):
correct the request and send it again with the same key. The same key with another request is
\`422 idempotency_key_reused\`; while the first request still runs, \`409 idempotency_key_in_use\` with
\`Retry-After: 1\`. Concurrent and retried requests with one key apply their write at most once (one
product, one adjustment, one scan, one image addition), even if the stored response was lost: such a
retry answers the state as it is now (\`404 not_found\` for a product or endpoint it made and that was
deleted since). See [Idempotency](/docs/guides/idempotency.html).

## Read your writes
When the database has read replicas, every response that touched it carries \`D1-Bookmark\`. Send
the last one you were given back as a \`D1-Bookmark\` request header and the request sees at least
what that response saw, even when a read replica serves it. Without replicas every request reads the
primary, which has every write, and a response carries a bookmark only when its request sent one.

## Concurrency
Every product has a \`version\` and a strong \`ETag: "<version>"\`. \`PUT\`, \`PATCH\` and \`DELETE\` honour
\`If-Match\` (\`412 precondition_failure\` with \`current_version\` when it does not match); \`GET\` honours
\`If-None-Match\` (\`304\`). Without \`If-Match\` the last write wins, and no write is ever half applied.

## Listing
\`GET /v1/products?limit=20\` returns \`{object: "list", data, has_more, next_cursor}\`; pass
\`cursor=<next_cursor>\` for the next page. Newest first; \`order=asc\` for oldest first. A search (\`q\`)
orders by when the product was first indexed, which is its creation order. Every list pages the same
way (\`limit\` 1–100, default 20, newest first): events, webhook endpoints and their deliveries, the
storefront, admin orgs. An operation takes only the query parameters it lists; any other is
\`invalid_data\` naming it.

## Images
Send \`image_urls\` (up to 10) on a create, \`PUT\` or \`PATCH\`, or \`{"image_urls": [...]}\` to
\`POST /v1/products/{id}/images\` (which also takes one image's raw bytes as \`Content-Type: image/…\`).
Each URL is fetched once, 4 at a time: \`https\` on port 443 only, no user info, no local or private
hosts or addresses (checked again at every redirect, at most 3), 10 s per URL, 10 MiB, and JPEG, PNG,
GIF, WebP or AVIF by its bytes (SVG is refused). A URL that fails does not fail the request: the answer
lists it in \`failed_image_urls\` and says why in \`image_errors: [{url, key, message}]\`, with \`key\` one
of \`fetch_failed\`, \`http_status\`, \`timeout\`, \`too_large\`, \`not_an_image\`, \`blocked_url\`,
\`too_many_redirects\`. The same bytes are stored once per product. Images are served without a key at
\`GET /images/{id}\`, immutable (\`ETag\` is their sha256), with \`Range\` support.

## Events and webhooks
Every product change writes an event in the same statement as the change: \`product.created\`,
\`product.updated\` (with \`data.changed_fields\`), \`product.deleted\`, \`product.low_stock\` (a change
takes the product's stock, or with \`tracking: "variant"\` a variant's, below \`low_stock_threshold\`
from at or above it; a new variant counts as above). The events of an inventory adjustment carry
\`data.adjustment: {delta, reason}\`. They are listed at \`GET /v1/events\` for 30 days.
\`POST /v1/webhook_endpoints\` subscribes a URL (the image URL rules apply) and answers its \`secret\`
once. Deliveries are signed as Standard Webhooks
(\`webhook-id\`, \`webhook-timestamp\`, \`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">\`
keyed by the secret's base64 part), time out after 10 s, and are retried on anything but a \`2xx\`
after 5, 10, 20 … 320 s, 8 attempts in all, then dead-lettered. Their state is kept in D1, and a
delivery lost in a crash is sent again by the per-minute cron, with the same \`webhook-id\`.
Every attempt is listed at \`GET /v1/webhook_endpoints/{id}/deliveries\`. Delivery is at least once: deduplicate by \`webhook-id\`.

## Rate limits
Each API key may make **100 requests per 10 seconds** (a publishable key: per key and client IP, as
every shopper's browser sends it). The admin API allows 60 requests a minute per client IP, counted
before the token is checked; the keyless \`/images\` and \`/s\` routes 1 000 per 10 seconds per client IP
together. A request to \`/v1\` whose key is missing, malformed, unknown or revoked counts against its
client IP: 100 such failures per 10 seconds, and past that the IP's requests with any key are
refused until the window ends. These are the defaults; an operator sets them in \`wrangler.toml\`.
Counting is per Cloudflare location.

Responses of a limited route carry \`RateLimit-Limit\`, \`RateLimit-Remaining\` (an estimate:
exact with one isolate, an upper bound with several) and \`RateLimit-Reset\` (seconds until the
window ends). Past the limit: \`429 rate_limited\` with \`Retry-After\`. A 429 happens before any
work and is never stored under an \`Idempotency-Key\`, so retry it with the same key.

## Limits
| what | limit |
|---|---|
| requests | per key 100 / 10 s; admin 60 / min per IP; \`/images\` and \`/s\` 1 000 / 10 s per IP; failed authentications 100 / 10 s per IP: \`429 rate_limited\` |
| JSON request body | ${limits.maxJsonBytes} bytes (1 MiB), counted while reading: \`413 payload_too_large\` |
| page size (\`limit\`) | 1 – 100, default 20 |
| \`name\` | 1 – 512 characters after trimming |
| \`description\` | ≤ 5000 characters |
| \`sku\` | 1 – 64 characters, unique per org; trimmed and compared in Unicode NFC, case-sensitively; no control, zero-width or bidi control characters (also tags, agent ids, option names and values) |
| \`gtin\` | GTIN-8/12/13/14 with a valid check digit, unique per org (GTIN-12 \`0…\` and GTIN-13 of the same number collide) |
| \`tax_category\` | 1 – 64 characters |
| \`prices\` | ≤ 50, one per currency; amounts 0 – 999 999 999 999 |
| \`markup_percent\` | -100 – 100000, at most 4 decimals |
| \`features\` | ≤ 100, each 1 – 512 characters |
| \`tags\` | ≤ 50, each 1 – 64 characters (trimmed, NFC, deduplicated) |
| \`props\` | a JSON object, ≤ 16 KiB serialised, nested ≤ 5 levels |
| \`agent_ids\` | ≤ 100, each 1 – 128 characters (trimmed, NFC, deduplicated) |
| \`q\` | 1 – 256 characters; the first 10 words are matched, each as a prefix |
| \`slug\` | lower-case a-z/0-9 words joined by single hyphens, ≤ 256; unique per org and locale (\`409 duplicate_slug\`); generated from the name when absent (Cyrillic, Greek, Armenian and Georgian letters romanized), \`-2\`, \`-3\` … on a collision; an update that leaves it out keeps the current one while the name gives it |
| \`localizations\` | ≤ 50 locales, each with a \`name\` (1 – 512); their slugs as the product's |
| \`seo\` | \`title\` ≤ 256, \`description\` ≤ 1024 characters |
| \`default_locale\` | a BCP 47 tag, stored canonical |
| \`attributes\` | ≤ 200; name 1 – 128, value 1 – 1024 characters |
| \`custom_fields\` | ≤ 50; name 1 – 128; \`values\` 1 – 100 (checkboxes and size only); \`range_from\` ≤ \`range_to\` (date_picker only) |
| \`allowed_countries\` | ≤ 249 ISO 3166-1 alpha-2 codes |
| \`destination.url\` | absolute http(s), ≤ 2048 characters |
| \`related_product_ids\` | ≤ 50 ids of other products of the same org |
| \`options\` | ≤ 5; 1 – 100 unique values each |
| \`variants\` | ≤ 250; one value of every option, no two alike; sku and gtin unique in the org with the products' |
| \`inventory\` | quantities −1 000 000 000 … 1 000 000 000; below 0 only with \`allow_backorder\`; order quantities ≥ 1, min ≤ max |
| inventory adjustment | \`delta\` a non-zero integer within ±1 000 000 000; \`reason\` 1 – 256 characters |
| windows | \`available_from\` ≤ \`available_to\`, \`new_from\` ≤ \`new_to\`; a date covers its whole UTC day |
| image | 10 MiB (\`413\` for an upload, \`too_large\` for a URL); JPEG, PNG, GIF, WebP or AVIF by its bytes; 50 a product |
| \`image_urls\` | ≤ 10 a request, each 1 – 2048 characters; 10 s and ≤ 3 redirects a URL |
| webhook endpoint | \`url\` 1 – 2048 characters; \`events\` 1 – 5; \`description\` 1 – 256 characters |
| webhook delivery | 10 s; 8 attempts |
| events | kept 30 days |
| \`allowed_origins\` | ≤ 50 origins (scheme, host, optional port) a publishable key |
| storefront \`{id_or_slug}\` | 1 – 256 characters |
| storefront listing | passes over at most 1 000 hidden or out-of-window products a page, then ends the page early with \`has_more\` |
`;
