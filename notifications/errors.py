"""How a send can fail, as far as the delivery loop must tell the cases apart."""

from __future__ import annotations


class PermanentFailure(Exception):
    """Retrying cannot help (no such recipient, subscription removed, broken payload): fail the row now."""


class DeliveryUncertain(Exception):
    """The message may or may not have arrived; resending could duplicate it, so an admin decides."""


class PayloadError(Exception):
    """The row's topic or payload breaks the domain's contract (workflows/notices/topics.py);
    retrying will not help."""
