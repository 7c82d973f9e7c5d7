"""Read what the tests need from the deployed bundle instead of hard-coding it.

The designer's tests change the standard process (a term in a decision table, a timer's
expression) and check what the designer makes of the change. Which row, which output, which timer
and what its text is today are read here from the files, so a change of the bundled process
changes the data of these tests, never their outcome.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.sax.saxutils import escape

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
DMN = "{https://www.omg.org/spec/DMN/20191111/MODEL/}"
TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")
PROCESS = "recommendation.bpmn"


@dataclass(frozen=True)
class Output:
    """One output cell of a decision table's row, as the file holds it."""

    filename: str
    decision_id: str
    row: int  # 1-based, as the designer numbers rows
    rule_id: str
    description: str
    name: str  # the output's variable name
    column_id: str
    entry_id: str
    text: str  # the cell's expression, unescaped ('"P1M"')

    def change(self, files: dict[str, str], new_text: str) -> list[tuple[str, str]]:
        """The (old, new) replacement that sets this cell to `new_text` (for `changed_files`)."""
        source = files[self.filename]
        pattern = re.compile(
            r'<outputEntry id="' + re.escape(self.entry_id) + r'"[^>]*>\s*<text>(.*?)</text>', re.S
        )
        [found] = [m for m in pattern.finditer(source)]
        old = found.group(0)
        new = old[: found.start(1) - found.start(0)] + escape(new_text) + old[found.end(1) - found.start(0) :]
        return [(old, new)]


def _root(files: dict[str, str], filename: str) -> ET.Element:
    return ET.fromstring(files[filename].encode())


def decision_files(files: dict[str, str]) -> dict[str, str]:
    """{decision id: file name} of every DMN file in the bundle."""
    found = {}
    for name, text in files.items():
        if name.endswith(".dmn"):
            for decision in ET.fromstring(text.encode()).iter(f"{DMN}decision"):
                found[decision.get("id")] = name
    return found


def outputs(files: dict[str, str], decision_id: str, row: int) -> dict[str, Output]:
    """{output name: cell} of row `row` (1-based) of decision `decision_id`."""
    filename = decision_files(files)[decision_id]
    decision = next(d for d in _root(files, filename).iter(f"{DMN}decision") if d.get("id") == decision_id)
    table = decision.find(f"{DMN}decisionTable")
    columns = table.findall(f"{DMN}output")
    rule = table.findall(f"{DMN}rule")[row - 1]
    description = (rule.findtext(f"{DMN}description") or "").strip()
    cells = {}
    for column, entry in zip(columns, rule.findall(f"{DMN}outputEntry"), strict=True):
        cells[column.get("name")] = Output(
            filename=filename,
            decision_id=decision_id,
            row=row,
            rule_id=rule.get("id"),
            description=description,
            name=column.get("name"),
            column_id=column.get("id"),
            entry_id=entry.get("id"),
            text=entry.findtext(f"{DMN}text") or "",
        )
    return cells


def input_labels(files: dict[str, str], decision_id: str) -> list[tuple[str, str]]:
    """[(label, expression)] of the decision's inputs, in order."""
    filename = decision_files(files)[decision_id]
    decision = next(d for d in _root(files, filename).iter(f"{DMN}decision") if d.get("id") == decision_id)
    return [
        (i.get("label"), i.findtext(f"{DMN}inputExpression/{DMN}text"))
        for i in decision.find(f"{DMN}decisionTable").findall(f"{DMN}input")
    ]


def rows(files: dict[str, str], decision_id: str) -> list[tuple[list[str], str]]:
    """[(input entries, description)] of every row of the decision."""
    filename = decision_files(files)[decision_id]
    decision = next(d for d in _root(files, filename).iter(f"{DMN}decision") if d.get("id") == decision_id)
    return [
        (
            [e.findtext(f"{DMN}text") or "" for e in rule.findall(f"{DMN}inputEntry")],
            (rule.findtext(f"{DMN}description") or "").strip(),
        )
        for rule in decision.find(f"{DMN}decisionTable").findall(f"{DMN}rule")
    ]


def rule_tasks(files: dict[str, str], decision_id: str, filename: str = "recommendation.bpmn") -> list[str]:
    """Ids of the business rule tasks that call `decision_id`."""
    return [
        task.get("id")
        for task in _root(files, filename).iter(f"{BPMN}businessRuleTask")
        if (task.findtext(f"{BPMN}extensionElements/{SPIFF}calledDecisionId") or "").strip() == decision_id
    ]


