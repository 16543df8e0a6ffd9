"""FT951: what writing the records in the target's format leaves out (a weight, a tool call
id, a speaker name ...): written without it, and reported."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.formats.writing import WriterRule, Written, plural

from ftlint import Accumulator, Diagnostic, Scope, Severity


class FormatConversionLoss(WriterRule):
    """## What it does
    Reports, once per file and kind of loss, what the target's record format cannot hold of
    the records `prepare` writes in it, with the count and the first record: a message `weight`
    other than 1 (Gemini and Nova train on every assistant turn), tool call ids (Gemini pairs a
    function response with its call by name), a speaker `name`, keys the format has no place
    for, assistant turns in a TRL prompt that a prompt-completion example does not train on.

    ## Why is this bad?
    The written file says less than the input: a weight-0 turn that was meant to be left out of
    training is trained on; what was lost cannot be recovered from the output.

    ## Example
    `{"messages": [..., {"role": "assistant", "content": "draft", "weight": 0}, ...]}` prepared
    with `--target vertex`.

    ## Fix safety
    No fix of its own: the conversion is `target-format`'s. Drop or rewrite what the format
    cannot hold, or choose a target whose format keeps it (OpenAI, Mistral, Together and
    Fireworks keep message weights).
    """

    code = "FT951"
    name = "format-conversion-loss"
    scope = Scope.DATASET
    severity = Severity.WARNING

    def accumulator(self) -> Accumulator:
        return Written(self)

    def findings(self, written: Written) -> Iterable[Diagnostic]:
        fmt = self.writer.write_format
        for group in written.losses.values():
            yield self.diagnostic(
                f"writing {fmt} for {self.context.target.name} loses something in "
                f"{plural(group.count, 'place')}, the first here: {group.message}",
                group.first,
            )
