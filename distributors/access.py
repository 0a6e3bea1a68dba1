"""Who reaches the distributors' pages: account managers, sales managers and head office
(anyone else gets 403); an account outside the user's team is a 404."""

from crm.access import get_visible_or_404, staff_required
from crm.models import Role
from distributors.models import DealerAccount

accounts_required = staff_required(Role.ACCOUNT_MANAGER, Role.SALES_MANAGER, Role.HEAD_OFFICE)
head_office_required = staff_required(Role.HEAD_OFFICE)
importer_required = staff_required(Role.SALES_MANAGER, Role.HEAD_OFFICE)
team_lead_required = importer_required  # who gives an account to another account manager


def get_account(user, pk) -> DealerAccount:
    return get_visible_or_404(DealerAccount.objects.select_related("customer", "account_manager__staff"), user, pk=pk)


def get_row(model, user, account, pk):
    return get_visible_or_404(model.objects, user, account=account, pk=pk)
