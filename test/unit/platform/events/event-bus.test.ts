import { describe, expect, it, vi } from 'vitest';
import { EventBus, type AnyFact } from '../../../../src/platform/events/event-bus.js';

interface Facts {
  'thing.made': { id: string };
  'thing.gone': { id: string; why: string };
}

function bus() {
  const errors: { obj: unknown; msg?: string }[] = [];
  const facts = new EventBus<Facts>({ error: ((obj: unknown, msg?: string) => void errors.push({ obj, msg })) as never });
  return { facts, errors };
}

describe('EventBus', () => {
  it('gives each subscriber the facts of its name, in the order they subscribed, until it unsubscribes', () => {
    const { facts } = bus();
    const seen: string[] = [];
    const stop = facts.subscribe('thing.made', (f) => void seen.push(`first ${f.name} ${f.id}`));
    facts.subscribe('thing.made', (f) => void seen.push(`second ${f.name} ${f.id}`));
    facts.subscribe('thing.gone', (f) => void seen.push(`gone ${f.id} ${f.why}`));
    facts.publish({ name: 'thing.made', id: 'a' });
    facts.publish({ name: 'thing.gone', id: 'a', why: 'sold' });
    stop();
    facts.publish({ name: 'thing.made', id: 'b' });
    expect(seen).toEqual(['first thing.made a', 'second thing.made a', 'gone a sold', 'second thing.made b']);
  });

  it('publishes with nobody listening', () => {
    const { facts } = bus();
    const fact: AnyFact<Facts> = { name: 'thing.gone', id: 'x', why: 'none' };
    expect(() => facts.publish(fact)).not.toThrow();
  });

  it('logs a subscriber that throws or rejects; the others still get the fact and publish() does not fail', async () => {
    const { facts, errors } = bus();
    const seen: string[] = [];
    facts.subscribe('thing.made', () => {
      throw new Error('sync bug');
    });
    facts.subscribe('thing.made', async () => {
      throw new Error('async bug');
    });
    facts.subscribe('thing.made', (f) => void seen.push(f.id));
    expect(() => facts.publish({ name: 'thing.made', id: 'c' })).not.toThrow();
    expect(seen).toEqual(['c']);
    await vi.waitFor(() => expect(errors).toHaveLength(2));
    expect(errors.map((e) => [(e.obj as { fact: string }).fact, ((e.obj as { err: Error }).err).message, e.msg])).toEqual([
      ['thing.made', 'sync bug', 'a fact subscriber failed'],
      ['thing.made', 'async bug', 'a fact subscriber failed'],
    ]);
  });

  it('a subscriber that unsubscribes while handling does not keep the others from the fact', () => {
    const { facts } = bus();
    const seen: string[] = [];
    const stop = facts.subscribe('thing.made', () => void stop());
    facts.subscribe('thing.made', (f) => void seen.push(f.id));
    facts.publish({ name: 'thing.made', id: 'd' });
    facts.publish({ name: 'thing.made', id: 'e' });
    expect(seen).toEqual(['d', 'e']);
  });
});
