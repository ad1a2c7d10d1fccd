"""Speed and memory of fix_photo on phone-sized photos, against one full decode of each.

    .venv/bin/python bench/photo_fix.py [--runs N]

Builds six 12-megapixel phone-style JPEGs (3000×4000 and 2592×4608, i.e. 3:4 and 9:16,
quality 95 with sensor grain: 3–6 MB) of the test portrait on a white, light blue, grey
gradient and textured beige wall, and two HEICs of 1512×2016 (pillow-heif encodes
12 MP in 8–16 s, so they are smaller), cached in the temp folder for the next run.

The timing runs in a child process, so that its peak memory (ru_maxrss: Django,
MediaPipe, the models and the fix itself) is not the builder's. The child loads the
models with one warm-up fix, then times, per photo and in alternating order, `runs`
fixes and as many full-resolution Pillow decodes of the same file (`Image.open(data)
.load()`, pillow-heif for HEIC), and prints each median, the ratio fix / decode, and
the median and max of the JPEG ratios (target median ≤ 2.0).

Where the time goes (3000×4000, one full decode ~120 ms here): the draft decode at 1/2
~0.7 of it (Huffman decoding of the whole file stays), two Face Landmarker runs of ~27 ms
each (the fixer's on a 384 px image, and check_photo's on the output, which the report
must come from), the small image's person mask (~14 ms, on a helper thread meanwhile),
the output's mask ~14 ms, warp ~8, matte ~14, blend ~5, encode ~10, the check's decode of
the output ~8.
"""

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbangkom.settings")

CACHE = Path(tempfile.gettempdir()) / "smartbangkom-photo-fix-bench-v1"
PHOTOS = [
    # name, wall, size, shirt, face width, format
    ("white-3x4", "white", (3000, 4000), "blue", 0.30, "JPEG"),
    ("blue-3x4", "light_blue", (3000, 4000), "white", 0.28, "JPEG"),
    ("grey-3x4", "grey_gradient", (3000, 4000), "white", 0.32, "JPEG"),
    ("beige-9x16", "beige_texture", (2592, 4608), "white", 0.30, "JPEG"),
    ("blue-9x16", "light_blue", (2592, 4608), "white", 0.34, "JPEG"),
    ("grey-9x16", "grey_gradient", (2592, 4608), "white", 0.28, "JPEG"),
    ("beige-heic", "beige_texture", (1512, 2016), "white", 0.34, "HEIF"),
    ("blue-heic", "light_blue", (1512, 2016), "white", 0.32, "HEIF"),
]


def build():
    from tests import walls

    CACHE.mkdir(exist_ok=True)
    files = []
    for name, wall, size, shirt, face_width, fmt in PHOTOS:
        path = CACHE / f"{name}.{'heic' if fmt == 'HEIF' else 'jpg'}"
        if not path.exists():
            image, _ = walls.compose(wall, *size, face_width=face_width, shirt=shirt, noise=4.0)
            path.write_bytes(walls.encode(image, fmt, quality=95 if fmt == "JPEG" else 80))
        files.append(path)
    return files


def measure(paths, runs):
    import django

    django.setup()
    from PIL import Image

    from profiles.photos import fix_photo

    def decode(data):
        with Image.open(io.BytesIO(data)) as image:
            image.load()

    def timed(function, data):
        start = time.perf_counter()
        result = function(data)
        return time.perf_counter() - start, result

    photos = [(Path(path).name, Path(path).read_bytes()) for path in paths]
    fix_photo(photos[0][1])  # warm-up: models loaded, caches filled; not timed
    rows = []
    for name, data in photos:
        fixes, decodes, result = [], [], None
        for run in range(runs):
            order = ("fix", "decode") if run % 2 else ("decode", "fix")
            for step in order:
                if step == "fix":
                    seconds, result = timed(fix_photo, data)
                    fixes.append(seconds)
                else:
                    decodes.append(timed(decode, data)[0])
        rows.append({
            "name": name, "bytes": len(data), "fix": statistics.median(fixes), "decode": statistics.median(decodes),
            "ok": result.ok, "refused": result.refused.code if result.refused else None,
        })
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": rows, "peak_mb": peak_kb / 1024}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fixes and decodes per photo (default 3)")
    parser.add_argument("--measure", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        measure(args.measure, args.runs)
        return 0

    paths = build()
    child = subprocess.run(
        [sys.executable, __file__, "--runs", str(args.runs), "--measure", *map(str, paths)],
        capture_output=True, text=True, check=True,
    )
    result = json.loads(child.stdout.strip().splitlines()[-1])
    jpeg_ratios, failed = [], False
    print(f"{'photo':<16}{'MB':>6}{'decode ms':>11}{'fix ms':>9}{'ratio':>7}  result")
    for row in result["rows"]:
        ratio = row["fix"] / row["decode"]
        if row["name"].endswith(".jpg"):
            jpeg_ratios.append(ratio)
        outcome = "ok" if row["ok"] else f"refused {row['refused']}"
        failed |= not row["ok"]
        print(f"{row['name']:<16}{row['bytes'] / 1e6:>6.2f}{row['decode'] * 1000:>11.0f}{row['fix'] * 1000:>9.0f}{ratio:>7.2f}  {outcome}")
    median, worst = statistics.median(jpeg_ratios), max(jpeg_ratios)
    print(f"JPEG ratio fix / full decode: median {median:.2f}, max {worst:.2f} (target median ≤ 2.0)")
    print(f"peak memory of the measuring process (ru_maxrss): {result['peak_mb']:.0f} MB")
    if failed:
        print("FAIL: a bench photo was refused")
        return 1
    if median > 2.0:
        print("FAIL: the median fix costs more than two full decodes")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
