"""A deployed decision table evaluated outside a process: outputs and the rows that fired."""

from __future__ import annotations

import pytest

from engine import decisions
from engine.errors import NotFound, ProcessError


def test_a_decision_is_evaluated_with_the_row_that_fired(deployed):
    result = decisions.evaluate("review_days_decision", {"urgency": "high"})
    assert result.outputs == {"review_days": 2}
    assert [(r.id, r.row_number) for r in result.rules] == [("rule_high", 1)]
    assert result.deployment_id == deployed.id

    other = decisions.evaluate("review_days_decision", {"urgency": "low"})
    assert other.outputs == {"review_days": 5}
    assert [r.id for r in other.rules] == ["rule_other"]


def test_an_unknown_decision_is_not_found(deployed):
    with pytest.raises(NotFound):
        decisions.evaluate("no_such_decision", {})


def test_a_failing_input_names_the_decision(deployed):
    # The input expression reads `urgency`; without it the sandbox raises and the engine says where.
    with pytest.raises(ProcessError) as caught:
        decisions.evaluate("review_days_decision", {})
    assert caught.value.element_id == "review_days_decision"