def timers(files: dict[str, str], filename: str = "recommendation.bpmn") -> dict[str, tuple[str, str]]:
    """{event id: (timeDate|timeDuration|timeCycle, expression)} of every timer event."""
    found = {}
    for element in _root(files, filename).iter():
        definition = element.find(f"{BPMN}timerEventDefinition")
        if definition is None:
            continue
        for kind in TIMER_KINDS:
            expression = definition.find(f"{BPMN}{kind}")
            if expression is not None:
                found[element.get("id")] = (kind, expression.text or "")
    return found


def timer_change(
    files: dict[str, str], event_id: str, new_expression: str, filename: str = "recommendation.bpmn"
):
    """{filename: [(old, new)]} setting the timer of `event_id` to `new_expression`."""
    kind, expression = timers(files, filename)[event_id]
    source = files[filename]
    start = source.index(f'id="{event_id}"')
    tag = f"<bpmn:{kind}>{escape(expression)}</bpmn:{kind}>"
    at = source.index(tag, start)
    old = source[start : at + len(tag)]
    # The expression found is the event's own: no element closes between its id and the expression.
    assert source.count(old) == 1 and not re.search(r"</bpmn:\w+Event>", old)
    return {filename: [(old, old.replace(tag, f"<bpmn:{kind}>{escape(new_expression)}</bpmn:{kind}>"))]}


def called_decisions(files: dict[str, str], filename: str = "recommendation.bpmn") -> dict[str, str]:
    """{business rule task id: decision id} of the process."""
    return {
        task.get("id"): (task.findtext(f"{BPMN}extensionElements/{SPIFF}calledDecisionId") or "").strip()
        for task in _root(files, filename).iter(f"{BPMN}businessRuleTask")
    }


def element_names(files: dict[str, str], filename: str = "recommendation.bpmn") -> dict[str, str]:
    return {
        e.get("id"): e.get("name") for e in _root(files, filename).iter() if e.get("id") and e.get("name")
    }


def service_operators(files: dict[str, str], filename: str = "recommendation.bpmn") -> dict[str, str]:
    """{service task id: operator id} of the process."""
    found = {}
    for task in _root(files, filename).iter(f"{BPMN}serviceTask"):
        operator = task.find(f"{BPMN}extensionElements/{SPIFF}serviceTaskOperator")
        if operator is not None:
            found[task.get("id")] = operator.get("id")
    return found


def first_time_date(files: dict[str, str], filename: str = "recommendation.bpmn") -> tuple[str, str]:
    """(event id, expression) of the first timer with a timeDate expression (document order)."""
    return next(
        (event, expr) for event, (kind, expr) in timers(files, filename).items() if kind == "timeDate"
    )


def lanes(files: dict[str, str], filename: str = PROCESS) -> dict[str, str]:
    """{flow node id: name of the lane it is in}."""
    found = {}
    for lane in _root(files, filename).iter(f"{BPMN}lane"):
        for ref in lane.findall(f"{BPMN}flowNodeRef"):
            found[(ref.text or "").strip()] = lane.get("name")
    return found


def row_entries(files: dict[str, str], decision_id: str, row: int) -> list[str]:
    """The row's input and output cells, whitespace-normalised, as the version diff lists them."""
    filename = decision_files(files)[decision_id]
    decision = next(d for d in _root(files, filename).iter(f"{DMN}decision") if d.get("id") == decision_id)
    rule = decision.find(f"{DMN}decisionTable").findall(f"{DMN}rule")[row - 1]
    return [
        " ".join((node.findtext(f"{DMN}text") or "").split())
        for node in rule
        if node.tag in (f"{DMN}inputEntry", f"{DMN}outputEntry")
    ]


def satisfying(entry: str, candidates: tuple[str, ...]) -> str:
    """A plain value that an input cell matches: its quoted literal, or the first candidate that a
    `? != "x"` cell or an empty cell lets through."""
    entry = entry.strip()
    if entry.startswith('"') and entry.endswith('"'):
        return entry[1:-1]
    excluded = re.findall(r'"([^"]*)"', entry) if "!=" in entry or "not" in entry else []
    assert entry in ("", "-") or excluded, f"cannot choose a value for {entry!r}"
    return next(c for c in candidates if c not in excluded)


def process_id(files: dict[str, str], filename: str = PROCESS) -> str:
    """The id of the executable process a file holds (the bundle has several processes)."""
    return next(
        p.get("id") for p in _root(files, filename).iter(f"{BPMN}process") if p.get("isExecutable") == "true"
    )
