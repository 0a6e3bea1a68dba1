"""Request and response bodies of API v1 (pydantic, through django-ninja).

Every text is stripped, length-limited and refused with a NUL byte; numbers have bounds
a database column can hold, so hostile input is a 400, never a 500.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, StringConstraints, field_validator, model_validator


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL bytes are not allowed")
    return value


def text(max_length: int, min_length: int = 0):
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=max_length, min_length=min_length),
        AfterValidator(_no_nul),
    ]


EARLIEST, LATEST = dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1)
Money = Annotated[Decimal, Field(ge=0, le=Decimal("9999999999.99"), max_digits=12, decimal_places=2)]


class Error(Schema):
    detail: str
    code: str = ""


class LookupIn(Schema):
    """Give the mobile number or the card number (not both)."""

    mobile: text(30) = ""
    card_number: text(32) = ""

    @model_validator(mode="after")
    def _one_key(self):
        if bool(self.mobile) == bool(self.card_number):
            raise ValueError("give either mobile or card_number")
        return self


class ServeCodeIn(Schema):
    mobile: text(30, 1)
    staff_code: text(150, 1)


class ServeVerifyIn(ServeCodeIn):
    code: text(6, 6)


class Accepted(Schema):
    sent: bool


class ServeTokenOut(Schema):
    serve_token: str


class NextCard(Schema):
    tier: str
    single_purchase_needed: Decimal
    cumulative_spend_needed: Decimal
    window_days: int | None
    eligible: bool


class MemberOut(Schema):
    member_id: int | None = Field(description="Null for another store's customer (masked lookup).")
    own_store: bool
    masked_name: str
    tier: Literal["A", "B", "C"]
    discount_rate: Decimal = Field(description="Share of the price taken off at this sale, 0 to 1.")
    card_number: str | None
    points_balance: int | None
    points_to_next_gift: int | None
    next_gift: str | None
    next_card: NextCard | None


class LineIn(Schema):
    item: text(120, 1)
    unit_price: Money
    quantity: int = Field(1, ge=1, le=999)
    category: text(60) = ""
    size: text(30) = ""
    colour: text(30) = ""


class SaleIn(Schema):
    store: text(16, 1) = Field(description="Store code; must be the key's store.")
    staff_code: text(150, 1) = Field(description="The serving clerk's Kedang login.")
    receipt_number: text(40, 1) = Field(description="The POS receipt number: the sale's idempotency key.")
    purchased_at: dt.datetime | None = Field(None, description="Time of sale; without an offset, Asia/Shanghai.")
    mobile: text(30) = ""
    card_number: text(32) = ""
    serve_token: text(500) = Field("", description="From members/serve-code/verify, for another store's customer.")
    note: text(200) = ""
    voucher_code: text(20) = Field("", description="A voucher of the member's, taken off after the member discount.")
    lines: list[LineIn] = Field(min_length=1, max_length=50)

    @field_validator("purchased_at")
    @classmethod
    def _plausible_time(cls, value):
        if value is not None and not (EARLIEST <= value.replace(tzinfo=None) <= LATEST):
            raise ValueError("the time of sale must be between 2000 and 2100")
        return value


class LineOut(Schema):
    line_id: int
    item: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal


class ApplicationOut(Schema):
    id: int
    target_tier: str
    status: str
    created_at: dt.datetime
    decided_at: dt.datetime | None


class SaleOut(Schema):
    sale_id: int
    receipt_number: str
    created: bool = Field(description="False when this receipt was already recorded (a retry).")
    anonymous: bool
    purchased_at: dt.datetime
    subtotal: Decimal
    discount_rate: Decimal
    discount_amount: Decimal
    voucher_discount: Decimal
    total: Decimal
    points_earned: int
    points_balance: int | None
    card_application: ApplicationOut | None = Field(description="The open card application, if the member qualifies.")
    lines: list[LineOut]


class ReturnLineIn(Schema):
    line_id: int = Field(ge=1, le=2**62)
    quantity: int = Field(ge=1, le=999)


class ReturnIn(Schema):
    return_number: text(40, 1) = Field(description="The POS's number for this return: its idempotency key.")
    staff_code: text(150, 1)
    reason: text(200) = ""
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=50)


class ReturnOut(Schema):
    return_id: int
    created: bool
    refund_amount: Decimal
    points_reversed: int
    points_unrecovered: int
    points_balance: int | None


class PointsEntryOut(Schema):
    at: dt.datetime
    kind: str
    points: int
    balance_after: int
    reason: str
    receipt_number: str | None
