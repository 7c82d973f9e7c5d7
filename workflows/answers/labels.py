"""The words an authority reads for the statuses it may claim (the catalog's, in its language)."""

from __future__ import annotations

from flask_babel import lazy_pgettext

from .models import CLAIMED_STATUSES

CLAIMED_STATUS_LABELS = {
    "implemented": lazy_pgettext("claimed status", "Implemented"),
    "partly": lazy_pgettext("claimed status", "Partly implemented"),
    "in_progress": lazy_pgettext("claimed status", "In progress"),
    "impossible": lazy_pgettext("claimed status", "Cannot be implemented"),
}
assert set(CLAIMED_STATUS_LABELS) == set(CLAIMED_STATUSES)


def claimed_status_label(status: str) -> str:
    return str(CLAIMED_STATUS_LABELS.get(status, status))
