"""marshmallow schemas of the REST API: what requests may carry and what responses say.

Field names here are the API's contract (README and /api/v1/openapi.json); change them only with a
new API version.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, fields, validate

from workflows.authorities.models import LEVELS
from workflows.escalations.models import KINDS as ESCALATION_KINDS
from workflows.inbox import SORTS
from workflows.recommendations.models import ACT_KINDS, STATUSES
from workflows.users.models import PERMISSIONS, ROLES
from workflows.visits.models import FINDING_CATEGORIES, MEMBER_ROLES, SEVERITIES, VISIT_KINDS

INT_MAX = 2**31 - 1  # integer columns are 32-bit on PostgreSQL


class Int(fields.Integer):
    """An integer the database can hold: larger or smaller ones are a field error, not a crash."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("strict", False)
        super().__init__(*args, **kwargs)
        self.validators.append(validate.Range(min=-INT_MAX - 1, max=INT_MAX))


REGION_HELP = (
    "Region code as listed by `GET /api/v1/regions` (e.g. `kyiv_oblast`); its ISO 3166-2:UA code "
    "(e.g. `UA-32`) is accepted too."
)
KIND_HELP = "Kind of place, a code listed by `GET /api/v1/facility-kinds` (e.g. `pretrial_detention`)."


class RegionCode(fields.String):
    """A region by our code or by its ISO 3166-2:UA code (`UA-46` means `lviv`)."""

    def _deserialize(self, value, attr, data, **kwargs):
        from workflows.reference.catalog import region_code

        return region_code(super()._deserialize(value, attr, data, **kwargs))


def region_field(**kwargs) -> RegionCode:
    return RegionCode(metadata={"description": REGION_HELP}, **kwargs)


def kind_field(**kwargs) -> fields.String:
    return fields.String(metadata={"description": KIND_HELP}, **kwargs)


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


CURSOR_HELP = (
    "Keyset paging: the `next_cursor` of the previous page; the list continues after its last row "
    "(cheaper than `page` deep into a long list, and stable while rows are added). `page` is "
    "ignored when a cursor is given."
)


class PageMeta(Schema):
    total = Int(metadata={"description": "rows found, counted up to 10,000; more is said by `total_capped`"})
    total_capped = fields.Boolean(
        metadata={"description": "true when more than 10,000 rows match (`total` is then 10,000)"}
    )
    page = Int()
    per_page = Int()
    pages = Int(metadata={"description": "pages of `total` (so at most 10,000 / per_page)"})
    next_cursor = fields.String(
        allow_none=True, metadata={"description": "pass as `cursor` for the next page; null on the last"}
    )


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
    kind = kind_field(required=True, validate=validate.Length(max=40))
    region = region_field(required=True, validate=validate.Length(max=40))
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
    kind = kind_field(attribute="kind_code")
    kind_name = fields.String()
    region = fields.String(attribute="region_code", metadata={"description": REGION_HELP})
    region_iso = fields.String(metadata={"description": "ISO 3166-2:UA code of the region"})
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
    region = region_field()
    kind = kind_field()
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


_DAYS = validate.Regexp(r"^\d{1,4}-(\d{1,4})?$", error=_l("Use a range of days such as 8-30 or 91-."))


class RecommendationQuery(PageQuery):
    """The list's filters, shared with the page /recommendations and the dashboard's links
    (workflows.recommendations.queries.RecommendationFilters); dates are Kyiv days, both ends included."""

    status = fields.String(validate=validate.OneOf(STATUSES))
    open = fields.Boolean(metadata={"description": "true: any open status; false: implemented or closed"})
    authority_id = Int()
    subordinates = fields.Boolean(
        load_default=False,
        metadata={"description": "with authority_id: first addressed to it or to any authority under it"},
    )
    facility_id = Int()
    region = region_field()
    facility_kind = fields.String(validate=validate.Length(max=60))
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    category = fields.String(validate=validate.OneOf(FINDING_CATEGORIES))
    lawyer_id = Int(metadata={"description": "responsible lawyer's user id; 0 for none"})
    overdue = fields.Boolean(
        metadata={"description": "past the statutory deadline (the only date called overdue)"}
    )
    overdue_days = fields.String(
        validate=_DAYS,
        metadata={
            "description": "whole Kyiv days past the statutory deadline: 1-7, 8-30, 31-90, 91- (open end)"
        },
    )
    step = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "element id where the process waits now (an open task or a timer)"},
    )
    created_from = fields.Date()
    created_to = fields.Date()
    closed_from = fields.Date(metadata={"description": "follow-up ended (implemented or closed) from"})
    closed_to = fields.Date()
    replied_from = fields.Date(metadata={"description": "the authority's first reply received from"})
    replied_to = fields.Date()
    limitation = fields.String(
        validate=validate.Regexp(
            r"^(expired|\d{1,4}-(\d{1,4})?)$", error=_l("Use expired or a range of days such as 0-14.")
        ),
        metadata={
            "description": "days left of a pending protocol's limitation period: expired, 0-14, 15-30, 31-"
        },
    )
    court_decision = fields.String(validate=validate.Length(max=30))
    decided_from = fields.Date()
    decided_to = fields.Date()
    published = fields.Boolean(metadata={"description": "marked public by management"})
    q = fields.String(validate=validate.Length(max=200))
    cursor = fields.String(validate=validate.Length(max=500), metadata={"description": CURSOR_HELP})


