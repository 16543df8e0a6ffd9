"""The canonical form of an example and its 64-bit digests, shared by the dataset rules.

Canonical form: the texts the model is prompted with or trained on (chat messages with their
roles, tool calls; prompt and completion; the input and both answers of a preference pair),
each with its whitespace collapsed, in order. Two records are duplicates when their canonical
forms are equal, whatever their JSON spelling (key order, spacing, escapes).

An example has three digests (``canonical_hashes``): the whole example, its context (what
prompts the answer) and its answer. Exact copies compare the first; conflicting answers
compare the other two. Both ``canonical_hashes`` and ``record_parts`` are record analyses
(``hashes_of(record)``): computed once per record, whichever rule asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import xxhash

from ftlint import Record
from ftlint.shapes import (
    CHAT,
    PREFERENCE,
    PROMPT_COMPLETION,
    SHAREGPT,
    detect_shape,
    json_source,
)

_UNIT = "\x1f"  # between a role and its text
_RECORD = "\x1e"  # between messages


#: Texts longer than this are collapsed piece by piece (``_collapse``).
_PIECE = 1 << 16


def _collapse(text: str) -> str:
    """``" ".join(text.split())`` in bounded memory: ``split`` of a whole text makes one
    string object per word (about 60 bytes for a 5-letter word: a 16 MB answer would take
    a gigabyte), so a long text is split 64 K characters at a time (``_collapsed``)."""
    if len(text) <= _PIECE:
        return " ".join(text.split())
    return "".join(_collapsed(text))


def _collapsed(text: str) -> Iterator[str]:
    """The pieces of ``_collapse(text)``, in order. A piece that ends (or the next one that
    starts) inside a word is glued to the next without a space, exactly where the
    whole-text split would have kept the word whole."""
    if len(text) <= _PIECE:
        yield " ".join(text.split())
        return
    started = False  # whether words came before
    last_space = False  # whether the previous piece ended with whitespace
    for start in range(0, len(text), _PIECE):
        piece = text[start : start + _PIECE]
        words = " ".join(piece.split())
        if words:
            if started:
                yield " " if last_space or piece[0].isspace() else ""
            yield words
            started = True
        last_space = piece[-1].isspace()


def _norm(text: str, collapse: Any = _collapse) -> Any:
    """Collapse runs of whitespace to one space and strip the ends (``str.split`` semantics).
    Most texts need no change, and a few scans find that out faster than a split and a join:
    an ASCII text without two spaces in a row, line breaks, tabs or other ASCII whitespace is
    normal once a space at either end is stripped. (``collapse=_collapsed``: the pieces of a
    text that needs collapsing, for ``_LongUnit``.)"""
    if (
        not text.isascii()
        or "  " in text
        or "\n" in text
        or "\t" in text
        or "\r" in text
        or "\x0b" in text
        or "\x0c" in text
        or "\x1c" in text
        or "\x1d" in text
        or "\x1e" in text
        or "\x1f" in text
    ):
        return collapse(text)
    return text.strip(" ") if text[:1] == " " or text[-1:] == " " else text


class _LongUnit:
    """A canonical unit ``prefix + _norm(text)`` whose text is long (over ``_PIECE``
    characters): hashed piece by piece (``_units_digest``), never built whole, so that a
    16 MB answer costs no normalised copy, no joined example and no UTF-8 copy of those."""

    __slots__ = ("prefix", "text")

    def __init__(self, prefix: str, text: str) -> None:
        self.prefix = prefix
        self.text = text

    def pieces(self) -> Iterator[str]:
        yield self.prefix
        normal = _norm(self.text, _collapsed)
        if isinstance(normal, str):
            yield normal
        else:
            yield from normal


def _blank(text: str) -> bool:
    """Whether ``_norm(text)`` is empty, without normalising."""
    return not text or text.isspace()


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, dict):
                text = part.get("text")
                if isinstance(text, str):
                    parts.append(text)
                else:
                    url = part.get("image_url")
                    if isinstance(url, dict):
                        url = url.get("url")
                    if isinstance(url, str):
                        parts.append(url)
            elif isinstance(part, str):
                parts.append(part)
        return "\n".join(parts)
    return ""


def _calls_text(message: dict) -> str:
    pieces = []
    calls = message.get("tool_calls")
    if isinstance(calls, list):
        for call in calls:
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict):
                pieces.append(f"{function.get('name')}({function.get('arguments')})")
    call = message.get("function_call")
    if isinstance(call, dict):
        pieces.append(f"{call.get('name')}({call.get('arguments')})")
    return " ".join(pieces)


def _message_units(messages: Any) -> list[tuple[str, str]]:
    """``(role, normalised text)`` for every message of a list."""
    units: list[tuple[str, str]] = []
    if not isinstance(messages, list):
        return units
    for message in messages:
        if not isinstance(message, dict):
            continue
        role = message.get("role")
        if not isinstance(role, str):
            role = ""
        content = message.get("content")
        text = content if isinstance(content, str) else _content_text(content)
        if "tool_calls" in message or "function_call" in message:
            calls = _calls_text(message)
            text = f"{text} {calls}" if text else calls
        name = message.get("name")
        if isinstance(name, str):
            role = f"{role}:{name}"
        units.append((role, _norm(text)))
    return units


#: Top-level keys of community formats that hold the answer rather than the prompt.
ANSWER_KEYS = frozenset({"output", "response", "answer", "completion", "chosen", "rejected"})
SHAREGPT_MODEL = frozenset({"gpt", "assistant", "model", "chatgpt", "bot"})


def _strings(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{pointer}/{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{pointer}/{i}")


def _split_at_last(units: list[tuple[str, str]], is_answer: Any) -> tuple[list, list]:
    last = max((i for i, (role, _) in enumerate(units) if is_answer(role)), default=-1)
    return (units, []) if last < 0 else (units[:last], units[last:])


def canonical_parts(data: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The canonical units ``(role, normalised text)`` of an example, as its context (what
    prompts the answer) and its answer (empty when there is none to compare, e.g. a chat
    example without an assistant message)."""
    if not isinstance(data, dict):
        return [], []
    shape = detect_shape(data)
    if shape == CHAT:
        units = _message_units(data.get("messages"))
        return _split_at_last(units, lambda role: role.split(":")[0] == "assistant")
    if shape == PROMPT_COMPLETION:
        prompt = data.get("prompt")
        completion = data.get("completion")
        return (
            [("prompt", _norm(prompt) if isinstance(prompt, str) else "")],
            [("completion", _norm(completion) if isinstance(completion, str) else "")],
        )
    if shape == PREFERENCE:
        source = data.get("input")
        context = _message_units(source.get("messages") if isinstance(source, dict) else None)
        answer = [
            ("preferred", _joined(_message_units(data.get("preferred_output")))),
            ("non-preferred", _joined(_message_units(data.get("non_preferred_output")))),
        ]
        return context, answer
    if shape == SHAREGPT and isinstance(data.get("conversations"), list):
        units = [("system", _norm(data["system"]))] if isinstance(data.get("system"), str) else []
        for turn in data["conversations"]:
            if isinstance(turn, dict):
                role = turn.get("from") if isinstance(turn.get("from"), str) else ""
                units.append((role, _norm(_content_text(turn.get("value")))))
        return _split_at_last(units, lambda role: role in SHAREGPT_MODEL)
    context: list[tuple[str, str]] = []
    answer: list[tuple[str, str]] = []
    for key, value in data.items():
        target = answer if key in ANSWER_KEYS else context
        target.extend((pointer, _norm(text)) for pointer, text in _strings(value, "/" + key))
    return context, answer


