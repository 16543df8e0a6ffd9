"""The content of the ``html`` report (``ftlint.plugins.output_html``): verdicts, figures,
the charts as bar geometry, findings grouped by rule, pairs of examples; everything the
template shows, computed from a ``Report``.

A module of its own so that a run that prints text or JSON never imports it: only rendering
an HTML page does (its ten dataclasses and patterns were a cost of every start-up).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ftlint.plugins.output_text import fix_hint, summary_line

from ftlint import (
    Diagnostic,
    FileReport,
    Location,
    Report,
    Severity,
    __version__,
    format_usd,
    printable,
)

#: Examples shown per rule, duplicate groups, pairs and dropped records shown per file.
EXAMPLES_PER_RULE = 5
MAX_DUPLICATE_GROUPS = 10
COPIES_PER_GROUP = 5
MAX_PAIRS = 50
MAX_DROPPED = 100
#: Characters of an excerpt and of a message shown.
EXCERPT_CHARS = 240
MESSAGE_CHARS = 800
#: Bars of a histogram (about).
BINS = 24

VERDICTS = {
    "accepted": "accepted",
    "warnings": "accepted with warnings",
    "rejected": "rejected",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(value: Any, limit: int | None = None) -> str:
    """A value as text the page can hold: lone surrogates and control characters written
    as escapes, cut to ``limit`` characters (with an ellipsis). Escaping for HTML is the
    template's (autoescape)."""
    result = printable(str(value))
    result = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", result)
    if limit is not None and len(result) > limit:
        result = result[: limit - 1] + "…"
    return result


