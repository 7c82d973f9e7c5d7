"""Which kinds of document need a manager's approval (погодження керівником): a DMN table,
`bpmn/document_approval.dmn` (decision `document_approval`: kind → needs_approval, basis), so the
Office changes the rule by deploying a new table, without code."""

from __future__ import annotations

from dataclasses import dataclass

from engine import decisions
from engine.errors import NotFound

DECISION_ID = "document_approval"


@dataclass(frozen=True)
class ApprovalRule:
    needs_approval: bool
    basis: str
    # The row of the table that decided, e.g. "document_approval_rule_1" (None: no row fired).
    rule_id: str | None


def rule_for(kind: str) -> ApprovalRule:
    """The deployed rule for `kind`. A kind the table does not name, or no table at all, needs
    approval: the safe side."""
    try:
        result = decisions.evaluate(DECISION_ID, {"kind": kind})
    except NotFound:
        return ApprovalRule(True, "the table document_approval is not deployed", None)
    if not result.rules:
        return ApprovalRule(True, f"the table document_approval has no row for {kind!r}", None)
    outputs = result.outputs
    return ApprovalRule(
        bool(outputs.get("needs_approval", True)), str(outputs.get("basis") or ""), result.rules[0].id
    )


def needs_approval(kind: str) -> bool:
    return rule_for(kind).needs_approval
