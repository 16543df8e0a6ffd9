"""Token counts, the training context limit and the cost of a fine-tuning job (FT7xx).

Counts come from ``ftlint.tokens`` (tiktoken, the cookbook's chat formula). Each example is
counted once per run: ``ftlint.tokens.token_figures`` is a shared record analysis, so that
``example-too-long``, ``token-cost`` and the near-duplicate rules share one count.
``token-cost`` keeps 12 bytes per example (three ``array('I')``
columns: total tokens, trained tokens, messages) so that its statistics are exact.
"""

from __future__ import annotations

import argparse
import math
from array import array
from collections import Counter
from collections.abc import Iterable
from typing import Any

from ftlint.conversion import Planner
from ftlint.model import (
    Applicability,
    Diagnostic,
    DropRecord,
    Fix,
    Location,
    Record,
    Scope,
    Severity,
)
from ftlint.pluginmanager import hookimpl
from ftlint.report import format_usd
from ftlint.rule import Accumulator, Rule, RuleContext
from ftlint.tokens import example_tokens, run_encoding, shared_counter

# The provider's automatic epochs (cookbook notebook "Data preparation and analysis for chat
# model fine-tuning"): 3 epochs, moved so that 100 <= examples x epochs <= 25,000, within 1-25.
TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25_000
MIN_DEFAULT_EPOCHS = 1
MAX_DEFAULT_EPOCHS = 25
#: What the fine-tuning API accepts for ``n_epochs``.
MAX_EPOCHS = 50

ACCURACY_NOTE = (
    "an estimate of OpenAI's count with the cookbook's chat formula (plain chat: at most 3 "
    "tokens per example high; tools: a few tokens per definition; images not counted)"
)


def automatic_epochs(examples: int) -> int:
    """The number of epochs the provider picks when ``n_epochs`` is left on auto."""
    if examples <= 0:
        return TARGET_EPOCHS
    epochs = TARGET_EPOCHS
    if examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        epochs = min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // examples)
    elif examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        epochs = max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // examples)
    return epochs


def quantile(ordered: list[int], q: float) -> float:
    """The ``q`` quantile of sorted values, interpolated linearly (numpy's default)."""
    if not ordered:
        return 0.0
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


#: From this many values on, ``distribution`` sorts with numpy (4 bytes a value) instead of
#: a list of Python integers (about 36 bytes a value at the peak of the run).
NUMPY_SORT_MIN = 4096


def _sorted(values: Iterable[int]) -> Any:
    """The values in order: a list, or for a long array a numpy array (same values)."""
    if isinstance(values, array) and len(values) >= NUMPY_SORT_MIN:
        try:
            import numpy as np
        except ImportError:  # pragma: no cover - numpy is a dependency
            return sorted(values)
        return np.sort(np.frombuffer(values, dtype=np.dtype(values.typecode)))
    return sorted(values)


class _Ints:
    """Read access to sorted values as Python integers (numpy elements are converted)."""

    __slots__ = ("values",)

    def __init__(self, values: Any) -> None:
        self.values = values

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, index: int) -> int:
        return int(self.values[index])


def distribution(values: Iterable[int]) -> dict[str, float]:
    ordered = _sorted(values)
    if not len(ordered):
        return {}
    total = sum(ordered) if isinstance(ordered, list) else int(ordered.sum(dtype="uint64"))
    ordered = ordered if isinstance(ordered, list) else _Ints(ordered)
    return {
        "min": ordered[0],
        "p5": round(quantile(ordered, 0.05), 1),
        "median": round(quantile(ordered, 0.5), 1),
        "mean": round(total / len(ordered), 1),
        "p95": round(quantile(ordered, 0.95), 1),
        "max": ordered[-1],
    }


def histogram(values: Iterable[int], limit: int | None = None) -> dict[str, list[int]]:
    """Counts of examples per power-of-two bucket of tokens: bucket ``[lo, hi)``."""
    counts: dict[int, int] = {}
    # Counted per bit length at C speed (a Counter over map), then shifted to buckets.
    for length, count in Counter(map(int.bit_length, map(int, values))).items():
        bucket = max(0, length - 1)
        counts[bucket] = counts.get(bucket, 0) + count
    if not counts:
        return {"edges": [], "counts": []}
    low, high = min(counts), max(counts)
    edges = [0 if b == 0 else 1 << b for b in range(low, high + 2)]
    result: dict[str, list[int]] = {
        "edges": edges,
        "counts": [counts.get(b, 0) for b in range(low, high + 1)],
    }
    if limit is not None:
        result["limit"] = [limit]
    return result


