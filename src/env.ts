import type { Database, DbStats } from "./db/client";

export type Scope = "product.read" | "product.edit" | "webhook.manage" | "storefront.read";

export type Auth = {
  keyId: string;
  keyType: "secret" | "publishable";
  scopes: Scope[];
  /** Publishable keys: the browser origins the key may be used from. */
  allowedOrigins: string[];
  orgId: string;
};

export type Bindings = Env & {
  /** Worker secret (.dev.vars locally); with none set, the admin API answers 404. */
  ADMIN_TOKEN?: string;
};

export type AppEnv = {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    startedAt: number;
    apiVersion: string;
    /** The isolate's one drizzle instance (db/client.ts); its queries run on this request's D1 and meter into dbStats. */
    db: Database;
    dbStats: DbStats;
    auth: Auth;
    /** The parsed JSON body, set by the jsonBody middleware. */
    body: unknown;
    /** Set while a request holds an Idempotency-Key claim: it names what the request creates. */
    idempotencyClaimId?: string;
  };
};
