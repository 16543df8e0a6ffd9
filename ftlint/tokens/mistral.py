"""``mistral:<version>``: token counts with Mistral's own tokenizer and instruct encoding.

``mistral-common`` (the extra ``ftlint[mistral]``) ships Mistral's tokenizer files in its
wheel, so nothing is downloaded. Each example is encoded as Mistral encodes a chat request
(``MistralTokenizer.encode_chat_completion`` in fine-tuning validation mode, where the last
message is the assistant's): the total is the length of that encoding, control tokens
(``<s>``, ``[INST]``, ``[/INST]``, ``[TOOL_CALLS]``, ``</s>`` ...) included. The trained tokens
are those of the assistant messages as the instruct tokenizer encodes them
(``encode_assistant_message``: the answer or its tool calls, and the closing ``</s>``), for
assistant messages whose ``weight`` is not 0 (consecutive assistant messages, which Mistral's
request normalizer joins into one, count as trained when any of them is).

An example that mistral-common refuses to encode (a conversation that does not end with the
assistant, a tool call without an id ...; the format rules report those) is counted as its
texts through the same tokenizer plus one ``<s>``, ``[INST]``/``[/INST]`` per user message
and ``</s>`` per assistant message, the framing of the plain instruct format.

Arguments of the scheme: a version, ``v1``, ``v2``, ``v3`` (SentencePiece), ``v3-tekken``
(Tekken, Mistral NeMo / Ministral 8B / Mistral Small 24.09), ``v3-tekken-mm`` (Pixtral),
``v7`` and ``v7-mm`` (Mistral Large 24.11, Pixtral Large); a model name of ``MODELS``; or
the path of a tokenizer file (``tekken.json`` or ``tokenizer.model.v*`` from a model's
repository) for newer models. ``mistral-small-latest`` and ``codestral-latest`` are counted
with the shipped Tekken and marked approximate: their current tokenizers are not in the wheel.
"""

from __future__ import annotations

from array import array
from pathlib import Path
from typing import Any

from ftlint.config import ConfigError
from ftlint.tokens.base import CounterBase, import_extra
from ftlint.tokens.chat import CONVERSATION, PAIR, PLAIN, TEXT, Rendering, rendering, trained
from ftlint.tokens.figures import ExampleTokens
from ftlint.tokens.sequence import Runs, common_prefix, runs_of_ids

#: Version names and the file of mistral-common's ``data`` folder each loads.
VERSIONS = {
    "v1": "tokenizer.model.v1",
    "v2": "mistral_instruct_tokenizer_240216.model.v2",
    "v3": "mistral_instruct_tokenizer_240323.model.v3",
    "v3-tekken": "tekken_240718.json",
    "tekken": "tekken_240718.json",
    "v3-tekken-mm": "tekken_240911.json",
    "v7": "mistral_instruct_tokenizer_241114.model.v7",
    "v7-mm": "mistral_instruct_tokenizer_241114.model.v7m1",
}

#: Mistral's model names and the version of the wheel's tokenizer each was released with
#: (mistral-common's own table of model names, ``MODEL_NAME_TO_TOKENIZER_CLS``, read
#: 2026-12-03), and the ``-latest`` aliases of the fine-tunable models: True when that file is
#: the model's own tokenizer, False when the model's current release uses a newer Tekken file
#: the wheel does not ship (then the count is an approximation with the shipped Tekken).
MODELS: dict[str, tuple[str, bool]] = {
    "open-mistral-nemo": ("v3-tekken", True),
    "open-mistral-nemo-2407": ("v3-tekken", True),
    "ministral-8b-latest": ("v3-tekken", True),
    "ministral-8b-2410": ("v3-tekken", True),
    "mistral-small-2409": ("v3-tekken", True),
    "pixtral-12b-2409": ("v3-tekken-mm", True),
    "mistral-tiny-2312": ("v2", True),
    "mistral-small-2312": ("v2", True),
    "mistral-small-2402": ("v2", True),
    "mistral-large-2402": ("v2", True),
    "mistral-medium-2312": ("v1", True),
    "mistral-tiny-2407": ("v3", True),
    "open-mixtral-8x22b-2404": ("v3", True),
    "mistral-large-2407": ("v3", True),
    "codestral-2405": ("v3", True),
    "codestral-mamba-2407": ("v3", True),
    "mistral-large-2411": ("v7", True),
    "pixtral-large-2411": ("v7-mm", True),
    # current releases (Mistral Small 3.x, Codestral 25.x) use later Tekken files
    "mistral-small-latest": ("v3-tekken", False),
    "codestral-latest": ("v3-tekken", False),
}


