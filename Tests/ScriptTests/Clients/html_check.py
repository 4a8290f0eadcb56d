"""Opens a page `nets --html` wrote in headless Chromium and compares what it shows, in shape,
with a reference: the same cells in the same order (Markdown, inputs, outputs), the same pictures
at the same sizes, every picture decoded and drawn (its box in the screenshot has ink), and no
error cells.

Usage: python3 html_check.py CHROMIUM PAGE.html REFERENCE.json [--record]
With --record the reference is written from the page instead of compared. Prints one line per
check and exits 1 at the first failure.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

chromium, page, reference = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
record = "--record" in sys.argv[4:]
work = tempfile.mkdtemp(prefix="nets-html-")
WIDTH = 1000

# Read in the page after it has loaded: the cells' kinds, each picture's decoded size and box.
PROBE = """<script>
window.addEventListener("load", () => {
  const kind = e => e.classList.contains("md") ? "markdown"
    : e.querySelector(".error") ? "error" : "code:" + e.querySelectorAll(".out").length;
  const cells = [...document.querySelectorAll("body > .md, body > .cell")].map(kind);
  const pictures = [...document.images].map(i => {
    const r = i.getBoundingClientRect();
    return {decoded: [i.naturalWidth, i.naturalHeight], shown: [Math.round(r.width), Math.round(r.height)],
            at: [Math.round(r.left), Math.round(r.top + window.scrollY)]};
  });
  const probe = document.createElement("pre");
  probe.id = "nets-probe";
  probe.textContent = JSON.stringify({cells, pictures, errors: document.querySelectorAll(".error").length,
                                      height: document.documentElement.scrollHeight});
  document.body.appendChild(probe);
});
</script></body>"""


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else ": " + str(detail)), flush=True)
    if not condition:
        raise SystemExit(1)


def browse(*args):
    base = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=" + os.path.join(work, "profile"), "--virtual-time-budget=5000"]
    return subprocess.run(base + list(args), capture_output=True, text=True, timeout=120)


def png_pixels(path):
    """Width, height and rows of RGB(A) bytes of an 8-bit, non-interlaced PNG (as Chromium writes)."""
    data = open(path, "rb").read()
    check("the screenshot is a PNG", data[:8] == b"\x89PNG\r\n\x1a\n", data[:8])
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    check("the screenshot is 8-bit RGB or RGBA, not interlaced", depth == 8 and color in (2, 6) and interlace == 0, header)
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        previous = line
    return width, height, bpp, rows


def ink(pixels, box):
    """The share of pixels in the box (x, y, w, h) that are not near white."""
    width, height, bpp, rows = pixels
    x0, y0, w, h = box
    inked = total = 0
    for y in range(max(y0, 0), min(y0 + h, height)):
        row = rows[y]
        for x in range(max(x0, 0), min(x0 + w, width)):
            r, g, b = row[x * bpp:x * bpp + 3]
            total += 1
            inked += min(r, g, b) < 200
    return inked / total if total else 0.0


probe_page = os.path.join(work, "probe.html")
with open(page, encoding="utf-8") as f:
    html = f.read()
with open(probe_page, "w", encoding="utf-8") as f:
    f.write(html.replace("</body>", PROBE, 1))
dom = browse("--dump-dom", f"--window-size={WIDTH},800", "file://" + probe_page)
check("Chromium loads the page", dom.returncode == 0 and 'id="nets-probe"' in dom.stdout, dom.stderr[-800:])
text = dom.stdout.split('id="nets-probe">', 1)[1].split("</pre>", 1)[0]
found = json.loads(text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
check("no error cells", found["errors"] == 0 and "error" not in found["cells"], found["cells"])
check("every picture decodes", found["pictures"] and all(p["decoded"][0] > 0 and p["decoded"][1] > 0 for p in found["pictures"]),
      found["pictures"])

height = min(found["height"] + 20, 8000)
shot = os.path.join(work, "page.png")
r = browse("--screenshot=" + shot, f"--window-size={WIDTH},{height}", "file://" + page)
check("Chromium takes a screenshot", r.returncode == 0 and os.path.exists(shot), r.stderr[-800:])
pixels = png_pixels(shot)
inks = [round(ink(pixels, p["at"] + p["shown"]), 3) for p in found["pictures"]]
check("every picture is drawn in the screenshot", all(i > 0.01 for i in inks), inks)
shape = {"cells": found["cells"], "pictures": [{"decoded": p["decoded"], "shown": p["shown"], "ink": i}
                                               for p, i in zip(found["pictures"], inks)]}
if record:
    with open(reference, "w", encoding="utf-8") as f:
        json.dump(shape, f, indent=1)
        f.write("\n")
    print(f"recorded {reference}")
    raise SystemExit(0)
with open(reference, encoding="utf-8") as f:
    expected = json.load(f)
check("the same cells as the reference", shape["cells"] == expected["cells"], (shape["cells"], expected["cells"]))
check("the same pictures at the same sizes", [(p["decoded"], p["shown"]) for p in shape["pictures"]]
      == [(p["decoded"], p["shown"]) for p in expected["pictures"]], (shape["pictures"], expected["pictures"]))
# Fonts and antialiasing may differ a little between machines; a blank or another picture not.
check("each picture about as inked as the reference's", all(abs(p["ink"] - q["ink"]) <= 0.25 * q["ink"] + 0.01
      for p, q in zip(shape["pictures"], expected["pictures"])), (inks, [q["ink"] for q in expected["pictures"]]))
print(f"{os.path.basename(page)}: {len(shape['cells'])} cells, {len(shape['pictures'])} pictures shown")
