"""Start-up rules the settings apply before anything runs (kept out of settings.py,
which holds only values): the environment file, and what production refuses.

Nothing here imports Django settings; each function raises ImproperlyConfigured.
"""

import base64
import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

# Keys that are public (in this repository) and so never secret.
KNOWN_DEMO_KEYS = frozenset({"embedded-demo-only-not-secret-0123456789abcdef", "change-me-run-manage-py-genkeys"})


def read_env_file(base_dir: Path) -> str:
    """Load the environment file every command reads; returns its path ("" for none).

    KEDANG_ENV_FILE names it ("" for none); by default /etc/kedang.env, else .env in
    the project, if either exists. A variable already set in the environment wins.
    """
    path = os.environ.get("KEDANG_ENV_FILE")
    if path is None:
        path = next((str(p) for p in (Path("/etc/kedang.env"), base_dir / ".env") if p.is_file()), "")
    elif path and not Path(path).is_file():
        raise ImproperlyConfigured(f"KEDANG_ENV_FILE {path!r} is not a file")
    if path:
        environ.Env.read_env(path)
    return path


def _is_fernet_key(key: str) -> bool:
    try:
        return len(key) == 44 and len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
    except (ValueError, UnicodeEncodeError):
        return False


def refuse_insecure_production(*, demo: bool, debug: bool, secret_key: str, field_key: str, hosts: list) -> None:
    if demo:
        raise ImproperlyConfigured("KEDANG_DEMO is for the embedded demo, not for production")
    if debug:
        raise ImproperlyConfigured("DEBUG must be off in production (KEDANG_MODE=production)")
    if secret_key in KNOWN_DEMO_KEYS:
        raise ImproperlyConfigured("SECRET_KEY is a public demo key; make one with manage.py genkeys")
    if len(secret_key) < 50 or len(set(secret_key)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY (at least 50 random characters) is required in production; make one with manage.py genkeys"
        )
    if not field_key:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is required in production")
    if not _is_fernet_key(field_key):
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be a Fernet key (32 random bytes, base64); make one with manage.py genkeys"
        )
    # Implied today by the lengths (44 and at least 50); kept so neither rule can lose it.
    if field_key == secret_key:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must differ from SECRET_KEY")
    if not hosts or any(host in ("*", ".") for host in hosts):
        raise ImproperlyConfigured("ALLOWED_HOSTS must name this server's host names in production (not *)")