def number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return text(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def where(location: Location, file_path: str | None = None) -> str:
    """``line 4:2, record 3, /messages/1/content``; the path only when it is not the file's."""
    parts = []
    if location.path != file_path:
        parts.append(text(location.path))
    if location.sheet is not None:
        parts.append(f"sheet {text(location.sheet)}")
    if location.line is not None:
        line = f"{'row' if location.sheet is not None else 'line'} {location.line}"
        if location.column is not None:
            line += f":{location.column}"
        parts.append(line)
    if location.record is not None:
        parts.append(f"record {location.record}")
    if location.field:
        parts.append(text(location.field))
    return ", ".join(parts) or "the whole file"


def verdict(diagnostics: Iterable[Diagnostic], fail_on: Severity) -> str:
    """``accepted``, ``warnings`` (accepted with warnings) or ``rejected``: the remaining
    findings against the fail level, as the exit code decides."""
    worst = max((d.severity for d in diagnostics if not d.fixed), default=None)
    if worst is not None and worst >= fail_on:
        return "rejected"
    if worst is not None and worst >= Severity.WARNING:
        return "warnings"
    return "accepted"


# -- charts ------------------------------------------------------------------------------------

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 28, 52


@dataclass
class Chart:
    """A histogram, as geometry for the template's SVG macro and rows for its table."""

    id: str
    title: str
    desc: str
    xlabel: str
    bars: list[dict[str, Any]] = field(default_factory=list)
    xticks: list[dict[str, Any]] = field(default_factory=list)
    yticks: list[dict[str, Any]] = field(default_factory=list)
    markers: list[dict[str, Any]] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT


def _nice(value: float) -> int:
    """The smallest of 1, 2, 5 x 10^k that is at least ``value`` (a bin width)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


@dataclass
class Bins:
    low: int
    width: int
    counts: list[int]
    #: The last count is of every value from ``low + width * (len(counts) - 1)`` up.
    overflow: bool

    @property
    def regular(self) -> int:
        return len(self.counts) - (1 if self.overflow else 0)

    @property
    def end(self) -> int:
        """The first value past the regular bins."""
        return self.low + self.width * self.regular

    def label(self, i: int, unit: str) -> str:
        start = self.low + i * self.width
        if self.overflow and i == len(self.counts) - 1:
            return f"{number(start)} {unit} or more"
        if self.width == 1:
            return f"{number(start)} {unit}"
        return f"{number(start)}–{number(start + self.width - 1)} {unit}"


def make_bins(values: Sequence[int], target: int = BINS) -> Bins | None:
    """Bins of a nice width over the values; when a few outliers would squeeze the rest into
    a bar or two (the largest over 4 x the 99th percentile), the bins stop at the 99th
    percentile and one last bar counts the values above."""
    if not len(values):
        return None
    ordered = sorted(int(v) for v in values)
    first, last = ordered[0], ordered[-1]
    p99 = ordered[int(0.99 * (len(ordered) - 1))]
    overflow = last > 4 * max(p99, 1) and p99 > first
    upper = p99 if overflow else last
    width = _nice((upper - first + 1) / target)
    low = first // width * width
    regular = (upper - low) // width + 1
    counts = [0] * (regular + (1 if overflow else 0))
    top = regular - 1 if not overflow else regular
    for value in ordered:
        counts[min((value - low) // width, top)] += 1
    return Bins(low, width, counts, overflow)


def _x_of(bins: Bins, value: float) -> float | None:
    """Where a value falls on the x axis of a chart of ``bins``, inside the regular bins."""
    plot = WIDTH - LEFT - RIGHT
    step = plot / len(bins.counts)
    if value < bins.low or value > bins.end:
        return None
    centre = 0.5 if bins.width == 1 else 0  # whole numbers: the middle of their bar
    return LEFT + ((value - bins.low) / bins.width + centre) * step


def histogram_chart(
    chart_id: str,
    title: str,
    values: Sequence[int],
    unit: str,
    what: str,
    markers: Sequence[tuple[int, str]] = (),
) -> Chart | None:
    """A bar chart of how many examples have each number of ``unit`` (``values``, one per
    example), with vertical lines at ``markers`` (value, label)."""
    bins = make_bins(values)
    if bins is None:
        return None
    counts = bins.counts
    most = max(counts) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(counts)
    ordered = sorted(int(v) for v in values)
    median = ordered[len(ordered) // 2]
    chart = Chart(
        id=chart_id,
        title=title,
        desc=(
            f"Histogram of {what} over {number(len(values))} examples: from {number(ordered[0])} "
            f"to {number(ordered[-1])} {unit}, median {number(median)}; the tallest bar holds "
            f"{number(most)} examples."
        ),
        xlabel=f"{unit} per example",
    )
    for i, count in enumerate(counts):
        height = count / most * plot_h
        label = bins.label(i, unit)
        chart.bars.append(
            {
                "x": round(LEFT + i * step + (1 if step > 3 else 0), 2),
                "y": round(TOP + plot_h - height, 2),
                "w": round(max(step - (2 if step > 3 else 0), 0.5), 2),
                "h": round(height, 2),
                "tip": f"{label}: {number(count)} example{'' if count == 1 else 's'}",
                "overflow": bins.overflow and i == len(counts) - 1,
            }
        )
        chart.rows.append((label, number(count)))
    # x labels: at most 7 along the axis, at bin starts (at bar centres for whole numbers)
    every = max(1, -(-len(counts) // 7))
    if bins.width == 1:
        for i in range(0, bins.regular, every):
            x = LEFT + (i + 0.5) * step
            chart.xticks.append({"x": round(x, 2), "label": number(bins.low + i)})
    else:
        for i in range(0, bins.regular, every):
            x = LEFT + i * step
            chart.xticks.append({"x": round(x, 2), "label": number(bins.low + i * bins.width)})
        x = LEFT + len(counts) * step
        if not bins.overflow and x - chart.xticks[-1]["x"] >= 36:  # room for the last label
            chart.xticks.append({"x": round(x, 2), "label": number(bins.end)})
    if bins.overflow:
        x = LEFT + (bins.regular + 0.5) * step
        chart.xticks.append({"x": round(x, 2), "label": f"≥{number(bins.end)}"})
    for fraction in (0, 0.5, 1):
        value = round(most * fraction)
        chart.yticks.append(
            {"y": round(TOP + plot_h - value / most * plot_h, 2), "label": number(value)}
        )
    for value, label in markers:
        x = _x_of(bins, value)
        beyond = value > ordered[-1]
        if x is not None:
            chart.markers.append({"x": round(x, 2), "label": f"{label} {number(value)}"})
            chart.desc += f" A line marks the {label} at {number(value)} {unit}."
        elif bins.overflow and not beyond and value > bins.end:
            x = LEFT + (bins.regular + 0.5) * step
            chart.markers.append({"x": round(x, 2), "label": f"{label} {number(value)}"})
            chart.desc += f" The {label} ({number(value)} {unit}) falls in the last bar."
        else:
            side = "above the longest" if beyond else "below the shortest"
            note = (
                f"The {label} is {number(value)} {unit}, {side} example "
                f"({number(ordered[-1] if beyond else ordered[0])}): off the chart."
            )
            chart.notes.append(note)
            chart.desc += " " + note
    return chart


def charts_of(file: FileReport, index: int) -> tuple[list[Chart], list[str]]:
    """The histograms of a file from its per-example columns, and why some are missing."""
    columns = file.examples or {}
    tokens = file.summary.get("tokens") if isinstance(file.summary, dict) else None
    tokens = tokens if isinstance(tokens, dict) else {}
    markers: list[tuple[int, str]] = []
    if isinstance(tokens.get("limit"), int):
        model = file.summary.get("model")
        markers.append((tokens["limit"], f"training limit{f' of {model}' if model else ''}"))
    # A maximum sequence length set for the run (not an option of ftlint yet): marked too.
    for key in ("max_seq_length", "max_sequence_length"):
        value = tokens.get(key, file.summary.get(key))
        if isinstance(value, int) and not isinstance(value, bool):
            markers.append((value, "--max-seq-length"))
    charts: list[Chart] = []
    missing: list[str] = []
    specs = (
        ("tokens", "Tokens per example", "tokens", "the tokens of each example", markers),
        (
            "trained_tokens",
            "Answer length: trained tokens per example",
            "tokens",
            "the trained tokens of each example (its assistant or completion messages, the "
            "answers the model learns)",
            (),
        ),
        ("messages", "Messages per example", "messages", "the messages of each example", ()),
    )
    for key, title, unit, what, marks in specs:
        values = columns.get(key)
        chart = (
            histogram_chart(f"chart-{index}-{key}", title, values, unit, what, marks)
            if values is not None and len(values)
            else None
        )
        if chart is None:
            missing.append(title)
        else:
            charts.append(chart)
    return charts, missing


@dataclass
class ClassChart:
    """The class balance as horizontal bars (one per class, largest first) with its table."""

    id: str
    title: str
    desc: str
    bars: list[dict[str, Any]] = field(default_factory=list)
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    width: int = WIDTH
    height: int = 0


#: Classes drawn in the chart (the table lists every class the summary carries).
CHART_CLASSES = 20
CLASS_ROW, CLASS_LABEL = 22, 200


def class_chart(file: FileReport, index: int, mask: Any) -> ClassChart | None:
    """The class balance of classification data, from the summary's ``class_counts`` (the
    largest classes with their examples) and ``classes_other`` (the examples of the rest)."""
    s = file.summary if isinstance(file.summary, dict) else {}
    counts = s.get("class_counts")
    if s.get("task") != "classification" or not isinstance(counts, dict) or not counts:
        return None
    items = [(mask(str(k)), v) for k, v in counts.items() if isinstance(v, int)]
    if not items:
        return None
    other = s.get("classes_other") if isinstance(s.get("classes_other"), int) else 0
    classes = s.get("classes") if isinstance(s.get("classes"), int) else len(items)
    rest = classes - len(items)
    total = sum(v for _, v in items) + other
    largest, smallest = items[0], min(items, key=lambda item: item[1])
    chart = ClassChart(
        id=f"chart-{index}-classes",
        title="Class balance: examples per class",
        desc=(
            f"Bar chart of the examples of each of {number(classes)} classes "
            f"({number(total)} examples): the largest, {text(largest[0], 60)}, has "
            f"{number(largest[1])} ({100 * largest[1] / total:.0f}%), the smallest shown, "
            f"{text(smallest[0], 60)}, {number(smallest[1])} ({100 * smallest[1] / total:.0f}%)."
        ),
    )
    shown = items[:CHART_CLASSES]
    most = max(v for _, v in shown) or 1
    plot = WIDTH - CLASS_LABEL - 90
    for i, (name, count) in enumerate(shown):
        share = 100 * count / total
        chart.bars.append(
            {
                "y": TOP + i * CLASS_ROW,
                "w": round(max(count / most * plot, 1), 2),
                "label": text(name, 28),
                "value": f"{number(count)} ({share:.0f}%)",
                "tip": f"{text(name, 200)}: {number(count)} examples ({share:.1f}%)",
            }
        )
    chart.height = TOP + len(shown) * CLASS_ROW + 16
    for name, count in items:
        chart.rows.append((text(name, 200), number(count), f"{100 * count / total:.1f}%"))
    if rest > 0 and other:
        label = f"{number(rest)} other class{'' if rest == 1 else 'es'}"
        chart.rows.append((label, number(other), f"{100 * other / total:.1f}%"))
    if len(items) > len(shown):
        chart.desc += f" The chart shows the {len(shown)} largest classes; the table all."
    return chart


# -- figures -----------------------------------------------------------------------------------


def figures_of(file: FileReport) -> list[tuple[str, str]]:
    """(label, value) rows of a file's figures: what the rules put in its summary."""
    s = file.summary if isinstance(file.summary, dict) else {}
    rows: list[tuple[str, str]] = [("reader", text(file.reader or "unread"))]
    rows.append(("records read", number(file.records)))
    if file.written is not None:
        rows.append(("written", number(file.written)))
        rows.append(("dropped by a fix", number(file.dropped_by_fix)))
    if file.written is not None or file.rejected:
        rows.append(("rejected (unreadable)", number(file.rejected)))
    if isinstance(s.get("examples"), int):
        rows.append(("examples", number(s["examples"])))
    validation = s.get("validation")
    if isinstance(validation, dict) and isinstance(validation.get("examples"), int):
        rows.append(
            (
                "validation examples",
                f"{number(validation['examples'])} ({number(validation.get('tokens', 0))} tokens)",
            )
        )
    shapes = s.get("shapes")
    if isinstance(shapes, dict) and shapes:
        rows.append(("shapes", ", ".join(f"{text(k)} {number(v)}" for k, v in shapes.items())))
    if s.get("task"):
        task = text(s["task"])
        if isinstance(s.get("classes"), int):
            task += f" ({number(s['classes'])} classes)"
        rows.append(("task", task))
    tokens = s.get("tokens")
    if isinstance(tokens, dict) and isinstance(tokens.get("total"), (int, float)):
        rows.append(("tokens (total)", number(tokens["total"])))
        if isinstance(tokens.get("trained"), (int, float)):
            rows.append(("tokens (trained)", number(tokens["trained"])))
        if isinstance(tokens.get("max_example"), int):
            rows.append(("longest example", f"{number(tokens['max_example'])} tokens"))
        if isinstance(tokens.get("limit"), int):
            rows.append(("training limit per example", f"{number(tokens['limit'])} tokens"))
        if tokens.get("encoding"):
            rows.append(("encoding", text(tokens["encoding"])))
    if isinstance(s.get("epochs"), int):
        epochs = number(s["epochs"])
        how = [text(s[k]) for k in ("epochs_source", "epochs_rule") if s.get(k)]
        if how:
            epochs += f" ({': '.join(how)})"
        rows.append(("epochs", epochs))
    if isinstance(s.get("billed_tokens"), (int, float)):
        rows.append(("billed tokens", number(s["billed_tokens"])))
    cost = s.get("estimated_cost_usd")
    if isinstance(cost, (int, float)):
        value = format_usd(cost)
        if isinstance(s.get("price_per_1m"), (int, float)):
            value += f" at ${s['price_per_1m']:,.2f} per 1M training tokens"
        details = [text(s[k]) for k in ("model", "price_source") if s.get(k)]
        if details:
            value += f" ({', '.join(details)})"
        rows.append(("estimated cost", value))
    elif s.get("model"):
        rows.append(("model", text(s["model"])))
    if isinstance(s.get("duplicates"), int):
        rows.append(("duplicate copies", number(s["duplicates"])))
    known = {
        "examples", "validation", "shapes", "task", "classes", "tokens", "epochs",
        "epochs_source", "billed_tokens", "estimated_cost_usd", "price_per_1m", "price_source",
        "model", "duplicates", "class_counts", "classes_other", "epochs_rule",
    }  # fmt: skip
    for key, value in s.items():
        if key not in known and isinstance(value, (str, int, float)):
            rows.append((text(key).replace("_", " "), number(value)))
    return rows


