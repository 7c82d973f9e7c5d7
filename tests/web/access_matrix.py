"""The access matrix: for every route of the app (method and URL rule, as `app.url_map` spells them),
what each principal gets. tests/web/test_access_matrix.py asks them all and compares.

Answers:
- OK: the request passed the access check and was done (2xx, a redirect that is not to sign-in);
- REFUSED: the request passed the access check and its input or the record's state was refused
  (400, 409, 422: the matrix sends empty forms; an authority that is not the addressee asking for
  more time is told no reply of theirs is awaited);
- LOGIN: sign in first (pages redirect to /login; the API answers 401);
- DENY: 403, the person is known and the capability is missing (`workflows/access/policy.py`);
- HIDE: 404, the record is not theirs to see — exactly as if it did not exist.

A row is `row(ok=..., refused=..., hidden=...)`: the principals in `ok` pass, those in `refused` pass
the access check and are refused their (empty) input, those in `hidden` get HIDE, anyone else with an
account DENY, and the anonymous and the holder of a signed link LOGIN. Adding a route
means adding its one line here (the test says which line when one is missing).
"""

from __future__ import annotations

from dataclasses import dataclass

from .access_world import ANONYMOUS, LINK, PRINCIPALS

OK, REFUSED, LOGIN, DENY, HIDE = "ok", "refused", "login", "403", "404"

# Routes that are not the app's to guard: the static files and the vendored JavaScript packages.
EXCLUDED_ENDPOINTS = {"static", "vendor"}

# The order in which principals ask each route: those who should be refused first, so that a state
# change by an allowed principal (a claim, a discard) comes after every refusal has been checked.
ORDER = (
    ANONYMOUS,
    LINK,
    "other_monitor",
    "other_authority",
    "superior",
    "authority",
    "monitor",
    "designer",
    "lawyer2",
    "lawyer",
    "manager",
    "admin",
)
assert sorted(ORDER) == sorted(PRINCIPALS)


@dataclass(frozen=True)
class Row:
    ok: frozenset[str]
    refused: frozenset[str] = frozenset()
    hidden: frozenset[str] = frozenset()
    record: str = ""  # the URL parameter naming the record that `hidden` may not see
    login: frozenset[str] = frozenset({ANONYMOUS, LINK})

    def expect(self, principal: str) -> str:
        if principal in self.ok:
            return OK
        if principal in self.refused:
            return REFUSED
        if principal in self.hidden:
            return HIDE
        if principal in self.login:
            return LOGIN
        return DENY


def row(ok=(), refused=(), hidden=(), record="", login=(ANONYMOUS, LINK)) -> Row:
    return Row(frozenset(ok), frozenset(refused), frozenset(hidden), record, frozenset(login))


# Groups of principals, to keep a row on one line.
EVERYONE = frozenset(PRINCIPALS)
ACCOUNTS = EVERYONE - {ANONYMOUS, LINK}
OFFICE = frozenset({"lawyer", "lawyer2", "manager", "admin"})  # the Office's staff who work tasks
MANAGERS = frozenset({"manager", "admin"})
ADMIN = frozenset({"admin"})
DESIGNERS = frozenset({"admin", "designer"})
READERS = OFFICE | {"designer"}  # every recommendation, the registries, the plans
MONITORS = frozenset({"monitor", "other_monitor"})
AUTHORITIES = frozenset({"authority", "superior", "other_authority"})
NOBODY = frozenset()
_GROUPS = {
    "EVERYONE": EVERYONE,
    "ACCOUNTS": ACCOUNTS,
    "READERS": READERS,
    "OFFICE": OFFICE,
    "MANAGERS": MANAGERS,
    "ADMIN": ADMIN,
    "DESIGNERS": DESIGNERS,
    "MONITORS": MONITORS,
    "AUTHORITIES": AUTHORITIES,
}


def _spell(names: set[str]) -> str:
    """A set of principals as groups and names: `READERS | {"monitor"}`."""
    rest, parts = set(names), []
    for label, group in _GROUPS.items():
        if group and group <= rest:
            parts.append(label)
            rest -= group
    if rest:
        parts.append("{" + ", ".join(f'"{n}"' for n in sorted(rest, key=PRINCIPALS.index)) + "}")
    return " | ".join(parts)


