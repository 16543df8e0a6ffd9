"""The canonical formats: OpenAI chat, OpenAI preference, prompt/completion, and plain
language-modelling ``text``. Reading and writing them is the identity; their structure is what
the chat, structure and formats rules check already.

Sources (read 2026-12-03): OpenAI's fine-tuning guide (chat ``messages``, DPO ``input`` /
``preferred_output`` / ``non_preferred_output``, legacy ``prompt`` / ``completion``), as cited
in ftlint/targets/openai.toml; the ``text`` record is TRL's standard language-modelling type
(https://huggingface.co/docs/trl/dataset_formats) and Together's generic text format
(https://docs.together.ai/docs/fine-tuning-data-preparation).
"""

from __future__ import annotations

from typing import Any

from ftlint.formats.base import Problem, RecordFormat


class OpenAIChat(RecordFormat):
    name = "openai-chat"
    label = "OpenAI chat"
    shape = "chat"
    family = "openai"
    source = "https://platform.openai.com/docs/guides/supervised-fine-tuning (read 2026-12-03)"


class OpenAIPreference(RecordFormat):
    name = "openai-preference"
    label = "OpenAI preference"
    shape = "preference"
    family = "openai"
    source = (
        "https://platform.openai.com/docs/guides/direct-preference-optimization (read 2026-12-03)"
    )


class PromptCompletion(RecordFormat):
    name = "prompt-completion"
    label = "prompt/completion"
    shape = "prompt-completion"
    family = "openai"
    source = "https://platform.openai.com/docs/guides/legacy-fine-tuning (read 2026-12-03)"


class Text(RecordFormat):
    name = "text"
    label = "text"
    shape = "text"
    family = "text"
    source = "https://huggingface.co/docs/trl/dataset_formats (read 2026-12-03)"

    def check(self, data: Any) -> list[Problem]:
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            return [Problem("/text", 'a text record is {"text": "..."} with a string')]
        return []


OPENAI_CHAT = OpenAIChat()
OPENAI_PREFERENCE = OpenAIPreference()
PROMPT_COMPLETION = PromptCompletion()
TEXT = Text()
