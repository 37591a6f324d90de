import { unavailableOnConnectionLoss } from './database-unavailable-error.js';

/** An object whose every member is a method returning a promise (a store). */
export type AsyncMethods<T> = { [K in keyof T]: (...args: never) => Promise<unknown> };

/**
 * A store that forwards each method call to the store of the database once it is open.
 * `current` throws (DatabaseUnavailableError) until then; that becomes the call's rejection.
 * A connection lost later is DatabaseUnavailableError too (the API's 503), not a driver error.
 *
 * A Proxy, so that a method added to a store interface needs no forwarding written for it.
 * Every other name is taken for a method, except symbols, Object.prototype's members and `then`
 * (undefined: an `await` of the store must not take it for a promise).
 */
export function deferred<T extends AsyncMethods<T>>(current: () => T): T {
  const methods = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy({} as T, {
    get(target, name) {
      if (typeof name === 'symbol' || name in Object.prototype) return Reflect.get(target, name);
      if (name === 'then') return undefined;
      let method = methods.get(name);
      if (!method) {
        method = (...args) =>
          unavailableOnConnectionLoss(() => {
            const store = current();
            const member: unknown = store[name as keyof T];
            if (typeof member !== 'function') throw new TypeError(`the store has no method ${name}`);
            return (member as (...a: unknown[]) => Promise<unknown>).apply(store, args);
          });
        methods.set(name, method);
      }
      return method;
    },
  });
}
