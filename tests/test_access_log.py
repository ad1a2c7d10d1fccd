"""The access log carries no NIP, although admin URLs do."""

import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from smartbangkom.access_log import NipMaskingLogger, mask_nips

NIP = "199301212020122004"
CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def logged_line(path, query=""):
    settings = runpy.run_path(str(CONF))
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", settings["access_log_format"])
    logger = NipMaskingLogger(cfg)
    lines = Lines()
    logger.access_log.addHandler(lines)
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": f"{path}?{query}" if query else path, "PATH_INFO": path,
        "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": f"https://portal.example{path}",
    }
    resp = SimpleNamespace(status="200 OK", sent=512, headers=[])
    req = SimpleNamespace(headers=[("REFERER", f"https://portal.example{path}")])
    logger.access(resp, req, environ, timedelta(milliseconds=12))
    return lines.lines[-1]


def test_gunicorn_uses_the_masking_logger():
    assert runpy.run_path(str(CONF))["logger_class"] == "smartbangkom.access_log.NipMaskingLogger"


def test_an_admin_url_is_logged_without_the_nip():
    line = logged_line(f"/admin/profiles/participant/{NIP}/change/")
    assert NIP not in line
    assert "/admin/profiles/participant/[NIP]/change/" in line
    assert line.startswith("192.0.2.1 ") and " 200 512 12ms" in line


@pytest.mark.parametrize("written", ["19930121%20202012%202%20004", "19930121+202012+2+004", "19930121 202012 2 004"])
def test_a_nip_written_with_spaces_is_masked(written):
    assert mask_nips(f"/admin/?q={written}") == "/admin/?q=[NIP]"


def test_other_numbers_are_kept():
    assert mask_nips("/staf/dasbor/12/ 1234567890123456789") == "/staf/dasbor/12/ 1234567890123456789"
    assert mask_nips("/foto/abc.jpg") == "/foto/abc.jpg"


def test_the_application_log_masks_nips_in_messages_and_arguments():
    from smartbangkom.access_log import NipMaskingFilter

    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/admin/x/{NIP}/",), None)
    NipMaskingFilter().filter(record)
    assert NIP not in record.getMessage() and "[NIP]" in record.getMessage()


def test_the_console_handler_uses_the_filter():
    from django.conf import settings

    assert "no_nip" in settings.LOGGING["handlers"]["console"]["filters"]
