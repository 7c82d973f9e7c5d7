"""What each role may do: one capability table, asked by the pages, the API, the CLI and e-mails.

Permissions are data (SpiffArena's lesson): a role is a set of capabilities; a person may also hold
grants of their own — per-user permissions such as signing documents or drawing up protocols —
which `grants_of` adds to the role's set. (The grants themselves are another issue's; this is the
place they plug in.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask_babel import gettext as _

from ..errors import Forbidden
from ..users.models import ROLE_LABELS, ROLES, User

# Capabilities, by what they let a person do.
SEE_ALL_RECOMMENDATIONS = "recommendations.see_all"  # every recommendation, the Office's whole story
SEE_INTERNAL_HISTORY = "recommendations.see_internal"  # the Office's steps, names, task due dates
CREATE_RECOMMENDATION = "recommendations.create"
SEE_PROCESS_DIAGRAM = "recommendations.see_diagram"
REGISTER_RECEIPT = "recommendations.register_receipt"  # paper receipt of an act or letter
REQUEST_EXTENSION = "recommendations.request_extension"  # an authority asks to extend its term
USE_INBOX = "tasks.inbox"
OPEN_TASK_LINKS = "tasks.open"  # follow a task from a recommendation's page
HAND_OVER_TASKS = "tasks.hand_over"
RETURN_OTHERS_TASKS = "tasks.return_others"  # put a task someone else claimed back in the queue
LIST_COLLEAGUES = "users.list"
SEE_VISITS = "visits.see"
RECORD_VISITS = "visits.record"
EDIT_CALENDAR = "calendar.edit"
ADMINISTER = "system.administer"  # the clock, the sweep, incidents, failed deliveries
DEPLOY = "system.deploy"  # the process designer: drafts, checks, versions, migrations, test runs
READ_DOCUMENTS = "documents.read"  # open the Office's outgoing documents and their PDFs
DRAFT_DOCUMENTS = "documents.draft"  # draft, edit and submit outgoing documents; choose a signatory
APPROVE_DOCUMENTS = "documents.approve"  # approve (number) or return a colleague's document
MANAGE_GRANTS = "users.grant"  # give and take sign_documents / draw_protocols
MANAGE_ACCOUNTS = "users.manage"  # deactivate and reactivate people; see and revoke anyone's API tokens
SEE_DASHBOARD = "dashboard.see"  # overdue figures; a lawyer's counts only their own (scopes.dashboard_lawyer)
SEE_HEATMAP = "dashboard.heatmap"  # where recommendations wait in the process: about the process, not people
MANAGE_PUBLICATION = "reports.manage"  # publish on /public, the annual report, alerts
ADD_OBSERVATIONS = "observations.add"  # a civil-society monitor's observation on a recommendation's follow-up
REGISTRY_READ = "registry.read"  # the registries of places and authorities
REGISTRY_EDIT = "registry.edit"  # add, rename and move authorities; add and edit places; CSV import
REGISTRY_SIGNAL = "registry.signal"  # complaints and media reports about a place
POOL_READ = "pool.read"  # the monitoring pool (staff and civil-society monitors)
POOL_EDIT = "pool.edit"  # expertise, training, absences, conflicts of interest
PLAN_READ = "plan.read"  # visit plans
PLAN_EDIT = "plan.edit"  # the NPM Department drafts and amends plans
SEE_PLANNED_VISITS = "plan.visit"  # a planned visit's page (a monitor: the visits whose group they are in)
PLAN_BUDGET = "plan.budget"  # budgets per quarter and regional office
EDIT_RATES = "rates.edit"  # travel and per-diem rates, regional offices
REFRESH_RISK = "risk.refresh"  # recompute risk scores now
REIMBURSE_EXPENSES = "expense.reimburse"  # reimburse monitors' expenses
SEE_OBSERVATIONS = "observations.see"  # beside the authority's reply (never authorities)
# Issue 16: the authority answers its letters; the Office revokes a letter's signed link and opens
# evidence files (authorities see only their own, never one marked as never leaving the Office).
ANSWER_LETTERS = "letters.answer"  # an official answers a letter sent to their authority
REVOKE_REPLY_LINKS = "letters.revoke_link"  # stop a letter's signed link from accepting answers
SEE_EVIDENCE = "evidence.see"  # every evidence file of the recommendations and findings one may see
ATTACH_FINDING_EVIDENCE = "evidence.findings"  # photos and documents of a finding (monitors, staff)
# The Office's own pages (inbox, recommendations, visits, documents…): every role but the authorities'
# officials, who have their own site instead (issue 16) and never land on the lawyers' inbox.
SEE_OFFICE_PAGES = "pages.office"
USE_PORTAL = "portal.use"  # the authority's own site, /portal: what was addressed to it and its answers
# Invite officials of an authority by e-mail: admins for any authority; an authority's lead official
# (`User.authority_lead`, a per-user grant below) for their own authority only (scopes.may_invite_to).
INVITE_OFFICIALS = "portal.invite"

_STAFF = {
    SEE_ALL_RECOMMENDATIONS,
    SEE_INTERNAL_HISTORY,
    SEE_PROCESS_DIAGRAM,
    USE_INBOX,
    OPEN_TASK_LINKS,
    SEE_VISITS,
}

_DOCUMENTS = {READ_DOCUMENTS, DRAFT_DOCUMENTS}
_MANAGEMENT = {SEE_DASHBOARD, SEE_HEATMAP, MANAGE_PUBLICATION, SEE_OBSERVATIONS}

CAPABILITIES: dict[str, frozenset[str]] = {
    "lawyer": frozenset(
        _STAFF
        | _DOCUMENTS
        | {SEE_DASHBOARD, SEE_OBSERVATIONS}
        | {CREATE_RECOMMENDATION, REGISTER_RECEIPT, HAND_OVER_TASKS, LIST_COLLEAGUES, RECORD_VISITS}
    ),
    "manager": frozenset(
        _STAFF
        | _DOCUMENTS
        | _MANAGEMENT
        | {
            APPROVE_DOCUMENTS,
            CREATE_RECOMMENDATION,
            REGISTER_RECEIPT,
            HAND_OVER_TASKS,
            RETURN_OTHERS_TASKS,
            LIST_COLLEAGUES,
            RECORD_VISITS,
        }
    ),
    "admin": frozenset(
        _STAFF
        | _DOCUMENTS
        | _MANAGEMENT
        | {
            APPROVE_DOCUMENTS,
            MANAGE_GRANTS,
            MANAGE_ACCOUNTS,
            CREATE_RECOMMENDATION,
            REGISTER_RECEIPT,
            HAND_OVER_TASKS,
            RETURN_OTHERS_TASKS,
            LIST_COLLEAGUES,
            RECORD_VISITS,
            EDIT_CALENDAR,
            ADMINISTER,
            DEPLOY,
        }
    ),
    # Designers read every recommendation and its process, and deploy; they work on no task.
    "designer": frozenset(
        {
            SEE_ALL_RECOMMENDATIONS,
            SEE_INTERNAL_HISTORY,
            SEE_PROCESS_DIAGRAM,
            SEE_VISITS,
            DEPLOY,
            READ_DOCUMENTS,
        }
    ),
    # Civil-society monitors follow the recommendations of their own visits, the Office's steps
    # included, without working on the Office's tasks.
    "monitor": frozenset(
        {
            SEE_INTERNAL_HISTORY,
            CREATE_RECOMMENDATION,
            SEE_VISITS,
            RECORD_VISITS,
            ADD_OBSERVATIONS,
            SEE_OBSERVATIONS,
        }
    ),
    # An authority's officials: their own site (what was sent to their authority, its answers,
    # the follow-up of the authorities below it), the answer to its letters and the extension request
    # — never the inbox.
    "authority": frozenset({USE_PORTAL, REQUEST_EXTENSION, ANSWER_LETTERS}),
}
# Everyone but the authorities' officials works on the Office's pages; admins also invite officials.
CAPABILITIES = {
    role: caps
    | ({SEE_OFFICE_PAGES} if role != "authority" else set())
    | ({INVITE_OFFICIALS} if role == "admin" else set())
    for role, caps in CAPABILITIES.items()
}

# Visit planning (issue 19): who may do what in registries, the pool and plans.
_PLANNING: dict[str, tuple[str, ...]] = {
    REGISTRY_READ: ("lawyer", "manager", "admin", "designer"),
    REGISTRY_EDIT: ("admin",),
    REGISTRY_SIGNAL: ("lawyer", "manager", "admin"),
    POOL_READ: ("lawyer", "manager", "admin"),
    POOL_EDIT: ("lawyer", "manager", "admin"),
    PLAN_READ: ("lawyer", "manager", "admin", "designer"),
    PLAN_EDIT: ("lawyer", "manager", "admin"),
    SEE_PLANNED_VISITS: ("lawyer", "manager", "admin", "designer", "monitor"),
    PLAN_BUDGET: ("manager", "admin"),
    EDIT_RATES: ("admin",),
    REFRESH_RISK: ("lawyer", "manager", "admin"),
    REIMBURSE_EXPENSES: ("manager", "admin"),
    REVOKE_REPLY_LINKS: ("lawyer", "manager", "admin"),
    SEE_EVIDENCE: ("lawyer", "manager", "admin", "designer", "monitor"),
    ATTACH_FINDING_EVIDENCE: ("lawyer", "manager", "admin", "monitor"),
}
CAPABILITIES = {
    role: caps | {cap for cap, roles in _PLANNING.items() if role in roles}
    for role, caps in CAPABILITIES.items()
}
assert set(CAPABILITIES) == set(ROLES), "every role needs its line in the capability table"

# Per-user grants (sign documents, draw protocols): a function returning a person's extra
# capabilities, registered by the package that keeps them.
GrantSource = Callable[[User], Iterable[str]]
_grant_sources: list[GrantSource] = []


def register_grants(source: GrantSource) -> GrantSource:
    if source not in _grant_sources:
        _grant_sources.append(source)
    return source


def _lead_official(user: User) -> Iterable[str]:
    """An authority's lead official invites colleagues of the same authority (issue 16)."""
    if user.role == "authority" and user.authority_id and getattr(user, "authority_lead", False):
        return (INVITE_OFFICIALS,)
    return ()


