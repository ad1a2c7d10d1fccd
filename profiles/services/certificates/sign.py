"""The centre's PAdES signature on every issued certificate (pyHanko).

The key is a PKCS#12 file named by CERTIFICATE_SIGNING_P12 with its password in
CERTIFICATE_SIGNING_PASSWORD. With CERTIFICATE_SIGNING_PKCS11_MODULE set, the key stays on
a token or HSM instead (see README, "Certificate signing"). `make run` creates a demo key
and certificate (create_demo_signing_key) so issuing works on a bare machine: its subject
says DEMO, and it is never committed (it lives under var/).
"""

import asyncio
import datetime
import functools
import io
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEMO_SUBJECT = "DEMO - BUKAN UNTUK PRODUKSI - Smartbangkom"


class SigningKeyMissing(ImproperlyConfigured):
    pass


def create_demo_signing_key(path, password):
    """A self-signed RSA key and certificate in a PKCS#12 file, clearly marked as a demo."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, DEMO_SUBJECT),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "DEMO PPSDM (bukan kunci resmi)"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
    ])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False,
                          crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        DEMO_SUBJECT.encode(), key, cert, None,
        serialization.BestAvailableEncryption(password.encode()),
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path


def _pkcs11_signer():
    # A token or HSM: python-pkcs11 is then needed (pip install python-pkcs11).
    from pyhanko.sign import pkcs11

    session = pkcs11.open_pkcs11_session(
        settings.CERTIFICATE_SIGNING_PKCS11_MODULE,
        token_label=settings.CERTIFICATE_SIGNING_PKCS11_TOKEN,
        user_pin=settings.CERTIFICATE_SIGNING_PASSWORD,
    )
    return pkcs11.PKCS11Signer(session, key_label=settings.CERTIFICATE_SIGNING_PKCS11_KEY)


def _cached_key_signer(loaded):
    """pyHanko's SimpleSigner parses its private key again for every signature, and an RSA
    key's parse (with its consistency check) cost ~35 ms, most of a certificate's CPU time:
    parse it once per process."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class CachedKeySigner(SimpleSigner):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self._pyca_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)

        def sign_raw(self, data, digest_algorithm):
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            if mechanism["algorithm"].native == "sha256_rsa" or mechanism.signature_algo == "rsassa_pkcs1v15":
                return self._pyca_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
            return super().sign_raw(data, digest_algorithm)

    return CachedKeySigner(
        signing_key=loaded.signing_key, signing_cert=loaded.signing_cert, cert_registry=loaded.cert_registry,
    )


@functools.lru_cache(maxsize=1)
def signer():
    """Loaded once per process: reading a PKCS#12 file costs more than a signature."""
    if getattr(settings, "CERTIFICATE_SIGNING_PKCS11_MODULE", ""):
        return _pkcs11_signer()
    from pyhanko.sign import signers

    path = Path(settings.CERTIFICATE_SIGNING_P12)
    if not path.is_file():
        raise SigningKeyMissing(
            f"Kunci penandatanganan sertifikat tidak ditemukan ({path.name}); atur CERTIFICATE_SIGNING_P12."
        )
    loaded = signers.SimpleSigner.load_pkcs12(str(path), passphrase=settings.CERTIFICATE_SIGNING_PASSWORD.encode())
    if loaded is None:
        raise SigningKeyMissing("Kunci penandatanganan sertifikat tidak dapat dibuka; periksa CERTIFICATE_SIGNING_PASSWORD.")
    if is_demo(loaded.signing_cert) and not settings.CERTIFICATE_ALLOW_DEMO_KEY:
        raise SigningKeyMissing(
            "Kunci demo tidak boleh menandatangani sertifikat di produksi; atur CERTIFICATE_SIGNING_P12 "
            "ke kunci resmi pusat pelatihan."
        )
    return _cached_key_signer(loaded)


def is_demo(certificate):
    """The key make run creates: its subject says so (DEMO_SUBJECT)."""
    return DEMO_SUBJECT in certificate.subject.human_friendly


def signing_certificate():
    return signer().signing_cert


def sign(writer, *, reason, location):
    """The signed PDF's bytes: a PAdES B-B signature over the whole file."""
    from pyhanko.sign import fields, signers

    metadata = signers.PdfSignatureMetadata(
        field_name="TandaTanganPPSDM",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    out = io.BytesIO()
    # A fixed reservation: without it pyHanko signs a dummy first to measure the size.
    pdf_signer = signers.PdfSigner(metadata, signer=signer())
    outside_event_loop(lambda: pdf_signer.sign_pdf(writer, output=out, bytes_reserved=16384))
    return out.getvalue()


def outside_event_loop(function):
    """function() where no event loop runs: pyHanko's synchronous API calls asyncio.run(),
    which refuses inside a running loop (an async caller, or a library that keeps one in
    this thread); there it runs on a helper thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    with ThreadPoolExecutor(max_workers=1) as helper:
        return helper.submit(function).result()
