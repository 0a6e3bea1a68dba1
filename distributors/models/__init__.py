"""The distributors' models, one module per concern (the dealer file, development,
tracking, service by class); import them from here."""

from distributors.models.accounts import (  # noqa: F401
    AccountChange,
    ChangeKind,
    DealerAccount,
    EndReason,
    Grade,
    LeadSource,
    Status,
    ValueClass,
)
from distributors.models.development import Contract, ContractStatus, Negotiation, Visit  # noqa: F401
from distributors.models.file import BrandShare, DealerPerson, LogisticsPartner, OutletGroup, OutletKind, PersonRole  # noqa: F401
from distributors.models.rhythm import DealerImport, ServiceRhythm  # noqa: F401
from distributors.models.tracking import (  # noqa: F401
    Communication,
    CommunicationChannel,
    Payment,
    PaymentPlan,
    PickUp,
    PickUpPolicy,
    ProgressEntry,
    Shipment,
    StockReport,
)
