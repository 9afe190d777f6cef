// The one Node API the Worker uses (nodejs_compat in wrangler.toml provides it), typed here alone
// rather than with @types/node, whose globals (Buffer, process, …) the Worker must not reach for.
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    getStore(): T | undefined;
    run<R>(store: T, callback: () => R): R;
  }
}