class _TokenRule(Rule):
    """Shared set-up: the model's table entry, its encoding and the shared counter."""

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.model_name = context.model or context.target.default_model
        self.model_info = context.target.model(self.model_name)
        self.encoding_name = run_encoding(context)
        self.planner = Planner.from_context(context)
        limit = self.options.get("max-tokens")
        if limit is None and self.model_info is not None:
            limit = self.model_info.max_tokens
        self.limit: int | None = int(limit) if limit else None
        # Loading the encoding here makes a missing tokenizer stop the run with its message.
        shared_counter(self.encoding_name)


class ExampleTooLong(_TokenRule):
    """## What it does
    Counts the tokens of each example (tiktoken, with the encoding of `--model`) and reports
    the ones longer than the model's training context: 65,536 tokens for gpt-4o, gpt-4o-mini
    and gpt-4.1 / gpt-4.1-mini, 32,768 for gpt-4.1-nano, 16,385 for gpt-3.5-turbo.
    A preference pair is measured as its input plus the longer of its two answers.

    ## Why is this bad?
    OpenAI does not reject a long example: it silently truncates it to the limit. The end of
    the conversation, usually the assistant's answer the example exists for, is then never
    trained on, and you still pay for the tokens up to the limit.

    ## Example
    A chat example whose assistant message holds a 300-page document:
    `FT701 example has 70,012 tokens, over the 65,536-token training limit of
    gpt-4.1-mini-2025-04-14`.

    ## Fix safety
    Unsafe: the fix drops the example (it is listed in the report as dropped). Shortening or
    splitting it by hand keeps its content. The count is an estimate of the provider's
    (exact for plain chat messages, within a few tokens per tool definition), so an example a
    few tokens over or under the limit may be judged differently by the provider. The limit can
    be changed with `[tool.ftlint.rules.example-too-long] max-tokens = N`.
    """

    code = "FT701"
    name = "example-too-long"
    scope = Scope.RECORD
    severity = Severity.WARNING
    fix_applicability = Applicability.UNSAFE

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        if self.limit is None or not isinstance(record.data, dict):
            return ()
        counts = example_tokens(record, self.encoding_name, self.planner)
        if counts.longest <= self.limit:
            return ()
        what = "sequence of this preference pair" if counts.longest != counts.total else "example"
        message = (
            f"{what} has {counts.longest:,} tokens, over the {self.limit:,}-token training "
            f"limit of {self.model_name}; OpenAI truncates it silently, so its last "
            f"{counts.longest - self.limit:,} tokens (usually the answer) are never trained on"
        )
        reason = f"{counts.longest:,} tokens, over the {self.limit:,}-token limit"
        return [
            self.diagnostic(
                message,
                record.location,
                fix=Fix.unsafe("drop this example", DropRecord(f"example-too-long: {reason}")),
            )
        ]


#: Unsigned array typecodes, narrowest first, with the largest value each holds.
_WIDTHS = (("B", 0xFF), ("H", 0xFFFF), ("I", 0xFFFFFFFF))


def _widened(values: array, value: int) -> array:
    """``values`` in the narrowest typecode that also holds ``value``."""
    for typecode, largest in _WIDTHS:
        if value <= largest and typecode >= values.typecode:
            return values if typecode == values.typecode else array(typecode, values)
    return values  # pragma: no cover - values are capped at 0xFFFFFFFF


def _append(values: array, value: int) -> array:
    """Append to a column that starts narrow and widens when a value needs it (the same
    numbers in 1-2 bytes each for most datasets instead of 4)."""
    try:
        values.append(value)
    except OverflowError:
        values = _widened(values, value)
        values.append(value)
    return values


def _extended(values: array, other: array) -> array:
    if other.typecode > values.typecode:  # "B" < "H" < "I": the wider one wins
        values = array(other.typecode, values)
    elif other.typecode < values.typecode:
        other = array(values.typecode, other)
    values.extend(other)
    return values


