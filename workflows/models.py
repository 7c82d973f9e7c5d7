"""Every table of the domain, imported in one place so Alembic and `create_app` see them all."""

from .alerts.models import AlertSubscription
from .answers.models import AnswerItem, DocumentAnswer, EvidenceFile, ReplyLink, ReplyLinkOpening
from .authorities.models import Authority
from .calendar.models import CalendarDay
from .documents.models import Document, DocumentRecommendation, DocumentVersion
from .escalations.models import Escalation
from .escalations.obstructions import Obstruction
from .facilities.models import Facility, FacilitySignal
from .files.models import StoredFile
from .monitors.models import (
    ConflictOfInterest,
    Monitor,
    MonitorAbsence,
    MonitorExpertise,
    TrainingModule,
    TrainingRecord,
)
from .numbering import Counter
from .observations.models import Observation
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
from .publication.models import Publication, PublicSnapshot
from .recommendations.milestones import RecommendationMilestone
from .recommendations.models import (
    AuthorityReply,
    ExtensionRequest,
    Receipt,
    Recommendation,
    ResponseAct,
    Verification,
)
from .reference.models import FacilityKind, Region, RegionalOffice
from .risk.models import RiskRefresh, RiskScore
from .users.models import ApiToken, User, UserGrant
from .visits.models import Finding, Visit, VisitMember

__all__ = [
    "AlertSubscription",
    "AnswerItem",
    "ApiToken",
    "Authority",
    "AuthorityReply",
    "CalendarDay",
    "ConflictOfInterest",
    "CostRate",
    "Counter",
    "Document",
    "DocumentAnswer",
    "DocumentRecommendation",
    "DocumentVersion",
    "Escalation",
    "EvidenceFile",
    "Expense",
    "ExtensionRequest",
    "Facility",
    "FacilityKind",
    "FacilitySignal",
    "Finding",
    "Monitor",
    "MonitorAbsence",
    "MonitorExpertise",
    "Observation",
    "Obstruction",
    "PlanAmendment",
    "PlanBudget",
    "PlanVersion",
    "PlannedVisit",
    "PlannedVisitMember",
    "PlannedVisitRecommendation",
    "PublicSnapshot",
    "Publication",
    "Receipt",
    "Recommendation",
    "RecommendationCheck",
    "RecommendationMilestone",
    "Region",
    "RegionalOffice",
    "ReplyLink",
    "ReplyLinkOpening",
    "ResponseAct",
    "RiskRefresh",
    "RiskScore",
    "SafetyCheck",
    "StoredFile",
    "TrainingModule",
    "TrainingRecord",
    "Trip",
    "User",
    "UserGrant",
    "Verification",
    "Visit",
    "VisitMember",
    "VisitPlan",
]
