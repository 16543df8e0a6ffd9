"""What ``prepare`` writes for a record in the target's format, decided once per record.

A record is first planned into its canonical shape (``ftlint.conversion``: community formats,
``--map``, the model's shape), then written in the format the target writes for that shape
(``Target.write_format``, or the accepted format of that shape): ``Output`` says in which
format, what it loses on the way, or why it cannot be written at all. The format rules report
the outputs; the ``FormatWriter`` is also the ``TransformRecords`` function that converts the
records in ``prepare`` (a writer chosen by the format's name, nothing else in the write path).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from ftlint.conversion import NATIVE_WHEN_ACCEPTED, ConversionError, Plan, Planner, plan_of
from ftlint.formats import CANONICAL, get_format, writer_for
from ftlint.formats.base import Loss, RecordFormat
from ftlint.shapes import FOREIGN_SHAPES, UNKNOWN

if TYPE_CHECKING:
    from ftlint.model import Record
    from ftlint.rule import RuleContext


class Output(NamedTuple):
    """The written form of one record."""

    #: The format it is written in (None: not decided: an unknown shape, a failed conversion).
    format: str | None
    data: Any
    losses: tuple[Loss, ...] = ()
    #: Why the record cannot be written in the target's format, and where.
    error: str | None = None
    pointer: str = ""
    #: The written record differs from the record as read.
    converts: bool = False
    #: The plan converted the record before writing (pointers are into the converted form).
    planned: bool = False
    shape: str = ""


_NOTHING = Output(None, None)
#: The ``from_canonical`` of formats whose records are the canonical ones (the identity).
_AS_IS = RecordFormat.from_canonical

#: The writers made so far, by their fields (one object per run's settings).
_WRITERS: dict[tuple[Any, ...], FormatWriter] = {}


@dataclass(frozen=True, eq=False)
class FormatWriter:
    """Writes canonical records in one target's formats; compared by identity."""

    planner: Planner
    target: str
    write_format: str
    accepted: tuple[str, ...]
    source_format: str = ""

    @classmethod
    def from_context(cls, context: RuleContext, source_format: str = "") -> FormatWriter:
        planner = Planner.from_context(context)
        target = context.target
        write_format = getattr(target, "write_format", "") or "openai-chat"
        accepted = tuple(getattr(target, "formats", ()) or ())
        key = (planner, target.name, write_format, accepted, source_format)
        writer = _WRITERS.get(key)
        if writer is None:
            writer = _WRITERS[key] = cls(
                planner, target.name, write_format, accepted, source_format
            )
        return writer

    @cached_property
    def families(self) -> frozenset[str]:
        """The provider families whose formats the target reads or writes."""
        names = (self.write_format, *self.accepted)
        return frozenset(f.family for f in map(get_format, names) if f is not None)

    def for_source(self, source_format: str) -> FormatWriter:
        """The same writer for records of another reader (``--map`` applies to JSON only)."""
        if source_format == self.source_format:
            return self
        key = (self.planner, self.target, self.write_format, self.accepted, source_format)
        writer = _WRITERS.get(key)
        if writer is None:
            writer = _WRITERS[key] = FormatWriter(
                self.planner, self.target, self.write_format, self.accepted, source_format
            )
        return writer

    @cached_property
    def active(self) -> bool:
        """The target writes something other than the canonical formats (a target without
        formats that writes OpenAI chat, the OpenAI-style ones, changes nothing: the format
        rules then have nothing to do)."""
        return bool(self.accepted) or self.write_format != CANONICAL["chat"]

    def output(self, data: Any, plan: Plan | None = None) -> Output:
        if plan is None:
            try:
                plan = self.planner.plan(data, self.source_format)
            except Exception:
                return _NOTHING
        if plan.error is not None or plan.source == UNKNOWN:
            return _NOTHING  # the formats rules report it (unknown-format, conversions)
        planned = plan.data is not None  # ``plan.converts``, without the property call
        canonical = plan.data if planned else data
        shape = plan.target or plan.source
        if shape in FOREIGN_SHAPES or shape in NATIVE_WHEN_ACCEPTED:
            return Output(shape, data, shape=shape)  # already in the target's own format
        fmt = writer_for(self.write_format, self.accepted, shape)
        if fmt is not None and type(fmt).from_canonical is _AS_IS:
            # Written as it is (Together, Fireworks, Mistral chat are OpenAI's records): what
            # the general path below returns for ``from_canonical`` -> ``(canonical, [])``.
            return Output(fmt.name, canonical, (), None, "", planned, planned, shape)
        if fmt is None:
            main = get_format(self.write_format)
            label = main.label if main is not None else self.write_format
            return Output(
                None,
                canonical,
                error=f"{self.target} writes {label} records and has no format for {shape} records",
                planned=plan.converts,
                shape=shape,
            )
        try:
            written, losses = fmt.from_canonical(canonical)
        except ConversionError as exc:
            return Output(
                fmt.name, canonical, (), exc.message, exc.pointer, False, plan.converts, shape
            )
        except Exception as exc:  # odd input must never crash a rule
            return Output(fmt.name, canonical, (), f"cannot write it: {exc}", "", False,
                          plan.converts, shape)  # fmt: skip
        converts = written is not canonical or plan.converts
        return Output(fmt.name, written, tuple(losses), None, "", converts, plan.converts, shape)

    def needs_conversion(self, out: Output) -> bool:
        """The record as read is not in a format the target accepts (canonical records are
        accepted as they are by targets that list no formats, the OpenAI-style ones)."""
        if out.format is None or out.planned:
            return False
        if out.shape in FOREIGN_SHAPES or out.shape in NATIVE_WHEN_ACCEPTED:
            return False
        return out.converts and not self._takes_canonical(out.shape)

    def _takes_canonical(self, shape: str) -> bool:
        """The target accepts the canonical format of ``shape`` (itself or byte-identical)."""
        known = self.__dict__.setdefault("_canonical_taken", {})
        if shape not in known:
            accepted = self.accepted or tuple(CANONICAL.values())
            name = CANONICAL.get(shape)
            known[shape] = any(
                fmt is not None and name in (fmt.name, fmt.same_as)
                for fmt in map(get_format, accepted)
            )
        return known[shape]

    def __call__(self, data: Any) -> Any:
        """``TransformRecords``: the record in the target's format (unchanged when it cannot be
        written: its error stays in the report). A record the plan still has to convert is left
        to the conversion rules' own transforms, which run first (dataset rules finish in code
        order: FT303/FT304 before FT950) and whose fixes may need ``--unsafe-fixes``."""
        out = self.output(data)
        if out.converts and out.error is None and not out.planned:
            return out.data
        return data


#: The analysis key ``(_output, writer for the source format)`` of each writer and reader
#: format, made once: ``output_of`` runs for several rules on every record.
_OUTPUT_KEYS: dict[tuple[FormatWriter, str], tuple[Any, FormatWriter]] = {}


def output_of(record: Record, writer: FormatWriter) -> Output:
    """The record's output, computed once per record whichever rule asks first (the
    analysis ``(_output, writer)``, read inline as ``plan_of`` reads its plan)."""
    source_format = record.source_format
    try:
        key = _OUTPUT_KEYS[writer, source_format]
    except KeyError:
        key = _OUTPUT_KEYS[writer, source_format] = (_output, writer.for_source(source_format))
    out = record.analyses.get(key)  # (a miss: ``get`` is cheaper than a KeyError)
    if out is None:
        out = record.analyses[key] = _output(record, key[1])
    return out


def _output(record: Record, writer: FormatWriter) -> Output:
    if not writer.active:
        return _NOTHING
    try:
        plan = plan_of(record, writer.planner)  # the plan the conversion rules share
    except Exception:
        return _NOTHING
    return writer.output(record.data, plan)