def _joined(units: list[tuple[str, str]]) -> str:
    return _RECORD.join(f"{role}{_UNIT}{text}" for role, text in units)


_xxh3_64 = xxhash.xxh3_64_intdigest


def _digest(text: str) -> int:
    """The 64-bit XXH3 digest of a canonical form. A fast non-cryptographic hash is what
    this needs (duplicates are found among a user's own examples, nobody forges collisions),
    and XXH3 is ~30x faster than hashlib's BLAKE2b (0.07 against 1.9 us for 700 bytes)."""
    return _xxh3_64(text.encode("utf-8", "surrogatepass")) or 1  # 0 means "nothing"


_RECORD_BYTES = _RECORD.encode()


def _units_digest(units: list[Any]) -> int:
    """``_digest(_RECORD.join(units))`` where some units are ``_LongUnit``: one incremental
    XXH3 over the same bytes (the digest of bytes fed in parts is that of the whole)."""
    hasher = xxhash.xxh3_64()
    update = hasher.update
    for i, unit in enumerate(units):
        if i:
            update(_RECORD_BYTES)
        if isinstance(unit, str):
            update(unit.encode("utf-8", "surrogatepass"))
        else:
            for piece in unit.pieces():
                update(piece.encode("utf-8", "surrogatepass"))
    return hasher.intdigest() or 1


