/**
 * Compares two V8 heap snapshots (bench/soak.ts --heap-snapshots DIR writes before/after ones):
 * objects grouped by constructor (or type for strings, closures, arrays, code), and the groups
 * that grew most in count and in size. Also the sizes of the Maps and Sets held by a named
 * class's instances (hash-table bytes, which grow with their entries), to see a per-call map grow.
 *
 *   npx tsx bench/heap-diff.ts before.heapsnapshot after.heapsnapshot [--top 25] [--class CallTracker,AmiTranslator]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, class: { type: 'string', default: 'CallTracker,AmiTranslator,WriteQueue,AmiConnection,PQueue,PbxClock' } },
});
if (positionals.length !== 2) {
  console.error('usage: tsx bench/heap-diff.ts before.heapsnapshot after.heapsnapshot [--top N] [--class A,B]');
  process.exit(2);
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}
interface Group {
  count: number;
  size: number;
}

function load(file: string) {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const nf = s.snapshot.meta.node_fields;
  const ef = s.snapshot.meta.edge_fields;
  const nodeTypes = s.snapshot.meta.node_types[0];
  const edgeTypes = s.snapshot.meta.edge_types[0];
  const N = nf.length;
  const E = ef.length;
  const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f)) as [number, number, number, number];
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f)) as [number, number, number];
  const groups = new Map<string, Group>();
  const firstEdge: number[] = [];
  for (let n = 0, e = 0; n < s.nodes.length; n += N) {
    firstEdge.push(e);
    e += s.nodes[n + iEdges]! * E;
    const type = nodeTypes[s.nodes[n + iType]!]!;
    const name = s.strings[s.nodes[n + iName]!]!;
    const key = type === 'object' || type === 'native' ? name : type === 'closure' ? `(closure) ${name || 'anonymous'}` : `(${type})`;
    const g = groups.get(key) ?? { count: 0, size: 0 };
    g.count++;
    g.size += s.nodes[n + iSize]!;
    groups.set(key, g);
  }
  const nodeName = (n: number) => s.strings[s.nodes[n + iName]!]!;
  const nodeType = (n: number) => nodeTypes[s.nodes[n + iType]!]!;
  /** Property edges of node n: [name, target node index]. */
  const props = (n: number): Array<[string, number]> => {
    const out: Array<[string, number]> = [];
    const from = firstEdge[n / N]!;
    const to = from + s.nodes[n + iEdges]! * E;
    for (let e = from; e < to; e += E) {
      const t = edgeTypes[s.edges[e + eType]!];
      const name = t === 'element' || t === 'hidden' ? String(s.edges[e + eName]) : s.strings[s.edges[e + eName]!]!;
      out.push([`${t}:${name}`, s.edges[e + eTo]!]);
    }
    return out;
  };
  /** Bytes of a Map's/Set's hash table (V8's OrderedHashMap, sized by capacity: grows with entries). */
  const tableBytes = (n: number): number | undefined => {
    const table = props(n).find(([k]) => k === 'internal:table')?.[1];
    return table === undefined ? undefined : s.nodes[table + iSize];
  };
  const instances = (cls: string) => {
    const out: Array<Record<string, string>> = [];
    for (let n = 0; n < s.nodes.length; n += N) {
      if (nodeType(n) !== 'object' || nodeName(n) !== cls) continue;
      const fields: Record<string, string> = {};
      for (const [k, to] of props(n)) {
        const tn = nodeName(to);
        if (tn === 'Map' || tn === 'Set' || (nodeType(to) === 'array' && k.startsWith('property:'))) {
          fields[k.replace(/^property:/, '')] = tn === 'Map' || tn === 'Set' ? `${tn}, table ${tableBytes(to) ?? '?'} B` : `array ${s.nodes[to + iSize]} B`;
        }
      }
      out.push(fields);
    }
    return out;
  };
  return { groups, instances, total: [...groups.values()].reduce((a, g) => a + g.size, 0) };
}

const [a, b] = positionals.map(load) as [ReturnType<typeof load>, ReturnType<typeof load>];
const top = Number(values.top);
const rows = [...new Set([...a.groups.keys(), ...b.groups.keys()])].map((key) => {
  const x = a.groups.get(key) ?? { count: 0, size: 0 };
  const y = b.groups.get(key) ?? { count: 0, size: 0 };
  return { key, before: x.count, after: y.count, dCount: y.count - x.count, dSize: y.size - x.size };
});
console.log(`total self size: before ${(a.total / 1048576).toFixed(1)} MB, after ${(b.total / 1048576).toFixed(1)} MB (${((b.total - a.total) / 1048576).toFixed(2)} MB)`);
const show = (title: string, list: typeof rows) => {
  console.log(title);
  console.table(
    Object.fromEntries(list.slice(0, top).map((r) => [r.key.slice(0, 60), { before: r.before, after: r.after, 'Δ count': r.dCount, 'Δ KB': (r.dSize / 1024).toFixed(1) }])),
  );
};
show('grew most in size:', [...rows].sort((p, q) => q.dSize - p.dSize));
show('grew most in count:', [...rows].sort((p, q) => q.dCount - p.dCount));
for (const cls of (values.class ?? '').split(',').filter(Boolean)) {
  console.log(`${cls}: before ${JSON.stringify(a.instances(cls))}\n${' '.repeat(cls.length)}  after  ${JSON.stringify(b.instances(cls))}`);
}
