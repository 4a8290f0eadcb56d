"""Runs a small notebook on nets's Jupyter kernel with `jupyter nbconvert --execute`, as a teacher
would before handing it out, and validates notebooks nets wrote with nbformat.

Usage: python3 nbconvert_check.py NETS_BINARY [NOTEBOOK.ipynb ...]
Installs the kernel spec with `nets install-kernel` into a temporary JUPYTER_DATA_DIR, writes a
notebook of three cells (a sum, a plot, a classifier), executes it with nbconvert (nbclient
starting the kernel), and checks its outputs; then checks each NOTEBOOK.ipynb against the nbformat
schema. Prints one line per check and exits 1 at the first failure.
"""
import base64
import os
import subprocess
import sys
import tempfile

binary = sys.argv[1]
work = tempfile.mkdtemp(prefix="nets-nbconvert-")
os.environ["JUPYTER_DATA_DIR"] = os.path.join(work, "data")
subprocess.run([binary, "install-kernel"], check=True, env=os.environ, stdout=subprocess.DEVNULL)

import nbformat  # noqa: E402


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else ": " + str(detail)[:2000]), flush=True)
    if not condition:
        raise SystemExit(1)


spec = os.path.join(os.environ["JUPYTER_DATA_DIR"], "kernels", "nets")
for side in (32, 64):
    with open(os.path.join(spec, "logo-%dx%d.png" % (side, side)), "rb") as f:
        png = f.read()
    check("the kernel spec has a %d-pixel logo" % side, png[:8] == b"\x89PNG\r\n\x1a\n"
          and int.from_bytes(png[16:20], "big") == side and int.from_bytes(png[20:24], "big") == side)

nb = nbformat.v4.new_notebook()
nb.metadata["kernelspec"] = {"name": "nets", "display_name": "nets (Wolfram Language)", "language": "wolfram"}
nb.cells = [
    nbformat.v4.new_markdown_cell("A sum, a plot and a classifier."),
    nbformat.v4.new_code_cell("x = 1 + 2\nx^2"),
    nbformat.v4.new_code_cell("ListLinePlot[Table[Sin[t], {t, 0, 6, 0.1}]]"),
    nbformat.v4.new_code_cell('Classify[{1 -> "small", 2 -> "small", 8 -> "big", 9 -> "big"}]'),
]
source = os.path.join(work, "small.ipynb")
nbformat.write(nb, source)
run = subprocess.run([sys.executable, "-S", "-m", "nbconvert", "--to", "notebook", "--execute",
                      "--ExecutePreprocessor.timeout=120", "--output", "executed.ipynb", source],
                     env=os.environ, capture_output=True, text=True, timeout=600)
check("nbconvert --execute runs the notebook", run.returncode == 0, run.stderr)
executed = nbformat.read(os.path.join(work, "executed.ipynb"), as_version=4)
nbformat.validate(executed)
code = [c for c in executed.cells if c.cell_type == "code"]
texts = [[o.get("data", {}).get("text/plain") for o in c.outputs if o.output_type == "execute_result"] for c in code]
check("results come back as Out[n]", texts[0] == ["3", "9"] and code[0].execution_count == 2, texts)
plot = [o for o in code[1].outputs if o.output_type == "execute_result"][0]
check("the plot is a PNG shown at its size in points",
      base64.b64decode(plot["data"]["image/png"])[:4] == b"\x89PNG" and plot["metadata"]["image/png"]["width"] == 360,
      plot.get("metadata"))
card = [o for o in code[2].outputs if o.output_type == "execute_result"][0]["data"]
check("the classifier is an HTML card", "ClassifierFunction" in card.get("text/html", ""), card)
check("no error outputs", all(o.output_type != "error" for c in code for o in c.outputs))

for path in sys.argv[2:]:
    written = nbformat.read(path, as_version=4)
    try:
        nbformat.validate(written)
        valid, detail = True, ""
    except nbformat.ValidationError as e:
        valid, detail = False, e
    check("nbformat validates " + os.path.basename(path), valid, detail)
    pictures = sum(1 for c in written.cells if c.cell_type == "code" for o in c.get("outputs", [])
                   if "image/png" in o.get("data", {}))
    print("     %s: %d cells, %d pictures" % (os.path.basename(path), len(written.cells), pictures), flush=True)