def resolve(argument: str) -> tuple[str, bool]:
    """The version (or file) a ``mistral:`` argument loads, and whether it is the model's
    own tokenizer (False: the closest tokenizer the wheel ships, an approximation)."""
    name = argument.lower()
    if name in MODELS:
        return MODELS[name]
    return argument, True


ACCURACY = (
    "exact: Mistral's instruct encoding (mistral-common), control tokens included; "
    "trained = assistant messages with their </s>"
)


def _tokenizer_file(version: str) -> Path:
    """The tokenizer file of a version name, or the file the argument names."""
    module = import_extra(
        "mistral_common", "mistral", f"counting tokens with Mistral's tokenizer ({version})"
    )
    data = Path(module.__file__).parent / "data"
    name = VERSIONS.get(version.lower())
    if name is not None:
        return data / name
    path = Path(version).expanduser()
    if path.is_file():
        return path
    known = ", ".join(VERSIONS)
    raise ConfigError(
        f"unknown Mistral tokenizer {version!r}: expected one of {known}, or the path of a "
        "tokenizer file (tekken.json, tokenizer.model.v3 ...)"
    )


def _content(message: dict) -> dict:
    """A message as mistral-common's OpenAI converter takes it (no ``weight``)."""
    out = {k: v for k, v in message.items() if k != "weight"}
    if message.get("tool_calls") and not message.get("content"):
        out.pop("content", None)  # OpenAI writes "" or null beside tool calls; Mistral none
    return out