class _TokenStats(Accumulator):
    """Per example: total tokens, trained tokens, messages (1-4 bytes each: each column
    widens only when a value needs it)."""

    def __init__(self, encoding_name: str, planner: Planner | None = None) -> None:
        self.encoding_name = encoding_name
        self.planner = planner
        self.total = array("H")
        self.trained = array("H")
        self.messages = array("B")
        self.valid_examples = 0
        self.valid_tokens = 0
        self.paths: dict[str, str] = {}

    def add(self, record: Record) -> None:
        if not isinstance(record.data, dict):
            return
        counts = example_tokens(record, self.encoding_name, self.planner)
        self.paths.setdefault(record.split, record.location.path)
        if record.split == "train":
            total, trained, messages = counts.total, counts.trained, counts.messages
            try:  # the common case: every value fits its column as it is
                self.total.append(total)
            except OverflowError:
                self.total = _append(self.total, min(total, 0xFFFFFFFF))
            try:
                self.trained.append(trained)
            except OverflowError:
                self.trained = _append(self.trained, min(trained, 0xFFFFFFFF))
            try:
                self.messages.append(messages)
            except OverflowError:
                self.messages = _append(self.messages, min(messages, 0xFFFFFFFF))
        else:
            self.valid_examples += 1
            self.valid_tokens += counts.total

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, _TokenStats)
        self.total = _extended(self.total, other.total)
        self.trained = _extended(self.trained, other.trained)
        self.messages = _extended(self.messages, other.messages)
        self.valid_examples += other.valid_examples
        self.valid_tokens += other.valid_tokens
        for split, path in other.paths.items():
            self.paths.setdefault(split, path)


class _CostAccumulator(_TokenStats):
    def __init__(self, rule: TokenCost) -> None:
        super().__init__(rule.encoding_name, rule.planner)
        self.model = rule.model_name
        self.limit = rule.limit
        self.epochs_setting = rule.epochs_setting
        self.price = rule.price
        self.price_source = rule.price_source
        self.code, self.name = rule.code, rule.name
        self._figures: dict[str, Any] | None = None

    def figures(self) -> dict[str, Any]:
        if self._figures is not None:
            return self._figures
        examples = len(self.total)
        total = sum(self.total)
        limit = self.limit
        billed_per_epoch = sum(min(limit, t) for t in self.total) if limit else total
        if self.epochs_setting is not None:
            epochs, source = self.epochs_setting, "n_epochs"
        else:
            epochs, source = automatic_epochs(examples), "automatic"
        billed = billed_per_epoch * epochs
        cost = None if self.price is None else round(billed / 1_000_000 * self.price, 4)
        tokens: dict[str, Any] = {
            "total": total,
            "trained": sum(self.trained),
            "max_example": max(self.total, default=0),
            "encoding": self.encoding_name,
            "billed_per_epoch": billed_per_epoch,
            "limit": limit,
            "distribution": {
                "total": distribution(self.total),
                "trained": distribution(self.trained),
                "messages": distribution(self.messages),
            },
            "histogram": histogram(self.total, limit),
        }
        figures: dict[str, Any] = {
            "examples": examples,
            "tokens": tokens,
            "epochs": epochs,
            "epochs_source": source,
            "billed_tokens": billed,
            "estimated_cost_usd": cost,
            "price_per_1m": self.price,
            "price_source": self.price_source,
            "model": self.model,
        }
        if self.valid_examples:
            figures["validation"] = {
                "examples": self.valid_examples,
                "tokens": self.valid_tokens,
            }
        self._figures = figures
        return figures

    def finish(self) -> Iterable[Diagnostic]:
        path = self.paths.get("train")
        if path is None or not self.total:
            return
        f = self.figures()
        tokens = f["tokens"]
        epochs_how = "set with n_epochs" if f["epochs_source"] == "n_epochs" else "automatic"
        text = (
            f"{f['examples']:,} examples, {tokens['total']:,} tokens ({tokens['trained']:,} "
            f"trained, {tokens['encoding']}); billed ≈ {tokens['billed_per_epoch']:,} tokens "
            f"per epoch × {f['epochs']} epoch{'s' if f['epochs'] != 1 else ''} ({epochs_how}) "
            f"= {f['billed_tokens']:,} tokens"
        )
        if tokens["limit"] and tokens["billed_per_epoch"] != tokens["total"]:
            text += f" (examples capped at {tokens['limit']:,} tokens)"
        if f["estimated_cost_usd"] is not None:
            text += (
                f" ≈ {format_usd(f['estimated_cost_usd'])} at ${f['price_per_1m']:,.2f} per 1M "
                f"training tokens for {self.model} ({self.price_source})"
            )
        else:
            text += (
                f"; no training price known for {self.model} (set "
                "[tool.ftlint.rules.token-cost] price-per-1m)"
            )
        text += f"; {ACCURACY_NOTE}"
        yield Diagnostic(self.code, self.name, Severity.INFO, text, Location(path=path))

    def summary(self) -> dict[str, Any]:
        if not self.total and not self.valid_examples:
            return {}
        return self.figures()


