// All the mutable state of one hostile run, in one object: the org and its key pool, the counters
// behind fresh identifiers, the fixtures the corpus writes to, the counts and violations of every
// request, the products the API said it created and deleted, and the strings to read back. Every
// module of the run reads and writes this one object (one test file, one storage).

/** A response that broke the contract, with the request that shows it. */
export type Violation = {
  problem: string;
  op: string;
  kind: string;
  request: string;
  status: number;
  response: string;
};

/** The targets of the hostile writes, each written by one kind of request only. */
export type Fixtures = {
  anchor: string; // never written: related_product_ids, scans, DELETE with a naughty header
  put: string;
  patch: string;
  patchField: string;
  inventory: string;
  images: string;
  imageId: string;
  /** PATCH targets of the naughty pass, in turn (writes to one row queue behind each other). */
  patchTexts: string[];
  /** Image PATCH targets of the naughty pass, in turn: a product with one image each. */
  imageTargets: { product: string; image: string }[];
};

function createState() {
  return {
    /** The org every api request writes to (beforeAll). */
    orgId: "",
    /** The write operations of the OpenAPI document, "METHOD /path" (beforeAll). */
    writeOperations: [] as string[],
    /** The api key in use, its requests left, and the creation of the next one while it runs. */
    pool: {
      current: { key: "", left: 0 },
      next: undefined as Promise<void> | undefined,
    },
    keysCreated: 0,
    /** The last number productBody() gave its identifiers (sku, gtin, slugs). */
    serial: 0,
    /** The last number newImage() put in the bytes of a PNG. */
    imageVariant: 0,
    fx: {
      anchor: "",
      put: "",
      patch: "",
      patchField: "",
      inventory: "",
      images: "",
      imageId: "",
      patchTexts: [],
      imageTargets: [],
    } as Fixtures,
    stats: {
      requests: 0,
      hostile: 0,
      verification: 0,
      setup: 0,
      byStatus: {} as Record<string, number>,
      byKey: {} as Record<string, number>,
      byKind: {} as Record<string, Record<string, number>>,
      byOp: {} as Record<string, Record<string, number>>,
      fiveXX: 0,
      roundTrips: 0,
      rowsChecked: 0,
      adminRequests: 0,
      started: Date.now(),
    },
    violations: [] as Violation[],
    /** The products the API said it created (a 201 to POST /v1/products) and deleted (a 2xx DELETE). */
    createdProducts: new Set<string>(),
    deletedProducts: new Set<string>(),
    /** The products Wethod's create made, by the number it answers as their id. */
    wethodNumbers: new Set<number>(),
    /** The strings whose product the round-trip test reads back. */
    roundTrips: [] as { id: string; text: string }[],
  };
}

export type State = ReturnType<typeof createState>;

/** The one state of the run. */
export const state: State = createState();
