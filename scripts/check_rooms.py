#!/usr/bin/env python3
"""Checks that each module stays in its room: the targets a module reaches (transitively) exclude
those above it. CoreKernel must not reach Tensor or BLAS, Tensor must not reach the language, and
so on. Reads `swift package describe --type json`; exits 1 naming the offending path."""
import json
import subprocess
import sys

FORBIDDEN = {
    "CoreKernel": {"Tensor", "COpenBLAS", "CKernels", "Nets", "Learn", "Imaging", "Formats", "NetsKernel", "LearnKernel"},
    "Language": {"Tensor", "COpenBLAS", "Nets", "CoreKernel", "NetsKernel", "LearnKernel"},
    "Tensor": {"Language", "CoreKernel", "Nets", "Imaging", "Formats", "Learn"},
    "Formats": {"Language", "Nets", "CoreKernel", "NetsKernel"},
    "Nets": {"Language", "CoreKernel", "NetsKernel", "Learn", "LearnKernel"},
    "Learn": {"Language", "CoreKernel", "NetsKernel", "LearnKernel"},
    "NetsKernel": {"LearnKernel", "Learn"},
    # The Jupyter kernel speaks the protocol and knows no language: the executable gives it one.
    "Notebook": {"Language", "CoreKernel", "NetsKernel", "LearnKernel", "Tensor", "Nets", "Learn"},
    "Graphics": {"Language", "CoreKernel", "NetsKernel", "LearnKernel", "Tensor", "Nets", "Learn"},
}

described = json.loads(subprocess.run(["swift", "package", "describe", "--type", "json"],
                                      capture_output=True, text=True, check=True).stdout)
deps = {t["name"]: t.get("target_dependencies", []) for t in described["targets"]}


def reach(name, path, seen):
    for d in deps.get(name, []):
        if d not in seen:
            seen[d] = path + [d]
            reach(d, path + [d], seen)
    return seen


failed = False
for module, forbidden in FORBIDDEN.items():
    for target, path in reach(module, [module], {}).items():
        if target in forbidden:
            print(f"check_rooms: {module} reaches {target}: {' -> '.join(path)}", file=sys.stderr)
            failed = True
if failed:
    sys.exit(1)
print("check_rooms: every module stays in its room")