class Ref(Schema):
    id = Int()
    # Authorities have a code; facilities have none (null), and the document says so (issue 21).
    code = fields.String(
        allow_none=True, metadata={"description": "the authority's code; null for a facility"}
    )
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
    severity = fields.String(
        metadata={"description": "A code of `GET /api/v1/severities`", "enum": list(SEVERITIES)}
    )
    category = fields.String(
        metadata={"description": "A code of `GET /api/v1/categories`", "enum": list(FINDING_CATEGORIES)}
    )
    status = fields.String(
        metadata={"description": "A code of `GET /api/v1/statuses`", "enum": list(STATUSES)}
    )
    due_at = fields.DateTime(
        allow_none=True,
        metadata={
            "description": "The statutory deadline of the request the addressee must answer, counted from "
            "its receipt over the working-day calendar; the only date ever called overdue"
        },
    )
    legal_basis = fields.String(allow_none=True, metadata={"description": "The law that gives `due_at`"})
    received_at = fields.DateTime(
        allow_none=True, metadata={"description": "When the addressee received the act or letter"}
    )
    urgency_due_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "A date asked for on critical findings: reminded, never a breach"},
    )
    next_step_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "The Office's own next step (follow-up check, hearing); never overdue"},
    )
    overdue = fields.Boolean(metadata={"description": "True only while the breach of `due_at` is recorded"})
    overdue_since = fields.DateTime(allow_none=True)
    authority = fields.Nested(Ref, metadata={"description": "The authority it was addressed to"})
    addressee = fields.Nested(Ref, metadata={"description": "The authority that must answer now"})
    facility = fields.Nested(Ref)
    region = fields.String(metadata={"description": REGION_HELP})
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
    statutory_period = fields.String(allow_none=True)
    legal_basis = fields.String()
    urgency_due_at = fields.DateTime(allow_none=True)
    received_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime(allow_none=True)


class ReplyOut(Schema):
    id = Int()
    authority_id = Int()
    text = fields.String()
    measures = fields.String()
    attachments = fields.List(fields.String())
    received_at = fields.DateTime()
    deadline_at = fields.DateTime(allow_none=True, metadata={"description": "The deadline in force"})
    was_overdue = fields.Boolean()
    days_late = Int(allow_none=True, metadata={"description": "Days after the deadline it came"})


class ExtensionOut(Schema):
    id = Int()
    requested_until = fields.Date()
    reason = fields.String()
    requested_at = fields.DateTime()
    previous_due_at = fields.DateTime(allow_none=True)
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
    legal_basis = fields.String()
    received_at = fields.DateTime(allow_none=True)
    protocol_number = fields.String(allow_none=True)
    protocol_date = fields.Date(allow_none=True)
    offender = fields.String(allow_none=True)
    court = fields.String(allow_none=True)
    case_number = fields.String(allow_none=True)
    hearings = fields.List(fields.Dict())
    decision = fields.String(
        allow_none=True,
        metadata={
            "description": "offender_liable (penalty imposed) | closed_limitation | closed_no_offence | "
            "returned_for_revision (back to the protocol); `other` on cases recorded before issue 15"
        },
    )
    decision_date = fields.Date(allow_none=True)
    decision_note = fields.String()
    offence_date = fields.Date(
        allow_none=True,
        metadata={"description": "The date of the offence: the limitation period counts from it"},
    )
    official_name = fields.String(allow_none=True)
    official_position = fields.String(allow_none=True)
    document_id = Int(allow_none=True, metadata={"description": "The protocol's document (its PDF)"})
    penalty_amount = fields.Decimal(allow_none=True, as_string=True, metadata={"description": "UAH"})
    appeal_until = fields.Date(allow_none=True, metadata={"description": "The last day of the appeal window"})
    appeal_filed_on = fields.Date(allow_none=True)
    appeal_outcome = fields.String(
        allow_none=True, metadata={"description": "not_appealed | upheld | overturned | changed"}
    )
    created_at = fields.DateTime()


