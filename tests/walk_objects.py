"""What the URL walk (tests/test_walk.py) puts in path parameters: real objects.

Extend it when you add a URL with a path parameter:

1. ``MAKERS``: a function that makes one object (through the services, as a user would)
   under a short name; it gets ``ctx`` with the personas (``store_a``, ``clerk_a``,
   ``manager_a``, ``head_office``, ``customer_a``) and the objects made before it.
2. ``OBJECT_OF_URL``: your ``app:url_name`` -> that name; its ``pk``-like path parameter
   gets the object's pk. A parameter that always means the same object, or a fixed word
   (``step``), goes in ``OBJECT_OF_KWARG`` instead (``"=word"`` for a literal).
3. ``STORE_A_OBJECTS``: add the name if the object belongs to store A (or to someone
   store B's staff must not reach): store B's clerk and manager must then be refused
   (403/404/405) on every URL naming it, while store A's staff or head office reach it.

``NOT_WALKED`` lists the few patterns left out, each with its reason; keep it short.
"""

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from api.models import ApiKey, PosImport, WebhookEndpoint
from complaints import services as complaints
from complaints.models import Attachment, Category, Department
from complaints.returns import ReturnItem, record_return
from crm.models import Role
from crm.tests.factories import make_staff
from customers.importing.models import ImportJob
from customers.privacy.models import PrivacyNotice, RightsKind, RightsRequest
from customers.products.models import Product
from customers.tests.factories import buy
from distributors.models import Contract, DealerImport, Shipment
from distributors.tests.factories import make_account
from followups.models import CadenceRule, FollowUpTask, MessageTemplate
from loyalty.models import CardApplication, Gift
from loyalty.voucher_models import VoucherType
from marketing.models import Campaign, EventKind, Invitation, MemberEvent, Segment

# Patterns left out on purpose: namespace or url name -> reason.
NOT_WALKED = {
    "admin": "Django's own admin, for the system administrator only; it parses its own parameters",
}

