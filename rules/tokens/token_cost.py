"""FT702: the tokens of the training file and what the fine-tuning job costs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ftlint.rules.tokens.base import TokenRule
from ftlint.rules.tokens.statistics import TokenStats, distribution, histogram

from ftlint import Accumulator, Diagnostic, Location, RuleContext, Scope, Severity, format_usd

# The provider's automatic epochs (cookbook notebook "Data preparation and analysis for chat
# model fine-tuning"): 3 epochs, moved so that 100 <= examples x epochs <= 25,000, within 1-25.
TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25_000
MIN_DEFAULT_EPOCHS = 1
MAX_DEFAULT_EPOCHS = 25


def _for_target(value: Any, target: str) -> Any:
    """A token-cost option: one value for every target, or a table by target name."""
    if isinstance(value, dict):
        return value.get(target)
    return value


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


class _CostAccumulator(TokenStats):
    """The columns, and from them the figures of the job: tokens, epochs, billed tokens,
    cost."""

    def __init__(self, rule: TokenCost) -> None:
        super().__init__(rule.encoding_name, rule.planner)
        self.model = rule.model_name
        self.limit = rule.limit
        self.epochs_setting = rule.epochs_setting
        self.default_epochs = rule.default_epochs
        self.epochs_how = rule.epochs_how
        self.target = rule.context.target.name
        self.price = rule.price
        self.price_source = rule.price_source
        self.code, self.name = rule.code, rule.name
        counter = rule.counter
        self.tokenizer = rule.encoding_name
        self.exact = rule.exact
        self.accuracy = getattr(counter, "accuracy", "")
        self.label = getattr(counter, "label", rule.encoding_name)
        self._figures: dict[str, Any] | None = None

    def figures(self) -> dict[str, Any]:
        if self._figures is not None:
            return self._figures
        self.settle()
        examples = len(self.total)
        total = sum(self.total)
        limit = self.limit
        billed_per_epoch = sum(min(limit, t) for t in self.total) if limit else total
        epochs: int | None
        if self.epochs_setting is not None:
            epochs, source = self.epochs_setting, "n_epochs"
        elif self.default_epochs == "auto":
            epochs, source = automatic_epochs(examples), "automatic"
        elif isinstance(self.default_epochs, int):
            epochs, source = self.default_epochs, "default"
        else:
            epochs, source = None, "not published"
        billed = None if epochs is None else billed_per_epoch * epochs
        cost = (
            None
            if self.price is None or billed is None
            else round(billed / 1_000_000 * self.price, 4)
        )
        tokens: dict[str, Any] = {
            "total": total,
            "trained": sum(self.trained),
            "max_example": max(self.total, default=0),
            "encoding": self.label,
            "tokenizer": self.tokenizer,
            "exact": self.exact,
            "accuracy": self.accuracy,
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
            "epochs_rule": self.epochs_how,
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
        self.settle()
        path = self.paths.get("train")
        if path is None or not self.total:
            return
        f = self.figures()
        tokens = f["tokens"]
        epochs = f["epochs"]
        how = {
            "n_epochs": "set with n_epochs",
            "automatic": "automatic",
            "default": f"{self.target}'s default",
        }.get(f["epochs_source"], f["epochs_source"])
        about = "" if self.exact else "≈ "
        text = (
            f"{f['examples']:,} example{'s' if f['examples'] != 1 else ''}, "
            f"{about}{tokens['total']:,} tokens ({tokens['trained']:,} "
            f"trained, {tokens['encoding']}); billed ≈ {tokens['billed_per_epoch']:,} tokens "
            "per epoch"
        )
        if epochs is not None:
            text += (
                f" × {epochs} epoch{'s' if epochs != 1 else ''} ({how}) "
                f"= {f['billed_tokens']:,} tokens"
            )
        if tokens["limit"] and tokens["billed_per_epoch"] != tokens["total"]:
            text += f" (examples capped at {tokens['limit']:,} tokens)"
        if epochs is None:
            text += (
                f"; no published default number of epochs for {self.target} (set --n-epochs, "
                "or [tool.ftlint.rules.token-cost] n-epochs, for the total)"
            )
        if f["estimated_cost_usd"] is not None:
            text += (
                f" ≈ {format_usd(f['estimated_cost_usd'])} at ${f['price_per_1m']:,.2f} per 1M "
                f"training tokens for {self.model} ({self.price_source})"
            )
        elif self.price is None:
            text += (
                f"; no published price for {self.model} on {self.target}, so no dollar figure "
                "(set [tool.ftlint.rules.token-cost] price-per-1m)"
            )
        text += f"; {self.accuracy}" if self.accuracy else ""
        yield Diagnostic(self.code, self.name, Severity.INFO, text, Location(path=path))

    def summary(self) -> dict[str, Any]:
        self.settle()
        if not self.total and not self.valid_examples:
            return {}
        return self.figures()


class TokenCost(TokenRule):
    """## What it does
    Adds up the tokens of the training file and estimates what the fine-tuning job costs: billed
    tokens = the sum over examples of min(training limit, tokens) × epochs, times the model's
    price per 1M training tokens. Epochs come from `--n-epochs`, else from the target's profile
    (`default_epochs`, with its source): OpenAI and Azure OpenAI use OpenAI's automatic rule as
    published in its cookbook (3 epochs, moved so that examples × epochs stays between 100 and
    25,000, within 1-25), Together 1 (its client's default), Bedrock 2 (Nova's `epochCount`
    default), `hf` 3 (transformers' `num_train_epochs`); where the provider publishes no default
    (Fireworks, Mistral, Vertex AI) the figure stops at the tokens per epoch and says so. A
    target without a published price gets no dollar figure. In a run over several targets each
    target has its own figures. The report's summary carries the figures and the distribution
    (min, p5, median, p95, max) of total tokens, trained tokens (assistant messages whose
    `weight` is not 0) and messages per example; the text report draws a histogram. Data that
    `prepare` converts for the model (prompt/completion or a community format for a chat model,
    `--map` renames, the `system` setting) is counted as converted, so the figures are those of
    the file `prepare` writes.

    ## Why is this bad?
    It is not a problem: it is the figure to know before paying. A surprising total usually
    points at a few huge examples or an unexpected number of epochs.

    ## Example
    `FT702 1,000 examples, 412,000 tokens (165,000 trained, o200k_base); billed ≈ 412,000
    tokens per epoch × 3 epochs (automatic) = 1,236,000 tokens ≈ $6.18 at $5.00 per 1M
    training tokens`.

    ## Fix safety
    No fix. Tokens are counted with the target's tokenizer (`mistral:` Mistral's instruct
    encoding, `hf` the `--tokenizer`'s chat template, `estimate:` characters / 4 for Gemini and
    Nova, marked "≈" with its accuracy; see the README's "Tokenizers and sequence length").
    For OpenAI, counting is an estimate of OpenAI's count, with the cookbook's formula: 3 tokens
    of framing per message plus its role and content (the chat format
    `<|im_start|>role<|im_sep|>content<|im_end|>`, which users have matched exactly with the
    training tokens OpenAI reports), 1 more per `name`, and 3 per example for reply priming
    that OpenAI may not bill, so a plain chat example can come out up to 3 tokens high (1% of
    a 300-token example). Tool definitions use the cookbook's empirical constants and may be a
    few tokens off each; images are not counted. Validation examples are counted apart and
    not billed. Prices come from the target's table (`ftlint/targets/openai.toml`, with its
    date); override with `[tool.ftlint.rules.token-cost] price-per-1m = 3.0` and set the
    epochs with `--n-epochs` or `n-epochs = 4` in the same table, for every target, or per
    target with a table: `price-per-1m = {together = 3.0}`, `n-epochs = {mistral = 2}`.
    """

    code = "FT702"
    name = "token-cost"
    scope = Scope.DATASET
    severity = Severity.INFO

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        target = context.target
        epochs = context.settings.get("n_epochs") or _for_target(
            self.options.get("n-epochs"), target.name
        )
        self.epochs_setting: int | None = int(epochs) if epochs else None
        model_epochs = self.model_info.default_epochs if self.model_info else None
        self.default_epochs: int | str | None = (
            model_epochs if model_epochs is not None else target.default_epochs
        )
        self.epochs_how = target.epochs_source
        price = _for_target(self.options.get("price-per-1m"), target.name)
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