class ReceiptOut(Schema):
    id = Int()
    authority_id = Int()
    act_id = Int(allow_none=True)
    escalation_id = Int(allow_none=True)
    kind = fields.String(metadata={"description": "email (accepted by the mail server), link, paper, reply"})
    received_at = fields.DateTime()
    incoming_number = fields.String(allow_none=True)
    note = fields.String()
    started_term = fields.Boolean(metadata={"description": "This receipt started the statutory term"})


class RecommendationDetail(RecommendationOut):
    extension_pending = fields.Boolean(metadata={"description": "An extension request awaits a decision"})
    receipts = fields.List(fields.Nested(ReceiptOut))
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
    region = region_field()
    facility_kind = kind_field()
    authority_id = Int()
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    q = fields.String(validate=validate.Length(max=200))
    sort = fields.String(load_default="due", validate=validate.OneOf(SORTS))
    page = Int(load_default=1, validate=validate.Range(min=1))
    per_page = Int(load_default=25, validate=validate.Range(min=1, max=200))
    cursor = fields.String(validate=validate.Length(max=500), metadata={"description": CURSOR_HELP})


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
        metadata={
            "description": "all, mine, group, overdue, due_this_week, current; each counted up to 10,000"
        },
    )
    counts_capped = fields.List(
        fields.String(), metadata={"description": 'the names of `counts` that reached 10,000 ("10,000+")'}
    )


class TaskDetail(TaskOut):
    document = fields.Nested(
        "DocumentDetail",
        allow_none=True,
        metadata={
            "description": "The document the task works on: the act a manager approves (its whole "
            "text; its PDF at `pdf_url`), or a draft returned to its author with the comment"
        },
    )
    form_values = fields.Dict(
        metadata={"description": "What the form starts with: the document's current text, kind and signatory"}
    )
    deadline_preview = fields.List(
        fields.Nested("TermPreviewOut"),
        allow_none=True,
        metadata={"description": "Before an act is sent: for each kind of act, its term if received today"},
    )
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
        metadata={
            "description": "file name -> content (BPMN, DMN, forms/*.json, documents/*.j2, other text)"
        },
    )
    name = fields.String(load_default="")
    comment = fields.String(load_default="", metadata={"description": "what this version changes"})
    accept_warnings = fields.String(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "why the checks' warnings may be accepted; required when there are warnings "
            "(kept with the version)"
        },
    )


class DeploymentOut(Schema):
    id = Int()
    name = fields.String()
    sha256 = fields.String()
    process_ids = fields.List(fields.String())
    created_at = fields.DateTime()
    created_by = fields.String()
    created = fields.Boolean()
    versions = fields.Dict(keys=fields.String(), values=Int())
    comment = fields.String()
    warnings = fields.List(fields.Dict(), metadata={"description": "the checks' warnings accepted with it"})
    warnings_note = fields.String(allow_none=True)


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


# --- outgoing documents and grants ---------------------------------------------------------------


class PersonOut(Schema):
    id = Int()
    name = fields.String()
    position = fields.String()


class DocumentRecommendationOut(Schema):
    id = Int()
    number = fields.String()