def distribution_rows(file: FileReport) -> list[tuple[str, list[str]]]:
    tokens = file.summary.get("tokens") if isinstance(file.summary, dict) else None
    spread = tokens.get("distribution") if isinstance(tokens, dict) else None
    if not isinstance(spread, dict):
        return []
    rows = []
    for label, key in (
        ("total tokens", "total"),
        ("trained tokens", "trained"),
        ("messages", "messages"),
    ):
        values = spread.get(key)
        if isinstance(values, dict) and values:
            rows.append((label, [number(values.get(c, "")) for c in DISTRIBUTION_COLUMNS]))
    return rows


DISTRIBUTION_COLUMNS = ("min", "p5", "median", "mean", "p95", "max")


# -- findings ----------------------------------------------------------------------------------


@dataclass
class Finding:
    where: str
    severity: str
    message: str
    excerpt: str | None
    hint: str | None
    fixed: bool


def finding(d: Diagnostic, file_path: str | None) -> Finding:
    return Finding(
        where=where(d.location, file_path),
        severity=str(d.severity),
        message=text(d.message, MESSAGE_CHARS),
        excerpt=None if d.excerpt is None else text(d.excerpt, EXCERPT_CHARS),
        hint=None if (hint := fix_hint(d)) is None else text(hint),
        fixed=d.fixed,
    )


