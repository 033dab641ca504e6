#!/usr/bin/env python3
"""Merges frsim_bench's JSON and the Node peers' JSON into bench/results/latest.{json,md}.

Called by scripts/bench.sh; see bench/README.md for what every column means.
For every contestant the best repetition counts (the "min" statistic of
frsim_bench, the lowest repetition of bench/node/bench.mjs). A contestant that
could not run gets null and its reason in latest.md.
"""

import argparse
import json
import sys

CONTESTANTS = ["frsim", "frsim_cutoff", "calculus", "floor", "fair_floor", "alien", "preact"]
FRSIM_BENCH_CONTESTANTS = ("frsim", "frsim_cutoff", "calculus", "floor", "fair_floor")
SHAPE_PREFIXES = ("frsim/", "frsim_cutoff/", "calculus/", "floor/", "fair_floor/")
TIME_UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}

# Issue 17's targets. The straight-line floor (floor_bench.cpp) is no target:
# no engine can run a graph as a loop the compiler flattens and vectorises;
# the fair floor (fair_floor_bench.cpp) is the least an engine does.
TARGET_FAIR_FLOOR_RATIO_MAX = 2.0  # frsim within 2x of the fair floor, every shape
TARGET_ALIEN_RATIO_MIN = 2.0       # frsim at least 2x faster than alien-signals, kairo shapes
KAIRO_SHAPES = ("deep", "broad", "diamond", "triangle", "mux", "repeated", "unstable", "avoidable")

# The figures issue 17 was filed with (same machine type, every contestant
# pinned to one core), printed beside this run's: ns per node of frsim, of a
# fair floor and of alien-signals, and CRDT merges in ns per element at n = 1k.
ISSUE_17_PROPAGATION = {  # shape: (frsim, fair floor, alien)
    "deep": (34.1, 6.3, 37.7), "broad": (28.5, 5.1, 47.6), "diamond": (30.1, 9.5, 50.3),
    "triangle": (31.7, 11.8, 51.0), "grid_3x5x500": (34.6, 7.5, 305.0), "grid_25x1000x5": (91.6, 35.9, 1327.0),
}
ISSUE_17_MERGE_NS_PER_ELEMENT = {"GCounter": 31.0, "OrSet": 151.0, "OrMap": 401.0, "SortedInts": 0.8}


def load_frsim(paths):
    """Returns ({name: entry}, errors, context) where entry is the best
    repetition or round over every file (in order: a name's first file
    decides where it is listed); context is the first file's."""
    docs = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            docs.append(json.load(f))
    best, errors = {}, {}
    for b in (b for doc in docs for b in doc.get("benchmarks", [])):
        # "calculus/grid_3x5x500/iterations:1/repeats:1" -> "calculus/grid_3x5x500"
        name = "/".join(b.get("run_name", b["name"]).split("/")[:2])
        if b.get("error_occurred"):
            errors[name] = b.get("error_message", "error")
            continue
        # Aggregates: take "min"; a benchmark with one repetition has none.
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "min":
            continue
        # CPU time: the machine may be shared; every contestant is pinned to
        # one core, and the Node harness reports CPU time too.
        ns = b["cpu_time"] * TIME_UNIT_NS[b.get("time_unit", "ns")]
        if name not in best or ns < best[name]["ns"]:
            best[name] = {"ns": ns, "entry": b}
    return best, errors, docs[0].get("context", {}) if docs else {}


