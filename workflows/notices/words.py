"""The words of the notices, from the one gettext catalog (web/translations): the labels a letter
uses in its sentences and the counted nouns with their plural forms (1 день, 2 дні, 5 днів, 21 день —
the catalog's plural rules, not a hand-written table). Said in the language of the recipient, not
of whoever happens to be signed in when the row is delivered."""

from __future__ import annotations

from flask_babel import force_locale, lazy_pgettext, ngettext
from flask_babel import gettext as _

from ..recommendations.models import ACT_KINDS, OUTCOMES
from ..visits.models import FINDING_CATEGORIES, SEVERITIES

# In a letter these words stand inside a sentence ("рівень серйозності: високий"): the context
# "letter" keeps them apart from the capitalised labels of the pages.
_LETTER_WORDS = {
    "severity": {
        "critical": lazy_pgettext("letter", "critical"),
        "high": lazy_pgettext("letter", "high"),
        "medium": lazy_pgettext("letter", "medium"),
        "low": lazy_pgettext("letter", "low"),
    },
    "category": {
        "treatment": lazy_pgettext("letter", "treatment"),
        "material_conditions": lazy_pgettext("letter", "material conditions"),
        "health_care": lazy_pgettext("letter", "health care"),
        "legal_safeguards": lazy_pgettext("letter", "legal safeguards"),
        "contact_with_outside_world": lazy_pgettext("letter", "contact with the outside world"),
        "regime_and_activities": lazy_pgettext("letter", "regime and activities"),
        "staff": lazy_pgettext("letter", "staff"),
        "other": lazy_pgettext("letter", "other"),
    },
    "outcome": {
        "implemented": lazy_pgettext("letter", "implemented"),
        "partially_implemented": lazy_pgettext("letter", "partly implemented"),
        "not_implemented": lazy_pgettext("letter", "not implemented"),
        "no_longer_relevant": lazy_pgettext("letter", "no longer relevant"),
    },
}


def _act_kind(kind: str) -> str:
    return {
        "submission": _("Submission"),
        "information_request": _("Request for information"),
        "letter": _("Letter"),
    }[kind]


def labels(language: str) -> dict[str, dict[str, str]]:
    """{group: {code: word}} in `language`, for the templates' `labels.<group>[code]`."""
    with force_locale(language):
        out = {
            group: {code: str(word) for code, word in words.items()} for group, words in _LETTER_WORDS.items()
        }
        out["act_kind"] = {kind: _act_kind(kind) for kind in ACT_KINDS}
    return out


def plural(count: int, noun: str, language: str) -> str:
    """`5 днів`, `21 день`, `1 day`: the number with the form of the noun that agrees with it."""
    with force_locale(language):
        if noun == "day":
            return ngettext("%(num)d day", "%(num)d days", count)
        if noun == "task":
            return ngettext("%(num)d task", "%(num)d tasks", count)
        if noun == "month":
            return ngettext("%(num)d month", "%(num)d months", count)
        if noun == "working_day":
            return ngettext("%(num)d working day", "%(num)d working days", count)
    raise KeyError(noun)


def joined(parts: list[str], language: str) -> str:
    """ "1 місяць і 15 днів"."""
    if len(parts) < 2:
        return "".join(parts)
    with force_locale(language):
        return _("%(first)s and %(second)s", first=parts[0], second=parts[1])


# The codes the words cover are the domain's own: a new code without a word fails the test of
# workflows/notices (tests/notifications/test_render.py), not a letter.
CODES = {
    "severity": SEVERITIES,
    "category": FINDING_CATEGORIES,
    "outcome": OUTCOMES,
    "act_kind": ACT_KINDS,
}