@dataclass
class RuleGroup:
    code: str
    name: str
    severity: str
    count: int
    by_severity: list[tuple[str, int]]
    fixed: int
    examples: list[Finding]


def rule_groups(diagnostics: Sequence[Diagnostic], file_path: str | None) -> list[RuleGroup]:
    """The findings by rule, the worst rules first, each with its first examples."""
    grouped: dict[tuple[str, str], list[Diagnostic]] = {}
    for d in diagnostics:
        grouped.setdefault((d.code, d.name), []).append(d)
    groups = []
    for (code, name), items in grouped.items():
        worst = max(d.severity for d in items)
        severities = [
            (str(level), n)
            for level in (Severity.ERROR, Severity.WARNING, Severity.INFO)
            if (n := sum(1 for d in items if d.severity is level))
        ]
        groups.append(
            RuleGroup(
                code=text(code),
                name=text(name),
                severity=str(worst),
                count=len(items),
                by_severity=severities,
                fixed=sum(1 for d in items if d.fixed),
                examples=[finding(d, file_path) for d in items[:EXAMPLES_PER_RULE]],
            )
        )
    # What remains first, the worst first; the rules whose every finding was fixed last.
    groups.sort(key=lambda g: (g.fixed == g.count, -Severity.parse(g.severity), g.code))
    return groups