# The harness's own figures (issue 8): (benchmark name prefix, counter or
# "cpu_time", figure name, unit). The suites are bench/sim_bench.cpp,
# explore_bench.cpp, crdt_bench.cpp and harness_bench.cpp; a figure whose
# benchmark is not in the run is null with the reason.
HARNESS_FIGURES = [
    ("BM_SimChatRandomWalkCoarse", "transitions_per_second",
     "chat, 3 devices: random-walk transitions per second", "transitions/s"),
    ("BM_SimChatRandomWalkCoarseFingerprinted", "transitions_per_second",
     "chat, 3 devices: random-walk transitions per second, fingerprint after each", "transitions/s"),
    ("BM_SimChatFingerprint", "cpu_time", "chat, 3 devices: one world fingerprint", "ns"),
    ("BM_explore_dfs/0/0/1", "states_per_second", "DFS distinct states per second (replication, 3 devices)", "states/s"),
    ("BM_explore_dfs/0/0/1", "visited_bytes_per_state", "DFS visited-set bytes per state", "B/state"),
    ("BM_explore_dfs/1/1/1", "states_per_second", "DFS with sleep sets and symmetry: distinct states per second", "states/s"),
    ("BM_explore_random_walk", "transitions_per_second", "explorer random walks: transitions per second", "transitions/s"),
    ("BM_explore_reduction/0/0", "transitions", "complete dfs, 2 devices, a drop: transitions, no reduction (visited set)", "transitions"),
    ("BM_explore_reduction/1/0", "transitions", "the same with sleep sets", "transitions"),
    ("BM_explore_reduction/2/0", "transitions", "the same with source-set DPOR (stateless)", "transitions"),
    ("BM_explore_reduction/2/0", "tree_transitions", "the same space's execution tree (stateless, no reduction)", "transitions"),
    ("BM_explore_reduction/2/0", "tree_over_explored", "DPOR's reduction of the execution tree", "x"),
    ("BM_explore_reduction/0/0", "distinct_states", "complete dfs, 2 devices, a drop: distinct states", "states"),
    ("BM_explore_reduction/0/1", "distinct_states", "the same with symmetry", "states"),
    ("BM_HarnessChatSnapshotBytesPerCommit", "snapshot_bytes_per_commit", "chat, 3 devices: snapshot bytes per commit", "B"),
    ("BM_HarnessTodomvcMessageBytesPerAdd", "full_bytes_per_add",
     "TodoMVC: message bytes per added task, full state (paper's RGA: 357 B)", "B"),
    ("BM_HarnessTodomvcMessageBytesPerAdd", "delta_bytes_per_add", "TodoMVC: message bytes per added task, delta", "B"),
]
MERGE_PREFIX = "BM_Merge_"


def load_harness(path, missing_reason, crdt_path=None):
    """Returns [{"name","value","unit"}] and [(name, reason)] for the null ones."""
    entries = []
    for source in (path, crdt_path):
        if source:
            with open(source, encoding="utf-8") as f:
                entries += json.load(f).get("benchmarks", [])
    by_name = {}
    for b in entries:
        if b.get("run_type") == "aggregate":
            continue
        by_name.setdefault(b.get("run_name", b["name"]), b)

    def find(prefix):
        for name, b in by_name.items():
            if name == prefix or name.startswith(prefix + "/"):
                return b
        return None

    figures, reasons = [], []
    for prefix, counter, label, unit in HARNESS_FIGURES:
        b = find(prefix)
        value = None
        if b is None:
            reasons.append((label, missing_reason or f"{prefix} not in this run"))
        elif b.get("error_occurred"):
            reasons.append((label, b.get("error_message", "error")))
        elif counter == "cpu_time":
            value = b["cpu_time"] * TIME_UNIT_NS[b.get("time_unit", "ns")]
        else:
            value = b.get(counter)
        figures.append({"name": label, "value": value, "unit": unit})
    for name, b in sorted(by_name.items()):
        if name.startswith(MERGE_PREFIX) and not b.get("error_occurred"):
            lattice, _, size = name[len(MERGE_PREFIX):].partition("/")
            if size not in ("", str(CRDT_HEADLINE_SIZE)) or lattice.startswith("Sorted"):
                continue
            figures.append({"name": f"CRDT merges per second: {lattice}", "value": b.get("merges_per_second"),
                            "unit": "merges/s"})
    if not any(f["name"].startswith("CRDT merges") for f in figures):
        figures.append({"name": "CRDT merges per second", "value": None, "unit": "merges/s"})
        reasons.append(("CRDT merges per second", missing_reason or "BM_Merge_* not in this run"))
    return figures, reasons


