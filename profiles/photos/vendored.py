"""The vendored MediaPipe models: their files, checked against the sha256 in models/README.md,
and one loaded Task per thread, closed when the interpreter exits.

MediaPipe Task objects are not thread-safe and take tens of milliseconds to create, so a
worker keeps one per thread for its whole life (never one per request). They must be
closed explicitly: left to their `__del__` at interpreter exit they print TypeErrors.
"""

import atexit
import hashlib
import logging
import re
import threading
from pathlib import Path

logger = logging.getLogger(__name__)

MODELS_DIR = Path(__file__).resolve().parent / "models"
README = MODELS_DIR / "README.md"

_local = threading.local()
_lock = threading.Lock()
_open_tasks = []  # every Task created in any thread, closed at exit
_verified = set()


class ModelFileError(RuntimeError):
    """A vendored model is missing, or its content is not the one the README names."""


def expected_sha256(name):
    """The sha256 that models/README.md gives for the file `name`."""
    try:
        text = README.read_text(encoding="utf-8")
    except OSError as error:
        raise ModelFileError(f"{README} cannot be read: {error}") from None
    match = re.search(rf"^\|\s*`{re.escape(name)}`\s*\|\s*`([0-9a-f]{{64}})`", text, re.MULTILINE)
    if match is None:
        raise ModelFileError(f"{README} gives no sha256 for {name}")
    return match.group(1)


def model_path(name):
    """The path of a vendored model, its sha256 verified (once per process)."""
    path = MODELS_DIR / name
    with _lock:
        if name in _verified:
            return path
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as error:
            raise ModelFileError(f"model {path} cannot be read: {error}") from None
        expected = expected_sha256(name)
        if digest != expected:
            logger.error("Model %s has sha256 %s, the README says %s: refused", path, digest, expected)
            raise ModelFileError(f"model {path} has sha256 {digest}, expected {expected} (models/README.md)")
        _verified.add(name)
    return path


def task(name, create):
    """This thread's Task for the model `name`, made by `create(path)` on first use."""
    tasks = getattr(_local, "tasks", None)
    if tasks is None:
        tasks = _local.tasks = {}
    if name not in tasks:
        instance = create(str(model_path(name)))
        with _lock:
            _open_tasks.append(instance)
        tasks[name] = instance
    return tasks[name]


@atexit.register
def close_all():
    with _lock:
        tasks, _open_tasks[:] = list(_open_tasks), []
    for instance in tasks:
        try:
            instance.close()
        except (RuntimeError, ValueError) as error:  # already closed, or the runtime is gone
            logger.debug("Closing a MediaPipe task failed: %s", error)
    _local.__dict__.clear()
