"""Importing an existing dealer list: checked on upload (nothing written), written on
confirmation, once (a conditional update claims the import). A company that already
has an account is left as it is, so importing a file twice adds nothing."""

import tempfile
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from crm.access import audit
from distributors import spreadsheet
from distributors.models import DealerAccount, DealerImport
from distributors.services.accounts import open_account


def stage(upload, *, user) -> DealerImport:
    """Check ``upload``; raises FileRefused for a file that is not a readable workbook."""
    from customers.importing.safety import check_size

    check_size(upload.size)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        head, body = spreadsheet.read(handle.name)
    valid, rejected = spreadsheet.check(head, body, user=user)
    return DealerImport.objects.create(
        uploaded_by=user, original_name=upload.name[:200], headers=head, valid_rows=valid, rejected_rows=rejected
    )


def apply(dealer_import: DealerImport, *, by) -> int:
    """Open an account for each valid row whose company has none yet; returns how many."""
    users = get_user_model().objects
    with transaction.atomic():
        claimed = DealerImport.objects.filter(pk=dealer_import.pk, imported_at__isnull=True).update(
            imported_at=timezone.now()
        )
        if not claimed:
            return 0
        known = set(DealerAccount.objects.values_list("customer__company", flat=True))
        managers = {u.pk: u for u in users.filter(pk__in={r["account_manager_id"] for r in dealer_import.valid_rows})}
        added = 0
        for row in dealer_import.valid_rows:
            if row["company"] in known:
                continue
            fields = dict(row)
            manager = managers[fields.pop("account_manager_id")]
            revenue = fields.pop("yearly_revenue")
            open_account(account_manager=manager, by=by, yearly_revenue=Decimal(revenue) if revenue else None, **fields)
            known.add(row["company"])
            added += 1
        DealerImport.objects.filter(pk=dealer_import.pk).update(imported=added)
        audit(by, "distributors.imported", dealer_import, rows=added)
    dealer_import.refresh_from_db()
    return added
