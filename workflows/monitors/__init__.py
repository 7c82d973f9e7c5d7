"""The pool of monitors: Office staff and civil-society monitors, their expertise, training,
availability and declared conflicts of interest — what a monitoring group is proposed from."""
