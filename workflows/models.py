"""Every table of the domain, imported in one place so Alembic and `create_app` see them all."""

from .alerts.models import AlertSubscription
from .authorities.models import Authority
from .calendar.models import CalendarDay
from .documents.models import Document, DocumentRecommendation, DocumentVersion
from .escalations.models import Escalation
from .facilities.models import Facility
from .files.models import StoredFile
from .numbering import Counter
from .observations.models import Observation
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
from .reference.models import FacilityKind, Region
from .users.models import ApiToken, User, UserGrant
from .visits.models import Finding, Visit, VisitMember

__all__ = [
    "AlertSubscription",
    "ApiToken",
    "Authority",
    "AuthorityReply",
    "CalendarDay",
    "Counter",
    "Document",
    "DocumentRecommendation",
    "DocumentVersion",
    "Escalation",
    "ExtensionRequest",
    "Facility",
    "FacilityKind",
    "Finding",
    "Observation",
    "PublicSnapshot",
    "Publication",
    "Receipt",
    "Recommendation",
    "RecommendationMilestone",
    "Region",
    "ResponseAct",
    "StoredFile",
    "User",
    "UserGrant",
    "Verification",
    "Visit",
    "VisitMember",
]
