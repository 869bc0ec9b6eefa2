"""Attribute bookkeeping shared by every attribute check, the way Prisma's validator does it.

Prisma validates attributes with one discipline (``parser-database``'s validation context), and so
does nexo:

- an attribute that may appear once is checked once; when it appears several times, every copy is
  reported (``Attribute "@map" can only be defined once.``) and none is used;
- an attribute's arguments are looked up by name (a positional argument stands for the attribute's
  main argument), and every argument nobody asked for is reported (``No such argument.``);
- ``name:`` without a value, a trailing comma, a repeated argument and several positional arguments
  are reported before anything else;
- every attribute nobody looked at is unknown (``Attribute not known: "@foo".``).

Values are coerced with Prisma's wording (``Expected a string value, but received numeric value `5`.``).
Spans follow Prisma's: an attribute written without parentheses extends over the blanks after it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from . import ast as A
from .terms import WS_CHARS

Report = Callable[[str, A.Span], None]

_T = TypeVar("_T")


def display(e: A.Expression | None) -> str:
    """An expression as Prisma prints it in messages (no spaces after commas)."""
    if e is None:
        return ""
    if isinstance(e, A.StringValue):
        return string_literal(e.value)
    if isinstance(e, A.NumberValue):
        return e.raw
    if isinstance(e, A.ConstantValue):
        return e.name
    if isinstance(e, A.FunctionCall):
        return e.name + "(" + ",".join(display_argument(a) for a in e.arguments if a.value is not None) + ")"
    if isinstance(e, A.ObjectValue):
        return "{ " + ", ".join(f"{k}: {display(v)}" for k, _, v in e.entries) + " }"
    return "[" + ",".join(display(i) for i in e.items) + "]"


def display_argument(a: A.Argument) -> str:
    return (f"{a.name}: " if a.name else "") + display(a.value)


def string_literal(value: str) -> str:
    out = ['"']
    for c in value:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def value_kind(e: A.Expression) -> str:
    """How Prisma names the kind of a value in type-mismatch messages."""
    if isinstance(e, A.NumberValue):
        return "numeric"
    if isinstance(e, A.StringValue):
        return "string"
    if isinstance(e, A.ConstantValue):
        return "literal"
    if isinstance(e, A.FunctionCall):
        return "functional"
    if isinstance(e, A.ObjectValue):
        return "object"
    return "array"


def mismatch(expected: str, e: A.Expression) -> str:
    return f"Expected a {expected} value, but received {value_kind(e)} value `{display(e)}`."


def attribute_span(a: A.Attribute, text: str) -> A.Span:
    """The span Prisma gives an attribute: without parentheses it runs over the blanks that follow."""
    if a.has_parens:
        return a.span
    end = a.span.end
    n = len(text)
    while end < n and text[end] in WS_CHARS:
        end += 1
    if end == a.span.end:
        return a.span
    s = a.span
    return A.Span(s.file, s.start, end, 0, 0, 0, 0, getattr(s, "_index", None))


def name_span(arg: A.Argument) -> A.Span:
    """The span of an argument's name (``map`` in ``map: "x"``)."""
    s = arg.span
    n = len(arg.name or "")
    return A.Span(s.file, s.start, s.start + n, 0, 0, 0, 0, getattr(s, "_index", None))


class Coerce:
    """Value coercions that report Prisma's type-mismatch message at the value."""

    __slots__ = ("report",)

    def __init__(self, report: Report) -> None:
        self.report = report

    def string(self, e: A.Expression | None) -> str | None:
        if isinstance(e, A.StringValue):
            return e.value
        if e is not None:
            self.report(mismatch("string", e), e.span)
        return None

    def constant(self, e: A.Expression | None) -> str | None:
        if isinstance(e, A.ConstantValue):
            return e.name
        if e is not None:
            self.report(mismatch("constant", e), e.span)
        return None

    def integer(self, e: A.Expression | None) -> int | None:
        if isinstance(e, A.NumberValue) and e.is_integer:
            try:
                value = int(e.raw)
            except ValueError:
                value = None
            if value is not None and -(2**63) <= value < 2**63:
                return value
        if e is not None:
            self.report(mismatch("numeric", e), e.span)
        return None

    def boolean(self, e: A.Expression | None) -> bool | None:
        if isinstance(e, A.ConstantValue) and e.name in ("true", "false"):
            return e.name == "true"
        if e is not None:
            self.report(mismatch("boolean", e), e.span)
        return None

    def array(self, e: A.Expression, item: Callable[[A.Expression], _T | None]) -> list[_T] | None:
        """``[a, b]`` (or a single value, taken as a one-element list) with every element coerced."""
        items: Sequence[A.Expression] = e.items if isinstance(e, A.ArrayValue) else [e]
        out: list[_T] = []
        ok = True
        for i in items:
            v = item(i)
            if v is None:
                ok = False
            else:
                out.append(v)
        return out if ok else None


