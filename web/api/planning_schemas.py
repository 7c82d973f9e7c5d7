"""marshmallow schemas of the visit planning API (registries, risk, plans, groups, execution).
Field names are contracts, documented in the OpenAPI document and README."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from workflows.imports.services import KINDS as IMPORT_KINDS
from workflows.monitors.models import EXPERTISE, MONITOR_KINDS
from workflows.planning.models import (
    CHECK_OUTCOMES,
    GROUP_ROLES,
    PLAN_STATUSES,
    PLANNED_VISIT_KINDS,
    PLANNED_VISIT_STATUSES,
)
from workflows.risk.models import LEVELS as RISK_LEVELS

from .schemas import Int, PageQuery, Ref

# --- registries -----------------------------------------------------------------------------------


class AuthorityUpdateIn(Schema):
    class Meta:
        unknown = "raise"

    name_uk = fields.String(required=True, validate=validate.Length(min=2, max=400))
    name_en = fields.String(load_default="", validate=validate.Length(max=400))
    emails = fields.List(fields.Email(), load_default=None, validate=validate.Length(max=20))
    language = fields.String(load_default=None, validate=validate.OneOf(["uk", "en"]))


class AuthorityMoveIn(Schema):
    class Meta:
        unknown = "raise"

    parent_id = Int(
        required=True, allow_none=True, metadata={"description": "The new superior; null for none"}
    )


class ImportIn(Schema):
    class Meta:
        unknown = "raise"

    csv = fields.String(required=True, validate=validate.Length(min=1, max=20_000_000))
    dry_run = fields.Boolean(
        load_default=True, metadata={"description": "Check only; write nothing (default)"}
    )


class ImportErrorOut(Schema):
    row = Int()
    field = fields.String()
    message = fields.String()


class ImportOut(Schema):
    kind = fields.String(validate=validate.OneOf(IMPORT_KINDS))
    dry_run = fields.Boolean()
    rows = Int()
    created = Int()
    updated = Int()
    unchanged = Int()
    errors = fields.List(fields.Nested(ImportErrorOut))


class SignalIn(Schema):
    class Meta:
        unknown = "raise"

    kind = fields.String(
        required=True, validate=validate.OneOf(["complaint", "media_report", "lawyer_report", "other"])
    )
    received_on = fields.Date(required=True)
    summary = fields.String(required=True, validate=validate.Length(min=5, max=5000))
    source = fields.String(load_default="", validate=validate.Length(max=500))


class SignalOut(Schema):
    id = Int()
    facility_id = Int()
    kind = fields.String()
    received_on = fields.Date()
    summary = fields.String()
    source = fields.String()


class MonitorQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    kind = fields.String(validate=validate.OneOf(MONITOR_KINDS))
    region = fields.String()
    expertise = fields.String(validate=validate.OneOf(EXPERTISE))
    q = fields.String(validate=validate.Length(max=200))


class MonitorOut(Schema):
    id = Int()
    name = fields.String()
    kind = fields.String(validate=validate.OneOf(MONITOR_KINDS))
    region = fields.String()
    user_id = Int(allow_none=True)
    expertise = fields.List(fields.String())
    trained = fields.Boolean(
        metadata={"description": "Completed every required module of the basic training"}
    )
    conflicts = fields.List(
        Int(), metadata={"description": "Facility ids with a declared conflict of interest"}
    )
    absences = fields.List(fields.Dict(), metadata={"description": "[{starts_on, ends_on, note}]"})


# --- risk -----------------------------------------------------------------------------------------


class RiskRuleOut(Schema):
    id = fields.String()
    row = Int()
    description = fields.String(
        metadata={"description": "The row's description in the DMN table (Ukrainian)"}
    )
    reason_en = fields.String()
    points = Int()


class RiskOut(Schema):
    facility = fields.Nested(Ref)
    score = Int()
    level = fields.String(validate=validate.OneOf(RISK_LEVELS))
    rules = fields.List(fields.Nested(RiskRuleOut), metadata={"description": "The rows that fired: why"})
    inputs = fields.Dict()
    deployment_id = Int()
    computed_at = fields.DateTime()


class RiskQuery(PageQuery):
    region = fields.String()
    kind = fields.String()
    level = fields.String(validate=validate.OneOf(RISK_LEVELS))


class RiskPageOut(Schema):
    total = Int()
    page = Int()
    per_page = Int()
    levels = fields.Dict(keys=fields.String(), values=Int())
    items = fields.List(fields.Nested(RiskOut))


class RiskRefreshOut(Schema):
    places = Int()
    seconds = fields.Float()
    deployment_id = Int()


# --- plans ----------------------------------------------------------------------------------------


class TargetsIn(Schema):
    class Meta:
        unknown = "raise"

    visits = Int(load_default=None, allow_none=True)
    per_oblast = Int(load_default=None, allow_none=True)
    every_kind = fields.Boolean(load_default=True)
    not_visited_years = Int(load_default=None, allow_none=True)
    group_size = Int(load_default=None, allow_none=True)


class PlanIn(Schema):
    class Meta:
        unknown = "raise"

    year = Int(required=True)
    title = fields.String(load_default="", validate=validate.Length(max=300))
    targets = fields.Nested(TargetsIn, load_default=dict)
    draft = fields.Boolean(
        load_default=False, metadata={"description": "Draft visits from the risk ranking now"}
    )


class GroupMemberOut(Schema):
    monitor_id = Int()
    name = fields.String()
    role = fields.String(validate=validate.OneOf(GROUP_ROLES))
    expertise = fields.String(allow_none=True)


class PlannedVisitOut(Schema):
    id = Int()
    plan_id = Int()
    facility = fields.Nested(Ref)
    region = fields.String()
    quarter = Int()
    month = Int()
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    days = Int()
    kind = fields.String(validate=validate.OneOf(PLANNED_VISIT_KINDS))
    unannounced = fields.Boolean()
    status = fields.String(validate=validate.OneOf(PLANNED_VISIT_STATUSES))
    reasons = fields.List(fields.String())
    risk_score = Int(allow_none=True)
    needs = fields.List(fields.String())
    group_status = fields.String()
    members = fields.List(fields.Nested(GroupMemberOut))
    recommendation_ids = fields.List(Int())
    trip_id = Int(allow_none=True)
    estimated_cost = fields.Decimal(as_string=True)
    visit_id = Int(allow_none=True, metadata={"description": "The visit record once it took place"})
    safety_check_required = fields.Boolean()
    safety_check_valid = fields.Boolean()


class PlanOut(Schema):
    id = Int()
    year = Int()
    title = fields.String()
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))
    version = Int()
    targets = fields.Dict()
    approved_at = fields.DateTime(allow_none=True)
    process_instance_id = Int(allow_none=True)
    total_cost = fields.Decimal(as_string=True)


class PlanDetailOut(PlanOut):
    visits = fields.List(fields.Nested(PlannedVisitOut))


class PlannedVisitIn(Schema):
    class Meta:
        unknown = "raise"

    facility_id = Int(required=True)
    month = Int(load_default=None, allow_none=True)
    starts_on = fields.Date(load_default=None, allow_none=True)
    ends_on = fields.Date(load_default=None, allow_none=True)
    kind = fields.String(load_default="regular", validate=validate.OneOf(PLANNED_VISIT_KINDS))
    unannounced = fields.Boolean(load_default=True)
    recommendation_ids = fields.List(Int(), load_default=list, validate=validate.Length(max=200))
    note = fields.String(load_default="", validate=validate.Length(max=5000))
    reason = fields.String(
        load_default="",
        validate=validate.Length(max=5000),
        metadata={"description": "Required when the plan is approved (an amendment)"},
    )


class PlannedVisitChangeIn(Schema):
    class Meta:
        unknown = "raise"

    month = Int()
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    kind = fields.String(validate=validate.OneOf(PLANNED_VISIT_KINDS))
    unannounced = fields.Boolean()
    recommendation_ids = fields.List(Int(), validate=validate.Length(max=200))
    note = fields.String(validate=validate.Length(max=5000))
    needs = fields.List(fields.String(validate=validate.OneOf(EXPERTISE)))
    reason = fields.String(load_default="", validate=validate.Length(max=5000))


class ReasonIn(Schema):
    class Meta:
        unknown = "raise"

    reason = fields.String(load_default="", validate=validate.Length(max=5000))


class SubmitIn(Schema):
    class Meta:
        unknown = "raise"

    revision_note = fields.String(load_default="", validate=validate.Length(max=5000))


class AmendmentOut(Schema):
    id = Int()
    number = Int()
    kind = fields.String()
    planned_visit_id = Int(allow_none=True)
    reason = fields.String()
    before = fields.Dict()
    after = fields.Dict()
    needs_approval = fields.Boolean()
    status = fields.String()
    process_instance_id = Int(allow_none=True)
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    decision_comment = fields.String()


class AmendedOut(Schema):
    amendment = fields.Nested(
        AmendmentOut, allow_none=True, metadata={"description": "When the plan was approved"}
    )
    planned_visit = fields.Nested(PlannedVisitOut)


class GroupMemberIn(Schema):
    class Meta:
        unknown = "raise"

    monitor_id = Int(required=True)
    role = fields.String(required=True, validate=validate.OneOf(GROUP_ROLES))
    expertise = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(EXPERTISE))


class GroupIn(Schema):
    class Meta:
        unknown = "raise"

    members = fields.List(fields.Nested(GroupMemberIn), required=True, validate=validate.Length(max=20))
    reason = fields.String(load_default="", validate=validate.Length(max=5000))


class SkippedOut(Schema):
    monitor_id = Int()
    name = fields.String()
    reason = fields.String(metadata={"description": "conflict_of_interest, untrained, absent or busy"})


class ProposalOut(Schema):
    members = fields.List(fields.Nested(GroupMemberOut))
    missing = fields.List(fields.String(), metadata={"description": "Needs nobody eligible covers"})
    skipped = fields.List(fields.Nested(SkippedOut))


class SafetyCheckIn(Schema):
    class Meta:
        unknown = "raise"

    military_coordination = fields.Boolean(required=True)
    military_contact = fields.String(required=True, validate=validate.Length(max=500))
    shelter = fields.Boolean(required=True)
    shelter_note = fields.String(required=True, validate=validate.Length(max=1000))
    communication = fields.Boolean(required=True)
    communication_note = fields.String(required=True, validate=validate.Length(max=1000))
    evacuation_route = fields.String(required=True, validate=validate.Length(max=5000))


class StartIn(Schema):
    class Meta:
        unknown = "raise"

    starts_on = fields.Date(load_default=None, allow_none=True)
    ends_on = fields.Date(load_default=None, allow_none=True)
    access_problems = fields.String(load_default="", validate=validate.Length(max=20000))


class CheckIn(Schema):
    class Meta:
        unknown = "raise"

    outcome = fields.String(required=True, validate=validate.OneOf(CHECK_OUTCOMES))
    found = fields.String(required=True, validate=validate.Length(max=20000))


class CheckOut(Schema):
    visit_id = Int()
    recommendation_id = Int()
    outcome = fields.String(allow_none=True)
    found = fields.String()
    checked_at = fields.DateTime(allow_none=True)


class CoverageQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    plan_id = Int(metadata={"description": "The plan's year and plan; without it, the last 12 months"})
    by = fields.String(load_default="region", validate=validate.OneOf(["region", "kind"]))


class CoverageRowOut(Schema):
    code = fields.String()
    name = fields.String()
    places = Int()
    visited = Int()
    percent = Int(allow_none=True)
    planned = Int()
    done = Int()
    never_visited = Int()
    high_risk = Int()
    mean_risk = fields.Float(allow_none=True)
    suspended = Int(metadata={"description": "Places with no access (occupied territory)"})


class CoverageOut(Schema):
    since = fields.Date()
    until = fields.Date()
    plan_id = Int(allow_none=True)
    rows = fields.List(fields.Nested(CoverageRowOut))


class PlanTaskOut(Schema):
    id = fields.String()
    name = fields.String()
    element_id = fields.String()
    candidate_group = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    version = Int()
    plan_id = Int()
    plan_title = fields.String()
    amendment_id = Int(allow_none=True)
