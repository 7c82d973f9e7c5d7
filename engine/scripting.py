"""The sandbox every diagram expression runs in: conditions, scripts, timer texts, DMN cells.

Diagrams are uploaded by designers and may be hostile, and SpiffWorkflow's own environment is plain
`eval`/`exec` (`__import__('os')` works there). Here code is compiled by RestrictedPython: no
imports, no names or attributes that start with `_`, only the builtins listed below plus the helper
functions the engine (and packages that register helpers) offer. A time limit stops runaway loops,
and `**`, `*` and `<<` go through guards so that one expression cannot allocate gigabytes or spin
inside C code where the time limit cannot reach it.
"""

from __future__ import annotations

import ast
import builtins
import sys
import time
from calendar import monthrange
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import full_write_guard, guarded_iter_unpack_sequence, guarded_unpack_sequence
from RestrictedPython.Guards import safer_getattr as _safer_getattr
from RestrictedPython.transformer import RestrictingNodeTransformer
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from .clock import clock

MAX_SEQUENCE = 100_000  # items a script may build with range(), * or similar in one step
MAX_INT_BITS = 4_096


class SandboxError(Exception):
    """A diagram expression was refused (at compile time) or stopped (at run time)."""


class ScriptTimeout(SandboxError):
    pass


# --- guards ------------------------------------------------------------------------------------


def _guarded_pow(base, exponent, modulo=None):
    if (
        isinstance(base, int)
        and isinstance(exponent, int)
        and modulo is None
        and exponent > 0
        and abs(base) > 1
        and exponent * max(abs(base).bit_length(), 1) > MAX_INT_BITS
    ):
        raise SandboxError("number too large")
    return pow(base, exponent) if modulo is None else pow(base, exponent, modulo)


def _guarded_mul(left, right):
    for seq, count in ((left, right), (right, left)):
        sized = isinstance(seq, str | bytes | list | tuple) and isinstance(count, int)
        if sized and len(seq) * count > MAX_SEQUENCE * 10:
            raise SandboxError("sequence too large")
    return left * right


def _guarded_lshift(left, right):
    if isinstance(right, int) and right > MAX_INT_BITS:
        raise SandboxError("number too large")
    return left << right


def _guarded_range(*args):
    r = range(*args)
    if len(r) > MAX_SEQUENCE:
        raise SandboxError(f"range of more than {MAX_SEQUENCE} items")
    return r


def _guarded_getattr(obj, name, default=None):
    # Modules and callables reached through helpers are not a way out: only plain data and the
    # documented helpers have attributes worth reading.
    return _safer_getattr(obj, name, default)


def _inplacevar(op: str, x, y):
    ops = {
        "+=": lambda a, b: a + b,
        "-=": lambda a, b: a - b,
        "*=": _guarded_mul,
        "/=": lambda a, b: a / b,
        "//=": lambda a, b: a // b,
        "%=": lambda a, b: a % b,
        "**=": _guarded_pow,
        "<<=": _guarded_lshift,
        ">>=": lambda a, b: a >> b,
        "|=": lambda a, b: a | b,
        "&=": lambda a, b: a & b,
        "^=": lambda a, b: a ^ b,
    }
    try:
        return ops[op](x, y)
    except KeyError:
        raise SandboxError(f"operator {op} is not allowed") from None


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus rewriting of the operators that can exhaust memory or CPU."""

    _GUARDED = {ast.Pow: "_pow_", ast.Mult: "_mul_", ast.LShift: "_lshift_"}

    def visit_Import(self, node):
        self.error(node, "imports are not allowed in diagram scripts")
        return node

    visit_ImportFrom = visit_Import

    def visit_BinOp(self, node):
        node = self.node_contents_visit(node)
        guard = self._GUARDED.get(type(node.op))
        if guard is None:
            return node
        func = ast.copy_location(ast.Name(id=guard, ctx=ast.Load()), node)
        call = ast.Call(func=func, args=[node.left, node.right], keywords=[])
        return ast.fix_missing_locations(ast.copy_location(call, node))


SAFE_NAMES = [
    "abs",
    "all",
    "any",
    "bool",
    "dict",
    "divmod",
    "enumerate",
    "filter",
    "float",
    "frozenset",
    "int",
    "isinstance",
    "len",
    "list",
    "map",
    "max",
    "min",
    "reversed",
    "round",
    "set",
    "sorted",
    "str",
    "sum",
    "tuple",
    "zip",
    "chr",
    "ord",
    "repr",
]


def _base_builtins() -> dict[str, Any]:
    allowed = {k: v for k, v in safe_builtins.items() if k not in {"__build_class__", "id", "hash", "pow"}}
    for name in SAFE_NAMES:
        allowed[name] = getattr(builtins, name)
    allowed["range"] = _guarded_range
    allowed["pow"] = _guarded_pow
    return allowed


# --- helper functions offered to diagrams -------------------------------------------------------

_helpers: dict[str, Callable[..., Any]] = {}


def script_helper(name: str | None = None):
    """Register a function that diagrams may call by name (packages add their own at import)."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _helpers[name or func.__name__] = func
        return func

    return register