def as_row(key: str, answers: dict[str, str]) -> str:
    """The table line that these answers make (to review a new route's answers, then paste)."""
    by = {kind: {p for p, a in answers.items() if a == kind} for kind in (OK, REFUSED, HIDE, LOGIN)}
    named = (("ok", OK), ("refused", REFUSED), ("hidden", HIDE))
    args = [f"{name}={_spell(by[kind])}" for name, kind in named if by[kind]]
    if by[LOGIN] != {ANONYMOUS, LINK}:
        args.append(f"login={_spell(by[LOGIN])}" if by[LOGIN] else "login=NOBODY")
    odd = {p: a for p, a in answers.items() if a not in (OK, REFUSED, HIDE, LOGIN, DENY)}
    return f'    "{key}": row({", ".join(args)}),' + (f"  # {odd}" if odd else "")


# Routes whose URL names another record than the shared one (their first success changes it for
# good): URL parameter -> the key of `fills` in tests/web/access_world.py.
FILLS = {
    "POST /api/v1/planned-visits/<int:planned_visit_id>/cancel": {
        "planned_visit_id": "spare_planned_visit_api"
    },
    "POST /planned-visits/<int:planned_visit_id>/cancel": {"planned_visit_id": "spare_planned_visit_page"},
    # Publishing A would open /public/recommendations/<A> to everyone: another of the colony's.
    "POST /recommendations/<int:recommendation_id>/publication": {
        "recommendation_id": "spare_recommendation"
    },
    # The letter sent to the colony and answered (with an evidence file), its registry link.
    **{
        key: {"document_id": "answered_document"}
        for key in (
            "GET /api/v1/documents/<int:document_id>/reply-links",
            "GET /portal/documents/<int:document_id>.pdf",
            "GET /portal/documents/<int:document_id>/answer",
            "GET /portal/documents/<int:document_id>/answer/files/<int:evidence_id>",
            "GET /portal/documents/<int:document_id>/answer/receipt",
            "GET /portal/documents/<int:document_id>/answer/receipt.pdf",
            "POST /portal/documents/<int:document_id>/answer",
            "POST /portal/documents/<int:document_id>/answer/draft",
        )
    },
    **{
        key: {"token": "reply_token"}
        for key in (
            "GET /respond/<token>/files/<int:evidence_id>",
            "GET /respond/<token>/receipt",
            "GET /respond/<token>/receipt.pdf",
            "POST /respond/<token>/draft",
        )
    },
    # A file of a finding (kept by the Office, read by the visit's people).
    "GET /evidence/<int:evidence_id>": {"evidence_id": "finding_evidence_id"},
    # Ending things: each route ends its own spare (a link, a token, an account, an invitation).
    "POST /api/v1/reply-links/<int:link_id>/revoke": {"link_id": "spare_link_api"},
    "POST /documents/<int:document_id>/links/<int:link_id>/revoke": {"link_id": "spare_link_page"},
    "POST /admin/tokens/<int:token_id>/revoke": {"token_id": "spare_token_page"},
    **{
        key: {"user_id": "spare_user"}
        for key in (
            "POST /admin/accounts/<int:user_id>/activate",
            "POST /admin/accounts/<int:user_id>/deactivate",
            "POST /api/v1/users/<int:user_id>/activate",
            "POST /api/v1/users/<int:user_id>/deactivate",
        )
    },
    "POST /portal/authorities/<int:authority_id>/officials/<int:user_id>/deactivate": {
        "user_id": "spare_official"
    },
    "GET /portal/welcome/<token>": {"token": "invitation_token"},
    "POST /portal/welcome/<token>": {"token": "invitation_token"},
}

# Routes asked with a new session each time (they end the one they are given).
FRESH = {"POST /logout"}