class TokenCost(_TokenRule):
    """## What it does
    Adds up the tokens of the training file and estimates what the fine-tuning job costs:
    billed tokens = the sum over examples of min(training limit, tokens) × epochs, times the
    model's price per 1M training tokens. Epochs come from `--n-epochs`, else from OpenAI's
    automatic rule as published in its cookbook (3 epochs, moved so that examples × epochs
    stays between 100 and 25,000, within 1-25). The report's summary carries the figures and
    the distribution (min, p5, median, p95, max) of total tokens, trained tokens (assistant
    messages whose `weight` is not 0) and messages per example; the text report draws a
    histogram. Data that `prepare` converts for the model (prompt/completion or a community
    format for a chat model, `--map` renames, the `system` setting) is counted as converted,
    so the figures are those of the file `prepare` writes.

    ## Why is this bad?
    It is not a problem: it is the figure to know before paying. A surprising total usually
    points at a few huge examples or an unexpected number of epochs.

    ## Example
    `FT702 1,000 examples, 412,000 tokens (165,000 trained, o200k_base); billed ≈ 412,000
    tokens per epoch × 3 epochs (automatic) = 1,236,000 tokens ≈ $6.18 at $5.00 per 1M
    training tokens`.

    ## Fix safety
    No fix. Counting is an estimate of OpenAI's count, with the cookbook's formula: 3 tokens
    of framing per message plus its role and content (the chat format
    `<|im_start|>role<|im_sep|>content<|im_end|>`, which users have matched exactly with the
    training tokens OpenAI reports), 1 more per `name`, and 3 per example for reply priming
    that OpenAI may not bill, so a plain chat example can come out up to 3 tokens high (1% of
    a 300-token example). Tool definitions use the cookbook's empirical constants and may be a
    few tokens off each; images are not counted. Validation examples are counted apart and
    not billed. Prices come from the target table
    (`ftlint/targets/openai.toml`, with its date); override with
    `[tool.ftlint.rules.token-cost] price-per-1m = 3.0` and set the epochs with `--n-epochs`
    or `n-epochs = 4` in the same table.
    """

    code = "FT702"
    name = "token-cost"
    scope = Scope.DATASET
    severity = Severity.INFO

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        epochs = context.settings.get("n_epochs") or self.options.get("n-epochs")
        self.epochs_setting: int | None = int(epochs) if epochs else None
        price = self.options.get("price-per-1m")
        if price is not None:
            self.price: float | None = float(price)
            self.price_source = "price-per-1m from the configuration"
        else:
            self.price = self.model_info.train_price_per_1m if self.model_info else None
            date = context.target.prices_date
            self.price_source = f"{context.target.name} price table" + (
                f" of {date}" if date else ""
            )

    def accumulator(self) -> Accumulator:
        return _CostAccumulator(self)


def _epochs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= MAX_EPOCHS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_EPOCHS}, got {value}")
    return value


@hookimpl
def ftlint_add_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("tokens and cost")
    group.add_argument(
        "--n-epochs",
        type=_epochs,
        metavar="N",
        help="epochs for the cost estimate (default: the provider's automatic choice)",
    )


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    return [ExampleTooLong, TokenCost]
