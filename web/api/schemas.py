"""marshmallow schemas of the REST API: what requests may carry and what responses say.

Field names here are the API's contract (README and /api/v1/openapi.json); change them only with a
new API version.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from workflows.authorities.models import LEVELS
from workflows.escalations.models import KINDS as ESCALATION_KINDS
from workflows.inbox import SORTS
from workflows.recommendations.models import ACT_KINDS, STATUSES
from workflows.users.models import ROLES
from workflows.visits.models import FINDING_CATEGORIES, MEMBER_ROLES, SEVERITIES, VISIT_KINDS

INT_MAX = 2**31 - 1  # integer columns are 32-bit on PostgreSQL


class Int(fields.Integer):
    """An integer the database can hold: larger or smaller ones are a field error, not a crash."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("strict", False)
        super().__init__(*args, **kwargs)
        self.validators.append(validate.Range(min=-INT_MAX - 1, max=INT_MAX))


class ErrorBody(Schema):
    code = fields.String(
        metadata={"description": "Machine-readable: invalid, conflict, forbidden, not_found, …"}
    )
    message = fields.String(metadata={"description": "For people, in the caller's language"})
    fields = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Messages per field (dotted path)"},
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBody)


class PageQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    page = Int(load_default=1, validate=validate.Range(min=1))
    per_page = Int(load_default=50, validate=validate.Range(min=1, max=200))


class PageMeta(Schema):
    total = Int()
    page = Int()
    per_page = Int()
    pages = Int()


# --- authorities and facilities ------------------------------------------------------------------


class AuthorityIn(Schema):
    class Meta:
        unknown = "raise"

    code = fields.String(required=True, validate=validate.Length(min=2, max=60))
    name_uk = fields.String(required=True, validate=validate.Length(min=2, max=400))
    name_en = fields.String(load_default="", validate=validate.Length(max=400))
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    parent_id = Int(load_default=None, allow_none=True)
    emails = fields.List(fields.Email(), load_default=list, validate=validate.Length(max=20))
    language = fields.String(load_default="uk", validate=validate.OneOf(["uk", "en"]))


class AuthorityOut(Schema):
    id = Int()
    code = fields.String()
    name = fields.String()
    name_uk = fields.String()
    name_en = fields.String()
    level = fields.String()
    parent_id = Int(allow_none=True)
    emails = fields.List(fields.String())
    language = fields.String()


class AuthorityQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    level = fields.String(validate=validate.OneOf(LEVELS))
    parent_id = Int()
    q = fields.String(validate=validate.Length(max=200))


class FacilityIn(Schema):
    class Meta:
        unknown = "raise"

    name_uk = fields.String(required=True, validate=validate.Length(min=2, max=400))
    name_en = fields.String(load_default="", validate=validate.Length(max=400))
    kind = fields.String(required=True, validate=validate.Length(max=40))
    region = fields.String(required=True, validate=validate.Length(max=40))
    authority_id = Int(required=True)
    address = fields.String(load_default="", validate=validate.Length(max=500))
    in_hostilities_area = fields.Boolean(load_default=False)
    access_note = fields.String(load_default="", validate=validate.Length(max=5000))
    code = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))
    district = fields.String(load_default="", validate=validate.Length(max=200))
    capacity = Int(load_default=None, allow_none=True)
    access_suspended = fields.Boolean(load_default=False)


class FacilityOut(Schema):
    id = Int()
    name = fields.String()
    name_uk = fields.String()
    name_en = fields.String()
    kind = fields.String(attribute="kind_code")
    kind_name = fields.String()
    region = fields.String(attribute="region_code")
    region_name = fields.String()
    address = fields.String()
    authority_id = Int()
    in_hostilities_area = fields.Boolean()
    access_note = fields.String()
    code = fields.String(
        allow_none=True, metadata={"description": "Registry code (what a CSV import matches on)"}
    )
    district = fields.String()
    capacity = Int(allow_none=True)
    access_suspended = fields.Boolean(metadata={"description": "No access (occupied territory)"})


class FacilityQuery(PageQuery):
    region = fields.String()
    kind = fields.String()
    authority_id = Int()
    q = fields.String(validate=validate.Length(max=200))


# --- visits and findings -------------------------------------------------------------------------


class MemberIn(Schema):
    class Meta:
        unknown = "raise"

    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    role = fields.String(required=True, validate=validate.OneOf(MEMBER_ROLES))
    user_id = Int(load_default=None, allow_none=True)


class VisitIn(Schema):
    class Meta:
        unknown = "raise"

    facility_id = Int(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(VISIT_KINDS))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    access_problems = fields.String(load_default="", validate=validate.Length(max=20000))
    members = fields.List(fields.Nested(MemberIn), load_default=list, validate=validate.Length(max=50))


class VisitQuery(PageQuery):
    facility_id = Int()


