"""Every table of the domain, imported in one place so Alembic and `create_app` see them all."""

from .authorities.models import Authority
from .escalations.models import Escalation
from .facilities.models import Facility, FacilitySignal
from .monitors.models import (
    ConflictOfInterest,
    Monitor,
    MonitorAbsence,
    MonitorExpertise,
    TrainingModule,
    TrainingRecord,
)
from .numbering import Counter
from .planning.models import (
    CostRate,
    Expense,
    PlanAmendment,
    PlanBudget,
    PlannedVisit,
    PlannedVisitMember,
    PlannedVisitRecommendation,
    PlanVersion,
    RecommendationCheck,
    SafetyCheck,
    Trip,
    VisitPlan,
)
from .recommendations.models import (
    AuthorityReply,
    ExtensionRequest,
    Recommendation,
    ResponseAct,
    Verification,
)
from .reference.models import FacilityKind, Region, RegionalOffice
from .risk.models import RiskRefresh, RiskScore
from .users.models import ApiToken, User
from .visits.models import Finding, Visit, VisitMember

__all__ = [
    "ApiToken",
    "Authority",
    "AuthorityReply",
    "ConflictOfInterest",
    "CostRate",
    "Counter",
    "Escalation",
    "Expense",
    "ExtensionRequest",
    "Facility",
    "FacilityKind",
    "FacilitySignal",
    "Finding",
    "Monitor",
    "MonitorAbsence",
    "MonitorExpertise",
    "PlanAmendment",
    "PlanBudget",
    "PlanVersion",
    "PlannedVisit",
    "PlannedVisitMember",
    "PlannedVisitRecommendation",
    "Recommendation",
    "RecommendationCheck",
    "Region",
    "RegionalOffice",
    "ResponseAct",
    "RiskRefresh",
    "RiskScore",
    "SafetyCheck",
    "TrainingModule",
    "TrainingRecord",
    "Trip",
    "User",
    "Verification",
    "Visit",
    "VisitMember",
    "VisitPlan",
]