def _norm_plain(text: str) -> str:
    """``_norm`` of a text known to hold no line break, tab or other control character (its
    JSON source has no escape): only spaces are left to check."""
    if text.isascii() and "  " not in text:
        return text.strip(" ") if text[:1] == " " or text[-1:] == " " else text
    return _collapse(text)


def _chat_strings(messages: list, plain: bool = False) -> tuple[list[Any], int, int, bool]:
    """The canonical strings ``role<US>text`` of a chat example's messages, the index of its
    last assistant message (-1: none), of its first message with text (-1: none), and
    whether some are ``_LongUnit`` (a text over ``_PIECE`` characters).
    ``plain``: no text holds a control character (see ``_norm_plain``)."""
    norm = _norm_plain if plain else _norm
    strings: list[Any] = []
    last = first_text = -1
    long = False
    for message in messages:
        if not isinstance(message, dict):
            continue
        role = message.get("role")
        content = message.get("content")
        if len(message) == 2 and isinstance(role, str) and isinstance(content, str):
            # The plain {"role", "content": "text"} message: no calls, no name.
            if role == "assistant":
                last = len(strings)
            if len(content) > _PIECE:
                if not _blank(content) and first_text < 0:
                    first_text = len(strings)
                strings.append(_LongUnit(f"{role}{_UNIT}", content))
                long = True
                continue
            if (
                plain
                and content.isascii()
                and "  " not in content
                and content[:1] != " "
                and content[-1:] != " "
            ):
                text = content  # normal already (``_norm_plain`` inlined: most texts)
            else:
                text = norm(content)
            if text and first_text < 0:
                first_text = len(strings)
            strings.append(f"{role}{_UNIT}{text}")
            continue
        if not isinstance(role, str):
            role = ""
        text = content if isinstance(content, str) else _content_text(content)
        if "tool_calls" in message or "function_call" in message:
            calls = _calls_text(message)
            text = f"{text} {calls}" if text else calls
        if role == "assistant":
            last = len(strings)
        name = message.get("name")
        if isinstance(name, str):
            role = f"{role}:{name}"
        if len(text) > _PIECE:
            if not _blank(text) and first_text < 0:
                first_text = len(strings)
            strings.append(_LongUnit(f"{role}{_UNIT}", text))
            long = True
            continue
        text = _norm(text)
        if text and first_text < 0:
            first_text = len(strings)
        strings.append(f"{role}{_UNIT}{text}")
    return strings, last, first_text, long


def _combine(context: int, answer: int) -> int:
    """The example digest from its context and answer digests (an odd multiplier mixes them,
    so that (a, b) and (b, a) differ)."""
    return ((context * 0x9E3779B97F4A7C15) ^ answer) & 0xFFFFFFFFFFFFFFFF or 1


