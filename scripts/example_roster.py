"""Write the example roster staff can open: docs/contoh-roster.csv and docs/contoh-roster.xlsx.

    .venv/bin/python scripts/example_roster.py [FOLDER]

The rows come from profiles.services.demo (made-up people with valid NIPs; some cells left
blank for the participant, as a training centre's roster often arrives).
"""

import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbangkom.settings")
django.setup()

from profiles.services import demo  # noqa: E402

folder = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "docs"
for path in demo.write_example_roster(folder):
    print(path)
