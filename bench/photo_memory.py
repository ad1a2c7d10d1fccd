"""Peak memory growth of decoding crafted uploads (49 MP images in files of a few hundred
KB), each in a child process: for the fixer (reduced), at "full size" (capped at 16 MP),
and for the preview. The limit is 200 MB (issue 15). Run: python bench/photo_memory.py"""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_photo_memory import EXTENSIONS, KINDS, LIMIT_MB, _grown, _write  # noqa: E402


def main():
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'file':12} {'bytes':>9} {'fixer MB':>9} {'full MB':>8} {'preview MB':>10}  (limit {LIMIT_MB} MB)")
        for kind in KINDS:
            path = _write(Path(folder) / f"{kind}.{EXTENSIONS[kind]}", kind)
            fixer, full, preview = (_grown(path, side)["grown_mb"] for side in (1240, 100_000, 0))
            print(f"{kind:12} {path.stat().st_size:9d} {fixer:9.0f} {full:8.0f} {preview:10.0f}")


if __name__ == "__main__":
    main()
