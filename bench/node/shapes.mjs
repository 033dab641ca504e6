// The propagation shapes of bench/shapes.hpp, written once over a tiny adapter
// (signal / computed / effect / read / write / batch) so that every JavaScript
// peer runs exactly the same graphs, writes and checks as frsim and the floor.
//
// Every derived node is observed (it has an effect or a derived node that is),
// so lazy peers do the same reevaluations as frsim's push propagation. Each
// shape publishes two counts per iteration: `calculus_nodes` (Fig. 8 of the FR
// paper: every reactive reachable from an active one is reevaluated) and
// `cutoff_nodes` (what a library that stops at equal values reevaluates). The
// peers cut off, so they are checked against `cutoff_nodes`.

import { Arc4 } from "./arc4.mjs";

export class CheckError extends Error {}

function expect(what, actual, expected) {
  if (actual !== expected) {
    throw new CheckError(`${what}: expected ${expected}, got ${actual}`);
  }
}

// "write 1, then 0 .. n-1": the kairo write sequence.
function kairoWrites(n) {
  const values = [1];
  for (let i = 0; i < n; i++) values.push(i);
  return values;
}

// One kairo iteration: each write in its own batch, then `node` is checked.
function kairoIteration(fw, head, n, what, node, expected) {
  const writes = kairoWrites(n);
  return () => {
    for (const v of writes) {
      fw.batch(() => fw.write(head, v));
      expect(what, fw.read(node), expected(v));
    }
  };
}

// Each shape: build(fw, counter) -> { run(): number of nodes executed is in
// counter.count }. run() performs one iteration and checks its values.
function deep(fw, counter) {
  const head = fw.signal(0);
  let current = head;
  for (let i = 0; i < 50; i++) {
    const input = current;
    current = fw.computed(() => (counter.count++, fw.read(input) + 1));
  }
  const last = current;
  fw.effect(() => { counter.count++; fw.read(last); });
  return kairoIteration(fw, head, 50, "deep end", last, (v) => v + 50);
}

function broad(fw, counter) {
  const head = fw.signal(0);
  let last = null;
  for (let i = 0; i < 50; i++) {
    const a = fw.computed(() => (counter.count++, fw.read(head) + i));
    const b = fw.computed(() => (counter.count++, fw.read(a) + 1));
    fw.effect(() => { counter.count++; fw.read(b); });
    last = b;
  }
  return kairoIteration(fw, head, 50, "broad last", last, (v) => v + 50);
}

function diamond(fw, counter) {
  const head = fw.signal(0);
  const arms = [];
  for (let i = 0; i < 5; i++) arms.push(fw.computed(() => (counter.count++, fw.read(head) + 1)));
  const sum = fw.computed(() => {
    counter.count++;
    let total = 0;
    for (const arm of arms) total += fw.read(arm);
    return total;
  });
  fw.effect(() => { counter.count++; fw.read(sum); });
  return kairoIteration(fw, head, 500, "diamond sum", sum, (v) => 5 * (v + 1));
}

function triangle(fw, counter) {
  const head = fw.signal(0);
  const chain = [];
  let current = head;
  for (let i = 0; i < 10; i++) {
    const input = current;
    current = fw.computed(() => (counter.count++, fw.read(input) + 1));
    chain.push(current);
  }
  const sum = fw.computed(() => {
    counter.count++;
    let total = 0;
    for (const node of chain) total += fw.read(node);
    return total;
  });
  fw.effect(() => { counter.count++; fw.read(sum); });
  return kairoIteration(fw, head, 100, "triangle sum", sum, (v) => 10 * v + 55);
}

function mux(fw, counter) {
  const heads = [];
  for (let i = 0; i < 100; i++) heads.push(fw.signal(0));
  const all = fw.computed(() => (counter.count++, heads.map((h) => fw.read(h))));
  const outs = [];
  for (let i = 0; i < 100; i++) {
    const split = fw.computed(() => (counter.count++, fw.read(all)[i]));
    const out = fw.computed(() => (counter.count++, fw.read(split) + 1));
    fw.effect(() => { counter.count++; fw.read(out); });
    outs.push(out);
  }
  return () => {
    for (const factor of [1, 2]) {
      for (let i = 0; i < 10; i++) {
        fw.batch(() => fw.write(heads[i], i * factor));
        expect("mux out", fw.read(outs[i]), i * factor + 1);
      }
    }
  };
}

function repeated(fw, counter) {
  const head = fw.signal(0);
  const sum = fw.computed(() => {
    counter.count++;
    let total = 0;
    for (let i = 0; i < 30; i++) total += fw.read(head);
    return total;
  });
  fw.effect(() => { counter.count++; fw.read(sum); });
  return kairoIteration(fw, head, 100, "repeated sum", sum, (v) => 30 * v);
}