class DocumentOut(Schema):
    id = Int()
    kind = fields.String(
        metadata={"description": "submission, information_request, letter, repeat_request, …"}
    )
    kind_title = fields.String(metadata={"description": "The kind in the caller's language"})
    language = fields.String(metadata={"description": "The document's language: uk or en"})
    status = fields.String(
        metadata={"description": "draft, submitted, returned, approved, sent, received, cancelled"}
    )
    version = Int(metadata={"description": "Increases with every change (optimistic lock)"})
    number = fields.String(allow_none=True, metadata={"description": "Outgoing register number (вихідний №)"})
    number_date = fields.Date(allow_none=True)
    register = fields.String(allow_none=True, metadata={"description": "outgoing or protocol"})
    addressee = fields.Nested(Ref)
    recommendations = fields.List(fields.Nested(DocumentRecommendationOut))
    author = fields.Nested(PersonOut)
    signatory = fields.Nested(PersonOut, allow_none=True)
    approver = fields.Nested(PersonOut, allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    received_at = fields.DateTime(allow_none=True)
    received_how = fields.String(
        allow_none=True, metadata={"description": "smtp_accepted, link_opened, registered"}
    )
    incoming_number = fields.String(allow_none=True)
    incoming_date = fields.Date(allow_none=True)
    pdf_sha256 = fields.String(allow_none=True, metadata={"description": "SHA-256 of the PDF as sent"})
    pdf_url = fields.String(metadata={"description": "The PDF: as sent, or a preview of the current text"})
    url = fields.String(metadata={"description": "The document's page"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class DocumentVersionOut(Schema):
    seq = Int()
    body = fields.String()
    reason = fields.String(metadata={"description": "drafted, edited, approved_with_edits"})
    created_at = fields.DateTime()
    created_by = fields.String()
    return_comment = fields.String(
        metadata={"description": "The manager's comment on this text, if returned"}
    )


class DocumentEventOut(Schema):
    at = fields.DateTime()
    event = fields.String()
    actor = fields.String()
    details = fields.Dict()


class TermOut(Schema):
    period = fields.String(metadata={"description": "ISO 8601 duration, e.g. P1M"})
    basis = fields.String()


class DocumentDetail(DocumentOut):
    subject = fields.String()
    body = fields.String()
    term = fields.Nested(TermOut, allow_none=True)
    urgent_by = fields.Date(allow_none=True)
    details = fields.Dict(metadata={"description": "Kind-specific facts (a protocol's official, …)"})
    return_comment = fields.String()
    returned_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    cancel_reason = fields.String()
    template = fields.Dict(
        metadata={"description": "{name, deployment_id} of the template it was drafted from"}
    )
    versions = fields.List(fields.Nested(DocumentVersionOut))
    history = fields.List(fields.Nested(DocumentEventOut))


class GrantQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    permission = fields.String(validate=validate.OneOf(PERMISSIONS))


class GrantOut(Schema):
    user_id = Int()
    email = fields.String()
    name = fields.String()
    position = fields.String()
    role = fields.String()
    permission = fields.String(metadata={"description": "sign_documents or draw_protocols"})
    granted_at = fields.DateTime()
    granted_by = fields.String()


# --- the legal cycle: extension requests, receipts, term previews, the calendar ---------------------


class ExtensionRequestIn(Schema):
    class Meta:
        unknown = "raise"

    requested_until = fields.String(
        required=True, metadata={"description": "ISO date, after the current deadline"}
    )
    reason = fields.String(required=True, validate=validate.Length(max=5000))


class ReceiptIn(Schema):
    class Meta:
        unknown = "raise"

    received_on = fields.String(required=True, metadata={"description": "ISO date of receipt (paper post)"})
    incoming_number = fields.String(load_default="", validate=validate.Length(max=60))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class TermPreviewOut(Schema):
    act_kind = fields.String()
    statutory_period = fields.String(allow_none=True)
    legal_basis = fields.String()
    if_received_today = fields.DateTime(
        allow_none=True, metadata={"description": "The end of the term if the act were received today"}
    )
    urgency_due_at = fields.DateTime(allow_none=True)


class CalendarDayOut(Schema):
    day = fields.Date()
    kind = fields.String(metadata={"description": "holiday, day_off or working_day"})
    name_uk = fields.String()
    name_en = fields.String()
    source = fields.String()
    non_working = fields.Boolean(metadata={"description": "Whether the day is non-working now"})


class CalendarOut(Schema):
    martial_law = fields.Boolean(
        metadata={"description": "Martial law: public holidays are working days (law 2136-IX)"}
    )
    years = fields.List(fields.Integer())
    days = fields.List(fields.Nested(CalendarDayOut))


class CalendarQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    year = fields.Integer(validate=validate.Range(min=2000, max=2100))


class CalendarDayIn(Schema):
    class Meta:
        unknown = "raise"

    kind = fields.String(required=True)
    name_uk = fields.String(required=True)
    name_en = fields.String(load_default="")


class CalendarSettingsIn(Schema):
    class Meta:
        unknown = "raise"

    martial_law = fields.Boolean(required=True)


class GroupSubmissionIn(Schema):
    """One submission (одне подання) for several recommendations of a visit to one authority."""

    recommendation_ids = fields.List(
        Int(),
        required=True,
        validate=validate.Length(min=2, max=100),
        metadata={"description": "This visit's recommendations to one authority, act still to draft"},
    )
    kind = fields.String(
        load_default="submission",
        validate=validate.OneOf(("submission", "information_request", "letter")),
    )
    signatory_id = Int(
        allow_none=True, load_default=None, metadata={"description": "A holder of sign_documents"}
    )
    signatory = fields.String(
        load_default="", metadata={"description": "Or the signatory's name or position"}
    )
    text = fields.String(
        allow_none=True, load_default=None, metadata={"description": "The text; default: the template's"}
    )
