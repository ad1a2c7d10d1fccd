"""The PAdES signature: valid, by our key, over the whole file; a changed byte fails."""

import asyncio
import importlib
import io
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from profiles.services.certificates import sign, verify
from tests.certificates import issued, pdf_bytes


def validate(data):
    signature = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures[0]
    return validate_pdf_signature(signature, ValidationContext(trust_roots=[sign.signing_certificate()]))


def test_the_signature_is_valid_and_covers_the_whole_file(alice):
    status = validate(pdf_bytes(issued(alice)))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def test_the_signature_is_pades(alice):
    signature = PdfFileReader(io.BytesIO(pdf_bytes(issued(alice))), strict=False).embedded_signatures[0]
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


def test_a_changed_byte_breaks_the_signature(alice):
    data = bytearray(pdf_bytes(issued(alice)))
    position = data.index(b"/MediaBox") + 1
    data[position] = ord("m")  # "/mediaBox": one byte of the signed range
    assert not validate(bytes(data)).intact


def test_a_changed_byte_is_not_our_certificate(alice):
    data = bytearray(pdf_bytes(issued(alice)))
    data[data.index(b"/MediaBox") + 1] = ord("m")
    assert not verify.check_upload(bytes(data)).ours


def test_an_unchanged_file_is_our_certificate(alice):
    certificate = issued(alice)
    check = verify.check_upload(pdf_bytes(certificate))
    assert check.ours and check.certificate == certificate


def test_a_file_signed_by_another_key_is_not_ours(alice, tmp_path, settings):
    data = pdf_bytes(issued(alice))
    other = sign.create_demo_signing_key(tmp_path / "other.p12", "lain")
    settings.CERTIFICATE_SIGNING_P12 = str(other)
    settings.CERTIFICATE_SIGNING_PASSWORD = "lain"
    sign.signer.cache_clear()
    assert not verify.signature_covers_whole_file(data)


def test_garbage_is_not_our_certificate(db):
    assert not verify.signature_covers_whole_file(b"%PDF-1.7\nnot really")


def test_the_demo_key_does_not_sign_where_demo_keys_are_refused(tmp_path, settings):
    demo = sign.create_demo_signing_key(tmp_path / "demo.p12", "demo")
    settings.CERTIFICATE_SIGNING_P12 = str(demo)
    settings.CERTIFICATE_SIGNING_PASSWORD = "demo"
    settings.CERTIFICATE_ALLOW_DEMO_KEY = False
    sign.signer.cache_clear()
    try:
        with pytest.raises(sign.SigningKeyMissing, match="Kunci demo"):
            sign.signer()
        settings.CERTIFICATE_ALLOW_DEMO_KEY = True
        assert sign.is_demo(sign.signer().signing_cert)
    finally:
        sign.signer.cache_clear()


def test_production_settings_refuse_the_demo_key():
    env = {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "testserver", "SITE_URL": "https://contoh.go.id"}
    with mock.patch.dict(os.environ, env):
        production = importlib.import_module("smartbangkom.settings_production")
    assert production.CERTIFICATE_ALLOW_DEMO_KEY is False


def test_pyhankos_synchronous_calls_also_run_where_an_event_loop_is_running():
    def no_loop_here():
        # What pyHanko's synchronous API needs: asyncio.run() works in this thread.
        return asyncio.run(asyncio.sleep(0, result="ditandatangani"))

    async def caller():
        return sign.outside_event_loop(no_loop_here)

    # The caller's loop on a thread of its own (the test's thread may run one already:
    # Playwright's synchronous API keeps its loop there).
    with ThreadPoolExecutor(max_workers=1) as thread:
        assert thread.submit(asyncio.run, caller()).result() == "ditandatangani"