function unstable(fw, counter) {
  const head = fw.signal(0);
  const double = fw.computed(() => (counter.count++, fw.read(head) * 2));
  const inverse = fw.computed(() => (counter.count++, 0 - fw.read(head)));
  const choice = fw.computed(() => (counter.count++, fw.read(head) % 2 !== 0 ? double : inverse));
  const flat = fw.computed(() => (counter.count++, fw.read(fw.read(choice))));
  const current = fw.computed(() => {
    counter.count++;
    const v = fw.read(flat);
    let total = 0;
    for (let i = 0; i < 20; i++) total += v;
    return total;
  });
  fw.effect(() => { counter.count++; fw.read(current); });
  fw.effect(() => { counter.count++; fw.read(double); });
  fw.effect(() => { counter.count++; fw.read(inverse); });
  return kairoIteration(fw, head, 100, "unstable current", current, (v) => v % 2 !== 0 ? 40 * v : -20 * v);
}

function avoidable(fw, counter) {
  const head = fw.signal(0);
  const c1 = fw.computed(() => (counter.count++, fw.read(head)));
  const c2 = fw.computed(() => (counter.count++, fw.read(c1), 0));
  const c3 = fw.computed(() => (counter.count++, fw.read(c2) + 1));
  const c4 = fw.computed(() => (counter.count++, fw.read(c3) + 2));
  const c5 = fw.computed(() => (counter.count++, fw.read(c4) + 3));
  fw.effect(() => { counter.count++; fw.read(c5); });
  return kairoIteration(fw, head, 1000, "avoidable c5", c5, () => 6);
}

// cellx: one source holding the four start values (frsim fires one source
// per action, so the four writes are one write of a 4-tuple), four
// extractors, then `layers` layers of a=b, b=a-c, c=b+d, d=c, each observed.
const CELLX_FORWARD = [4, 3, 2, 1];
const CELLX_BACK = [1, 2, 3, 4];
const CELLX_END_FORWARD = [-2, -4, 2, 3];
const CELLX_END_BACK = [-3, -6, -2, 2];

function cellxLayer([a, b, c, d]) {
  return [b, a - c, b + d, c];
}

// The cutoff count of one write, by plain arrays: a node reevaluates when one
// of its inputs changed; its observer runs when the node itself changed.
export function cellxCutoffNodes(layers) {
  let from = CELLX_BACK.slice();
  let to = CELLX_FORWARD.slice();
  let nodes = 4;  // the extractors read the tuple, which always changes
  const inputsOf = [[1], [0, 2], [1, 3], [2]];
  for (let l = 0; l < layers; l++) {
    const changed = from.map((v, k) => v !== to[k]);
    const nextFrom = cellxLayer(from);
    const nextTo = cellxLayer(to);
    for (let k = 0; k < 4; k++) {
      if (inputsOf[k].some((i) => changed[i])) nodes++;
      if (nextFrom[k] !== nextTo[k]) nodes++;
    }
    from = nextFrom;
    to = nextTo;
  }
  return 2 * nodes;  // forward and back are symmetric
}

function cellx(layers) {
  return (fw, counter) => {
    const start = fw.signal(CELLX_BACK.slice());
    let layer = [0, 1, 2, 3].map((k) => fw.computed(() => (counter.count++, fw.read(start)[k])));
    for (let l = 0; l < layers; l++) {
      const [a, b, c, d] = layer;
      const next = [
        fw.computed(() => (counter.count++, fw.read(b))),
        fw.computed(() => (counter.count++, fw.read(a) - fw.read(c))),
        fw.computed(() => (counter.count++, fw.read(b) + fw.read(d))),
        fw.computed(() => (counter.count++, fw.read(c))),
      ];
      for (const node of next) fw.effect(() => { counter.count++; fw.read(node); });
      layer = next;
    }
    const end = layer;
    const check = (expected) => {
      for (let k = 0; k < 4; k++) expect(`cellx end[${k}]`, fw.read(end[k]), expected[k]);
    };
    return () => {
      fw.batch(() => fw.write(start, CELLX_FORWARD.slice()));
      check(CELLX_END_FORWARD);
      fw.batch(() => fw.write(start, CELLX_BACK.slice()));
      check(CELLX_END_BACK);
    };
  };
}

