"""Prompt/completion rules (FT4xx): every check of the legacy ``openai tools
fine_tunes.prepare_data`` (openai-python 0.28, ``validators.py``), with locations, streaming
accumulators and fixes.

The legacy tool loaded the whole file into a DataFrame. Here every dataset rule folds what it
needs into a small accumulator: a common suffix or prefix (folded one prompt at a time), a few
candidate flags ("does any prompt contain ``\\n\\n###\\n\\n``?"), letter counts, and a bounded
table of completions for classification. Merging two accumulators gives exactly the result of
one pass over both parts.

Which records: prompt/completion records (JSONL with that shape, and rows of CSV/TSV/XLSX files,
which readers map to ``prompt``/``completion``). The separator, stop-sequence and leading-space
rules only matter when the model trains on prompt/completion (babbage-002, davinci-002); with a
chat model the rows become user/assistant messages, those rules stay silent, and
``LegacySeparators`` reports the separator and stop sequence the data still carries. Records
whose completion is empty are reported by ``EmptyCompletion`` and left out of every dataset
figure, as the legacy tool removed them before its other checks.

One module per rule, with its accumulator (a ``Stats`` subclass: what it folds, how it merges,
what it concludes). What several rules share lives in modules named for what it is:
``features`` (the record analyses: a record's prompt and completion, computed once per record
through ``record.analysis``), ``base`` (the ``LegacyRule`` and ``Stats`` bases and the shared
figures: common endings and beginnings, classes), ``affixes`` (common suffixes and prefixes),
``markers`` (the legacy separators and stop sequences) and ``edits`` (the dataset-wide text
edit of the fixes). These rules use no ``group``: all but one are dataset rules, whose
per-record step is the accumulator's fold.
"""

from __future__ import annotations

from ftlint import Rule, hookimpl


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    # Imported here: loading the plugin costs nothing until the rules are asked for.
    from ftlint.rules.legacy.class_imbalance import ClassImbalance
    from ftlint.rules.legacy.classification_detected import ClassificationDetected
    from ftlint.rules.legacy.common_completion_prefix import CommonCompletionPrefix
    from ftlint.rules.legacy.common_prompt_prefix import CommonPromptPrefix
    from ftlint.rules.legacy.completion_leading_space import CompletionLeadingSpace
    from ftlint.rules.legacy.empty_completion import EmptyCompletion
    from ftlint.rules.legacy.identical_completions import IdenticalCompletions
    from ftlint.rules.legacy.identical_prompts import IdenticalPrompts
    from ftlint.rules.legacy.legacy_separators import LegacySeparators
    from ftlint.rules.legacy.missing_prompt_separator import MissingPromptSeparator
    from ftlint.rules.legacy.missing_stop_sequence import MissingStopSequence
    from ftlint.rules.legacy.mostly_uppercase import MostlyUppercase
    from ftlint.rules.legacy.separator_in_prompt import SeparatorInPrompt

    return [
        EmptyCompletion, MissingPromptSeparator, SeparatorInPrompt, MissingStopSequence,
        CompletionLeadingSpace, CommonPromptPrefix, CommonCompletionPrefix, MostlyUppercase,
        IdenticalPrompts, IdenticalCompletions, ClassificationDetected, ClassImbalance,
        LegacySeparators,
    ]  # fmt: skip
