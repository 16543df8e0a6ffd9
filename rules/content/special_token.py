"""FT504 special-token: `<|endoftext|>`, `<|im_end|>` and other chat-template markers in a text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ftlint.rules.content.base import TextRule, snippet
from ftlint.rules.content.controls import remove_controls
from ftlint.rules.content.encoding import repaired
from ftlint.rules.content.texts import SPECIAL, record_texts, suspects

from ftlint import Applicability, Diagnostic, Fix, Record, RuleContext, SetValue, Severity

#: Tokens OpenAI's tokenizers reserve: the API refuses training text containing them.
OPENAI_SPECIAL = frozenset(
    {"endoftext", "endofprompt", "fim_prefix", "fim_middle", "fim_suffix", "im_start", "im_end",
     "im_sep"}
)  # fmt: skip
#: ``<|name|>`` (GPT, ChatML, Llama 3, Phi ...) and Gemma's turn markers.
SPECIAL_RE = re.compile(r"<\|([A-Za-z_][A-Za-z0-9_]{1,40})\|>|<(?:start|end)_of_turn>")


def without_tokens(text: str) -> str:
    """``text`` without special tokens and control characters, removed until none is left:
    removing one can join the pieces of another."""
    while True:
        fixed = remove_controls(SPECIAL_RE.sub("", text))
        if fixed == text:
            return fixed
        text = fixed


class SpecialToken(TextRule):
    """## What it does
    Finds special tokens written as text: `<|endoftext|>`, `<|im_start|>`, `<|im_end|>`,
    `<|fim_prefix|>` and the other `<|name|>` markers, and Gemma's `<start_of_turn>`.

    ## Why is this bad?
    OpenAI's tokenizers reserve `<|endoftext|>`, `<|endofprompt|>`, `<|fim_*|>` and the
    ChatML markers: OpenAI's fine-tuning API refuses training data that contains them, and
    on other targets a trainer that tokenizes with the model's own tokenizer (Hugging Face
    tokenizers match special tokens in the text by default) may read them as the control
    tokens they stand for (error).
    The control tokens of the checked model's own chat format (its profile's
    `special_tokens`: gpt-oss's harmony `<|start|>`, `<|message|>`, `<|channel|>` ... on
    Together) are errors too: its tokenizer reads them as those tokens, so a turn ends or a
    channel switches in the middle of the text. Other `<|...|>` markers are another model
    family's chat template leaking into the text (warning): the model learns to write them.

    ## Example
    `{"role": "assistant", "content": "Sure!<|im_end|>"}`

    ## Fix safety
    Unsafe: the markers are removed, which can leave the remains of a chat template (role
    names, line breaks) in the text; read the result. Markers that the removal joins
    (`<|im_<|endoftext|>start|>`) are removed too, so that a second run finds none. Fixes of
    one text replace it whole, so this one also makes the repairs of `ControlCharacters` and
    `Mojibake` on the same text, which it would otherwise undo.
    """

    code = "FT504"
    name = "special-token"
    severity = Severity.ERROR
    fix_applicability = Applicability.UNSAFE
    provider_error = r"invalid token|special token|<\|[a-z_]+\|>"
    #: The model's own control tokens (its profile's ``special_tokens``) are errors for it.
    target_dependent = True

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        info = context.target.model(context.model)
        self.model_name = info.name if info is not None else context.model
        #: The checked model's own chat-format tokens (gpt-oss's harmony markers).
        self.model_tokens = frozenset(info.special_tokens) if info is not None else frozenset()

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        # Not a generator: a clean record (nearly all) costs one bit test.
        return self._findings(record) if suspects(record) & SPECIAL else ()

    def _findings(self, record: Record) -> Iterator[Diagnostic]:
        for field, _role, text in record_texts(record):
            if "<|" not in text and "_of_turn>" not in text:
                continue
            matches = list(SPECIAL_RE.finditer(text))
            if not matches:
                continue
            found = [m.group() for m in matches]
            names = {m.strip("<|>") for m in found}
            reserved = names & OPENAI_SPECIAL
            own = [t for t in dict.fromkeys(found) if t in self.model_tokens]
            listed = ", ".join(f"`{t}`" for t in dict.fromkeys(found))
            if own:
                one = len(own) == 1
                why = (
                    f"{', '.join(f'`{t}`' for t in own)} "
                    f"{'is a control token' if one else 'are control tokens'} of "
                    f"{self.model_name}'s own chat format: its tokenizer reads "
                    f"{'it as that token' if one else 'them as those tokens'}, not as text, "
                    "and the model learns to end or switch turns there"
                )
            elif reserved:
                why = (
                    "OpenAI's tokenizers reserve these tokens: OpenAI rejects training data "
                    "containing them, and a trainer that tokenizes with the model's own "
                    "tokenizer may read them as control tokens"
                )
            else:
                why = "a chat-template marker of another model; the model would learn to write it"
            yield self.diagnostic(
                f"special token{'' if len(set(found)) == 1 else 's'} {listed} in the text: {why}",
                record.location.at(field=field),
                fix=Fix.unsafe(
                    "remove the special tokens",
                    SetValue(field, without_tokens(repaired(text))),
                ),
                severity=Severity.ERROR if reserved or own else Severity.WARNING,
                excerpt=snippet(text, matches[0].start(), matches[0].end(), 40),
            )
