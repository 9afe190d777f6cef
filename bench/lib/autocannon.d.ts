// autocannon 9 ships no types (and @types/autocannon is not a devDependency): what bench/lib/load.mjs
// uses of it, as lib/run.js, lib/requestIterator.js and lib/httpClient.js define it.
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  /** Response headers as autocannon hands them on: a repeated header's values as an array. */
  export type Headers = Record<string, string | string[]>;

  export interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    /** Called before each request with a copy of this request; returns the one to send. */
    setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
    onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Headers) => void;
  }

  export interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    pipelining?: number;
    /** Seconds. */
    timeout?: number;
    requests?: Request[];
  }

  export interface Result {
    /** Seconds. */
    duration: number;
    requests: { total: number };
    errors: number;
    timeouts: number;
    statusCodeStats?: Record<string, { count: number }>;
  }

  /** Without a callback, the run is also a promise of its result. */
  export interface Instance extends EventEmitter, PromiseLike<Result> {
    on(
      event: "response",
      listener: (client: unknown, status: number, bytes: number, responseTimeMs: number) => void,
    ): this;
  }

  export default function autocannon(options: Options): Instance;
}
