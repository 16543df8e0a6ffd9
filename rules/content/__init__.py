"""Content rules (FT5xx): what is wrong inside the texts themselves, whatever the record's shape.

Control characters, characters lost or garbled by a wrong decoding, special tokens and
chat-template markers written as text, whitespace around the assistant's answers, and template
placeholders that were never filled in. Every text of a record (message contents, prompt,
completion, the fields of community formats) is read once per record however many of these
rules run.

One module per rule (``control_characters.py`` for ``ControlCharacters``, and so on): its
documentation, its class, its check and its messages. What several rules share lives in
modules named for what it is: ``texts`` (the record analysis ``texts.scan``, computed once per
record through ``record.analysis``: the record's texts, and one bit for each problem they may
have), ``base`` (``TextRule``, the base of the record rules, and the excerpts of their
messages), ``controls`` (what a control character is, and how the fixes remove them) and
``encoding`` (what mojibake looks like, and ftfy's repair). Each check starts with a cheap test
(``"<|" in text``, ``text.isascii()``, one compiled regex) so that clean text costs almost
nothing; ``ftfy`` is imported only when a text looks like mojibake. The record rules share the
``group`` ``content-texts``: the engine runs them as one step, and skips it on a record whose
texts raise no suspicion (``TextRule.quiet``), which is most records. ``WhitespacePadding`` is
a dataset rule: one notice and one fix for the whole file.
"""

from __future__ import annotations

from ftlint import Rule, hookimpl


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    # Imported here: loading the plugin costs nothing until the rules are asked for.
    from ftlint.rules.content.control_characters import ControlCharacters
    from ftlint.rules.content.mojibake import Mojibake
    from ftlint.rules.content.replacement_character import ReplacementCharacter
    from ftlint.rules.content.special_token import SpecialToken
    from ftlint.rules.content.template_placeholder import TemplatePlaceholder
    from ftlint.rules.content.whitespace_padding import WhitespacePadding

    # In this order (a group runs as one step of consecutive rules; reports list them so).
    return [
        ControlCharacters,
        ReplacementCharacter,
        Mojibake,
        SpecialToken,
        WhitespacePadding,
        TemplatePlaceholder,
    ]