OBJECT_OF_URL = {
    "customers:detail": "customer",
    "customers:edit": "customer",
    "customers:contact_create": "customer",
    "customers:id_number": "customer",
    "customers:consent": "customer",
    "customers:share": "customer",
    "customers:privacy_notice_version": "notice",
    "customers:purchase": "purchase",
    "products:edit": "product",
    "spreadsheets:import_detail": "import_job",
    "spreadsheets:import_status": "import_job",
    "spreadsheets:import_confirm": "import_job",
    "spreadsheets:import_cancel": "import_job",
    "spreadsheets:import_report": "import_job",
    "loyalty:points": "customer",
    "loyalty:redeem": "customer",
    "loyalty:adjust": "customer",
    "loyalty:set_tier": "customer",
    "loyalty:check_now": "customer",
    "loyalty:voucher_issue": "customer",
    "loyalty:voucher_type_edit": "voucher_type",
    "loyalty:application": "application",
    "loyalty:application_form": "application",
    "loyalty:application_reject": "application",
    "loyalty:application_step": "application",
    "loyalty:gift_edit": "gift",
    "followups:task": "task",
    "followups:outcome": "task",
    "followups:propose": "task",
    "followups:reschedule": "task",
    "followups:cancel": "task",
    "followups:reassign": "task",
    "followups:plan": "customer",
    "followups:add_task": "customer",
    "followups:opt_out": "customer",
    "followups:rule_edit": "rule",
    "followups:template_edit": "template",
    "complaints:detail": "complaint",
    "complaints:assign": "complaint",
    "complaints:event": "complaint",
    "complaints:status": "complaint",
    "complaints:resolve": "complaint",
    "complaints:agreement": "complaint",
    "complaints:survey": "complaint",
    "complaints:attachment": "attachment",
    "complaints:return_detail": "return",
    "complaints:category_edit": "category",
    "complaints:deadlines": "category",
    "complaints:department_edit": "department",
    "distributors:detail": "dealer",
    "distributors:edit": "dealer",
    "distributors:move": "dealer",
    "distributors:add": "dealer",
    "distributors:contract_step": "dealer",
    "distributors:shipment_arrived": "dealer",
    "distributors:import_preview": "dealer_import",
    "distributors:import_confirm": "dealer_import",
    "distributors:import_report": "dealer_import",
    "marketing:segment": "segment",
    "marketing:segment_edit": "segment",
    "marketing:segment_export": "segment",
    "marketing:campaign": "campaign",
    "marketing:campaign_edit": "campaign",
    "marketing:campaign_submit": "campaign",
    "marketing:campaign_cancel": "campaign",
    "marketing:campaign_approve": "campaign",
    "marketing:campaign_reject": "campaign",
    "marketing:campaign_send_back": "campaign",
    "marketing:campaign_export": "campaign",
    "customers:rights_request": "customer",
    "customers:rights_export": "customer",
    "customers:rights_decide": "rights_request",
    "loyalty:card": "customer",
    "distributors:reassign": "dealer",
    "marketing:event": "event",
    "marketing:event_edit": "event",
    "marketing:event_invite": "event",
    "marketing:event_check_in": "event",
    "marketing:invitation_answer": "event",
    "api-v1:member_points": "customer",
    "api-v1:member_applications": "customer",
    "pos:key_revoke": "api_key",
    "pos:webhook": "webhook",
    "pos:webhook_deactivate": "webhook",
    "pos:import": "pos_import",
    "pos:import_confirm": "pos_import",
    "pos:import_report": "pos_import",
    "staff_unlock": "staff_user",
    "staff_end_sessions": "staff_user",
}
# Namespaces answered only to a POS API key (401 to every session): store B's staff are
# refused with 401 too, and the control (store A reaches it) is api/tests' job, with keys.
KEY_ONLY = {"api-v1"}
OBJECT_OF_KWARG = {
    "purchase_pk": "purchase",
    "step": "=submit",
    "section": "=person",
    "contract": "contract",
    "shipment": "shipment",
    "invitation": "invitation",
    "member_id": "customer",
    "receipt_number": "=WALK-0001",  # the API is for POS keys: every persona here is refused first
    "page": "=clerk",  # help pages
    "name": "=walk.png",  # help images
}
STORE_A_OBJECTS = {
    "customer",
    "purchase",
    "import_job",
    "application",
    "task",
    "complaint",
    "attachment",
    "return",
    "dealer",
    "contract",
    "shipment",
    "segment",
    "campaign",
    "rights_request",
    "event",
    "invitation",
    "api_key",
    "pos_import",
    "staff_user",
}


def _complaint(ctx):
    complaint, _ = complaints.log_complaint(
        store=ctx["store_a"],
        received_by=ctx["clerk_a"],
        category=Category.objects.get_or_create(name="产品质量")[0],
        channel="in_store",
        description="领口开线",
        customer=ctx["customer_a"],
        purchase=ctx["purchase"],
    )
    return complaint