class MistralCounter(CounterBase):
    """Counts examples with one Mistral tokenizer (see the module docstring)."""

    exact = True
    accuracy = ACCURACY

    def __init__(self, argument: str) -> None:
        version, own = resolve(argument)
        path = _tokenizer_file(version)
        tokenizers = import_extra("mistral_common.tokens.tokenizers.mistral", "mistral", "Mistral")
        validator = import_extra("mistral_common.protocol.instruct.validator", "mistral", "Mistral")
        request = import_extra("mistral_common.protocol.instruct.request", "mistral", "Mistral")
        messages = import_extra("mistral_common.protocol.instruct.messages", "mistral", "Mistral")
        if path.suffix != ".json":  # SentencePiece files need mistral-common's extra
            import_extra("sentencepiece", "mistral", f"Mistral's {version} tokenizer")
        try:
            self._mistral = tokenizers.MistralTokenizer.from_file(
                str(path), mode=validator.ValidationMode.finetuning
            )
        except Exception as exc:  # a file that is not a Mistral tokenizer
            raise ConfigError(f"cannot load the Mistral tokenizer {path}: {exc}") from None
        self._request = request.ChatCompletionRequest
        self._assistant = messages.AssistantMessage
        self._instruct = self._mistral.instruct_tokenizer
        self._raw = self._instruct.tokenizer
        self.label = f"mistral {self._raw.version.value} {path.name}"
        self.version = version
        self.exact = own
        if not own:
            self.accuracy = (
                f"approximate: mistral-common does not ship {argument}'s current tokenizer; "
                f"counted with Mistral's instruct encoding and {path.name}, the closest Tekken "
                "it ships (a model file can be named as mistral:<path to tekken.json>)"
            )

    # -- texts --------------------------------------------------------------------------------
    def text(self, value: str) -> int:
        return len(self._raw.encode(value, bos=False, eos=False))

    # -- one conversation ---------------------------------------------------------------------
    def encode(self, messages: list[dict], tools: list[dict] | None) -> tuple[list[int], int]:
        """The token ids of a conversation as Mistral encodes it, and how many of them are
        trained; raises what mistral-common raises for a conversation it refuses."""
        ids, parts = self.encode_parts(messages, tools)
        return ids, sum(map(len, parts))

    def encode_parts(
        self, messages: list[dict], tools: list[dict] | None
    ) -> tuple[list[int], list[list[int]]]:
        """The token ids of a conversation and the encodings of its trained messages."""
        request = self._request.from_openai([_content(m) for m in messages], tools=tools)
        validated = self._mistral._chat_completion_request_validator.validate_request(request)
        instruct = self._mistral._instruct_request_normalizer.from_chat_completion_request(
            validated
        )
        ids = self._instruct.encode_instruct(instruct).tokens
        # Runs of consecutive assistant messages in the input: the normalizer joins each run.
        runs: list[bool] = []
        previous = None
        for message in messages:
            role = message.get("role")
            if role == "assistant":
                if previous == "assistant":
                    runs[-1] = runs[-1] or trained(message)
                else:
                    runs.append(trained(message))
            if role != "system":
                previous = role
        _, last_user = self._instruct.find_first_last_user(instruct)
        parts: list[list[int]] = []
        index = 0
        for i, message in enumerate(instruct.messages):
            if not isinstance(message, self._assistant):
                continue
            learns = runs[index] if index < len(runs) else True
            index += 1
            if learns:
                parts.append(self._assistant_ids(message, i < last_user))
        return ids, parts

    def _assistant_ids(self, message: Any, before_last_user: bool) -> list[int]:
        """The instruct tokenizer's encoding of one assistant message (its signature took a
        ``continue_message`` flag in some mistral-common releases)."""
        encode = self._instruct.encode_assistant_message
        try:
            return encode(message=message, is_before_last_user_message=before_last_user)
        except TypeError:
            return encode(message, before_last_user, False)

    def _fallback(self, messages: list[dict]) -> tuple[int, int]:
        """Texts plus the plain instruct framing, for a conversation Mistral refuses."""
        runs = self._fallback_runs(messages)
        return sum(n for n, _ in runs), sum(n for n, learned in runs if learned)

    def _fallback_runs(self, messages: list[dict]) -> Runs:
        runs: Runs = [(1, False)]  # <s>
        for message in messages:
            n = self.text(message.get("content") or "")
            for call in message.get("tool_calls") or ():
                function = call.get("function") if isinstance(call, dict) else None
                if isinstance(function, dict):
                    n += self.text(str(function.get("name") or ""))
                    n += self.text(str(function.get("arguments") or ""))
            role = message.get("role")
            if role == "user":
                n += 2  # [INST] ... [/INST]
            elif role == "assistant":
                n += 1  # </s>
            runs.append((n, role == "assistant" and trained(message)))
        return runs

    def _runs(self, messages: list[dict], tools: list[dict] | None) -> Runs:
        try:
            ids, parts = self.encode_parts(messages, tools)
        except Exception:  # refused: the fallback's framing
            return self._fallback_runs(messages)
        return runs_of_ids(ids, parts)

    def sequence(self, data: Any) -> Runs:
        """The runs ``(tokens, trained)`` of the example's longest sequence, in order."""
        shown = _conversational(rendering(data))
        if shown.kind == CONVERSATION:
            return self._runs(shown.messages, shown.tools)
        if shown.kind == PAIR:
            both = [
                self._runs(shown.messages + answer, shown.tools)
                for answer in (shown.chosen, shown.rejected)
            ]
            return max(both, key=lambda runs: sum(n for n, _ in runs))
        return [(self.example(data).total, True)]

    def conversation(self, messages: list[dict], tools: list[dict] | None) -> tuple[Any, int]:
        """``(ids, trained)``; on the fallback path ``(total, trained)`` (no ids)."""
        try:
            ids, learned = self.encode(messages, tools)
            return ids, learned
        except Exception:  # mistral-common refuses the structure: count its texts
            total, learned = self._fallback(messages)
            return total, learned

    # -- whole examples -----------------------------------------------------------------------
    def example(self, data: Any) -> Any:
        return self.example_and_tokens(data)[0]

    def example_and_tokens(self, data: Any) -> tuple[Any, bytes]:
        shown = _conversational(rendering(data))
        if shown.kind == CONVERSATION:
            ids, learned = self.conversation(shown.messages, shown.tools)
            total = len(ids) if isinstance(ids, list) else ids
            tokens = array("I", ids).tobytes() if isinstance(ids, list) else b""
            return ExampleTokens(total, learned, total, len(shown.messages)), tokens
        if shown.kind == PAIR:
            chosen, chosen_trained = self.conversation(shown.messages + shown.chosen, shown.tools)
            rejected, rejected_trained = self.conversation(
                shown.messages + shown.rejected, shown.tools
            )
            c = len(chosen) if isinstance(chosen, list) else chosen
            r = len(rejected) if isinstance(rejected, list) else rejected
            shared = common_prefix(chosen, rejected)
            learned = chosen_trained + rejected_trained
            counts = ExampleTokens(c + r - shared, learned, max(c, r), len(shown.messages) + 1)
            return counts, b""
        assert shown.kind == TEXT
        ids = self._raw.encode(shown.text, bos=True, eos=True)
        return ExampleTokens(len(ids), len(ids), len(ids), 1), array("I", ids).tobytes()


def _conversational(shown: Rendering) -> Rendering:
    """A prompt/completion pair as the user and assistant turns Mistral's chat format has."""
    if shown.kind != PLAIN:
        return shown
    return Rendering(
        CONVERSATION,
        messages=[
            {"role": "user", "content": shown.prompt},
            {"role": "assistant", "content": shown.completion},
        ],
    )