# ---- CRDTs (bench/crdt_bench.cpp) ----------------------------------------------
# BM_Merge_<lattice>/<n>, BM_MergeDelta_<lattice>/<n>, BM_Build_<lattice>/<n>;
# the same suite built against an older core (bench/crdt_baseline.sh) gives
# the "before" columns.
CRDT_HEADLINE_SIZE = 1000
CRDT_KINDS = {"BM_Merge_": "merges", "BM_MergeDecoded_": "decoded_merges", "BM_MergeDelta_": "delta_merges",
              "BM_Build_": "builds"}


def load_crdt(path):
    """{kind: {(lattice, n): {"ns": cpu ns, **counters}}} from a crdt suite JSON."""
    out = {kind: {} for kind in CRDT_KINDS.values()}
    if not path:
        return out
    with open(path, encoding="utf-8") as f:
        entries = json.load(f).get("benchmarks", [])
    for b in entries:
        if b.get("run_type") == "aggregate" or b.get("error_occurred"):
            continue
        name = b.get("run_name", b["name"])
        for prefix, kind in CRDT_KINDS.items():
            if name.startswith(prefix):
                lattice, _, size = name[len(prefix):].partition("/")
                n = int(size.split("/")[0]) if size else None
                entry = dict(b)
                entry["ns"] = b["cpu_time"] * TIME_UNIT_NS[b.get("time_unit", "ns")]
                out[kind].setdefault((lattice, n), entry)
    return out


