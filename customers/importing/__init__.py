"""Bringing a store's Excel customer file into Kedang (see services.py)."""

# Registers the import models with the customers app (imported from customers/models.py).
from customers.importing.models import ImportJob, ImportRow  # noqa: F401