def _attachment(ctx):
    attachment = Attachment(
        complaint=ctx["complaint"], original_name="a.png", content_type="image/png", extension="png", size=8
    )
    attachment.file.save("a.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return attachment


def _import_job(ctx):
    job = ImportJob(store=ctx["store_a"], created_by=ctx["manager_a"], original_name="a.xlsx")
    job.file.save("a.xlsx", ContentFile(b"PK"), save=True)
    job.report.save("a-report.xlsx", ContentFile(b"PK"), save=True)
    return job


def _return(ctx):
    sale = buy(ctx["customer_a"], "300", clerk=ctx["clerk_a"])
    product_return, _ = record_return(purchase=sale, items=[ReturnItem(sale.lines.first(), 1)], by=ctx["clerk_a"])
    return product_return


def _dealer(ctx):
    return make_account(make_staff("walk_am", Role.ACCOUNT_MANAGER), company="苏州恒达服饰")


def _contract(ctx):
    today = timezone.localdate()
    return Contract.objects.create(
        account=ctx["dealer"], key_terms="区域代理", starts_on=today, ends_on=today + dt.timedelta(days=365)
    )


def _campaign(ctx):
    return Campaign.objects.create(
        name="新品到店",
        segment=ctx["segment"],
        store=ctx["store_a"],
        body="{name}您好，秋冬新品已到{store}。",
        send_at=timezone.now() + dt.timedelta(days=2),
        holdout_percent=0,
        created_by=ctx["manager_a"],
        approved_at=timezone.now(),  # approved, so its results export answers too
    )


def _pos_import(ctx):
    job = PosImport(store=ctx["store_a"], sales_day=timezone.localdate(), original_name="a.xlsx")
    job.file.save("pos.xlsx", ContentFile(b"PK"), save=False)
    job.report.save("pos-report.xlsx", ContentFile(b"PK"), save=False)
    job.save()
    return job


# name -> maker(ctx); in order (a maker may use the objects made before it).
MAKERS = {
    "customer": lambda ctx: ctx["customer_a"],
    # 1,600 CNY opens a silver card application and a follow-up plan
    "purchase": lambda ctx: buy(ctx["customer_a"], "1600", clerk=ctx["clerk_a"]),
    "application": lambda ctx: CardApplication.objects.get(customer=ctx["customer_a"]),
    "task": lambda ctx: FollowUpTask.objects.filter(customer=ctx["customer_a"], status="pending").first(),
    "complaint": _complaint,
    "attachment": _attachment,
    "import_job": _import_job,
    "return": _return,
    "notice": lambda ctx: PrivacyNotice.current(),
    "product": lambda ctx: Product.objects.create(sku="WALK-1", name="衬衫", list_price=Decimal("399.00")),
    "gift": lambda ctx: Gift.objects.create(name="围巾", points_price=100, stock=1),
    "voucher_type": lambda ctx: VoucherType.objects.create(name="生日券", kind="amount", amount=Decimal("50")),
    "rule": lambda ctx: CadenceRule.objects.first(),
    "template": lambda ctx: MessageTemplate.objects.first(),
    "category": lambda ctx: Category.objects.first(),
    "department": lambda ctx: Department.objects.first() or Department.objects.create(name="客服部"),
    "dealer": _dealer,
    "contract": _contract,
    "shipment": lambda ctx: Shipment.objects.create(
        account=ctx["dealer"], dispatched_on=timezone.localdate(), carrier="顺丰"
    ),
    "dealer_import": lambda ctx: DealerImport.objects.create(uploaded_by=ctx["head_office"], original_name="a.xlsx"),
    "segment": lambda ctx: Segment.objects.create(
        name="南京西路店全部顾客", store=ctx["store_a"], filters={}, created_by=ctx["manager_a"]
    ),
    "campaign": _campaign,
    "rights_request": lambda ctx: RightsRequest.objects.create(
        customer=ctx["customer_a"], kind=RightsKind.EXPORT, requested_by=ctx["manager_a"]
    ),
    "event": lambda ctx: MemberEvent.objects.create(
        name="秋季会员日",
        kind=EventKind.MEMBER_DAY,
        store=ctx["store_a"],
        starts_at=timezone.now() + dt.timedelta(days=7),
        capacity=20,
        created_by=ctx["manager_a"],
    ),
    "invitation": lambda ctx: Invitation.objects.create(event=ctx["event"], customer=ctx["customer_a"]),
    "api_key": lambda ctx: ApiKey.objects.create(
        name="S001 收银台", store=ctx["store_a"], prefix="walk", key_hash="0" * 64
    ),
    "webhook": lambda ctx: WebhookEndpoint.objects.create(
        url="https://pos.example/hook", events=[], secret_encrypted="x"
    ),
    "pos_import": _pos_import,
    "staff_user": lambda ctx: ctx["clerk_a"],
}


def dataset(**personas) -> dict[str, int]:
    """Make every object in ``MAKERS``; their pks by name."""
    ctx = dict(personas)
    for name, make in MAKERS.items():
        ctx[name] = make(ctx)
        assert ctx[name] is not None, f"tests/walk_objects.py: MAKERS[{name!r}] made nothing"
    return {name: ctx[name].pk for name in MAKERS}
