"""The legal-term calendar: which days are non-working (вихідні, святкові, неробочі дні).

Non-working days are data an admin edits (CLI, API, the admin page), not code: weekends, plus the
rows of `calendar_day`, plus a switch for the martial-law rule under which public holidays are
working days. `workflows.deadlines` counts every term over it.
"""
