"""The sandbox every diagram expression runs in: conditions, scripts, timer texts, DMN cells.

Diagrams are uploaded by designers and may be hostile, and SpiffWorkflow's own environment is plain
`eval`/`exec` (`__import__('os')` works there). Here code is compiled by RestrictedPython: no
imports, no names or attributes that start with `_`, only the builtins listed below plus the helper
functions the engine (and packages that register helpers) offer.

Nothing a diagram writes may outlast its limits (issue 21). The compiler puts a step (`_step_()`)
at the top of every loop body, every comprehension item and every function or lambda call, so a
loop of one instruction (`while True: pass`) is counted like any other; each step is cheap, and
every 64th reads the thread's CPU time and the process's peak memory. Work done inside C code
cannot be interrupted, so every operation that can build more than it was given — `*`, `+`, `**`,
`<<`, `%` formatting, f-string widths, starred displays, `sum`, `str.ljust`/`rjust`/`center`/
`zfill`/`expandtabs`/`join`/`replace`/`translate`, `list.extend`/`insert` — is checked BEFORE it
runs against a size limit per result and a budget per run. Measured rather than assumed
(docs/SECURITY.md): a counted step costs about as much as a line event of the old trace-based
limit, and a subprocess per expression would have cost milliseconds per task completion.
"""

from __future__ import annotations

import ast
import builtins
import operator
import os
import re
import resource
import sys
import threading
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

MAX_SEQUENCE = 100_000  # items of one range()
MAX_INT_BITS = 4_096  # bits of an integer built by **, * or <<
MAX_SIZE = 1_000_000  # items or characters of one list/str/tuple built by an amplifying operation
MAX_CELLS = 10_000_000  # items or characters all amplifying operations of one run may build together
MAX_STEPS = 5_000_000  # loop iterations, comprehension items and calls of one run
MAX_MEMORY_MB = 256  # growth of the process's resident memory one run may cause
MAX_SOURCE = 64_000  # characters of one expression or script
_CHECK_EVERY = 64  # steps between reads of the clock and the memory (each read costs microseconds)


class SandboxError(Exception):
    """A diagram expression was refused (at compile time) or stopped (at run time)."""


class ScriptTimeout(SandboxError):
    pass


class ScriptTooLarge(SandboxError):
    """The run would build more than its size or memory limits allow."""


# --- the budget of one run -------------------------------------------------------------------------


_statm: tuple[int, int] | None = None  # (pid, fd of /proc/self/statm), reopened after a fork
_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 1024 / 1024 if hasattr(os, "sysconf") else 4096 / 1024 / 1024


def _memory_mb() -> float:
    """The process's resident memory now (one pread of /proc/self/statm, a few microseconds);
    where there is no /proc, the peak (ru_maxrss), which only makes the cap looser."""
    global _statm
    pid = os.getpid()
    try:
        if _statm is None or _statm[0] != pid:
            _statm = (pid, os.open("/proc/self/statm", os.O_RDONLY))
        return int(os.pread(_statm[1], 64, 0).split()[1]) * _PAGE_MB
    except OSError:
        scale = 1024 * 1024 if sys.platform == "darwin" else 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


class _Budget:
    """Steps, CPU time, cells and memory of one sandboxed run.

    Exhaustion is sticky: once a limit is hit, every further step raises again, so a script that
    catches the error (`try: ... except: pass`) is stopped at its next step and `_run` raises at
    the end even if it swallowed every one.
    """

    __slots__ = ("cells", "deadline", "failure", "memory_limit", "steps")

    def __init__(self, seconds: float) -> None:
        self.steps = 0
        self.cells = 0
        self.deadline = time.thread_time() + seconds
        self.memory_limit = _memory_mb() + MAX_MEMORY_MB
        self.failure: SandboxError | None = None

    def fail(self, error: SandboxError):
        self.failure = error
        raise error

    def step(self) -> bool:
        if self.failure is not None:
            raise self.failure
        self.steps += 1
        if self.steps % _CHECK_EVERY == 0:
            if self.steps > MAX_STEPS:
                self.fail(ScriptTimeout(f"script stopped after {MAX_STEPS:,} steps"))
            if time.thread_time() > self.deadline:
                self.fail(ScriptTimeout("script time limit exceeded"))
            if _memory_mb() > self.memory_limit:
                self.fail(ScriptTooLarge(f"script used more than {MAX_MEMORY_MB} MB of memory"))
        return True

    def charge(self, size: int, what: str = "value") -> None:
        if self.failure is not None:
            raise self.failure
        if size > MAX_SIZE:
            self.fail(ScriptTooLarge(f"{what} of {size:,} items or characters (at most {MAX_SIZE:,})"))
        self.cells += size
        if self.cells > MAX_CELLS:
            self.fail(ScriptTooLarge(f"script built more than {MAX_CELLS:,} items or characters"))