def canonical_hashes(record: Record) -> tuple[int, int, int]:
    """``(example, context, answer)`` digests of a record (0: not available). The example
    digest combines the other two when the example has an answer. A record analysis: ask
    ``hashes_of(record)``, so that it is computed once per record for all the rules that
    compare examples."""
    data = record.data
    messages = data.get("messages") if isinstance(data, dict) else None
    if isinstance(messages, list):  # chat, the common case: no intermediate units
        source = json_source(record)
        strings, last, first_text, long = _chat_strings(
            messages, source is not None and "\\" not in source
        )
        if first_text < 0:
            result = (0, 0, 0)
        elif long:
            if first_text < last:
                context = _units_digest(strings[:last])
                answer = _units_digest(strings[last:])
                result = (_combine(context, answer), context, answer)
            else:
                result = (_units_digest(strings), 0, 0)
        elif 0 <= first_text < last:
            context = _digest(_RECORD.join(strings[:last]))
            answer = _digest(_RECORD.join(strings[last:]))
            result = (_combine(context, answer), context, answer)
        else:
            result = (_digest(_RECORD.join(strings)), 0, 0)
        return result
    if detect_shape(data) == PROMPT_COMPLETION:  # the legacy shape: no intermediate units
        prompt = data.get("prompt")
        completion = data.get("completion")
        if (isinstance(prompt, str) and len(prompt) > _PIECE) or (
            isinstance(completion, str) and len(completion) > _PIECE
        ):
            return _long_prompt_completion(prompt, completion)
        prompt = _norm(prompt) if isinstance(prompt, str) else ""
        completion = _norm(completion) if isinstance(completion, str) else ""
        if not prompt:
            result = (_digest(f"prompt{_UNIT}{_RECORD}completion{_UNIT}{completion}"), 0, 0)
            if not completion:
                result = (0, 0, 0)
        else:
            context = _digest(f"prompt{_UNIT}{prompt}")
            answer = _digest(f"completion{_UNIT}{completion}")
            result = (_combine(context, answer), context, answer)
        return result
    context_units, answer_units = record.analysis.get(record_parts)
    has_context = any(text for _, text in context_units)
    if not has_context and not any(text for _, text in answer_units):
        result = (0, 0, 0)
    elif answer_units and has_context:
        context = _digest(_joined(context_units))
        answer = _digest(_joined(answer_units))
        result = (_combine(context, answer), context, answer)
    else:
        result = (_digest(_joined(context_units + answer_units)), 0, 0)
    return result


def _long_prompt_completion(prompt: Any, completion: Any) -> tuple[int, int, int]:
    """``canonical_hashes`` of a prompt/completion example with a long text, as the short
    path computes them, without building the normalised texts (``_LongUnit``)."""
    prompt = prompt if isinstance(prompt, str) else ""
    completion = completion if isinstance(completion, str) else ""
    prompt_unit = _LongUnit(f"prompt{_UNIT}", prompt)
    completion_unit = _LongUnit(f"completion{_UNIT}", completion)
    if _blank(prompt):
        if _blank(completion):
            return 0, 0, 0
        return _units_digest([f"prompt{_UNIT}", completion_unit]), 0, 0
    context = _units_digest([prompt_unit])
    answer = _units_digest([completion_unit])
    return _combine(context, answer), context, answer


def hashes_of(record: Record) -> tuple[int, int, int]:
    """The record's ``canonical_hashes``, computed once (read inline: several dataset rules
    ask for every record)."""
    found = record.analyses.get(canonical_hashes)  # (a miss: cheaper than a KeyError)
    if found is None:
        found = record.analyses[canonical_hashes] = canonical_hashes(record)
    return found


def record_parts(record: Record) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``canonical_parts`` of a record. A record analysis
    (``record.analysis.get(record_parts)``): the digests and the word shingles both read it."""
    return canonical_parts(record.data)


_SYSTEM_ROLES = ("system", "developer")


def comparison_words(record: Record) -> list[str]:
    """Lower-cased words of the texts compared for near duplicates (system prompts left out)."""
    context, answer = record.analysis.get(record_parts)
    texts = [text for role, text in context if not role.startswith(_SYSTEM_ROLES)]
    texts.extend(text for _role, text in answer)
    return " ".join(texts).lower().split()
