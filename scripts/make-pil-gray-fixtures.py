#!/usr/bin/python3
"""Makes the grayscale reference fixture of tests/Data/PilGrayReferenceTests.cs with PIL.

Keras' load_img(color_mode="grayscale") opens a file with PIL and calls convert("L"); this
script records what that gives, so the C# decoder (ImageSharp) can be checked against it.

  * Real files from ../shared/data (read in place, never copied): FER-2013 JPEGs, small colour
    muxspace JPEGs and the muxspace WebP file named .jpg.
  * Format variants made here from one real colour face (muxspace Avinash_10.jpg, shrunk to
    64x64), committed under images/: PNG (RGB, RGBA, palette, palette with transparency, LA,
    8-bit gray, 16-bit gray, 16-bit RGB), JPEG (CMYK, progressive), BMP, GIF, TIFF, WebP
    (lossless).

For each image, manifest.tsv gives PIL's expected gray: a gray PNG under expected/ (small
images) or the SHA-256 of the raw bytes (the large WebP). One deliberate difference: PIL opens a
16-bit gray PNG as mode I and its convert("L") clips every value above 255 to white (Keras then
keeps the 0-65535 values unconverted); the reference for that file is the high byte of each
sample instead, which is what PIL does for 16-bit colour PNGs and what our decoder documents.

Run from the repository root with Debian's python3-pil (Pillow 9.4):
    apt-get install -y python3-pil
    /usr/bin/python3 scripts/make-pil-gray-fixtures.py
"""
import hashlib
import os
import struct
import zlib

import PIL
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))
OUT = os.path.join(ROOT, "tests", "Data", "Fixtures", "pil-gray")
IMAGES = os.path.join(OUT, "images")
EXPECTED = os.path.join(OUT, "expected")

REAL = [
    "fer2013/train/angry/Training_10118481.jpg",
    "fer2013/train/happy/Training_10019449.jpg",
    "fer2013/test/sad/PrivateTest_10247676.jpg",
    "fer2013/test/surprise/PublicTest_10709121.jpg",
    "fer2013/test/neutral/PrivateTest_10086748.jpg",
    "muxspace/images/HrithikRoshan_98.jpg",
    "muxspace/images/Dwarakish_34.jpg",
    "muxspace/images/Jayamadhuri_120.jpg",
    "muxspace/images/facial-expressions_2868588k.jpg",
]


def write_png(path, width, height, color_type, bit_depth, rows):
    """A minimal PNG writer, for the 16-bit RGB file PIL cannot save."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def make_variants():
    """Writes the format variants of one real face; returns their file names."""
    os.makedirs(IMAGES, exist_ok=True)
    face = Image.open(os.path.join(SHARED, "muxspace/images/Avinash_10.jpg")).convert("RGB").resize((64, 64), Image.LANCZOS)
    w, h = face.size
    rgb = face.tobytes()
    gray = face.convert("L")
    # Alpha that varies over the image, so an alpha-weighted conversion would show.
    alpha = Image.frombytes("L", (w, h), bytes((x * 4 + y * 2) % 256 for y in range(h) for x in range(w)))
    rgba = face.copy()
    rgba.putalpha(alpha)
    la = gray.copy()
    la.putalpha(alpha)
    palette = face.convert("P", palette=Image.ADAPTIVE, colors=48)
    out = {}

    def save(name, image, **kw):
        image.save(os.path.join(IMAGES, name), **kw)
        out[name] = None

    save("rgb.png", face)
    save("rgba.png", rgba)
    save("palette.png", palette)
    save("palette-transparent.png", palette, transparency=5)
    save("la.png", la)
    save("gray8.png", gray)
    # 16-bit gray: the 8-bit face times 257 plus noise in the low byte (so rounding and truncation differ).
    gray16 = [min(65535, max(0, v * 257 + (i * 37) % 200 - 100)) for i, v in enumerate(gray.tobytes())]
    save("gray16.png", Image.frombytes("I;16", (w, h), struct.pack("<%dH" % len(gray16), *gray16)))
    rows = []
    for y in range(h):
        row = bytearray()
        for x in range(w):
            for c in range(3):
                v = rgb[(y * w + x) * 3 + c] * 257 + (x * 7 + y * 13 + c * 3) % 256 - 128
                row += struct.pack(">H", min(65535, max(0, v)))
        rows.append(bytes(row))
    write_png(os.path.join(IMAGES, "rgb16.png"), w, h, 2, 16, rows)
    out["rgb16.png"] = None
    save("cmyk.jpg", face.convert("CMYK"), quality=90)
    save("progressive.jpg", face, quality=90, progressive=True)
    save("rgb.bmp", face)
    save("palette.gif", face)
    save("rgb.tiff", face)
    save("lossless.webp", face, lossless=True)
    return sorted(out)


def reference(path, name):
    """PIL's gray bytes for the file (see the module docstring for the 16-bit gray exception)."""
    image = Image.open(path)
    mode = image.mode
    if name == "gray16.png":
        data = bytes(v >> 8 for v in struct.unpack("<%dH" % (image.size[0] * image.size[1]), image.convert("I;16").tobytes()))
        return mode, image.size, Image.frombytes("L", image.size, data)
    return mode, image.size, image.convert("L")


def main():
    os.makedirs(EXPECTED, exist_ok=True)
    entries = [("shared", p) for p in REAL] + [("fixture", "images/" + n) for n in make_variants()]
    lines = ["# source\tfile\tPIL mode\twidth\theight\texpected gray (PIL %s, convert('L'))" % PIL.__version__]
    for origin, relative in entries:
        path = os.path.join(SHARED if origin == "shared" else OUT, relative)
        name = os.path.basename(relative)
        mode, (w, h), gray = reference(path, name)
        if w * h <= 64 * 64:
            expected = "expected/" + name + ".png"
            gray.save(os.path.join(OUT, expected))
        else:
            expected = "sha256:" + hashlib.sha256(gray.tobytes()).hexdigest()
        lines.append("\t".join([origin, relative, mode, str(w), str(h), expected]))
    with open(os.path.join(OUT, "manifest.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