# API bodies that pass the schema, so that the answer is the access check's and not the schema's
# (the API validates a body before the service asks who is asking). Values name A's world.
BODIES = {
    "POST /api/v1/visits/<int:visit_id>/submission": lambda f: {
        "recommendation_ids": [int(f["recommendation_id"]), int(f["spare_recommendation"])],
    },
    "POST /api/v1/tasks/<task_id>/complete": lambda f: {"data": {}},
    "POST /api/v1/tasks/<task_id>/draft": lambda f: {"data": {}},
    "POST /api/v1/tasks/<task_id>/reassign": lambda f: {
        "to_user_id": int(f["user_id"]),
        "reason": "Відпустка",
    },
    "POST /api/v1/recommendations": lambda f: {
        "finding_id": int(f["finding_id"]),
        "authority_id": int(f["authority_id"]),
        "text": "Забезпечити доступ до душу щодня.",
        "severity": "high",
        "category": "material_conditions",
    },
    "POST /api/v1/visits": lambda f: {
        "facility_id": int(f["facility_id"]),
        "kind": "regular",
        "starts_on": "2026-11-18",
        "ends_on": "2026-11-18",
    },
    "POST /api/v1/visits/<int:visit_id>/findings": lambda f: {
        "text": "Відсутнє освітлення в коридорі.",
        "category": "material_conditions",
        "severity": "medium",
    },
    "POST /api/v1/recommendations/<int:recommendation_id>/extension-requests": lambda f: {
        "requested_until": "2027-03-01",
        "reason": "Потрібне фінансування на ремонт.",
    },
    "PUT /api/v1/visits/<int:visit_id>/checks/<int:recommendation_id>": lambda f: {
        "outcome": "not_implemented",
        "found": "Вентиляції немає.",
    },
    "POST /api/v1/planned-visits/<int:planned_visit_id>/safety-check": lambda f: {
        "military_coordination": True,
        "military_contact": "Черговий",
        "shelter": True,
        "shelter_note": "Підвал",
        "communication": True,
        "communication_note": "Рація",
        "evacuation_route": "Через північний вихід.",
    },
}


# The Office's staff who may not open the authority's reply task of A, nor anyone outside it.
NOT_THE_TASKS = MONITORS | {"lawyer", "lawyer2", "manager", "designer", "superior", "other_authority"}
# The task pages are the Office's: the authorities' officials are refused them all (403, their own
# site is /portal), so only the staff and monitors it is not addressed to are told it is missing.
NOT_THE_TASK_PAGES = NOT_THE_TASKS - AUTHORITIES