class FindingIn(Schema):
    class Meta:
        unknown = "raise"

    text = fields.String(required=True, validate=validate.Length(min=10, max=20000))
    category = fields.String(required=True, validate=validate.OneOf(FINDING_CATEGORIES))
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    evidence = fields.List(
        fields.String(validate=validate.Length(max=500)), load_default=list, validate=validate.Length(max=50)
    )


class MemberOut(Schema):
    name = fields.String()
    role = fields.String()
    user_id = Int(allow_none=True)


class FindingOut(Schema):
    id = Int()
    visit_id = Int()
    text = fields.String()
    category = fields.String()
    severity = fields.String()
    evidence = fields.List(fields.String())
    created_at = fields.DateTime()
    recommendation_ids = fields.List(Int())


class VisitOut(Schema):
    id = Int()
    facility_id = Int()
    facility_name = fields.String()
    kind = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    access_problems = fields.String()
    members = fields.List(fields.Nested(MemberOut))
    findings = fields.List(fields.Nested(FindingOut))
    created_at = fields.DateTime()
    created_by = Int()


# --- recommendations -----------------------------------------------------------------------------


class RecommendationIn(Schema):
    class Meta:
        unknown = "raise"

    finding_id = Int(required=True)
    authority_id = Int(required=True)
    text = fields.String(required=True, validate=validate.Length(min=10, max=20000))
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    category = fields.String(required=True, validate=validate.OneOf(FINDING_CATEGORIES))


class RecommendationQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(STATUSES))
    authority_id = Int()
    facility_id = Int()
    region = fields.String()
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    overdue = fields.Boolean()
    q = fields.String(validate=validate.Length(max=200))


class Ref(Schema):
    id = Int()
    code = fields.String()
    name = fields.String()


class TaskSummary(Schema):
    id = fields.String()
    name = fields.String()
    element_id = fields.String()
    role = fields.String()
    candidate_group = fields.String()
    assignee = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()
    version = Int()


class RecommendationOut(Schema):
    id = Int()
    number = fields.String()
    text = fields.String()
    severity = fields.String()
    category = fields.String()
    status = fields.String(metadata={"description": f"One of {', '.join(STATUSES)}"})
    due_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()
    overdue_since = fields.DateTime(allow_none=True)
    authority = fields.Nested(Ref, metadata={"description": "The authority it was addressed to"})
    addressee = fields.Nested(Ref, metadata={"description": "The authority that must answer now"})
    facility = fields.Nested(Ref)
    region = fields.String()
    finding_id = Int()
    outcome = fields.String(allow_none=True)
    close_reason = fields.String(allow_none=True)
    process_instance_id = Int(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)


class RecommendationPageOut(PageMeta):
    items = fields.List(fields.Nested(RecommendationOut))


class HistoryEntry(Schema):
    at = fields.DateTime()
    kind = fields.String(metadata={"description": "audit (something happened) or notice (a message sent)"})
    event = fields.String()
    actor = fields.String(allow_none=True)
    subject = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    details = fields.Dict()


class ActOut(Schema):
    id = Int()
    kind = fields.String(validate=validate.OneOf(ACT_KINDS))
    number = fields.String()
    act_date = fields.Date()
    signatory = fields.String()
    text = fields.String()
    addressee_id = Int()
    sent_at = fields.DateTime()
    due_at = fields.DateTime()


class ReplyOut(Schema):
    id = Int()
    authority_id = Int()
    text = fields.String()
    measures = fields.String()
    attachments = fields.List(fields.String())
    received_at = fields.DateTime()
    was_overdue = fields.Boolean()


class ExtensionOut(Schema):
    id = Int()
    requested_until = fields.Date()
    reason = fields.String()
    requested_at = fields.DateTime()
    decision = fields.String(allow_none=True)
    new_due_at = fields.DateTime(allow_none=True)
    decision_note = fields.String()
    decided_at = fields.DateTime(allow_none=True)


class VerificationOut(Schema):
    id = Int()
    outcome = fields.String(allow_none=True)
    method = fields.String()
    note = fields.String()
    follow_up_on = fields.Date(allow_none=True)
    verified_at = fields.DateTime()


class EscalationOut(Schema):
    id = Int()
    kind = fields.String(validate=validate.OneOf(ESCALATION_KINDS))
    target_authority_id = Int(allow_none=True)
    reason = fields.String()
    due_at = fields.DateTime(allow_none=True)
    protocol_number = fields.String(allow_none=True)
    protocol_date = fields.Date(allow_none=True)
    offender = fields.String(allow_none=True)
    court = fields.String(allow_none=True)
    case_number = fields.String(allow_none=True)
    hearings = fields.List(fields.Dict())
    decision = fields.String(allow_none=True)
    decision_date = fields.Date(allow_none=True)
    decision_note = fields.String()
    created_at = fields.DateTime()