_local = threading.local()


def _budget() -> _Budget:
    budget = getattr(_local, "budget", None)
    if budget is None:  # a guard called outside a run (a helper used directly): a fresh budget
        budget = _Budget(1.0)
    return budget


def _step() -> bool:
    return _local.budget.step()


def _size_of(value) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict | set | frozenset) else None


# --- guards ------------------------------------------------------------------------------------


def _too_large_number() -> None:
    _budget().fail(ScriptTooLarge(f"number too large (more than {MAX_INT_BITS} bits)"))


def _guarded_pow(base, exponent, modulo=None):
    if (
        isinstance(base, int)
        and isinstance(exponent, int)
        and modulo is None
        and exponent > 0
        and abs(base) > 1
        and exponent * max(abs(base).bit_length(), 1) > MAX_INT_BITS
    ):
        _too_large_number()
    return pow(base, exponent) if modulo is None else pow(base, exponent, modulo)


def _guarded_mul(left, right):
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            _too_large_number()
        return left * right
    for seq, count in ((left, right), (right, left)):
        size = _size_of(seq)
        if size is not None and isinstance(count, int) and count > 0:
            _budget().charge(size * count, "sequence")
    return left * right


def _guarded_add(left, right):
    left_size, right_size = _size_of(left), _size_of(right)
    if left_size is not None and right_size is not None:
        _budget().charge(left_size + right_size, "sequence")
    return left + right


def _guarded_lshift(left, right):
    if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right > MAX_INT_BITS:
        _too_large_number()
    return left << right


# A printf-style or format-spec field: its width and precision are what can be gigantic.
_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d+))?")
_SPEC_NUMBERS = re.compile(r"\d+")


def _check_width(width: int) -> None:
    if width > MAX_SIZE:
        _budget().fail(ScriptTooLarge(f"a field width of {width:,} characters (at most {MAX_SIZE:,})"))


def _expanded_size(value, limit: int = MAX_SIZE, *, refuse_cycles: bool = False) -> int:
    """Items and characters `value` spells out when printed or serialized, counting shared parts
    as often as they appear (`x = [x, x]` forty times is small in memory and 2**40 in text), so
    that str(), repr(), formatting and task data are refused before they expand. Linear in the
    distinct objects; no recursion (a million-deep nesting is fine)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, expanded = stack.pop()
        key = id(item)
        if key in sizes and not expanded:
            if refuse_cycles and sizes[key] == 0:
                _budget().fail(SandboxError("a value that contains itself cannot be stored in task data"))
            continue
        if isinstance(item, str | bytes):
            sizes[key] = len(item) + 1
            continue
        if isinstance(item, dict):
            children = [*item.keys(), *item.values()]
        elif isinstance(item, list | tuple | set | frozenset):
            children = list(item)
        else:
            sizes[key] = 1
            continue
        if not expanded:
            sizes[key] = 0  # a cycle back to this container prints as [...]
            stack.append((item, True))
            stack.extend((child, False) for child in children)
            continue
        total = 1 + sum(sizes.get(id(child), 1) for child in children)
        if total > limit:
            _budget().fail(ScriptTooLarge(f"a value that spells out more than {limit:,} items or characters"))
        sizes[key] = total
    return sizes.get(id(value), 1)


def _printable(value):
    """A value about to become text (f-string field, %-argument, str(), repr())."""
    if isinstance(value, list | tuple | dict | set | frozenset):
        _expanded_size(value)
    return value


def _charged_text(text):
    """An f-string's result, charged after it is built (its parts were checked before)."""
    if isinstance(text, str):
        _budget().charge(len(text), "text")
    return text


def _guarded_repr(value) -> str:
    return _charged_text(repr(_printable(value)))