# Dataset rules that compare examples name the other example of each pair in
# ``Diagnostic.related``. A finding without it (a plugin's) may still name the other example in
# its message: "... of the example at line 3 (first copy)", "... the training example at line 17
# of train.jsonl; ..."; those are paired from that wording, and any other is simply not paired
# (it is still listed under its rule).
_PARTNER = re.compile(
    r"\bthe (?P<training>training )?example at (?P<other>.+?)"
    r"(?P<first> \(first copy\))?(?= \(|[;,]|$)"
)
_SIMILARITY = re.compile(r"estimated similarity (?P<value>[0-9.]+)")


@dataclass
class CopyGroup:
    """An example and its later copies."""

    first: str
    copies: list[Finding]
    more: int
    first_excerpt: str | None = None


@dataclass
class Pair:
    """The example a finding names (``other``) and the example it is about (``this``)."""

    other: str
    this: Finding
    how: str
    other_excerpt: str | None = None


@dataclass
class PairGroup:
    """The pairs one rule found: ``copies`` (grouped by their first copy), ``overlap``
    (validation example against training example) or ``pairs``."""

    code: str
    name: str
    kind: str
    total: int = 0
    pairs: list[Pair] = field(default_factory=list)
    copy_groups: list[CopyGroup] = field(default_factory=list)
    copy_group_total: int = 0