# ``Args`` files the arguments of the usual attribute in one pass (the tests compare it with the full check).
FAST_CHECK = True


def _quiet(value: A.FunctionCall | A.ArrayValue) -> bool:
    """True when :meth:`Args._check_slow` has nothing to report inside ``value`` (an argument's value):
    a call without a trailing comma whose arguments all have values and none is an array, or an array
    whose calls all have values for their arguments."""
    if isinstance(value, A.FunctionCall):
        if value.trailing_comma is not None:
            return False
        return all(not (fa.value is None or isinstance(fa.value, A.ArrayValue)) for fa in value.arguments)
    for item in value.items:
        if isinstance(item, A.FunctionCall):
            for fa in item.arguments:
                if fa.value is None:
                    return False
    return True


class Args:
    """The arguments of one attribute being validated (Prisma's ``set_attribute`` … ``validate_visited_arguments``)."""

    __slots__ = ("attr", "remaining", "report", "text", "valid")

    def __init__(self, attr: A.Attribute, text: str, report: Report) -> None:
        self.attr = attr
        self.text = text
        self.report = report
        self.remaining: dict[str | None, A.Argument] = {}
        self.valid = self._check()

    @property
    def label(self) -> str:
        """``@name`` as messages quote it."""
        return "@" + self.attr.name

    @property
    def span(self) -> A.Span:
        return attribute_span(self.attr, self.text)

    def error(self, message: str) -> None:
        """An error about the attribute as a whole: ``Error parsing attribute "@x": …`` at the attribute."""
        self.report(f'Error parsing attribute "{self.label}": {message}', self.span)

    def _check(self) -> bool:
        attr = self.attr
        if FAST_CHECK and attr.trailing_comma is None:
            # The usual case, in one pass: every argument has a value, no name is repeated, and no call or
            # array holds anything :meth:`_check_slow` reports; then it would only have filed the arguments
            # by name, as done here. Otherwise the slow check starts over and reports.
            remaining = self.remaining
            for arg in attr.arguments:
                value = arg.value
                if value is None or arg.name in remaining:
                    break
                if isinstance(value, (A.FunctionCall, A.ArrayValue)) and not _quiet(value):
                    break
                remaining[arg.name] = arg
            else:
                return True
            self.remaining = {}
        elif not FAST_CHECK:
            if not attr.arguments:
                return attr.trailing_comma is None or self._check_slow()
            if len(attr.arguments) == 1 and attr.trailing_comma is None:
                only = attr.arguments[0]
                value = only.value
                if value is not None and not isinstance(value, (A.FunctionCall, A.ArrayValue)):
                    self.remaining[only.name] = only
                    return True
        return self._check_slow()

    def _check_slow(self) -> bool:
        attr = self.attr
        ok = True
        lists: list[tuple[Sequence[A.Argument], A.Span | None]] = [(attr.arguments, attr.trailing_comma)]
        for arg in attr.arguments:
            if isinstance(arg.value, A.FunctionCall):
                lists.append((arg.value.arguments, arg.value.trailing_comma))
        for args, comma in lists:
            for arg in args:
                if arg.name is not None and arg.value is None:
                    self.report(
                        f'Error parsing attribute "{self.label}": The `{arg.name}` argument is missing a value.',
                        name_span(arg),
                    )
                    ok = False
            for arg in args:
                if isinstance(arg.value, A.ArrayValue):
                    for item in arg.value.items:
                        if isinstance(item, A.FunctionCall):
                            for fa in item.arguments:
                                if fa.name is not None and fa.value is None:
                                    self.report(
                                        f'Error parsing attribute "@@{attr.name}": The `{fa.name}` argument '
                                        "is missing a value.",
                                        name_span(fa),
                                    )
            if comma is not None:
                self.report(
                    f'Error parsing attribute "{self.label}": Trailing commas are not valid in attribute '
                    "arguments, please remove the comma.",
                    comma,
                )
        if not ok:
            return False
        unnamed: list[str] = []
        for arg in attr.arguments:
            if arg.value is None:
                continue
            key = arg.name
            previous = self.remaining.get(key)
            if previous is not None:
                if key is None:
                    if not unnamed:
                        unnamed.append(display(previous.value))
                    unnamed.append(display(arg.value))
                else:
                    self.report(f'Argument "{key}" is already specified.', arg.span)
            self.remaining[key] = arg
        if unnamed:
            self.error(
                "You provided multiple unnamed arguments. This is not possible. Did you forget the brackets? "
                f"Did you mean `[{', '.join(unnamed)}]`?"
            )
        return True

    def default(self, name: str, report: bool = True) -> A.Expression | None:
        """The argument called ``name``, or else the positional one (Prisma's default argument)."""
        named = self.remaining.pop(name, None)
        positional = self.remaining.pop(None, None)
        if named is not None and positional is not None:
            if report:
                self.report(f'Argument "{name}" is already specified as unnamed argument.', named.span)
            return None
        arg = named or positional
        if arg is None:
            if report:
                self.report(f'Argument "{name}" is missing.', self.span)
            return None
        return arg.value

    def optional(self, name: str) -> A.Expression | None:
        arg = self.remaining.pop(name, None)
        return None if arg is None else arg.value

    def finish(self) -> None:
        """Every argument nobody asked for: ``No such argument.``"""
        if self.remaining:
            for arg in self.remaining.values():
                self.report("No such argument.", arg.span)
            self.remaining = {}

    def discard(self) -> None:
        self.remaining = {}


