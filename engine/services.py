"""Service-task handlers by name: how a domain package plugs actions into diagrams.

A BPMN service task names an operation (`spiffworkflow:serviceTaskOperator id="send_act"`); the
engine looks it up here and calls the handler inside the command's transaction. A handler that
must reach the outside world does not do so itself: it writes an outbox row through `ctx.outbox`
and the row is delivered after commit. `register_outbox` covers the common case with no code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class UnknownService(LookupError):
    pass


@dataclass
class ServiceContext:
    """What a handler may see and do: the instance it runs for, and the command's outbox."""

    instance_id: int
    business_key: str | None
    process_id: str
    element_id: str
    task_data: dict[str, Any]
    actor: str
    outbox: Any = field(repr=False)


Handler = Callable[[ServiceContext, dict[str, Any]], Any]

_handlers: dict[str, Handler] = {}
# What a handler would return, computed without doing anything (no row, no notice): a designer's
# test run calls these instead of the handlers, so a diagram that reads a service's result goes on.
Rehearsal = Callable[[dict[str, Any], dict[str, Any]], Any]
_rehearsals: dict[str, Rehearsal] = {}
# Parameter names a handler reads, as its package declares them (the designer offers them).
_parameters: dict[str, tuple[str, ...]] = {}


def register(name: str, *, params: tuple[str, ...] = ()) -> Callable[[Handler], Handler]:
    """Decorator: `@services.register("send_act")` on `def handler(ctx, params) -> result`;
    `params` names the parameters the handler reads, for the process designer to offer."""

    def decorate(func: Handler) -> Handler:
        _handlers[name] = func
        _parameters[name] = tuple(params)
        return func

    return decorate


def register_outbox(name: str, channel: str, topic: str | None = None) -> None:
    """A service task whose whole effect is one outbox row; params: recipient, payload, language."""

    def handler(ctx: ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
        outbox_id = ctx.outbox.add(
            channel=channel,
            topic=topic or name,
            recipient=str(params["recipient"]),
            payload=params.get("payload") or {},
            language=params.get("language"),
        )
        return {"outbox_id": outbox_id}

    _handlers[name] = handler
    _parameters[name] = ("recipient", "payload", "language")


def rehearsal(name: str) -> Callable[[Rehearsal], Rehearsal]:
    """Decorator: `@services.rehearsal("send_act")` on `def result(task_data, params) -> result`:
    the result the handler would give, with no side effect at all (test runs of the designer)."""

    def decorate(func: Rehearsal) -> Rehearsal:
        _rehearsals[name] = func
        return func

    return decorate


def rehearse(name: str, task_data: dict[str, Any], params: dict[str, Any]) -> Any:
    """What `name` would return for this task (an empty result when its package declared none)."""
    func = _rehearsals.get(name)
    return func(task_data, params) if func is not None else {}


def get(name: str) -> Handler:
    try:
        return _handlers[name]
    except KeyError:
        raise UnknownService(name) from None


def names() -> list[str]:
    return sorted(_handlers)


def parameters(name: str) -> tuple[str, ...]:
    """The parameters a registered handler declared (empty when it declared none)."""
    return _parameters.get(name, ())