// The dynamic grid of the reactively benchmark: `width` sources, then
// layers-1 rows; node x of a row sums nSources nodes x, x+1, ... of the row
// above; a dynamic node drops one of its tail inputs depending on its first.
// The static/dynamic pattern comes from ARC4 seeded with "seed" (bench/arc4).
function grid(config) {
  return (fw, counter) => {
    const { width, layers, nSources } = config;
    const sources = [];
    for (let i = 0; i < width; i++) sources.push(fw.signal(i));
    const pattern = gridStaticPattern(config);
    let row = sources;
    for (let l = 0; l < layers - 1; l++) {
      const above = row;
      row = [];
      for (let x = 0; x < width; x++) {
        const inputs = [];
        for (let s = 0; s < nSources; s++) inputs.push(above[(x + s) % width]);
        if (pattern[l * width + x]) {
          row.push(fw.computed(() => {
            counter.count++;
            let sum = 0;
            for (const input of inputs) sum += fw.read(input);
            return sum;
          }));
        } else {
          const first = inputs[0];
          const tail = inputs.slice(1);
          row.push(fw.computed(() => {
            counter.count++;
            let sum = fw.read(first);
            const drop = sum & 0x1;
            const dropIndex = sum % tail.length;
            for (let i = 0; i < tail.length; i++) {
              if (drop && i === dropIndex) continue;
              sum += fw.read(tail[i]);
            }
            return sum;
          }));
        }
      }
    }
    // The leaves are observed (uncounted, like the original's leaf reads) so
    // that lazy peers keep the graph subscribed and push, as frsim does.
    const leaves = row;
    for (const leaf of leaves) fw.effect(() => { fw.read(leaf); });
    return () => {
      for (let i = 0; i < config.iterations; i++) {
        const index = i % width;
        fw.batch(() => fw.write(sources[index], i + index));
      }
      let sum = 0;
      for (const leaf of leaves) sum = fw.read(leaf) + sum;
      expect(`${config.name} leaf sum`, sum, config.sum);
    };
  };
}

export function gridStaticPattern({ width, layers, staticFraction }) {
  const random = new Arc4("seed");
  const pattern = [];
  for (let i = 0; i < width * (layers - 1); i++) pattern.push(random.next() < staticFraction);
  return pattern;
}

function foldShape(fw, counter) {
  const input = fw.signal(0);
  let state = 0;
  const fold = fw.computed(() => (counter.count++, (state = state + fw.read(input))));
  const doubled = fw.computed(() => (counter.count++, fw.read(fold) * 2));
  fw.effect(() => { counter.count++; fw.read(doubled); });
  return () => {
    const before = fw.read(fold);
    for (let i = 1; i <= 1000; i++) fw.batch(() => fw.write(input, i));
    expect("fold delta", fw.read(fold) - before, 500500);
    expect("fold doubled", fw.read(doubled), 2 * fw.read(fold));
  };
}

function flattenShape(fw, counter) {
  const inners = [];
  for (let i = 0; i < 100; i++) inners.push(fw.signal(i * 3));
  const selector = fw.signal(0);
  const outer = fw.computed(() => (counter.count++, inners[fw.read(selector)]));
  const flat = fw.computed(() => (counter.count++, fw.read(fw.read(outer))));
  const plus = fw.computed(() => (counter.count++, fw.read(flat) + 1));
  fw.effect(() => { counter.count++; fw.read(plus); });
  return () => {
    for (let k = 1; k <= 100; k++) {
      const index = k % 100;
      fw.batch(() => fw.write(selector, index));
      expect("flatten plus", fw.read(plus), index * 3 + 1);
    }
  };
}

// The four grid configurations with their published counts and sums.
export const GRIDS = [
  { name: "grid_4x1000x12_dyn5", width: 1000, layers: 12, staticFraction: 0.95, nSources: 4,
    iterations: 7000, sum: 29355933696000, count: 1463000 },
  { name: "grid_25x1000x5", width: 1000, layers: 5, staticFraction: 1, nSources: 25,
    iterations: 3000, sum: 1171484375000, count: 732000 },
  { name: "grid_3x5x500", width: 5, layers: 500, staticFraction: 1, nSources: 3,
    iterations: 500, sum: 3.0239642676898464e241, count: 1246500 },
  { name: "grid_6x100x15_dyn50", width: 100, layers: 15, staticFraction: 0.5, nSources: 6,
    iterations: 2000, sum: 15664996402790400, count: 1078000 },
];

export const SHAPES = [
  { name: "deep", build: deep, calculus_nodes: 2601, cutoff_nodes: 2601 },
  { name: "broad", build: broad, calculus_nodes: 7650, cutoff_nodes: 7650 },
  { name: "diamond", build: diamond, calculus_nodes: 3507, cutoff_nodes: 3507 },
  { name: "triangle", build: triangle, calculus_nodes: 1212, cutoff_nodes: 1212 },
  { name: "mux", build: mux, calculus_nodes: 6020, cutoff_nodes: 1854 },
  { name: "repeated", build: repeated, calculus_nodes: 202, cutoff_nodes: 202 },
  { name: "unstable", build: unstable, calculus_nodes: 808, cutoff_nodes: 808 },
  { name: "avoidable", build: avoidable, calculus_nodes: 6006, cutoff_nodes: 2002 },
  { name: "cellx1000", build: cellx(1000), calculus_nodes: 2 * (4 + 8 * 1000), cutoff_nodes: cellxCutoffNodes(1000) },
  { name: "cellx2500", build: cellx(2500), calculus_nodes: 2 * (4 + 8 * 2500), cutoff_nodes: cellxCutoffNodes(2500) },
  ...GRIDS.map((g) => ({ name: g.name, build: grid(g), calculus_nodes: g.count, cutoff_nodes: g.count })),
  { name: "fold", build: foldShape, calculus_nodes: 3000, cutoff_nodes: 3000 },
  { name: "flatten", build: flattenShape, calculus_nodes: 400, cutoff_nodes: 400 },
];
