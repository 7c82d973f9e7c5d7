"""Visit planning: annual plans with quarters, planned visits and their groups, amendments, trips
and budgets, safety checks before visits to areas of hostilities, and execution (a planned visit
becomes the visit record). The plan's approval runs as the BPMN process `visit_plan`."""
