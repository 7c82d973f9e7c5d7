"""Managers' alerts: a saved list filter and a threshold, e-mailed once when the condition becomes true."""