# One line per route. Keep them sorted; `OMBUDSFLOW_MATRIX_PRINT=1` prints the answers given as lines.
# Records that do not exist in the world (incidents, expenses, migrations, test runs, an absence)
# are answered 404 to the people who pass the check; a route that refuses the empty input says so.
ROWS: dict[str, Row] = {
    "DELETE /api/v1/calendar/days/<day>": row(hidden=ADMIN),
    "DELETE /api/v1/tokens/<int:token_id>": row(
        ok={"lawyer2"}, refused=ADMIN, hidden=MONITORS | AUTHORITIES | {"lawyer", "manager", "designer"}
    ),
    "DELETE /api/v1/users/<int:user_id>/grants/<permission>": row(ok=ADMIN),
    "GET /": row(ok=ACCOUNTS),
    "GET /admin/accounts": row(ok=ADMIN),
    "GET /admin/calendar": row(ok=ADMIN),
    "GET /admin/deliveries": row(ok=ADMIN),
    "GET /api/v1/authorities": row(ok=ACCOUNTS),
    "GET /api/v1/authorities/<int:authority_id>": row(ok=ACCOUNTS),
    "GET /api/v1/calendar": row(ok=ACCOUNTS),
    "GET /api/v1/categories": row(ok=ACCOUNTS),
    "GET /api/v1/clock": row(ok=ACCOUNTS),
    "GET /api/v1/coverage": row(ok=READERS),
    "GET /api/v1/deployments": row(ok=ADMIN | {"designer"}),
    "GET /api/v1/documents/<int:document_id>": row(ok=READERS, hidden=AUTHORITIES),
    "GET /api/v1/documents/<int:document_id>/pdf": row(ok=READERS, hidden=AUTHORITIES),
    "GET /api/v1/documents/<int:document_id>/reply-links": row(ok=READERS),
    "GET /api/v1/evidence/<int:evidence_id>": row(
        ok=READERS | {"monitor", "authority"}, hidden={"superior", "other_authority", "other_monitor"}
    ),
    "GET /api/v1/facilities": row(ok=ACCOUNTS),
    "GET /api/v1/facilities/<int:facility_id>": row(ok=ACCOUNTS),
    "GET /api/v1/facilities/<int:facility_id>/risk": row(ok=READERS),
    "GET /api/v1/facility-kinds": row(ok=ACCOUNTS),
    "GET /api/v1/grants": row(ok=ADMIN),
    "GET /api/v1/incidents": row(ok=ADMIN),
    "GET /api/v1/me": row(ok=ACCOUNTS),
    "GET /api/v1/monitors": row(ok=OFFICE),
    "GET /api/v1/openapi.json": row(ok=EVERYONE, login=NOBODY),
    "GET /api/v1/outbox/failed": row(ok=ADMIN),
    "GET /api/v1/plan-tasks": row(ok=ACCOUNTS),
    "GET /api/v1/planned-visits/<int:planned_visit_id>": row(ok=READERS),
    "GET /api/v1/planned-visits/<int:planned_visit_id>/group-proposal": row(ok=READERS),
    "GET /api/v1/plans": row(ok=READERS),
    "GET /api/v1/plans/<int:plan_id>": row(ok=READERS),
    "GET /api/v1/plans/<int:plan_id>/amendments": row(ok=READERS),
    "GET /api/v1/recommendations": row(ok=ACCOUNTS),
    "GET /api/v1/recommendations/<int:recommendation_id>": row(
        ok=READERS | {"monitor", "authority", "superior"}, hidden={"other_authority", "other_monitor"}
    ),
    "GET /api/v1/recommendations/<int:recommendation_id>/documents": row(
        ok=READERS | {"authority", "superior"}, hidden={"other_authority"}
    ),
    "GET /api/v1/recommendations/<int:recommendation_id>/evidence": row(
        ok=READERS | {"monitor", "authority", "superior"}, hidden={"other_authority", "other_monitor"}
    ),
    "GET /api/v1/regions": row(ok=ACCOUNTS),
    "GET /api/v1/risk": row(ok=READERS),
    "GET /api/v1/roles": row(ok=ACCOUNTS),
    "GET /api/v1/severities": row(ok=ACCOUNTS),
    "GET /api/v1/signatories": row(ok=OFFICE),
    "GET /api/v1/statuses": row(ok=ACCOUNTS),
    "GET /api/v1/tasks": row(ok=ACCOUNTS),
    "GET /api/v1/tasks/<task_id>": row(ok=ADMIN | {"authority"}, hidden=NOT_THE_TASKS),
    "GET /api/v1/tokens": row(ok=ACCOUNTS),
    "GET /api/v1/users": row(ok=OFFICE),
    "GET /api/v1/visits": row(ok=ACCOUNTS),
    "GET /api/v1/visits/<int:visit_id>": row(
        ok=READERS | {"monitor"}, hidden=AUTHORITIES | {"other_monitor"}
    ),
    "GET /dashboard": row(ok=OFFICE),
    "GET /dashboard/alerts": row(ok=MANAGERS),
    "GET /dashboard/heatmap": row(ok=MANAGERS),
    "GET /dashboard/heatmap.bpmn": row(ok=MANAGERS),
    "GET /designer": row(ok=ADMIN | {"designer"}),
    "GET /designer/api/drafts/<int:draft_id>/catalog": row(ok=ADMIN | {"designer"}),
    "GET /designer/api/drafts/<int:draft_id>/check": row(ok=ADMIN | {"designer"}),
    "GET /designer/api/drafts/<int:draft_id>/files/<path:filename>": row(ok=ADMIN | {"designer"}),
    "GET /designer/api/operators": row(ok=ADMIN | {"designer"}),
    "GET /designer/deployments/<int:deployment_id>/files/<path:filename>": row(ok=ADMIN | {"designer"}),
    "GET /designer/drafts/<int:draft_id>": row(ok=ADMIN | {"designer"}),
    "GET /designer/drafts/<int:draft_id>/files/<path:filename>": row(ok=ADMIN | {"designer"}),
    "GET /designer/migrations/<int:migration_id>": row(hidden=ADMIN | {"designer"}),
    "GET /designer/processes/<process_id>": row(ok=ADMIN | {"designer"}),
    "GET /designer/processes/<process_id>/migrate": row(ok=ADMIN | {"designer"}),
    "GET /designer/processes/<process_id>/versions/<int:number>": row(ok=ADMIN | {"designer"}),
    "GET /designer/test-runs/<int:run_id>": row(hidden=ADMIN | {"designer"}),
    "GET /documents/<int:document_id>": row(ok=READERS),
    "GET /documents/<int:document_id>.pdf": row(ok=READERS),
    "GET /evidence/<int:evidence_id>": row(ok=READERS | {"monitor"}, hidden=AUTHORITIES | {"other_monitor"}),
    "GET /healthz": row(ok=EVERYONE, login=NOBODY),
    "GET /inbox": row(ok=OFFICE),
    "GET /login": row(ok=EVERYONE, login=NOBODY),
    "GET /metrics": row(ok=EVERYONE, login=NOBODY),
    "GET /planned-visits/<int:planned_visit_id>": row(ok=READERS, hidden=MONITORS),
    "GET /planned-visits/<int:planned_visit_id>/edit": row(ok=OFFICE),
    "GET /planning/coverage": row(ok=READERS),
    "GET /planning/map": row(ok=READERS),
    "GET /planning/resources": row(ok=READERS),
    "GET /planning/risk": row(ok=READERS),
    "GET /plans": row(ok=READERS),
    "GET /plans/<int:plan_id>": row(ok=READERS),
    "GET /plans/<int:plan_id>/budget": row(ok=READERS),
    "GET /plans/<int:plan_id>/history": row(ok=READERS),
    "GET /plans/<int:plan_id>/visits/new": row(ok=OFFICE),
    "GET /plans/facility-options": row(ok=OFFICE),
    "GET /plans/new": row(ok=OFFICE),
    "GET /portal": row(ok=AUTHORITIES),
    "GET /portal/acts/<int:act_id>.pdf": row(ok={"authority"}, hidden={"superior", "other_authority"}),
    "GET /portal/authorities/<int:authority_id>/officials": row(ok=ADMIN),
    "GET /portal/documents/<int:document_id>.pdf": row(
        ok={"authority"}, hidden={"superior", "other_authority"}
    ),
    "GET /portal/documents/<int:document_id>/answer": row(
        ok={"authority"}, hidden={"superior", "other_authority"}
    ),
    "GET /portal/documents/<int:document_id>/answer/files/<int:evidence_id>": row(
        ok={"authority"}, hidden={"superior", "other_authority"}
    ),
    "GET /portal/documents/<int:document_id>/answer/receipt": row(
        ok={"authority"}, hidden={"superior", "other_authority"}
    ),
    "GET /portal/documents/<int:document_id>/answer/receipt.pdf": row(
        ok={"authority"}, hidden={"superior", "other_authority"}
    ),
    "GET /portal/officials": row(ok=ADMIN),
    "GET /portal/recommendations/<int:recommendation_id>": row(
        ok={"authority", "superior"}, hidden={"other_authority"}
    ),
    "GET /portal/welcome/<token>": row(ok=EVERYONE, login=NOBODY),
    "GET /public": row(ok=EVERYONE, login=NOBODY),
    "GET /public/data/v1/figures.json": row(ok=EVERYONE, login=NOBODY),
    "GET /public/data/v1/recommendations.csv": row(ok=EVERYONE, login=NOBODY),
    "GET /public/data/v1/recommendations.json": row(ok=EVERYONE, login=NOBODY),
    "GET /public/data/v1/schema.json": row(ok=EVERYONE, login=NOBODY),
    "GET /public/recommendations/<int:recommendation_id>": row(hidden=EVERYONE, login=NOBODY),
    "GET /readyz": row(ok=EVERYONE, login=NOBODY),
    "GET /recommendations": row(ok=READERS | MONITORS),
    "GET /recommendations/<int:recommendation_id>": row(ok=READERS | {"monitor"}, hidden={"other_monitor"}),
    "GET /recommendations/<int:recommendation_id>/diagram.bpmn": row(ok=READERS),
    "GET /registry/authorities": row(ok=READERS),
    "GET /registry/authorities/<int:authority_id>": row(ok=READERS),
    "GET /registry/import": row(ok=ADMIN),
    "GET /registry/import/<any(places, authorities):kind>.csv": row(ok=ADMIN),
    "GET /registry/people": row(ok=OFFICE),
    "GET /registry/people/<int:monitor_id>": row(ok=OFFICE),
    "GET /registry/people/<int:monitor_id>/edit": row(ok=OFFICE),
    "GET /registry/people/new": row(ok=OFFICE),
    "GET /registry/places": row(ok=READERS),
    "GET /registry/places/<int:facility_id>": row(ok=READERS),
    "GET /registry/places/<int:facility_id>/edit": row(ok=ADMIN),
    "GET /registry/places/new": row(ok=ADMIN),
    "GET /reports/annual": row(ok=MANAGERS),
    "GET /reports/annual.pdf": row(ok=MANAGERS),
    "GET /respond/<token>": row(ok=EVERYONE, login=NOBODY),
    "GET /respond/<token>/files/<int:evidence_id>": row(ok=EVERYONE, login=NOBODY),
    "GET /respond/<token>/receipt": row(ok=EVERYONE, login=NOBODY),
    "GET /respond/<token>/receipt.pdf": row(ok=EVERYONE, login=NOBODY),
    "GET /tasks/<task_id>": row(ok=ADMIN, hidden=NOT_THE_TASK_PAGES),
    "GET /tasks/<task_id>/reassign": row(ok=ADMIN, hidden=NOT_THE_TASK_PAGES),
    "GET /visits": row(ok=READERS | MONITORS),
    "GET /visits/<int:visit_id>": row(ok=READERS | {"monitor"}, hidden={"other_monitor"}),
    "GET /visits/facility-options": row(ok=OFFICE | MONITORS),
    "GET /visits/new": row(ok=OFFICE | MONITORS),
    "PATCH /api/v1/authorities/<int:authority_id>": row(refused=ADMIN),
    "PATCH /api/v1/planned-visits/<int:planned_visit_id>": row(ok=OFFICE),
    "POST /admin/accounts/<int:user_id>/activate": row(ok=ADMIN),
    "POST /admin/accounts/<int:user_id>/deactivate": row(ok=ADMIN),
    "POST /admin/calendar/days": row(refused=ADMIN),
    "POST /admin/calendar/days/<day>/remove": row(ok=ADMIN),
    "POST /admin/calendar/martial-law": row(ok=ADMIN),
    "POST /admin/deliveries/<int:message_id>/retry": row(ok=ADMIN),
    "POST /admin/incidents/<int:incident_id>/retry": row(ok=ADMIN),
    "POST /admin/tokens/<int:token_id>/revoke": row(ok=ADMIN),
    "POST /api/v1/authorities": row(refused=ADMIN),
    "POST /api/v1/deployments": row(refused=ADMIN | {"designer"}),
    "POST /api/v1/facilities": row(refused=ADMIN),
    "POST /api/v1/facilities/<int:facility_id>/signals": row(refused=OFFICE),
    "POST /api/v1/imports/<any(places, authorities):kind>": row(refused=ADMIN),
    "POST /api/v1/incidents/<int:incident_id>/retry": row(hidden=ADMIN),
    "POST /api/v1/outbox/<int:message_id>/retry": row(refused=ADMIN),
    "POST /api/v1/planned-visits/<int:planned_visit_id>/cancel": row(
        ok={"lawyer2"}, hidden=MANAGERS | {"lawyer"}
    ),
    "POST /api/v1/planned-visits/<int:planned_visit_id>/group/approve": row(refused=ACCOUNTS),
    "POST /api/v1/planned-visits/<int:planned_visit_id>/safety-check": row(refused=OFFICE),
    "POST /api/v1/planned-visits/<int:planned_visit_id>/start": row(refused=OFFICE | MONITORS),
    "POST /api/v1/plans": row(refused=OFFICE),
    "POST /api/v1/plans/<int:plan_id>/submit": row(ok={"lawyer2"}, refused=MANAGERS | {"lawyer"}),
    "POST /api/v1/plans/<int:plan_id>/visits": row(refused=OFFICE),
    "POST /api/v1/recommendations": row(ok=OFFICE | {"monitor"}),
    "POST /api/v1/recommendations/<int:recommendation_id>/extension-requests": row(
        refused={"authority", "superior"}, hidden={"other_authority"}
    ),
    "POST /api/v1/recommendations/<int:recommendation_id>/receipts": row(refused=OFFICE),
    "POST /api/v1/reply-links/<int:link_id>/revoke": row(ok={"lawyer2"}, refused=MANAGERS | {"lawyer"}),
    "POST /api/v1/risk/refresh": row(ok=OFFICE),
    "POST /api/v1/tasks/<task_id>/claim": row(ok={"authority"}, refused=ADMIN, hidden=NOT_THE_TASKS),
    "POST /api/v1/tasks/<task_id>/complete": row(refused=ACCOUNTS),
    "POST /api/v1/tasks/<task_id>/draft": row(ok=ADMIN | {"authority"}, hidden=NOT_THE_TASKS),
    "POST /api/v1/tasks/<task_id>/reassign": row(refused=ADMIN, hidden=NOT_THE_TASKS),
    "POST /api/v1/tasks/<task_id>/unclaim": row(ok=ADMIN | {"authority"}, hidden=NOT_THE_TASKS),
    "POST /api/v1/timers/sweep": row(ok=ADMIN),
    "POST /api/v1/tokens": row(ok=ACCOUNTS),
    "POST /api/v1/users/<int:user_id>/activate": row(ok=ADMIN),
    "POST /api/v1/users/<int:user_id>/deactivate": row(ok=ADMIN),
    "POST /api/v1/visits": row(ok=OFFICE | MONITORS),
    "POST /api/v1/visits/<int:visit_id>/findings": row(
        ok=OFFICE | {"monitor"}, hidden=AUTHORITIES | {"other_monitor"}
    ),
    "POST /api/v1/visits/<int:visit_id>/submission": row(
        refused=OFFICE, hidden=AUTHORITIES | {"other_monitor"}
    ),
    "POST /dashboard/alerts": row(refused=MANAGERS),
    "POST /dashboard/alerts/<int:subscription_id>/delete": row(ok={"manager"}, hidden=ADMIN),
    "POST /designer/api/drafts/<int:draft_id>/decisions/<decision_id>/evaluate": row(
        refused=ADMIN | {"designer"}
    ),
    "POST /designer/drafts": row(refused=ADMIN | {"designer"}),
    "POST /designer/drafts/<int:draft_id>/deploy": row(refused=ADMIN | {"designer"}),
    "POST /designer/drafts/<int:draft_id>/discard": row(ok=ADMIN | {"designer"}),
    "POST /designer/drafts/<int:draft_id>/files": row(refused=ADMIN | {"designer"}),
    "POST /designer/drafts/<int:draft_id>/files/<path:filename>": row(ok=ADMIN | {"designer"}),
    "POST /designer/drafts/<int:draft_id>/test-runs": row(refused=ADMIN | {"designer"}),
    "POST /designer/forms/preview": row(ok=ADMIN | {"designer"}),
    "POST /designer/import": row(refused=ADMIN | {"designer"}),
    "POST /designer/migrations/<int:migration_id>/undo": row(hidden=ADMIN | {"designer"}),
    "POST /designer/processes/<process_id>/migrate": row(ok=ADMIN | {"designer"}),
    "POST /designer/processes/<process_id>/start-version": row(ok=ADMIN | {"designer"}),
    "POST /designer/test-runs/<int:run_id>/clock": row(hidden=ADMIN | {"designer"}),
    "POST /designer/test-runs/<int:run_id>/messages": row(hidden=ADMIN | {"designer"}),
    "POST /designer/test-runs/<int:run_id>/tasks/<task_id>": row(hidden=ADMIN | {"designer"}),
    "POST /documents/<int:document_id>/links/<int:link_id>/revoke": row(
        ok={"lawyer2"}, refused=MANAGERS | {"lawyer"}
    ),
    "POST /expenses/<int:expense_id>/reimburse": row(hidden=MANAGERS),
    "POST /findings/<int:finding_id>/evidence": row(ok=OFFICE | {"monitor"}, hidden={"other_monitor"}),
    "POST /language": row(ok=EVERYONE, login=NOBODY),
    "POST /login": row(refused=EVERYONE, login=NOBODY),
    "POST /logout": row(login=EVERYONE),  # signing out ends at the sign-in page, for everyone
    "POST /observations/<int:observation_id>/publication": row(ok=MANAGERS),
    "POST /planned-visits/<int:planned_visit_id>/cancel": row(ok=OFFICE),
    "POST /planned-visits/<int:planned_visit_id>/edit": row(refused=OFFICE),
    "POST /planned-visits/<int:planned_visit_id>/expenses": row(refused=OFFICE, hidden=MONITORS),
    "POST /planned-visits/<int:planned_visit_id>/group": row(ok=OFFICE),
    "POST /planned-visits/<int:planned_visit_id>/group/approve": row(ok=READERS),
    "POST /planned-visits/<int:planned_visit_id>/safety-check": row(ok=OFFICE, hidden=MONITORS),
    "POST /planned-visits/<int:planned_visit_id>/start": row(ok=OFFICE, hidden=MONITORS),
    "POST /planning/resources": row(refused=ADMIN),
    "POST /planning/resources/offices": row(ok=ADMIN),
    "POST /planning/risk/refresh": row(ok=OFFICE),
    "POST /plans/<int:plan_id>/budget": row(refused=MANAGERS),
    "POST /plans/<int:plan_id>/draft": row(ok=OFFICE),
    "POST /plans/<int:plan_id>/submit": row(ok=OFFICE),
    "POST /plans/<int:plan_id>/visits/new": row(refused=OFFICE),
    "POST /plans/new": row(refused=OFFICE),
    "POST /portal/authorities/<int:authority_id>/officials": row(refused=ADMIN),
    "POST /portal/authorities/<int:authority_id>/officials/<int:user_id>/deactivate": row(ok=ADMIN),
    "POST /portal/authorities/<int:authority_id>/officials/invitations/<int:invitation_id>/withdraw": row(
        ok=ADMIN
    ),
    "POST /portal/documents/<int:document_id>/answer": row(
        ok={"authority"}, hidden={"superior", "other_authority"}
    ),
    "POST /portal/documents/<int:document_id>/answer/draft": row(
        refused={"authority"}, hidden={"superior", "other_authority"}
    ),
    "POST /portal/recommendations/<int:recommendation_id>/extension": row(
        refused={"authority", "superior"}, hidden={"other_authority"}
    ),
    "POST /portal/welcome/<token>": row(refused=EVERYONE, login=NOBODY),
    # Authorities ask on their own site now (/portal/recommendations/<id>/extension).
    "POST /recommendations/<int:recommendation_id>/extension-request": row(),
    "POST /recommendations/<int:recommendation_id>/observations": row(
        refused={"monitor"}, hidden={"other_monitor"}
    ),
    "POST /recommendations/<int:recommendation_id>/publication": row(refused=MANAGERS),
    "POST /recommendations/<int:recommendation_id>/receipt": row(refused=OFFICE),
    "POST /registry/authorities": row(refused=ADMIN),
    "POST /registry/authorities/<int:authority_id>": row(refused=ADMIN),
    "POST /registry/authorities/<int:authority_id>/move": row(ok=ADMIN),
    "POST /registry/import": row(refused=ADMIN),
    "POST /registry/people/<int:monitor_id>/<any(absence, conflict):action>/<int:item_id>/delete": row(
        ok=OFFICE
    ),
    "POST /registry/people/<int:monitor_id>/<any(training, absence, conflict):action>": row(refused=OFFICE),
    "POST /registry/people/<int:monitor_id>/edit": row(refused=OFFICE),
    "POST /registry/people/new": row(refused=OFFICE),
    "POST /registry/places/<int:facility_id>/edit": row(refused=ADMIN),
    "POST /registry/places/<int:facility_id>/signals": row(refused=OFFICE),
    "POST /registry/places/new": row(refused=ADMIN),
    "POST /respond/<token>": row(refused=EVERYONE, login=NOBODY),
    "POST /respond/<token>/draft": row(refused=EVERYONE, login=NOBODY),
    "POST /tasks/<task_id>": row(refused=ADMIN, hidden=NOT_THE_TASK_PAGES),
    "POST /tasks/<task_id>/claim": row(ok=ADMIN, hidden=NOT_THE_TASK_PAGES),
    "POST /tasks/<task_id>/reassign": row(refused=ADMIN, hidden=NOT_THE_TASK_PAGES),
    "POST /tasks/<task_id>/unclaim": row(ok=ADMIN, hidden=NOT_THE_TASK_PAGES),
    "POST /visits/<int:visit_id>/checks/<int:recommendation_id>": row(hidden=OFFICE | MONITORS),
    "POST /visits/<int:visit_id>/findings": row(refused=OFFICE | {"monitor"}, hidden={"other_monitor"}),
    "POST /visits/<int:visit_id>/findings/<int:finding_id>/recommendations": row(
        refused=OFFICE | {"monitor"}, hidden={"other_monitor"}
    ),
    "POST /visits/<int:visit_id>/submission": row(refused=OFFICE),
    "POST /visits/new": row(refused=OFFICE | MONITORS),
    "PUT /api/v1/authorities/<int:authority_id>/parent": row(refused=ADMIN),
    "PUT /api/v1/calendar/days/<day>": row(refused=ADMIN),
    "PUT /api/v1/calendar/settings": row(refused=ADMIN),
    "PUT /api/v1/clock": row(refused=ADMIN),
    "PUT /api/v1/planned-visits/<int:planned_visit_id>/group": row(refused=OFFICE),
    "PUT /api/v1/users/<int:user_id>/grants/<permission>": row(ok=ADMIN),
    "PUT /api/v1/visits/<int:visit_id>/checks/<int:recommendation_id>": row(
        hidden=OFFICE | MONITORS | AUTHORITIES
    ),
    "PUT /designer/api/drafts/<int:draft_id>/files/<path:filename>": row(refused=ADMIN | {"designer"}),
}
