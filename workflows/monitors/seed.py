"""The basic training programme of NPM civil-society monitors (базова підготовка громадських моніторів
НПМ): seed modules an admin edits. Only monitors who completed every required module are proposed
for monitoring groups."""

from __future__ import annotations

import sqlalchemy as sa

from engine.db import db

from .models import BASIC_PROGRAMME, TrainingModule

# code, name uk, name en, required
TRAINING_MODULES = [
    (
        "opcat_mandate",
        "Мандат НПМ і Факультативний протокол до Конвенції ООН проти катувань",
        "The NPM mandate and the Optional Protocol to the UN Convention against Torture",
        True,
    ),
    ("visit_methodology", "Методологія моніторингового візиту", "Methodology of a monitoring visit", True),
    (
        "interviewing",
        "Конфіденційні інтерв'ю з особами, позбавленими волі",
        "Confidential interviews with persons deprived of liberty",
        True,
    ),
    (
        "documenting_ill_treatment",
        "Документування катувань і жорстокого поводження (Стамбульський протокол)",
        "Documenting torture and ill-treatment (Istanbul Protocol)",
        True,
    ),
    ("safety_ethics", "Безпека, етика і принцип «не нашкодь»", "Safety, ethics and “do no harm”", True),
    ("reporting", "Звіт про візит і рекомендації", "The visit report and recommendations", True),
    (
        "hostilities_safety",
        "Візити до місць у районах бойових дій",
        "Visits to places in areas of hostilities",
        False,
    ),
]


def seed_training_modules() -> int:
    """Add the modules that are missing (an admin's renamed module survives); returns how many."""
    existing = set(db.session.scalars(sa.select(TrainingModule.code)))
    added = 0
    for sort, (code, uk, en, required) in enumerate(TRAINING_MODULES):
        if code not in existing:
            db.session.add(
                TrainingModule(
                    code=code, programme=BASIC_PROGRAMME, name_uk=uk, name_en=en, required=required, sort=sort
                )
            )
            added += 1
    db.session.flush()
    return added
