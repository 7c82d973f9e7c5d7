"""How the engine names the domain's people and groups: one place for the strings.

`user:<id>` is a signed-in person (`User.actor`); `link:authority:<id>` an authority answering
through the signed link of its letter; `authority:<id>` the candidate group of the tasks addressed
to an authority (any of its officials may take them).
"""

from __future__ import annotations

LINK_PREFIX = "link:authority:"
GROUP_PREFIX = "authority:"


def link_actor(authority_id: int) -> str:
    """How the audit log names an authority that answered through its reply link."""
    return f"{LINK_PREFIX}{authority_id}"


def authority_group(authority_id: int) -> str:
    """The candidate group of tasks addressed to an authority."""
    return f"{GROUP_PREFIX}{authority_id}"


def authority_of_group(group: str | None) -> int | None:
    """The authority id of an `authority:<id>` group, else None."""
    if group and group.startswith(GROUP_PREFIX) and group[len(GROUP_PREFIX) :].isdigit():
        return int(group[len(GROUP_PREFIX) :])
    return None


def authority_of_link(actor: str | None) -> int | None:
    if actor and actor.startswith(LINK_PREFIX) and actor[len(LINK_PREFIX) :].isdigit():
        return int(actor[len(LINK_PREFIX) :])
    return None
