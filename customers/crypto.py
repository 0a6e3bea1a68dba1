"""Encryption for sensitive fields (ID-card numbers)."""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _key_bytes(purpose: bytes) -> bytes:
    return hashlib.sha256(purpose + settings.FIELD_ENCRYPTION_KEY.encode()).digest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key_bytes(b"kedang-field-encryption:")))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def lookup_hash(value: str) -> str:
    """A keyed hash for finding a customer by an encrypted value without decrypting all rows."""
    if not value:
        return ""
    return hmac.new(_key_bytes(b"kedang-lookup:"), value.encode(), hashlib.sha256).hexdigest()
