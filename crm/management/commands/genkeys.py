"""Print a fresh SECRET_KEY and FIELD_ENCRYPTION_KEY in environment-file form."""

import secrets

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new SECRET_KEY and FIELD_ENCRYPTION_KEY (lines for /etc/kedang.env)."
    requires_system_checks = []

    def handle(self, *args, **options):
        # URL-safe characters only: nothing an env file or a shell would read as a
        # comment, a quote or a $reference; 64 characters, more than check --deploy asks.
        self.stdout.write(f"SECRET_KEY={secrets.token_urlsafe(48)}")
        # 32 random bytes, base64: the form settings require for the ID-number key.
        self.stdout.write(f"FIELD_ENCRYPTION_KEY={Fernet.generate_key().decode()}")
