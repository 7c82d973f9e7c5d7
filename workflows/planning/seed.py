"""Default cost rates (UAH per person): a starting point an admin replaces with the Office's own."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from engine.clock import clock
from engine.db import db

from .models import CostRate

# code -> default amount. Travel: a return journey per person, within the region of a regional office
# (the group comes from that office) or from Kyiv / another region (no office covers the region).
COST_RATES = {
    "per_diem": Decimal("600.00"),
    "accommodation": Decimal("1200.00"),
    "travel_regional": Decimal("800.00"),
    "travel_interregional": Decimal("2500.00"),
}


def seed_cost_rates() -> int:
    existing = set(db.session.scalars(sa.select(CostRate.code)))
    added = 0
    for code, amount in COST_RATES.items():
        if code not in existing:
            db.session.add(CostRate(code=code, amount=amount, updated_at=clock.now(), updated_by="seed"))
            added += 1
    db.session.flush()
    return added
