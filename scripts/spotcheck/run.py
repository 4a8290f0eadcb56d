#!/usr/bin/env python3
"""Runs a spot check: each line of a cases file is `category<TAB>input<TAB>expected`, where
expected is what `wolframscript -code input` prints (expected values written from the Wolfram
documentation's examples and semantics). Prints the failures and the pass rate per category.
Usage: scripts/spotcheck/run.py [cases.tsv] [nets binary]"""
import subprocess, sys, collections

cases = sys.argv[1] if len(sys.argv) > 1 else "scripts/spotcheck/cases3.tsv"
nets = sys.argv[2] if len(sys.argv) > 2 else ".build/debug/nets"
passed, total = collections.Counter(), collections.Counter()
for line in open(cases, encoding="utf-8"):
    if not line.strip() or line.startswith("#"):
        continue
    category, code, expected = line.rstrip("\n").split("\t")
    try:
        out = subprocess.run([nets, "-c", code], capture_output=True, text=True, timeout=20).stdout.strip()
    except subprocess.TimeoutExpired:
        out = "<timeout>"
    total[category] += 1
    if out == expected:
        passed[category] += 1
    else:
        print(f"FAIL [{category}] {code}\n   expected: {expected}\n   got:      {out}")
for c in total:
    print(f"{c:14} {passed[c]:4}/{total[c]:<4} {100 * passed[c] / total[c]:5.1f}%")
print(f"{'all':14} {sum(passed.values()):4}/{sum(total.values()):<4} {100 * sum(passed.values()) / sum(total.values()):5.1f}%")
