// The model of the tenancy sweep: its constants, the shapes of what it names and sends, the small
// generators of ids and values, and the one place its mutable state lives (`state`, filled in by
// setUpOrgs() in beforeAll and read by the cases when they run; `stats`, the probe counts).
export const ALL_SCOPES = ["product.read", "product.edit", "webhook.manage"];
export const RECEIVER = "http://allowed.test:8080/hooks/ok";
export const A_ORIGIN = "https://shop-a.test";
export const B_ORIGIN = "https://shop-b.test";
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const PROBE_NAME = `tenancy-probe-${crypto.randomUUID()}`;

export type Json = Record<string, unknown>;
export type Doc = { paths: Record<string, Record<string, unknown>> };

/**
 * The api limit is 100 requests per key per 10 s window (clock-aligned): a ring hands out one key
 * for at most 80 requests, then a fresh key of the same org and kind (admin API, 1000 per 10 s here).
 */
export class KeyRing {
  private key = "";
  private uses = Number.POSITIVE_INFINITY;
  constructor(private readonly make: () => Promise<string>) {}
  async take(): Promise<string> {
    if (this.uses >= 80) {
      this.key = await this.make();
      this.uses = 0;
    }
    this.uses += 1;
    return this.key;
  }
}

const randomText = (length: number, alphabet: string) =>
  [...crypto.getRandomValues(new Uint8Array(length))]
    .map((byte) => alphabet[byte % alphabet.length])
    .join("");
export const lowerRandom = () => randomText(8, "abcdefghijklmnopqrstuvwxyz0123456789");

/** An id of the same kind and creation time as `id`, with another random part: it exists nowhere. */
export const ghostId = (id: string) => {
  const cut = id.indexOf("_") + 1 + 10;
  return `${id.slice(0, cut)}${randomText(id.length - cut, CROCKFORD)}`;
};

/** A GTIN-13 with a valid GS1 check digit. */
export function gtin13(): string {
  const digits = randomText(12, "0123456789").replace(/^0/, "4");
  const sum = [...digits].reduce(
    (total, digit, index) => total + Number(digit) * (index % 2 === 0 ? 1 : 3),
    0,
  );
  return `${digits}${(10 - (sum % 10)) % 10}`;
}

export const productCursor = (id: string) => btoa(`i:${id}`).replaceAll("=", "");

/** Everything of B's a request can name; the ghosts have the same keys and shapes. */
export type Names = {
  org: string;
  p1: string;
  /** p1 as the dialects with UUID ids name it. */
  p1Uuid: string;
  p2: string;
  p3: string;
  img: string;
  evtFirst: string;
  evtLast: string;
  we: string;
  del: string;
  keyId: string;
  pkId: string;
  slug: string;
  slugDe: string;
  sku: string;
  gtin: string;
  word: string;
  tag: string;
  agent: string;
  url: string;
  createIdem: string;
  patchIdem: string;
  productCursor: string;
  storefrontCursor: string;
};

export type Cred = "sk" | "pk" | "none";
export type Probe = {
  method: string;
  path: string;
  cred: Cred;
  headers?: Record<string, string>;
  body?: unknown;
};
export type Answer = { status: number; text: string; headers: Headers };

/** Org A's resources the probes name (its own, for the Org-Id and mixed-id probes). */
export type OrgA = {
  org: string;
  product: string;
  image: string;
  deletedImage: string;
  event: string;
  we: string;
};

/** B's data as B reads it (see snapshotOfB): name -> status, ETag and body. */
export type Snapshot = Record<string, { status: number; etag: string | null; body: string }>;

/** The state made in beforeAll (setUpOrgs); until then it is empty, like the `let`s it replaces. */
export type State = {
  B: Names;
  G: Names;
  bOrgName: string;
  bProductBody: Json;
  bPatchBody: Json;
  bEndpointSecret: string;
  bMainKey: string;
  bPk: string;
  bImageEtag: string;
  /** Every string of B's that must never reach A. */
  markers: string[];
  /** B's ids, for the list checks. */
  bIds: Set<string>;
  A: OrgA;
  aSecret: KeyRing;
  aPublishable: KeyRing;
  bSecret: KeyRing;
  before: Snapshot;
};

export const state = {} as State;

/** The probes sent and their statuses, for the summary line afterAll prints. */
export const stats = { requests: 0, byStatus: {} as Record<string, number> };