def _to_datetime(value) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    from .clock import parse_instant

    return parse_instant(str(value))


@script_helper("now")
def _now() -> str:
    """The engine clock as an ISO string (task data must stay JSON)."""
    return clock.now().isoformat()


@script_helper()
def add_days(instant, days) -> str:
    return (_to_datetime(instant) + timedelta(days=float(days))).isoformat()


@script_helper()
def days_between(start, end) -> int:
    return (_to_datetime(end) - _to_datetime(start)).days


@script_helper()
def add_duration(instant, duration: str) -> str:
    """`add_duration(now(), "P1M")`: calendar-aware — whole months land on the same day number of
    the month they reach, or on its last day when it is shorter (31 January + P1M = 28 February);
    SpiffWorkflow's own arithmetic counts the days of the months passed (3 March)."""
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    start = _to_datetime(instant)
    parts = TimerEventDefinition.parse_iso_duration(str(duration))
    months = parts.pop("years", 0) * 12 + parts.pop("months", 0)
    if months != int(months):
        raise SandboxError(f"add_duration: a duration of {months} months is not whole months")
    if months:
        index = start.month - 1 + int(months)
        year, month = start.year + index // 12, index % 12 + 1
        start = start.replace(year=year, month=month, day=min(start.day, monthrange(year, month)[1]))
    return (start + timedelta(**parts)).isoformat()


@script_helper()
def iso_duration(days=0, hours=0) -> str:
    """`iso_duration(days=30)` -> "P30D": timer texts built from numbers in task data."""
    days, hours = int(days), int(hours)
    text = "P"
    if days:
        text += f"{days}D"
    if hours:
        text += f"T{hours}H"
    return text if text != "P" else "PT0S"


# --- compilation and the environment ------------------------------------------------------------


@lru_cache(maxsize=4096)
def compile_expression(source: str):
    result = compile_restricted_eval(source, policy=_Policy)
    if result.errors:
        raise SandboxError("; ".join(result.errors))
    return result.code


@lru_cache(maxsize=1024)
def compile_script(source: str):
    result = compile_restricted_exec(source, policy=_Policy)
    if result.errors:
        raise SandboxError("; ".join(result.errors))
    return result.code


def check_expression(source: str) -> str | None:
    """Deploy-time lint: the reason an expression would be refused, or None."""
    try:
        compile_expression(source)
    except SandboxError as exc:
        return str(exc)
    except SyntaxError as exc:
        return f"syntax error: {exc.msg}"
    return None


def check_script(source: str) -> str | None:
    try:
        compile_script(source)
    except SandboxError as exc:
        return str(exc)
    except SyntaxError as exc:
        return f"syntax error: {exc.msg} (line {exc.lineno})"
    return None


