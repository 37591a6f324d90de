/**
 * An in-process bus of domain facts, typed by a map from each fact's name to what it carries
 * (the features define theirs). A fact is `{ name, ...what it carries }`. Subscribers run
 * synchronously in publish(), in the order they subscribed; a subscriber that throws or
 * rejects is logged and the others still run: publishing never fails, so a subscriber cannot
 * break the write that published. Subscribers must not change the fact (all of them get
 * the same object).
 */
import type { Logger } from 'pino';

/** The fact named K of the map M. */
export type Fact<M, K extends keyof M> = { name: K } & M[K];
/** Any fact of the map M. */
export type AnyFact<M> = { [K in keyof M]: Fact<M, K> }[keyof M];

export type FactHandler<T> = (fact: T) => void | Promise<void>;

export class EventBus<M extends { [K in keyof M]: object }> {
  readonly #handlers = new Map<keyof M, Set<{ handle: FactHandler<never> }>>();

  constructor(private readonly log: Pick<Logger, 'error'>) {}

  /** Calls `handler` with every fact named `name` published from now on; returns the unsubscribe. */
  subscribe<K extends keyof M>(name: K, handler: FactHandler<Fact<M, K>>): () => void {
    const subscription = { handle: handler };
    let handlers = this.#handlers.get(name);
    if (!handlers) this.#handlers.set(name, (handlers = new Set()));
    handlers.add(subscription);
    return () => void handlers.delete(subscription);
  }

  publish(fact: AnyFact<M>): void {
    const handlers = this.#handlers.get(fact.name);
    if (!handlers) return;
    for (const { handle } of [...handlers]) {
      try {
        const done = (handle as FactHandler<AnyFact<M>>)(fact);
        if (done instanceof Promise) done.catch((err: unknown) => this.#failed(fact, err));
      } catch (err) {
        this.#failed(fact, err);
      }
    }
  }

  #failed(fact: AnyFact<M>, err: unknown): void {
    this.log.error({ fact: String(fact.name), err }, 'a fact subscriber failed');
  }
}
