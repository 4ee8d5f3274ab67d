#!/usr/bin/env python3
"""The labour day plan's exact instances solved by scipy, beside Huzhu's own solver.

    scripts/bench/plan-scipy.py [--runs 5] DIR/plan-large.txt DIR/plan-small.txt

The instances come from `labour-bench --export DIR` (Benchmarks/Sources/labour-bench/PlanExport.swift):
one line per slot (a request of crew 3 is three slots) with its candidate workers and their scores, plus
Huzhu's solver times and optimal total measured on the same problem in the same run.

The problem: give each slot at most one worker, each worker at most one slot, maximising the total score;
a slot may stay empty (score 0). Huzhu solves it sparsely (LabourAssignment.optimal: shortest augmenting
paths over the ~900 candidate edges of each slot, each slot with a private "stays empty" column). scipy is
asked the same question two ways; only the solver call is timed, not building the matrices:

- dense: scipy.optimize.linear_sum_assignment(maximize=True) on a slots x workers score matrix holding
  only the workers that appear in some slot (0 where a worker is not a candidate: taking such a pair
  means the slot stays empty). When a score is <= 0 or there are fewer workers than slots, one empty
  column per slot is added, so "stays empty" is always possible.
- sparse: scipy.sparse.csgraph.min_weight_full_bipartite_matching on exactly Huzhu's formulation:
  cost C - score per candidate edge, cost C for the slot's own empty column (C = best score + 1), every
  slot matched; the minimum cost is slots x C - the maximum total.

Both totals must equal Huzhu's (all three are optimal); a difference beyond rounding is a bug. Prints a
markdown table. Without scipy it prints "skipped: pip install scipy" and exits 0.
"""
import argparse
import statistics
import sys
import time

try:
    import numpy as np
    from scipy import __version__ as scipy_version
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching
except ImportError:
    print("plan vs scipy: skipped: pip install scipy (numpy and scipy are needed)")
    sys.exit(0)


def load(path):
    meta, slots = {}, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            key, _, rest = line.rstrip("\n").partition(" ")
            if key == "slot":
                parts = rest.split()
                slots.append((list(map(int, parts[0::2])), list(map(float, parts[1::2]))))
            else:
                meta[key] = rest
    return meta, slots


def timed(runs, call):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def solve(path, runs):
    meta, slots = load(path)
    workers = sorted({w for ws, _ in slots for w in ws})
    column = {w: i for i, w in enumerate(workers)}
    n, m = len(slots), len(workers)
    scores = [s for _, ss in slots for s in ss]
    pad = n if (m < n or any(s <= 0 for s in scores)) else 0

    value = np.zeros((n, m + pad))
    rows, cols = [], []
    for i, (ws, ss) in enumerate(slots):
        for w, s in zip(ws, ss):
            value[i, column[w]] = s
            rows.append(i)
            cols.append(column[w])
    dense_ms, (r, c) = timed(runs, lambda: linear_sum_assignment(value, maximize=True))
    dense_total = float(value[r, c].sum())
    dense_filled = int(sum(1 for i, j in zip(r, c) if j < m and value[i, j] != 0))

    top = max(scores) + 1
    cost = top - np.array(scores)
    sparse = csr_matrix((np.concatenate([cost, np.full(n, top)]),
                         (np.concatenate([rows, np.arange(n)]), np.concatenate([cols, m + np.arange(n)]))),
                        shape=(n, m + n))
    sparse_ms, (r2, c2) = timed(runs, lambda: min_weight_full_bipartite_matching(sparse))
    chosen = [(i, j) for i, j in zip(r2, c2) if j < m]
    sparse_total = float(sum(value[i, j] for i, j in chosen))

    huzhu_ms = statistics.median(float(x) for x in meta["huzhu_solver_ms"].split())
    plan_ms = statistics.median(float(x) for x in meta["huzhu_plan_ms"].split())
    huzhu_total = float(meta["huzhu_total"])
    return dict(name=meta["name"], requests=int(meta["requests"]), slots=n, workers=m, edges=len(scores), pad=pad,
                huzhu_ms=huzhu_ms, plan_ms=plan_ms, huzhu_total=huzhu_total, huzhu_filled=int(meta["huzhu_filled"]),
                dense_ms=dense_ms, dense_total=dense_total, dense_filled=dense_filled,
                sparse_ms=sparse_ms, sparse_total=sparse_total, sparse_filled=len(chosen))


def equal(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="solver calls per instance (the median is shown)")
    parser.add_argument("instances", nargs="+")
    options = parser.parse_args()
    results = [solve(path, options.runs) for path in options.instances]
    print(f"scipy {scipy_version}, numpy {np.__version__}; medians of {options.runs} solver calls (building the matrices not timed)")
    print()
    print("| instance | slots × workers (edges) | Huzhu solver ms | scipy dense `linear_sum_assignment` ms | scipy sparse "
          "`min_weight_full_bipartite_matching` ms | scipy dense ÷ Huzhu (time) | scipy sparse ÷ Huzhu (time) | "
          "optimal total (Huzhu) | totals equal | LABOUR PLAN end to end ms |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    bugs = []
    for x in results:
        same = equal(x["huzhu_total"], x["dense_total"]) and equal(x["huzhu_total"], x["sparse_total"])
        if not same:
            bugs.append(x)
        verdict = "yes" if same else f"**NO** (dense {x['dense_total']:.6f}, sparse {x['sparse_total']:.6f})"
        print(f"| {x['name']} ({x['requests']} requests) | {x['slots']} × {x['workers']} ({x['edges']:,}) | {x['huzhu_ms']:.2f} | "
              f"{x['dense_ms']:.2f} | {x['sparse_ms']:.2f} | {x['dense_ms'] / x['huzhu_ms']:.2f}× | {x['sparse_ms'] / x['huzhu_ms']:.2f}× | "
              f"{x['huzhu_total']:.6f} ({x['huzhu_filled']} filled) | {verdict} | {x['plan_ms']:.0f} |")
    notes = [f"{x['name']}: {x['pad']} empty columns added to the dense matrix" for x in results if x["pad"]]
    if notes:
        print()
        print("; ".join(notes))
    for x in bugs:
        print(f"\nBUG: {x['name']}: the optimal totals differ: Huzhu {x['huzhu_total']!r} ({x['huzhu_filled']} filled), "
              f"scipy dense {x['dense_total']!r} ({x['dense_filled']} filled), sparse {x['sparse_total']!r} ({x['sparse_filled']} filled)")
    return 1 if bugs else 0


if __name__ == "__main__":
    sys.exit(main())