class _Deadline:
    """A trace function that stops the sandboxed code when its time is up.

    The limit is CPU time of this thread, not wall-clock time: a script is stopped for what it
    does, never because the machine was busy with other work while it ran.
    """

    __slots__ = ("deadline",)

    def __init__(self, seconds: float) -> None:
        self.deadline = time.thread_time() + seconds

    def __call__(self, frame, event, arg):
        if time.thread_time() > self.deadline:
            raise ScriptTimeout("script time limit exceeded")
        return self


@contextmanager
def cpu_time_limit(milliseconds: int) -> Iterator[None]:
    """Run the block under the sandbox's time limit: Python code called inside it (a designer's
    template being rendered, say) is stopped with ScriptTimeout once this thread has spent
    `milliseconds` of CPU time."""
    previous = sys.gettrace()
    sys.settrace(_Deadline(milliseconds / 1000))
    try:
        yield
    finally:
        sys.settrace(previous)


class SandboxEnvironment(TaskDataEnvironment):
    """A `TaskDataEnvironment` whose eval/exec go through RestrictedPython and a time limit."""

    GUARD_NAMES = (
        "_getattr_",
        "_getitem_",
        "_getiter_",
        "_write_",
        "_iter_unpack_sequence_",
        "_unpack_sequence_",
        "_inplacevar_",
        "_pow_",
        "_mul_",
        "_lshift_",
        "__builtins__",
    )

    def __init__(self, timeout_ms: int = 200) -> None:
        self.timeout = timeout_ms / 1000
        guards = {
            "__builtins__": _base_builtins(),
            "_getattr_": _guarded_getattr,
            "_getitem_": default_guarded_getitem,
            "_getiter_": iter,
            "_write_": full_write_guard,
            "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
            "_unpack_sequence_": guarded_unpack_sequence,
            "_inplacevar_": _inplacevar,
            "_pow_": _guarded_pow,
            "_mul_": _guarded_mul,
            "_lshift_": _guarded_lshift,
        }
        super().__init__(guards)

    def _globals(self, context, external_context) -> dict[str, Any]:
        scope = dict(_helpers)
        scope.update(self.globals)
        if external_context:
            scope.update(external_context)
        return scope

    def _run(self, code, scope):
        previous = sys.gettrace()
        sys.settrace(_Deadline(self.timeout))
        try:
            return eval(code, scope)
        finally:
            sys.settrace(previous)

    def evaluate(self, expression, context, external_context=None):
        code = compile_expression(expression)
        scope = self._globals(context, external_context)
        scope.update(context)
        return self._run(code, scope)

    def execute(self, script, context, external_context=None):
        code = compile_script(script)
        self.check_for_overwrite(context, external_context or {})
        scope = self._globals(context, external_context)
        reserved = set(scope)
        scope.update(context)
        self._run(code, scope)
        for key, value in scope.items():
            if key in reserved or key.startswith("_") or callable(value):
                continue
            context[key] = value
        for key in list(context):
            if key not in scope:
                del context[key]  # `del x` in a script removes it from the task data too
        return True

    def check_for_overwrite(self, context, external_context):
        clashes = (set(_helpers) | set(self.globals) | set(external_context)) & set(context)
        if clashes:
            raise ValueError(
                f"task data overwrites helper function(s) {', '.join(sorted(clashes))}; rename those fields"
            )


class SandboxScriptEngine(PythonScriptEngine):
    """Script engine whose service tasks go to the engine's registry (see `services.py`)."""

    def __init__(self, timeout_ms: int = 200, service_caller: Callable[..., Any] | None = None) -> None:
        super().__init__(environment=SandboxEnvironment(timeout_ms))
        self._service_caller = service_caller

    def validate(self, expression):
        # DMN cells are probed with ast.parse; the restricted compile is the real check.
        ast.parse(expression)

    def call_service(self, task, operation_name=None, operation_params=None, **kwargs):
        if self._service_caller is None:
            raise SandboxError(f"no service handler for {operation_name!r}")
        return self._service_caller(task, operation_name, operation_params or {})
