"""API v1 for the chain's POS, built with django-ninja (typed handlers, an OpenAPI 3
schema from the same types, a Swagger UI page from the files the package ships).

Handlers only parse, call ``api.services`` and shape the answer.
"""

import datetime as dt
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Status
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer

from api import keys, schemas, services
from api.services import ApiRefusal
from customers.services import LineData

REFUSALS = {400: schemas.Error, 401: schemas.Error, 403: schemas.Error, 404: schemas.Error, 429: schemas.Error}


class RateLimited(Exception):
    pass


class KeyAuth(HttpBearer):
    """``Authorization: Bearer kd_…``; counts the request against the key's rate limit."""

    def __call__(self, request):
        scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        key = keys.find_key(token)
        if key is None:
            return None
        if not keys.count_request(key):
            raise RateLimited
        return key


api = NinjaAPI(
    title="Kedang POS API",
    version="1",
    description="Members, sales and returns for the chain's POS. See docs/api.md.",
    urls_namespace="api-v1",
    auth=KeyAuth(),
)


@api.exception_handler(ApiRefusal)
def _refused(request, exc: ApiRefusal):
    return api.create_response(request, {"detail": exc.message, "code": exc.code}, status=exc.status)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    detail = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors)
    return api.create_response(request, {"detail": detail[:1000], "code": "invalid"}, status=400)


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    return api.create_response(request, {"detail": _("A valid API key is required."), "code": "auth"}, status=401)


@api.exception_handler(RateLimited)
def _rate_limited(request, exc):
    response = api.create_response(
        request, {"detail": _("Too many requests for this key."), "code": "rate"}, status=429
    )
    response["Retry-After"] = str(60 - timezone.now().second)
    return response


MemberId = Annotated[int, Path(ge=1, le=2**62)]
Receipt = Annotated[schemas.text(40, 1), Path()]


@api.post("/members/lookup", response={200: schemas.MemberOut, **REFUSALS}, tags=["members"])
def member_lookup(request, body: schemas.LookupIn):
    """Find a member by mobile or card number (in the body: mobiles never go in URLs)."""
    match = services.find_member(request.auth.store, mobile=body.mobile, card_number=body.card_number, key=request.auth)
    if match is None:
        raise ApiRefusal(404, _("No member with this mobile or card number."), "not_found")
    return services.member_summary(match)


@api.post("/members/serve-code", response={202: schemas.Accepted, 409: schemas.Error, **REFUSALS}, tags=["members"])
def serve_code(request, body: schemas.ServeCodeIn):
    """Another store's customer: text them a code to read out to the clerk (as at the till)."""
    services.send_serve_code(request.auth, mobile=body.mobile, staff_code=body.staff_code)
    return Status(202, {"sent": True})


@api.post("/members/serve-code/verify", response={200: schemas.ServeTokenOut, **REFUSALS}, tags=["members"])
def serve_code_verify(request, body: schemas.ServeVerifyIn):
    """Check the code; the answer's token lets this clerk record sales for the customer for a while."""
    token = services.verify_serve_code(request.auth, mobile=body.mobile, staff_code=body.staff_code, code=body.code)
    return {"serve_token": token}


@api.get("/members/{member_id}/points", response={200: list[schemas.PointsEntryOut], **REFUSALS}, tags=["members"])
def member_points(request, member_id: MemberId):
    customer = services.own_member(request.auth.store, member_id)
    return [
        {
            "at": e.at,
            "kind": e.kind,
            "points": e.points,
            "balance_after": e.balance_after,
            "reason": e.reason,
            "receipt_number": e.purchase.receipt_number if e.purchase_id else None,
        }
        for e in services.points_history(customer)
    ]


@api.get(
    "/members/{member_id}/card-applications",
    response={200: list[schemas.ApplicationOut], **REFUSALS},
    tags=["members"],
)
def member_applications(request, member_id: MemberId):
    customer = services.own_member(request.auth.store, member_id)
    return [_application(a) for a in services.card_applications(customer)]


@api.post(
    "/sales", response={200: schemas.SaleOut, 201: schemas.SaleOut, 409: schemas.Error, **REFUSALS}, tags=["sales"]
)
def record_sale(request, body: schemas.SaleIn):
    """Record a sale once per (store, receipt number); a retry answers 200 with the first."""
    result = services.record_sale(
        request.auth,
        store_code=body.store,
        staff_code=body.staff_code,
        receipt_number=body.receipt_number,
        lines=[LineData(**line.model_dump()) for line in body.lines],
        purchased_at=_aware(body.purchased_at),
        mobile=body.mobile,
        card_number=body.card_number,
        serve_token=body.serve_token,
        note=body.note,
        voucher_code=body.voucher_code,
    )
    return Status(201 if result.created else 200, _sale(result))


@api.post(
    "/sales/{receipt_number}/returns",
    response={200: schemas.ReturnOut, 201: schemas.ReturnOut, **REFUSALS},
    tags=["sales"],
)
def record_return(request, receipt_number: Receipt, body: schemas.ReturnIn):
    """Take back lines of an earlier sale of this store; points are reversed as at the till."""
    product_return, created = services.record_pos_return(
        request.auth,
        receipt_number=receipt_number,
        return_number=body.return_number,
        staff_code=body.staff_code,
        items=[(line.line_id, line.quantity) for line in body.lines],
        reason=body.reason,
    )
    customer = product_return.purchase.customer
    return Status(
        201 if created else 200,
        {
            "return_id": product_return.pk,
            "created": created,
            "refund_amount": product_return.refund_amount,
            "points_reversed": product_return.points_reversed,
            "points_unrecovered": product_return.points_unrecovered,
            "points_balance": services.loyalty.points_balance(customer) if customer else None,
        },
    )


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


def _application(application) -> dict:
    return {
        "id": application.pk,
        "target_tier": application.target_tier,
        "status": application.status,
        "created_at": application.created_at,
        "decided_at": application.decided_at,
    }


def _sale(result: services.SaleResult) -> dict:
    purchase = result.purchase
    return {
        "sale_id": purchase.pk,
        "receipt_number": purchase.receipt_number,
        "created": result.created,
        "anonymous": purchase.customer_id is None,
        "purchased_at": purchase.purchased_at,
        "subtotal": purchase.subtotal,
        "discount_rate": purchase.discount_rate,
        "discount_amount": purchase.discount_amount,
        "voucher_discount": purchase.voucher_discount,
        "total": purchase.total,
        "points_earned": result.points_earned,
        "points_balance": result.points_balance,
        "card_application": _application(result.application) if result.application else None,
        "lines": [
            {
                "line_id": line.pk,
                "item": line.item,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "line_total": line.line_total,
            }
            for line in purchase.lines.order_by("pk")
        ],
    }