class RecommendationDetail(RecommendationOut):
    open_tasks = fields.List(fields.Nested(TaskSummary))
    acts = fields.List(fields.Nested(ActOut))
    replies = fields.List(fields.Nested(ReplyOut))
    extensions = fields.List(fields.Nested(ExtensionOut))
    verifications = fields.List(fields.Nested(VerificationOut))
    escalations = fields.List(fields.Nested(EscalationOut))
    history = fields.List(fields.Nested(HistoryEntry))


# --- tasks ---------------------------------------------------------------------------------------


class TaskQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    scope = fields.String(load_default="all", validate=validate.OneOf(["all", "mine", "group"]))
    overdue = fields.Boolean(load_default=False)
    due_this_week = fields.Boolean(load_default=False)
    role = fields.String(validate=validate.Length(max=100))
    task = fields.String(
        validate=validate.Length(max=200), metadata={"description": "element id (kind of task)"}
    )
    region = fields.String()
    facility_kind = fields.String()
    authority_id = Int()
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    q = fields.String(validate=validate.Length(max=200))
    sort = fields.String(load_default="due", validate=validate.OneOf(SORTS))
    page = Int(load_default=1, validate=validate.Range(min=1))
    per_page = Int(load_default=25, validate=validate.Range(min=1, max=200))


class TaskOut(TaskSummary):
    status = fields.String()
    created_at = fields.DateTime()
    recommendation = fields.Dict(metadata={"description": "id, number, text, status, severity"})
    facility = fields.Nested(Ref)
    authority = fields.Nested(Ref)


class TaskPageOut(PageMeta):
    items = fields.List(fields.Nested(TaskOut))
    counts = fields.Dict(
        keys=fields.String(),
        values=Int(),
        metadata={"description": "all, mine, group, overdue, due_this_week, current"},
    )


class TaskDetail(TaskOut):
    form = fields.Dict(allow_none=True, metadata={"description": "The task's JSON Schema"})
    draft = fields.Dict(allow_none=True)
    draft_saved_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)


class VersionIn(Schema):
    class Meta:
        unknown = "raise"

    version = Int(load_default=None, allow_none=True)


class CompleteIn(Schema):
    class Meta:
        unknown = "raise"

    data = fields.Dict(required=True, metadata={"description": "Form data, checked against the task's form"})
    version = Int(required=True, metadata={"description": "The task version you read"})


class DraftIn(Schema):
    class Meta:
        unknown = "raise"

    data = fields.Dict(required=True)
    version = Int(load_default=None, allow_none=True)


class ReassignIn(Schema):
    class Meta:
        unknown = "raise"

    to_user_id = Int(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))
    version = Int(load_default=None, allow_none=True)


class CompleteOut(Schema):
    task_id = fields.String()
    recommendation_id = Int(allow_none=True)
    status = fields.String(metadata={"description": "The recommendation's status after the step"})
    instance_status = fields.String()
    next_tasks = fields.List(fields.Nested(TaskSummary))


# --- system --------------------------------------------------------------------------------------


class UserOut(Schema):
    id = Int()
    name = fields.String()
    role = fields.String()
    authority_id = Int(allow_none=True)


class UserQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    role = fields.String(validate=validate.OneOf(ROLES))


class MeOut(Schema):
    id = Int()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    authority_id = Int(allow_none=True)
    language = fields.String()


class ClockIn(Schema):
    class Meta:
        unknown = "raise"

    now = fields.AwareDateTime(
        required=True,
        allow_none=True,
        metadata={"description": "ISO 8601 with offset; null returns to real time"},
    )


class ClockOut(Schema):
    now = fields.DateTime()
    offset_seconds = fields.Float()
    adjustable = fields.Boolean()


class SweepOut(Schema):
    now = fields.DateTime()
    fired = fields.List(fields.Dict())
    incidents = fields.List(Int())
    timers_claimed = Int()
    outbox = fields.Dict()


class DeploymentIn(Schema):
    class Meta:
        unknown = "raise"

    files = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "file name -> content (BPMN, DMN, forms/*.json)"},
    )
    name = fields.String(load_default="")


class DeploymentOut(Schema):
    id = Int()
    name = fields.String()
    sha256 = fields.String()
    process_ids = fields.List(fields.String())
    created_at = fields.DateTime()
    created_by = fields.String()
    created = fields.Boolean()
    versions = fields.Dict(keys=fields.String(), values=Int())


class OutboxOut(Schema):
    id = Int()
    created_at = fields.DateTime()
    channel = fields.String()
    topic = fields.String()
    recipient = fields.String()
    status = fields.String()
    attempts = Int()
    last_error = fields.String(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    business_key = fields.String(allow_none=True)


class IncidentOut(Schema):
    id = Int()
    instance_id = Int()
    element_id = fields.String(allow_none=True)
    kind = fields.String()
    message = fields.String()
    retries_left = Int()
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
