// The JavaScript peers on frsim's propagation shapes (bench/README.md).
//
//   node --expose-gc bench.mjs [--repetitions N] [--filter REGEX] [--min-time-ms MS]
//
// For every shape and peer: build the graph, run checked warm-up iterations
// for MS, then N repetitions of as many iterations as fill MS; the best
// (lowest) CPU ns per iteration wins. Every iteration checks its values and the
// number of nodes the peer executed; a mismatch marks the peer as failed on
// that shape with the reason. Prints one JSON document on stdout.

import { readFileSync } from "node:fs";
import * as alien from "alien-signals";
import * as preact from "@preact/signals-core";
import { SHAPES, CheckError } from "./shapes.mjs";

function batchWith(start, end) {
  return (f) => {
    start();
    try {
      f();
    } finally {
      end();
    }
  };
}

const PEERS = [
  {
    name: "alien",
    package: "alien-signals",
    fw: {
      signal: alien.signal,
      computed: alien.computed,
      effect: alien.effect,
      read: (x) => x(),
      write: (x, v) => x(v),
      batch: batchWith(alien.startBatch, alien.endBatch),
    },
  },
  {
    name: "preact",
    package: "@preact/signals-core",
    fw: {
      signal: preact.signal,
      computed: preact.computed,
      effect: preact.effect,
      read: (x) => x.value,
      write: (x, v) => {
        x.value = v;
      },
      batch: preact.batch,
    },
  },
];

function parseArgs(argv) {
  const options = { repetitions: 5, filter: null, minTimeMs: 200 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`bench.mjs: ${flag} needs a value`);
    if (flag === "--repetitions") options.repetitions = Math.max(1, Number.parseInt(value, 10));
    else if (flag === "--filter") options.filter = new RegExp(value);
    else if (flag === "--min-time-ms") options.minTimeMs = Number(value);
    else throw new Error(`bench.mjs: unknown option ${flag} (known: --repetitions --filter --min-time-ms)`);
  }
  return options;
}

function packageVersion(name) {
  const url = new URL(`./node_modules/${name}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")).version;
}

// One checked iteration; returns its duration in ns.
function timedIteration(shape, run, counter) {
  counter.count = 0;
  const start = process.hrtime.bigint();
  run();
  const elapsed = process.hrtime.bigint() - start;
  if (counter.count !== shape.cutoff_nodes) {
    throw new CheckError(`executed ${counter.count} nodes per iteration, expected ${shape.cutoff_nodes}`);
  }
  return Number(elapsed);
}

function measure(shape, peer, options) {
  const counter = { count: 0 };
  const run = shape.build(peer.fw, counter);
  run();  // first run: lazy peers evaluate the graph for the first time
  // Warm-up as long as one repetition, so the JIT has optimized the shape.
  for (let warm = 0; warm < options.minTimeMs * 1e6; ) warm += timedIteration(shape, run, counter);
  // The process's CPU time, not wall time: the machine may be shared, and
  // bench.sh pins the process to one core, so its threads' CPU time is the
  // time the shape took (frsim_bench reports cpu_time likewise).
  let best = Infinity;
  for (let r = 0; r < options.repetitions; r++) {
    let wall = 0;
    let iterations = 0;
    const cpuBefore = process.cpuUsage();
    while (iterations === 0 || wall < options.minTimeMs * 1e6) {
      wall += timedIteration(shape, run, counter);
      iterations++;
    }
    const cpu = process.cpuUsage(cpuBefore);
    best = Math.min(best, ((cpu.user + cpu.system) * 1000) / iterations);
  }
  return best;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const results = [];
  for (const shape of SHAPES) {
    if (options.filter && !options.filter.test(shape.name)) continue;
    for (const peer of PEERS) {
      const result = {
        shape: shape.name,
        contestant: peer.name,
        nodes_per_iteration: shape.calculus_nodes,
        executed_nodes_per_iteration: shape.cutoff_nodes,
        ns_per_iteration: null,
        error: null,
      };
      try {
        result.ns_per_iteration = measure(shape, peer, options);
      } catch (e) {
        result.error = e instanceof CheckError ? `check failed: ${e.message}` : `${e.stack ?? e}`;
      }
      if (globalThis.gc) globalThis.gc();
      results.push(result);
      process.stderr.write(`${shape.name} ${peer.name}: ${result.error ?? `${(result.ns_per_iteration / shape.calculus_nodes).toFixed(2)} ns/node`}\n`);
    }
  }
  const versions = Object.fromEntries(PEERS.map((p) => [p.name, `${p.package}@${packageVersion(p.package)}`]));
  process.stdout.write(`${JSON.stringify({ node: process.version, peers: versions, results }, null, 1)}\n`);
}

main();