@dataclass
class _Partner:
    """The other example of a finding: where it is, its excerpt, and what it is."""

    where: str
    excerpt: str | None
    first_copy: bool
    training: bool


def partner(d: Diagnostic, file_path: str | None) -> _Partner | None:
    if d.related:
        other = d.related[0]
        return _Partner(
            where=where(other.location, file_path),
            excerpt=None if other.excerpt is None else text(other.excerpt, EXCERPT_CHARS),
            first_copy=other.message == "first copy",
            training=other.location.path != d.location.path,
        )
    match = _PARTNER.search(d.message)
    if match is None:
        return None
    return _Partner(text(match.group("other")), None, bool(match.group("first")),
                    bool(match.group("training")))  # fmt: skip


def pair_groups(diagnostics: Sequence[Diagnostic], file_path: str | None) -> list[PairGroup]:
    """Per rule, the findings that name another example, side by side with it."""
    found: dict[tuple[str, str], list[tuple[Diagnostic, _Partner]]] = {}
    for d in diagnostics:
        other = partner(d, file_path)
        if other is not None:
            found.setdefault((d.code, d.name), []).append((d, other))
    groups = []
    for (code, name), items in found.items():
        if all(p.first_copy for _, p in items):
            kind = "copies"
        elif all(p.training for _, p in items):
            kind = "overlap"
        else:
            kind = "pairs"
        group = PairGroup(code=text(code), name=text(name), kind=kind, total=len(items))
        if kind == "copies":
            copies: dict[str, list[tuple[Diagnostic, _Partner]]] = {}
            for d, p in items:
                copies.setdefault(p.where, []).append((d, p))
            group.copy_group_total = len(copies)
            for first, later in list(copies.items())[:MAX_DUPLICATE_GROUPS]:
                first_excerpt = next((p.excerpt for _, p in later if p.excerpt), None)
                shown = []
                for d, _ in later[:COPIES_PER_GROUP]:
                    copy = finding(d, file_path)
                    if copy.excerpt == first_excerpt:
                        copy.excerpt = None  # the same text: shown once, beside the first
                    shown.append(copy)
                group.copy_groups.append(
                    CopyGroup(first, shown, max(0, len(later) - COPIES_PER_GROUP), first_excerpt)
                )
        else:
            for d, p in items[:MAX_PAIRS]:
                similarity = _SIMILARITY.search(d.message)
                if similarity is not None:
                    how = f"estimated similarity {similarity.group('value').rstrip('.')}"
                else:
                    how = "exact copy" if kind == "overlap" else ""
                group.pairs.append(Pair(p.where, finding(d, file_path), how, p.excerpt))
        groups.append(group)
    groups.sort(key=lambda g: g.code)
    return groups


# -- the page ----------------------------------------------------------------------------------


@dataclass
class FileView:
    anchor: str
    path: str
    records: str
    verdict: str
    counts: dict[str, int]
    figures: list[tuple[str, str]]
    distribution: list[tuple[str, list[str]]]
    charts: list[Chart]
    missing_charts: list[str]
    groups: list[RuleGroup]
    pairs: list[PairGroup]
    dropped: list[dict[str, str]]
    dropped_total: int
    outputs: list[str]
    classes: int | None
    class_chart: ClassChart | None = None


