"""Figures for the dashboard, the heat map of the process, exports and the annual-report section.

Every figure is SQL over the domain tables (`recommendation`, acts, replies, escalations) and the
engine's projections (`human_task`, `timer`, `audit_event`); no workflow is ever restored here.
"""
