"""Record shapes against the chosen model, and the conversions ``prepare`` makes (FT3xx).

Every record gets a *plan* (``ftlint.conversion.plan_of``, a shared record analysis): its
shape (after ``--map`` renames, for JSON files), the shape the model needs, and, when they
differ, the converted record or why it cannot be converted. Four rules read the plans, one
module each:

- ``UnknownFormat`` (record): a record of no known shape;
- ``MixedFormats`` (dataset): one file holding several shapes;
- ``FormatModelMismatch`` (dataset): native records (chat, prompt/completion, preference)
  that the model does not train on;
- ``CommunityFormat`` (dataset): Alpaca, ShareGPT, chosen/rejected pairs, self-instruct
  tasks and ``--map``-renamed records, which the API does not accept as they are.

``base`` holds what all four share (the run's planner and model), ``conversions`` the
accumulator of the last two.

The record-format rules (FT940-FT952, ``writing`` holds what they share) check records in a
provider's own format (Gemini, Nova, TRL, Together, Fireworks, Mistral), and report what
``prepare`` writes in the target's format (``Target.write_format``), what that loses and what
it cannot hold. Conversions are dataset-wide ``TransformRecords`` fixes (one per
file and kind, applied by ``prepare`` without ``--fix`` when lossless), so that they run
after every per-record fix and never fight over pointers; records that cannot be converted
get their own error, with an unsafe fix that leaves them out. A conversion never mutates its
input and is idempotent: a converted record is in the model's shape, so it is left alone the
next time.
"""

from __future__ import annotations

from ftlint import Rule, hookimpl


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    # Imported here: loading the plugin costs nothing until the rules are asked for.
    from ftlint.rules.formats.community_format import CommunityFormat
    from ftlint.rules.formats.format_conversion_loss import FormatConversionLoss
    from ftlint.rules.formats.format_model_mismatch import FormatModelMismatch
    from ftlint.rules.formats.invalid_fireworks_record import InvalidFireworksRecord
    from ftlint.rules.formats.invalid_gemini_record import InvalidGeminiRecord
    from ftlint.rules.formats.invalid_mistral_record import InvalidMistralRecord
    from ftlint.rules.formats.invalid_nova_record import InvalidNovaRecord
    from ftlint.rules.formats.invalid_together_record import InvalidTogetherRecord
    from ftlint.rules.formats.invalid_trl_record import InvalidTrlRecord
    from ftlint.rules.formats.mistral_tool_call_id import MistralToolCallId
    from ftlint.rules.formats.mixed_formats import MixedFormats
    from ftlint.rules.formats.nova_reserved_string import NovaReservedString
    from ftlint.rules.formats.target_format import TargetFormat
    from ftlint.rules.formats.unknown_format import UnknownFormat
    from ftlint.rules.formats.unwritable_record import UnwritableRecord

    return [
        UnknownFormat, MixedFormats, FormatModelMismatch, CommunityFormat, InvalidGeminiRecord,
        InvalidNovaRecord, NovaReservedString, InvalidTrlRecord, InvalidTogetherRecord,
        InvalidFireworksRecord, InvalidMistralRecord, MistralToolCallId, TargetFormat,
        FormatConversionLoss, UnwritableRecord,
    ]  # fmt: skip