def crdt_section(now, before):
    """The JSON section: one row per (kind, lattice, n), with the baseline's figure beside."""
    rows = []
    for kind, table in now.items():
        for (lattice, n), b in sorted(table.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
            old = before.get(kind, {}).get((lattice, n))
            row = {"kind": kind, "lattice": lattice, "n": n}
            if kind == "builds":
                row["ms_per_build"] = b["ns"] / 1e6
                row["ns_per_update"] = b["ns"] / b["updates_per_build"] if b.get("updates_per_build") else None
                row["before_ms_per_build"] = old["ns"] / 1e6 if old else None
            else:
                elements = b.get("elements_per_merge")
                row["ns_per_merge"] = b["ns"]
                row["ns_per_element"] = b["ns"] / elements if elements else None
                row["merges_per_second"] = b.get("merges_per_second")
                row["allocations_per_merge"] = b.get("allocations_per_merge")
                row["before_ns_per_element"] = old["ns"] / elements if old and elements else None
                row["before_merges_per_second"] = old.get("merges_per_second") if old else None
            rows.append(row)
    return rows


def crdt_markdown(rows, label):
    if not rows:
        return []
    before = any(r.get("before_ns_per_element") or r.get("before_ms_per_build") for r in rows)
    tag = f" (before = {label})" if before and label else ""
    out = ["## CRDTs", ""]
    out.append("Merges join two replicas of n elements each (n/2 shared, n/2 their own); ns per element = CPU "
               f"time of one join / 2n. SortedInts and SortedValues are std::set_union over plain sorted "
               f"vectors of int64 and of Values: what a merge costs at least{tag}.")
    out.append("")
    by = {(r["kind"], r["lattice"], r["n"]): r for r in rows}
    lattices = []
    for r in rows:
        if r["kind"] == "merges" and r["lattice"] not in lattices:
            lattices.append(r["lattice"])
    sizes = sorted({r["n"] for r in rows if r["kind"] == "merges" and r["n"]})
    header = ["lattice"] + [f"ns/elem n={n}" for n in sizes] + [f"merges/s n={CRDT_HEADLINE_SIZE}",
                                                                f"allocs/merge n={CRDT_HEADLINE_SIZE}"]
    if before:
        header += [f"before ns/elem n={CRDT_HEADLINE_SIZE}", f"before merges/s", "speed-up"]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    for lattice in lattices:
        head = by.get(("merges", lattice, CRDT_HEADLINE_SIZE)) or by.get(("merges", lattice, None))
        cells = [lattice]
        cells += [fmt(by[("merges", lattice, n)]["ns_per_element"]) if ("merges", lattice, n) in by else "" for n in sizes]
        cells += [fmt(head["merges_per_second"], 0) if head else "null",
                  fmt(head["allocations_per_merge"], 1) if head and head["allocations_per_merge"] is not None else ""]
        if before:
            old_rate = head.get("before_merges_per_second") if head else None
            cells += [fmt(head.get("before_ns_per_element")) if head else "null", fmt(old_rate, 0),
                      fmt(ratio(head["merges_per_second"], old_rate), 1) + "x" if head and old_rate else ""]
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    decoded = [r for r in rows if r["kind"] == "decoded_merges"]
    if decoded:
        out.append("The same joins of replicas decoded from their bytes first, so that they share no storage "
                   "(above, replicas share what they received before they diverged, as values in one process "
                   "do): ns per element.")
        out.append("")
        header = ["lattice"] + [f"n={n}" for n in sizes]
        if before:
            header += [f"before n={CRDT_HEADLINE_SIZE}", "speed-up"]
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
        for lattice in dict.fromkeys(r["lattice"] for r in decoded):
            cells = [lattice]
            cells += [fmt(by[("decoded_merges", lattice, n)]["ns_per_element"]) if ("decoded_merges", lattice, n) in by else "" for n in sizes]
            if before:
                r = by.get(("decoded_merges", lattice, CRDT_HEADLINE_SIZE))
                old = r.get("before_ns_per_element") if r else None
                cells += [fmt(old), fmt(ratio(old, r["ns_per_element"]), 1) + "x" if old else ""]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    delta = [r for r in rows if r["kind"] == "delta_merges"]
    if delta:
        out.append("One delivery: a replica of n elements joins the delta of one update (ns per join).")
        out.append("")
        header = ["lattice"] + [f"n={n}" for n in sizes] + ([f"before n={n}" for n in sizes] if before else [])
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
        for lattice in dict.fromkeys(r["lattice"] for r in delta):
            cells = [lattice]
            cells += [fmt(by[("delta_merges", lattice, n)]["ns_per_merge"], 0) if ("delta_merges", lattice, n) in by else "" for n in sizes]
            if before:
                for n in sizes:
                    r = by.get(("delta_merges", lattice, n))
                    old = r.get("before_ns_per_element") if r else None
                    elements = r["ns_per_merge"] / r["ns_per_element"] if r and r["ns_per_element"] else None
                    cells.append(fmt(old * elements, 0) if old and elements else "null")
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    builds = [r for r in rows if r["kind"] == "builds"]
    if builds:
        build_sizes = sorted({r["n"] for r in builds})
        out.append("Builds: n single updates from bottom in scrambled order, each on the state the previous one "
                   "returned (ms per build; the last column is ns per update at the largest n).")
        out.append("")
        header = ["lattice"] + [f"n={n}" for n in build_sizes] + [f"ns/update n={build_sizes[-1]}"]
        if before:
            header += [f"before n={n}" for n in build_sizes]
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
        for lattice in dict.fromkeys(r["lattice"] for r in builds):
            cells = [lattice]
            cells += [fmt(by[("builds", lattice, n)]["ms_per_build"], 3) if ("builds", lattice, n) in by else "" for n in build_sizes]
            last = by.get(("builds", lattice, build_sizes[-1]))
            cells.append(fmt(last["ns_per_update"], 0) if last else "")
            if before:
                for n in build_sizes:
                    r = by.get(("builds", lattice, n))
                    cells.append(fmt(r["before_ms_per_build"], 3) if r and r["before_ms_per_build"] else "not run")
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return out


def load_node(paths):
    """bench/node/bench.mjs output, one file or one per round and shape: each
    (shape, peer) keeps its best (lowest) ns per iteration over the files; an
    error counts only where no file measured it."""
    doc, best = None, {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            part = json.load(f)
        if doc is None:
            doc = {k: v for k, v in part.items() if k != "results"}
        for r in part.get("results", []):
            key = (r["shape"], r["contestant"])
            kept = best.get(key)
            if kept is None or (kept["error"] and not r["error"]) or (
                    not r["error"] and r["ns_per_iteration"] < kept["ns_per_iteration"]):
                best[key] = r
    if doc is None:
        return None
    doc["results"] = list(best.values())
    return doc


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def shape_names(frsim_best, frsim_errors, node_doc):
    names = []
    for name in list(frsim_best) + list(frsim_errors):
        if name.startswith(SHAPE_PREFIXES):
            shape = name.split("/", 1)[1]
            if shape not in names:
                names.append(shape)
    for r in (node_doc or {}).get("results", []):
        if r["shape"] not in names:
            names.append(r["shape"])
    return names


def build(args):
    frsim_best, frsim_errors, context = load_frsim(args.frsim) if args.frsim else ({}, {}, {})
    node_doc = load_node(args.node) if args.node else None
    reasons = []  # (shape, contestant, reason)
    shapes = []
    for shape in shape_names(frsim_best, frsim_errors, node_doc):
        row = {"name": shape, "nodes_per_iteration": None}
        ns_per_iteration = {}
        allocations = None
        for contestant in FRSIM_BENCH_CONTESTANTS:
            key = f"{contestant}/{shape}"
            if key in frsim_best:
                entry = frsim_best[key]["entry"]
                nodes = entry.get("nodes_per_iteration")
                row["nodes_per_iteration"] = row["nodes_per_iteration"] or nodes
                ns_per_iteration[contestant] = frsim_best[key]["ns"]
                if contestant == "frsim":
                    allocations = entry.get("allocations_per_propagation")
            elif key in frsim_errors:
                reasons.append((shape, contestant, frsim_errors[key]))
            elif contestant == "frsim_cutoff" and shape not in KAIRO_SHAPES:
                pass  # registered for the kairo shapes only
            else:
                reasons.append((shape, contestant, args.frsim_missing or "not in this run (filtered out)"))
        executed = {}
        for contestant in ("alien", "preact"):
            result = None
            for r in (node_doc or {}).get("results", []):
                if r["shape"] == shape and r["contestant"] == contestant:
                    result = r
            if result is None:
                reasons.append((shape, contestant, args.node_missing or "not in this run (filtered out)"))
            elif result["error"]:
                reasons.append((shape, contestant, result["error"]))
            else:
                ns_per_iteration[contestant] = result["ns_per_iteration"]
                row["nodes_per_iteration"] = row["nodes_per_iteration"] or result["nodes_per_iteration"]
                executed[contestant] = result["executed_nodes_per_iteration"]
        nodes = row["nodes_per_iteration"]
        if nodes is not None:
            row["nodes_per_iteration"] = int(nodes)
        for contestant in CONTESTANTS:
            ns = ns_per_iteration.get(contestant)
            row[f"{contestant}_ns_per_node"] = None if ns is None or not nodes else ns / nodes
        row["frsim_over_floor"] = ratio(row["frsim_ns_per_node"], row["floor_ns_per_node"])
        row["frsim_over_fair_floor"] = ratio(row["frsim_ns_per_node"], row["fair_floor_ns_per_node"])
        row["alien_over_frsim"] = ratio(row["alien_ns_per_node"], row["frsim_ns_per_node"])
        row["alien_over_frsim_cutoff"] = ratio(row["alien_ns_per_node"], row["frsim_cutoff_ns_per_node"])
        row["allocations_per_propagation"] = allocations
        row["_executed"] = executed
        shapes.append(row)
    machine = {
        "cpu": args.cpu or context.get("cpu_model", "unknown"),
        "cores": args.cores,
        "date": args.date,
        "mhz_per_cpu": context.get("mhz_per_cpu"),
        "load_avg": context.get("load_avg"),
        "pinned_to": args.pinned,
        "repetitions": args.repetitions,
        "benchmark_library_build": context.get("library_build_type"),
        "node": (node_doc or {}).get("node"),
        "peers": (node_doc or {}).get("peers"),
    }
    return machine, shapes, reasons


def fmt(value, digits=2):
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def notes(shapes, reasons):
    lines = []
    misses_floor, misses_alien, allocating = [], [], []
    misses_alien_cutoff, misses_alien_either = [], []
    for s in shapes:
        r = s["frsim_over_fair_floor"]
        if r is not None and r > TARGET_FAIR_FLOOR_RATIO_MAX:
            misses_floor.append(f"{s['name']} ({r:.1f}x the fair floor)")
        a = s["alien_over_frsim"]
        c = s["alien_over_frsim_cutoff"]
        if s["name"] in KAIRO_SHAPES and a is not None and a < TARGET_ALIEN_RATIO_MIN:
            misses_alien.append(f"{s['name']} (alien/frsim {a:.2f}"
                                + (f", with cut-off {c:.2f})" if c is not None else ")"))
        if s["name"] in KAIRO_SHAPES and c is not None and c < TARGET_ALIEN_RATIO_MIN:
            misses_alien_cutoff.append(f"{s['name']} ({c:.2f})")
        if s["name"] in KAIRO_SHAPES and a is not None and max(a, c or 0.0) < TARGET_ALIEN_RATIO_MIN:
            misses_alien_either.append(f"{s['name']} ({max(a, c or 0.0):.2f})")
        alloc = s["allocations_per_propagation"]
        if alloc is not None and alloc > 0:
            allocating.append(f"{s['name']} ({alloc:g})")
    lines.append("## Targets")
    lines.append("")
    lines.append(f"- frsim within {TARGET_FAIR_FLOOR_RATIO_MAX:g}x of the fair floor on every shape: "
                 + ("met on every shape measured." if not misses_floor else "missed on " + "; ".join(misses_floor) + "."))
    alien_measured = any(s["name"] in KAIRO_SHAPES and s["alien_over_frsim"] is not None for s in shapes)
    lines.append(f"- frsim at least {TARGET_ALIEN_RATIO_MIN:g}x faster than alien-signals on the kairo shapes, "
                 "the level policy doing the calculus's work: "
                 + ("not measured (no alien-signals figures in this run)." if not alien_measured
                    else "met on every shape measured." if not misses_alien
                    else "missed on " + "; ".join(misses_alien) + "."))
    cutoff_measured = any(s["name"] in KAIRO_SHAPES and s["alien_over_frsim_cutoff"] is not None for s in shapes)
    if alien_measured and cutoff_measured:
        lines.append(f"- the same with cut-off (frsim cut-off doing the peers' work): "
                     + ("met on every shape measured." if not misses_alien_cutoff
                        else "missed on " + "; ".join(misses_alien_cutoff) + ".")
                     + " By one of the two on every kairo shape: "
                     + ("met." if not misses_alien_either else "missed on " + "; ".join(misses_alien_either) + "."))
    lines.append("- zero heap allocations per steady-state propagation: "
                 + ("met on every shape measured." if not allocating else "allocating shapes: " + ", ".join(allocating) + "."))
    lines.append("")
    cutoff = [s for s in shapes if any(n != s["nodes_per_iteration"] for n in s["_executed"].values())]
    if cutoff:
        lines.append("## Equality cut-off")
        lines.append("")
        lines.append("frsim follows the FR calculus (Fig. 8): every reactive reachable from an active one is "
                     "reevaluated, equal value or not. The peers stop at equal values, so on these shapes they "
                     "execute fewer nodes, and so does frsim cut-off (checked: the same counts); ns per node "
                     "divides every contestant's iteration time by the same calculus count, so the columns compare "
                     "time for the same result:")
        lines.append("")
        for s in cutoff:
            executed = ", ".join(f"{k} {v}" for k, v in sorted(s["_executed"].items()))
            lines.append(f"- {s['name']}: calculus {s['nodes_per_iteration']} nodes per iteration; executed by {executed}.")
        lines.append("")
    if reasons:
        lines.append("## Contestants that did not run")
        lines.append("")
        for shape, contestant, reason in reasons:
            lines.append(f"- {shape} / {contestant}: {reason}")
        lines.append("")
    return lines


def issue_markdown(shapes, crdt_rows):
    """Issue 17's figures beside this run's."""
    out = ["## Beside issue 17's figures", ""]
    out.append("ns per node when issue 17 was filed (its fair floor: a flat node array, CSR edges, one function "
               "pointer per node, level buckets) and in this run (fair floor: fair_floor_bench.cpp).")
    out.append("")
    out.append("| shape | issue: frsim | issue: fair floor | issue: frsim/fair floor | issue: alien/frsim "
               "| now: frsim | now: fair floor | now: frsim/fair floor | now: alien/frsim |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    by_name = {s["name"]: s for s in shapes}
    for name, (frsim, floor, alien) in ISSUE_17_PROPAGATION.items():
        s = by_name.get(name)
        now = [fmt(s["frsim_ns_per_node"]), fmt(s["fair_floor_ns_per_node"]), fmt(s["frsim_over_fair_floor"]),
               fmt(s["alien_over_frsim"])] if s else ["null"] * 4
        out.append("| " + " | ".join([name, fmt(frsim, 1), fmt(floor, 1), fmt(frsim / floor), fmt(alien / frsim)] + now)
                   + " |")
    out.append("")
    merges = {r["lattice"]: r for r in crdt_rows if r["kind"] == "merges" and r["n"] == CRDT_HEADLINE_SIZE}
    out.append(f"CRDT merges at n = {CRDT_HEADLINE_SIZE}, ns per element: when issue 17 was filed, and now.")
    out.append("")
    out.append("| lattice | issue | now |")
    out.append("|---|---:|---:|")
    for lattice, figure in ISSUE_17_MERGE_NS_PER_ELEMENT.items():
        r = merges.get(lattice)
        out.append(f"| {lattice} | {fmt(figure, 1)} | {fmt(r['ns_per_element']) if r else 'null'} |")
    out.append("")
    return out


def harness_markdown(figures, reasons, command):
    out = ["## The harness's own throughput", ""]
    if command:
        out.append(f"Command: `{command}`. One repetition; the byte figures are exact (deterministic runs).")
        out.append("")
    out.append("| figure | value | unit |")
    out.append("|---|---:|---|")
    for f in figures:
        value = f["value"]
        text = "null" if value is None else (f"{value:.0f}" if abs(value) >= 100 else f"{value:.2f}")
        out.append(f"| {f['name']} | {text} | {f['unit']} |")
    out.append("")
    for name, reason in reasons:
        out.append(f"- {name}: {reason}")
    if reasons:
        out.append("")
    return out


def write_markdown(path, machine, shapes, reasons, command, harness_lines=()):
    out = ["# Propagation benchmarks", ""]
    out.append(f"Machine: {machine['cpu']}, {machine['cores']} cores, pinned to CPU {machine['pinned_to']}, "
               f"load average at start {machine['load_avg']}; {machine['date']}.")
    if machine.get("node"):
        peers = ", ".join(machine["peers"].values()) if machine.get("peers") else ""
        out.append(f"Node {machine['node']} ({peers}).")
    out.append(f"Best of {machine['repetitions']} rounds (each round runs a shape's contestants one after the other: "
               f"frsim_bench's, then the Node peers, one Node process per shape and round). Command: `{command}`.")
    out.append("")
    out.append("ns per node = best CPU time per iteration / nodes per iteration (the FR calculus count, the same "
               "for every contestant). Lower is better. frsim = level policy (the product), frsim cut-off = the "
               "same with equal-value cut-off (RuntimeOptions::equal_value_cutoff: the peers' work, their node "
               "counts; kairo shapes only), calculus = calculus "
               "policy with the default chooser, fair floor = a hand-written dynamic engine (flat node arrays, "
               "an indirect operator call per node over a Value-sized type-erased value, level buckets of the "
               "affected nodes only: the least an engine does), straight floor = a hand-written straight-line loop "
               "per shape (no engine; the compiler may vectorise and constant-fold it, so it bounds nothing).")
    out.append("")
    header = ["shape", "nodes/iter", "frsim", "frsim cut-off", "calculus", "straight floor", "fair floor", "alien",
              "preact", "frsim/fair floor", "frsim/straight", "alien/frsim", "alien/frsim cut-off", "allocs/prop"]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    for s in shapes:
        cells = [s["name"], fmt(s["nodes_per_iteration"])]
        cells += [fmt(s[f"{c}_ns_per_node"]) for c in CONTESTANTS]
        cells += [fmt(s["frsim_over_fair_floor"]), fmt(s["frsim_over_floor"]), fmt(s["alien_over_frsim"]),
                  fmt(s["alien_over_frsim_cutoff"]), fmt(s["allocations_per_propagation"], 3)]
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    out += notes(shapes, reasons)
    out += list(harness_lines)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--frsim", nargs="+", help="frsim_bench JSON output, one file or one per round and shape")
    p.add_argument("--frsim-missing", help="why frsim_bench did not run")
    p.add_argument("--node", nargs="+", help="bench/node/bench.mjs output, one file or one per round and shape")
    p.add_argument("--node-missing", help="why the Node peers did not run")
    p.add_argument("--harness", help="frsim_bench JSON of the harness suites (sim, explore, crdt, harness)")
    p.add_argument("--harness-missing", help="why the harness suites did not run")
    p.add_argument("--harness-command", help="the command that produced --harness")
    p.add_argument("--crdt", help="frsim_bench JSON of the CRDT suite (bench/crdt_bench.cpp)")
    p.add_argument("--crdt-baseline", help="crdt suite JSON of the same benchmarks against an older core")
    p.add_argument("--crdt-baseline-label", help="what --crdt-baseline was built from (a revision)")
    p.add_argument("--cpu")
    p.add_argument("--cores", type=int)
    p.add_argument("--date")
    p.add_argument("--pinned", default="none")
    p.add_argument("--repetitions", type=int)
    p.add_argument("--command", default="scripts/bench.sh")
    p.add_argument("--out-json", required=True)
    p.add_argument("--out-md", required=True)
    args = p.parse_args()
    machine, shapes, reasons = build(args)
    harness, harness_reasons = load_harness(args.harness, args.harness_missing, args.crdt)
    crdt = crdt_section(load_crdt(args.crdt), load_crdt(args.crdt_baseline))
    public = [{k: v for k, v in s.items() if not k.startswith("_")} for s in shapes]
    with open(args.out_json, "w", encoding="utf-8") as f:
        json.dump({"machine": machine, "shapes": public, "harness": harness, "crdt": crdt,
                   "crdt_baseline": args.crdt_baseline_label}, f, indent=1)
        f.write("\n")
    write_markdown(args.out_md, machine, shapes, reasons, args.command,
                   issue_markdown(shapes, crdt)
                   + harness_markdown(harness, harness_reasons, args.harness_command)
                   + crdt_markdown(crdt, args.crdt_baseline_label))
    print(f"wrote {args.out_json} and {args.out_md} ({len(shapes)} shapes)", file=sys.stderr)


if __name__ == "__main__":
    main()
