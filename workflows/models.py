"""Every table of the domain, imported in one place so Alembic and `create_app` see them all."""

from .authorities.models import Authority
from .documents.models import Document, DocumentRecommendation, DocumentVersion
from .escalations.models import Escalation
from .facilities.models import Facility
from .files.models import StoredFile
from .numbering import Counter
from .recommendations.models import (
    AuthorityReply,
    ExtensionRequest,
    Recommendation,
    ResponseAct,
    Verification,
)
from .reference.models import FacilityKind, Region
from .users.models import ApiToken, User, UserGrant
from .visits.models import Finding, Visit, VisitMember

__all__ = [
    "ApiToken",
    "Authority",
    "AuthorityReply",
    "Counter",
    "Document",
    "DocumentRecommendation",
    "DocumentVersion",
    "Escalation",
    "ExtensionRequest",
    "Facility",
    "FacilityKind",
    "Finding",
    "Recommendation",
    "Region",
    "ResponseAct",
    "StoredFile",
    "User",
    "UserGrant",
    "Verification",
    "Visit",
    "VisitMember",
]