class _StrType(type):
    """`str` as the sandbox sees it: isinstance and str.upper work, str(x) checks x first."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, str)

    def __subclasscheck__(cls, sub):
        return issubclass(sub, str)

    def __call__(cls, *args, **kwargs):
        if args:
            _printable(args[0])
        return _charged_text(str(*args, **kwargs))

    def __getattr__(cls, name):
        return _guarded_getattr(str, name)


class _GuardedStr(metaclass=_StrType):
    pass


MAX_PARSED_INT_BITS = 16_384  # an integer read from text or bytes, or written as a literal


def _checked_int(value):
    if isinstance(value, int) and value.bit_length() > MAX_PARSED_INT_BITS:
        _budget().fail(ScriptTooLarge(f"number too large (more than {MAX_PARSED_INT_BITS} bits)"))
    return value


class _IntType(type):
    """`int` as the sandbox sees it: `int("f" * 10**6, 16)` and `int.from_bytes` would build
    numbers whose division takes minutes inside C (hex is not bound by Python's digit limit)."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, int)

    def __subclasscheck__(cls, sub):
        return issubclass(sub, int)

    def __call__(cls, *args, **kwargs):
        return _checked_int(int(*args, **kwargs))

    def __getattr__(cls, name):
        value = _guarded_getattr(int, name)
        if name == "from_bytes":
            return lambda *args, **kwargs: _checked_int(int.from_bytes(*args, **kwargs))
        return value


class _GuardedInt(metaclass=_IntType):
    pass


def _guarded_mod(left, right):
    if isinstance(left, str | bytes):
        _printable(right)
        text = left if isinstance(left, str) else left.decode("latin-1")
        args = list(right) if isinstance(right, tuple) else [right]
        for match in _PRINTF_FIELD.finditer(text):
            for group in match.groups():
                if group == "*":
                    value = args.pop(0) if args else 0
                    if isinstance(value, int):
                        _check_width(value)
                elif group:
                    _check_width(int(group))
        result = left % right
        _budget().charge(len(result), "text")
        return result
    return left % right


def _format_spec(spec: str) -> str:
    """An f-string's format spec (`{x:>30}`), checked before Python pads to its width."""
    for number in _SPEC_NUMBERS.findall(spec):
        _check_width(int(number))
    return spec


def _starred(value):
    """`*x` in a list, tuple, set or call: charged like a concatenation (`[*x, *x]` doubles)."""
    size = _size_of(value)
    if size is None:
        value = list(value)  # an iterator: its items are counted by the steps that made them
        size = len(value)
    _budget().charge(size, "unpacked sequence")
    return value


def _guarded_sum(iterable, start=0):
    if isinstance(start, int | float | complex) and not isinstance(start, bool):
        return sum(iterable, start)
    items = list(iterable)  # sum() of lists is quadratic; check the size it reaches first
    total = (_size_of(start) or 0) + sum(_size_of(item) or 0 for item in items)
    _budget().charge(total, "sum")
    result = start
    for item in items:
        result = result + item
    return result


def _width_method(method, size: int):
    def guarded(width, *args):
        if isinstance(width, int):
            _check_width(width)
            _budget().charge(max(width, size), "text")
        return method(width, *args)

    return guarded


def _bounded_method(obj, name: str, method):
    """Methods of str and list that build more than they were given, with the size checked first."""
    if isinstance(obj, str):
        if name in ("ljust", "rjust", "center", "zfill"):
            return _width_method(method, len(obj))
        if name == "expandtabs":

            def expandtabs(tabsize=8):
                if isinstance(tabsize, int):
                    _check_width(tabsize)
                    _budget().charge(len(obj) + obj.count("\t") * max(tabsize, 0), "text")
                return method(tabsize)

            return expandtabs
        if name == "join":

            def join(items):
                items = list(items)
                sizes = sum(len(item) for item in items if isinstance(item, str))
                _budget().charge(sizes + len(obj) * max(len(items) - 1, 0), "joined text")
                return method(items)

            return join
        if name == "replace":

            def replace(old, new, count=-1):
                if isinstance(old, str) and isinstance(new, str):
                    hits = obj.count(old) if old else len(obj) + 1
                    if count is not None and count >= 0:
                        hits = min(hits, count)
                    _budget().charge(len(obj) + hits * max(len(new) - len(old), 0), "text")
                return method(old, new, count)

            return replace
        if name == "translate":

            def translate(table):
                longest = 1
                if isinstance(table, dict):
                    longest = max((len(v) for v in table.values() if isinstance(v, str)), default=1)
                _budget().charge(len(obj) * max(longest, 1), "text")
                return method(table)

            return translate
    if isinstance(obj, bytes) and name in ("ljust", "rjust", "center", "zfill"):
        return _width_method(method, len(obj))
    if isinstance(obj, list) and name == "extend":

        def extend(items):
            size = _size_of(items)
            if size is None:
                items = list(items)
                size = len(items)
            _budget().charge(len(obj) + size, "list")
            return method(items)

        return extend
    if callable(method) and isinstance(obj, str | bytes):
        return _charging(method)
    return method


def _charging(method):
    """Any other method of str or bytes (`hex`, `upper`, `encode`…): its result is charged, so a
    loop that grows a value through one of them meets the budget within a step."""

    def charged(*args, **kwargs):
        result = method(*args, **kwargs)
        size = _size_of(result)
        if size is not None:
            _budget().charge(size, "text")
        return result

    return charged


def _guarded_range(*args):
    r = range(*args)
    if len(r) > MAX_SEQUENCE:
        raise SandboxError(f"range of more than {MAX_SEQUENCE} items")
    return r


def _guarded_getattr(obj, name, default=None):
    # Modules and callables reached through helpers are not a way out: only plain data and the
    # documented helpers have attributes worth reading.
    value = _safer_getattr(obj, name, default)
    if isinstance(obj, str | bytes | list):
        return _bounded_method(obj, name, value)
    if obj in (str, bytes, list) and callable(value):
        # `str.ljust('a', 10**9)`: the unbound method takes the same checks as the bound one.
        def unbound(self, *args, **kwargs):
            if not isinstance(self, obj):
                raise TypeError(f"{obj.__name__}.{name} needs a {obj.__name__}")
            return _guarded_getattr(self, name)(*args, **kwargs)

        return unbound
    return value


_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": _guarded_add,
    "-=": operator.sub,
    "*=": _guarded_mul,
    "/=": operator.truediv,
    "//=": operator.floordiv,
    "%=": _guarded_mod,
    "**=": _guarded_pow,
    "<<=": _guarded_lshift,
    ">>=": operator.rshift,
    "|=": operator.or_,
    "&=": operator.and_,
    "^=": operator.xor,
}


