"""Rules of the example plugin. Codes use the plugin's own prefix (EX), never FT."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from ftlint import (
    Applicability,
    Diagnostic,
    DropRecord,
    Fix,
    Record,
    Rule,
    RuleContext,
    Scope,
    Severity,
)

#: Openings that teach a model to apologise or disclaim instead of answering.
DEFAULT_PHRASES = (
    "I'm sorry",
    "I am sorry",
    "I apologize",
    "I apologise",
    "As an AI",
    "As a language model",
    "As an AI language model",
)


def _assistant_texts(data: Any) -> Iterator[tuple[str, str]]:
    """``(json_pointer, text)`` of every assistant answer: chat messages with role
    ``assistant`` (string content or text parts) and the ``completion`` of a
    prompt/completion example. Anything of another type is skipped, never an error."""
    if not isinstance(data, dict):
        return
    messages = data.get("messages")
    if isinstance(messages, list):
        for i, message in enumerate(messages):
            if not isinstance(message, dict) or message.get("role") != "assistant":
                continue
            content = message.get("content")
            if isinstance(content, str):
                yield f"/messages/{i}/content", content
            elif isinstance(content, list):
                for j, part in enumerate(content):
                    if isinstance(part, dict) and isinstance(part.get("text"), str):
                        yield f"/messages/{i}/content/{j}/text", part["text"]
    completion = data.get("completion")
    if isinstance(completion, str):
        yield "/completion", completion


class AssistantApology(Rule):
    """## What it does
    Reports an assistant answer that opens with an apology or a disclaimer such as
    "I'm sorry", "I apologize" or "As an AI language model".

    ## Why is this bad?
    Fine-tuning copies style. A few answers that start by apologising or disclaiming teach
    the model to hedge and refuse where it should answer; such answers are often left over
    from data generated with another chatbot.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Where is my invoice?"},
                  {"role": "assistant", "content": "I'm sorry, as an AI I cannot ..."}]}
    ```
    The phrases can be changed in configuration:
    ```toml
    [tool.ftlint.rules.assistant-apology]
    phrases = ["I'm sorry", "Unfortunately"]
    ```

    ## Fix safety
    Unsafe: the fix drops the whole example (`--unsafe-fixes`); rewriting the answer is a
    job for a person. The dropped example is listed in the report.
    """

    code = "EX100"
    name = "assistant-apology"
    scope = Scope.RECORD
    severity = Severity.WARNING
    fix_applicability = Applicability.UNSAFE
    default_options: ClassVar[dict[str, Any]] = {"phrases": list(DEFAULT_PHRASES)}

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        phrases = self.options.get("phrases")
        if not isinstance(phrases, list):
            phrases = list(DEFAULT_PHRASES)
        # Compare case-insensitively and accept the typographic apostrophe too.
        self.phrases = tuple(
            str(p).replace("\u2019", "'").casefold() for p in phrases if str(p).strip()
        )

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        for pointer, text in _assistant_texts(record.data):
            opening = text.lstrip().replace("\u2019", "'").casefold()
            phrase = next((p for p in self.phrases if opening.startswith(p)), None)
            if phrase is None:
                continue
            yield self.diagnostic(
                f"assistant answer opens with {text.lstrip()[: len(phrase)]!r}",
                record.location.at(field=pointer),
                fix=Fix.unsafe(
                    "drop this example", DropRecord("assistant answer opens with an apology")
                ),
            )
            return  # one report per example is enough