register_grants(_lead_official)


def grants_of(user: User) -> set[str]:
    found: set[str] = set()
    for source in _grant_sources:
        found.update(source(user))
    return found


def capabilities(user: User | None) -> frozenset[str]:
    if user is None or not getattr(user, "active", True):
        return frozenset()
    base = CAPABILITIES.get(user.role, frozenset())
    extra = grants_of(user) if _grant_sources else set()
    return base | extra if extra else base


# Tasks only the holders of a per-user grant may complete, whatever their role allows: a protocol
# (ст. 188-40 КУпАП) is drawn up and signed (ст. 256) by a person the Commissioner authorised — the
# `draw_protocols` grant, with `sign_documents` because the drawer signs it. Asked by
# `tasks.complete` (pages and API alike) and by the task page to say why.
TASK_GRANTS: dict[str, tuple[str, ...]] = {
    "draw_protocol": ("draw_protocols", "sign_documents"),
    "decide_obstruction": ("draw_protocols",),
}


def missing_task_grants(user: User | None, element_id: str | None) -> tuple[str, ...]:
    """The grants `user` lacks to complete a task of `element_id` (empty: none needed or all held)."""
    needed = TASK_GRANTS.get(element_id or "")
    if not needed:
        return ()
    from ..users.grants import has_grant

    return tuple(name for name in needed if not has_grant(user, name))


def can(user: User | None, capability: str) -> bool:
    return capability in capabilities(user)


def require(user: User | None, capability: str) -> None:
    """Forbidden (403, in the user's language) unless `user` has the capability."""
    if not can(user, capability):
        role = user.role if user is not None else ""
        raise Forbidden(_("Your role (%(role)s) may not do this.", role=str(ROLE_LABELS.get(role, role))))


def roles_with(capability: str) -> tuple[str, ...]:
    """The roles that have a capability (for a user list, the navigation)."""
    return tuple(role for role in ROLES if capability in CAPABILITIES[role])
