#!/usr/bin/env python3
"""Small images and reference decodings made with Pillow, to check the project's own
libjpeg/libpng readers, EXIF orientation and resizing.

Run from this folder: python3 make_image_fixtures.py  (writes *.png, *.jpg and images.json).
Shrinking is exact area averaging (each output pixel the overlap-weighted mean of the input
pixels it covers), computed here with NumPy (Pillow's BOX filter rounds overlaps to whole
pixels); growing is bilinear with pixel centres aligned, as Pillow's BILINEAR filter does.
"""
import io
import json

import numpy as np
from PIL import Image

rng = np.random.default_rng(1129)
out = {}


def record(name, image):
    a = np.asarray(image, dtype=np.float64) / 255.0
    out[name] = {"width": image.width, "height": image.height, "values": [round(float(v), 6) for v in a.reshape(-1)]}


rgb = Image.fromarray(rng.integers(0, 256, (5, 7, 3), dtype=np.uint8), "RGB")
rgb.save("rgb.png")
record("rgb", rgb)

gray = Image.fromarray(rng.integers(0, 256, (4, 6), dtype=np.uint8), "L")
gray.save("gray.png")
record("gray", gray)

rgba = Image.fromarray(rng.integers(0, 256, (3, 4, 4), dtype=np.uint8), "RGBA")
rgba.save("rgba.png")
record("rgba", rgba)

# A smooth photo-like JPEG, so both decoders agree closely.
y, x = np.mgrid[0:24, 0:32]
smooth = np.stack([x * 7, y * 9, (x + y) * 4], axis=-1).clip(0, 255).astype(np.uint8)
photo = Image.fromarray(smooth, "RGB")
photo.save("photo.jpg", quality=95)
record("photo", Image.open("photo.jpg").convert("RGB"))

# The same photo stored sideways with EXIF orientation 6 (rotate 90 degrees clockwise to view).
sideways = photo.transpose(Image.Transpose.ROTATE_90)
exif = Image.Exif()
exif[0x0112] = 6
sideways.save("sideways.jpg", quality=95, exif=exif.tobytes())
record("upright", Image.open("sideways.jpg").convert("RGB").transpose(Image.Transpose.ROTATE_270))

# Resizing references (from the PNG, exact input).
def area_weights(n, m):
    w = np.zeros((m, n))
    scale = n / m
    for j in range(m):
        lo, hi = j * scale, (j + 1) * scale
        for i in range(n):
            w[j, i] = max(0.0, min(hi, i + 1) - max(lo, i)) / scale
    return w


a = np.asarray(rgb, dtype=np.float64) / 255.0
shrunk = np.einsum("yi,ijc,xj->yxc", area_weights(5, 2), a, area_weights(7, 3))
out["rgb_shrunk"] = {"width": 3, "height": 2, "values": [round(float(v), 6) for v in shrunk.reshape(-1)]}
record("rgb_grown", rgb.resize((11, 9), Image.Resampling.BILINEAR))

# A damaged file: the PNG cut in half.
data = open("rgb.png", "rb").read()
open("truncated.png", "wb").write(data[: len(data) // 2])

with open("images.json", "w") as f:
    json.dump(out, f)
