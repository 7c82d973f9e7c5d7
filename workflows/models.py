"""Every table of the domain, imported in one place so Alembic and `create_app` see them all."""

from .alerts.models import AlertSubscription
from .authorities.models import Authority
from .escalations.models import Escalation
from .facilities.models import Facility
from .numbering import Counter
from .observations.models import Observation
from .publication.models import Publication, PublicSnapshot
from .recommendations.milestones import RecommendationMilestone
from .recommendations.models import (
    AuthorityReply,
    ExtensionRequest,
    Recommendation,
    ResponseAct,
    Verification,
)
from .reference.models import FacilityKind, Region
from .users.models import ApiToken, User
from .visits.models import Finding, Visit, VisitMember

__all__ = [
    "AlertSubscription",
    "ApiToken",
    "Authority",
    "AuthorityReply",
    "Counter",
    "Escalation",
    "ExtensionRequest",
    "Facility",
    "FacilityKind",
    "Finding",
    "Observation",
    "PublicSnapshot",
    "Publication",
    "Recommendation",
    "RecommendationMilestone",
    "Region",
    "ResponseAct",
    "User",
    "Verification",
    "Visit",
    "VisitMember",
]