_NO_COPIES: dict[str, list[A.Attribute]] = {}  # shared, never written


class AttributeSet:
    """The attributes of one field, enum value or block, visited by name (Prisma's ``visit_attributes``).

    ``by_name`` holds the first attribute of each name; names written more than once are in ``copies``
    with every copy. Visiting a name visits all of its copies, so what was visited is kept by name.
    """

    __slots__ = ("attrs", "by_name", "copies", "report", "text", "visited")

    def __init__(
        self, attrs: Sequence[A.Attribute], text: str, report: Report, first: dict[str, A.Attribute] | None = None
    ) -> None:
        """``first``, when given, is the first attribute of each name of ``attrs`` (known already, and
        kept as ``by_name``: it is only read)."""
        self.attrs = attrs
        self.text = text
        self.report = report
        self.visited: set[str] = set()
        if first is not None and len(first) == len(attrs):  # no name twice
            self.by_name = first
            self.copies = _NO_COPIES
            return
        by_name: dict[str, A.Attribute] = {}
        copies: dict[str, list[A.Attribute]] = {}
        for a in attrs:
            name = a.name
            if name in by_name:
                copies.setdefault(name, [by_name[name]]).append(a)
            else:
                by_name[name] = a
        self.by_name = by_name
        self.copies = copies

    def single(self, name: str) -> Args | None:
        """The attribute ``name`` when it appears exactly once (copies are all reported)."""
        a = self.by_name.get(name)
        if a is None:
            return None
        self.visited.add(name)
        if name in self.copies:
            for copy in self.copies[name]:
                self.report(f'Attribute "@{name}" can only be defined once.', attribute_span(copy, self.text))
            return None
        args = Args(a, self.text, self.report)
        return args if args.valid else None

    def repeated(self, name: str) -> list[Args]:
        """Every ``name`` attribute whose argument list is usable, in order."""
        a = self.by_name.get(name)
        if a is None:
            return []
        self.visited.add(name)
        out = []
        for each in self.copies.get(name) or (a,):
            args = Args(each, self.text, self.report)
            if args.valid:
                out.append(args)
        return out

    def datasource_scoped(self) -> A.Attribute | None:
        """The ``@ds.Type(...)`` attribute (the last one; earlier copies are reported)."""
        scoped = []
        for a in self.attrs:  # (a loop: cheaper than a comprehension for a handful of attributes)
            if "." in a.name:
                scoped.append(a)
        if not scoped:
            return None
        visited = self.visited
        for a in scoped:
            visited.add(a.name)
        for a in scoped[1:]:
            self.report(
                f'Attribute "@{a.name.split(".", 1)[0]}" can only be defined once.', attribute_span(a, self.text)
            )
        return scoped[-1]

    def finish(self) -> None:
        """Attributes nobody visited are unknown."""
        visited = self.visited
        if len(visited) == len(self.by_name):
            return
        unknown = [a for a in self.attrs if a.name not in visited]
        for a in unknown:
            self.report(f'Attribute not known: "@{a.name}".', attribute_span(a, self.text))
        visited.update(a.name for a in unknown)