def _inplacevar(op: str, x, y):
    # Built once (a dict of lambdas per `+=` made loops ten times slower than the guard itself).
    try:
        operation = _INPLACE[op]
    except KeyError:
        raise SandboxError(f"operator {op} is not allowed") from None
    return operation(x, y)


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])


def _step_statement(node: ast.AST) -> ast.stmt:
    return ast.fix_missing_locations(ast.copy_location(ast.Expr(value=_call("_step_")), node))


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus steps in every loop, comprehension and call, and rewriting
    of the operations that can exhaust memory or CPU into guarded calls."""

    _GUARDED = {
        ast.Pow: "_pow_",
        ast.Mult: "_mul_",
        ast.LShift: "_lshift_",
        ast.Add: "_add_",
        ast.Mod: "_mod_",
    }

    def _with_step(self, node, visited):
        visited.body.insert(0, _step_statement(node))
        return visited

    def visit_While(self, node):
        return self._with_step(node, super().visit_While(node))

    def visit_For(self, node):
        return self._with_step(node, super().visit_For(node))

    def visit_FunctionDef(self, node):
        return self._with_step(node, super().visit_FunctionDef(node))

    def visit_Lambda(self, node):
        node = super().visit_Lambda(node)
        node.body = ast.copy_location(
            ast.BoolOp(op=ast.And(), values=[_call("_step_"), node.body]), node.body
        )
        return ast.fix_missing_locations(node)

    def visit_comprehension(self, node):
        node = super().visit_comprehension(node)
        node.ifs.insert(0, ast.fix_missing_locations(ast.copy_location(_call("_step_"), node.iter)))
        return node

    def visit_Starred(self, node):
        node = super().visit_Starred(node)
        if isinstance(node.ctx, ast.Load):
            node.value = ast.fix_missing_locations(ast.copy_location(_call("_star_", node.value), node))
        return node

    def visit_Constant(self, node):
        node = super().visit_Constant(node)
        if isinstance(node.value, int) and node.value.bit_length() > MAX_PARSED_INT_BITS:
            self.error(node, f"a number literal of more than {MAX_PARSED_INT_BITS} bits")
        return node

    def visit_JoinedStr(self, node):
        node = super().visit_JoinedStr(node)
        return ast.fix_missing_locations(ast.copy_location(_call("_text_", node), node))

    def visit_FormattedValue(self, node):
        node = super().visit_FormattedValue(node)
        node.value = ast.fix_missing_locations(
            ast.copy_location(_call("_printable_", node.value), node.value)
        )
        if node.format_spec is not None:
            spec = node.format_spec
            checked = ast.FormattedValue(value=_call("_spec_", spec), conversion=-1, format_spec=None)
            node.format_spec = ast.fix_missing_locations(
                ast.copy_location(ast.JoinedStr(values=[ast.copy_location(checked, spec)]), spec)
            )
        return node

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


@lru_cache(maxsize=1)
def _base_builtins() -> dict[str, Any]:
    """Built once: no diagram code can reach the dict itself (`__builtins__` is a refused name)."""
    allowed = {k: v for k, v in safe_builtins.items() if k not in {"__build_class__", "id", "hash", "pow"}}
    for name in SAFE_NAMES:
        allowed[name] = getattr(builtins, name)
    allowed["range"] = _guarded_range
    allowed["pow"] = _guarded_pow
    allowed["sum"] = _guarded_sum
    allowed["str"] = _GuardedStr
    allowed["int"] = _GuardedInt
    allowed["repr"] = _guarded_repr
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


def _check_length(source: str) -> None:
    if len(source) > MAX_SOURCE:
        raise SandboxError(f"more than {MAX_SOURCE:,} characters")


@lru_cache(maxsize=4096)
def compile_expression(source: str):
    _check_length(source)
    result = compile_restricted_eval(source, policy=_Policy)
    if result.errors:
        raise SandboxError("; ".join(result.errors))
    return result.code


@lru_cache(maxsize=1024)
def compile_script(source: str):
    _check_length(source)
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
    except (RecursionError, MemoryError, ValueError):
        return "too deeply nested or too large to compile"
    return None


def check_script(source: str) -> str | None:
    try:
        compile_script(source)
    except SandboxError as exc:
        return str(exc)
    except SyntaxError as exc:
        return f"syntax error: {exc.msg} (line {exc.lineno})"
    except (RecursionError, MemoryError, ValueError):
        return "too deeply nested or too large to compile"
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
        "_add_",
        "_mod_",
        "_star_",
        "_spec_",
        "_step_",
        "_text_",
        "_printable_",
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
            "_add_": _guarded_add,
            "_mod_": _guarded_mod,
            "_star_": _starred,
            "_spec_": _format_spec,
            "_step_": _step,
            "_text_": _charged_text,
            "_printable_": _printable,
        }
        super().__init__(guards)

    def _globals(self, context, external_context) -> dict[str, Any]:
        scope = dict(_helpers)
        scope.update(self.globals)
        if external_context:
            scope.update(external_context)
        return scope

    def _run(self, code, scope):
        budget = _Budget(self.timeout)
        previous = getattr(_local, "budget", None)
        _local.budget = budget
        try:
            result = eval(code, scope)
        except RecursionError:
            raise SandboxError("recursion too deep") from None
        except MemoryError:
            raise ScriptTooLarge("out of memory") from None
        finally:
            _local.budget = previous
        if budget.failure is not None:  # caught inside the script: still a failure
            raise budget.failure
        return result

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
        written = {}
        for key, value in scope.items():
            if key in reserved or key.startswith("_") or callable(value):
                continue
            written[key] = value
        self._check_written(written)
        context.update(written)
        for key in list(context):
            if key not in scope:
                del context[key]  # `del x` in a script removes it from the task data too
        return True

    def _check_written(self, written: dict[str, Any]) -> None:
        """Task data is serialized after the script: what it would spell out is bounded too.
        Scalars were sized when they were built; only containers need the walk."""
        containers = [v for v in written.values() if isinstance(v, list | tuple | dict | set | frozenset)]
        if containers:
            _expanded_size(containers, MAX_CELLS, refuse_cycles=True)

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
