#!/usr/bin/env python3
"""Runs a spot check: each line of a cases file is `category<TAB>input<TAB>expected`, where
expected is what `wolframscript -code input` prints (expected values written from the Wolfram
documentation's examples and semantics). Prints the failures and the pass rate per category.
Usage: scripts/spotcheck/run.py [cases.tsv] [nets binary]"""
import collections, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

cases = sys.argv[1] if len(sys.argv) > 1 else "scripts/spotcheck/cases3.tsv"
nets = sys.argv[2] if len(sys.argv) > 2 else ".build/debug/nets"
passed, total = collections.Counter(), collections.Counter()
rows = [line.rstrip("\n").split("\t") for line in open(cases, encoding="utf-8")
        if line.strip() and not line.startswith("#")]

def run(row):
    try:
        return subprocess.run([nets, "-c", row[1]], capture_output=True, text=True, timeout=30).stdout.strip()
    except subprocess.TimeoutExpired:
        return "<timeout>"

with ThreadPoolExecutor(2) as pool:
    outputs = list(pool.map(run, rows))
for (category, code, expected), out in zip(rows, outputs):
    total[category] += 1
    if out == expected:
        passed[category] += 1
    else:
        print(f"FAIL [{category}] {code}\n   expected: {expected}\n   got:      {out}")
for c in total:
    print(f"{c:14} {passed[c]:4}/{total[c]:<4} {100 * passed[c] / total[c]:5.1f}%")
print(f"{'all':14} {sum(passed.values()):4}/{sum(total.values()):<4} {100 * sum(passed.values()) / sum(total.values()):5.1f}%")