def _counts(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0, "fixed": 0}
    for d in diagnostics:
        if d.fixed:
            counts["fixed"] += 1
        else:
            counts[str(d.severity)] += 1
    return counts


def file_view(
    report: Report, file: FileReport, index: int, diagnostics: list[Diagnostic]
) -> FileView:
    charts, missing = charts_of(file, index)
    summary = file.summary if isinstance(file.summary, dict) else {}
    classes = summary.get("classes") if summary.get("task") == "classification" else None
    return FileView(
        anchor=f"file-{index}",
        path=text(file.path),
        records=number(file.records),
        verdict=verdict(diagnostics, report.fail_on),
        counts=_counts(diagnostics),
        figures=figures_of(file),
        distribution=distribution_rows(file),
        charts=charts,
        missing_charts=missing,
        groups=rule_groups(diagnostics, file.path),
        pairs=pair_groups(diagnostics, file.path),
        dropped=[
            {
                "where": where(d.location, file.path),
                "reason": text(d.reason, MESSAGE_CHARS),
                "code": text(d.code or ""),
                "kind": "rejected (unreadable)"
                if getattr(d, "rejected", False)
                else "dropped by a fix",
            }
            for d in file.dropped[:MAX_DROPPED]
        ],
        dropped_total=len(file.dropped),
        outputs=[text(o) for o in file.outputs],
        classes=classes if isinstance(classes, int) else None,
        class_chart=class_chart(file, index, report.mask),
    )


#: ``TargetVerdict.verdict`` as the keys of ``VERDICTS`` (the page's CSS classes).
_VERDICT_KEYS = {
    "accepted": "accepted",
    "accepted with warnings": "warnings",
    "rejected": "rejected",
}


def target_verdicts(report: Report) -> list[dict[str, Any]]:
    """One row per target of a run over several (``--target a,b``), empty for one target:
    its verdict, counts, the findings that decide it and how its tokens were counted."""
    if not report.multi_target:
        return []
    rows = []
    for v in report.verdicts():
        rows.append(
            {
                "target": text(v.target),
                "model": text(v.model or ""),
                "verdict": _VERDICT_KEYS.get(v.verdict, "rejected"),
                "errors": v.errors,
                "warnings": v.warnings,
                "deciding": text(
                    ", ".join(f"{code} {name} ×{n}" for code, name, n in v.findings[:8])
                    + (f", … {len(v.findings) - 8} more" if len(v.findings) > 8 else ""),
                    MESSAGE_CHARS,
                ),
                "token_counts": text(v.token_counts),
            }
        )
    return rows


def context(report: Report) -> dict[str, Any]:
    """Everything the template shows, as plain values (text already made printable)."""
    ordered = report.sorted_diagnostics()
    by_path: dict[str, list[Diagnostic]] = {}
    for d in ordered:
        by_path.setdefault(d.location.path, []).append(d)
    files = [
        file_view(report, file, i, by_path.pop(file.path, []))
        for i, file in enumerate(report.files, 1)
    ]
    others = [d for items in by_path.values() for d in items]
    return {
        "version": __version__,
        "command": text(report.command),
        "target": text(report.target),
        "model": text(report.model) if report.model else None,
        "fail_on": str(report.fail_on),
        "verdict": verdict(report.diagnostics, report.fail_on),
        "verdicts": VERDICTS,
        "target_verdicts": target_verdicts(report),
        "summary_line": text(summary_line(report)),
        "counts": _counts(report.diagnostics),
        "notes": [text(n, MESSAGE_CHARS) for n in report.notes],
        "files": files,
        "other_groups": rule_groups(others, None),
        "distribution_columns": DISTRIBUTION_COLUMNS,
        "limits": {
            "examples": EXAMPLES_PER_RULE,
            "pairs": MAX_PAIRS,
            "dropped": MAX_DROPPED,
            "groups": MAX_DUPLICATE_GROUPS,
        },
    }
