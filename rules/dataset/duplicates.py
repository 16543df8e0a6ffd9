"""Examples that repeat, contradict or leak across splits (FT602-FT605).

Every rule keeps a few columns of fixed-size numbers per example and decides at ``finish``:
the line and record numbers (4 bytes each), an 8-byte XXH3 digest of the canonical form,
and for the near-duplicate checks a 64-byte MinHash signature. Parts of a file checked in
parallel concatenate their columns in order, so the result is the same as in one pass.

Canonical form: the texts the model is prompted with or trained on (chat messages with their
roles, tool calls; prompt and completion; the input and both answers of a preference pair),
each with its whitespace collapsed, in order. Two records are duplicates when their canonical
forms are equal, whatever their JSON spelling (key order, spacing, escapes).

Near duplicates: MinHash (the ``rensa`` library, Rust, seeded so that every process computes
the same signature; datasketch, pure Python, measured ~70x slower: 385 vs 5 us per example)
over token 3-grams of the example's own texts, system prompts left out (they are usually
shared by every example and would make unrelated examples look alike). The token ids are the
ones the token rules count (``record.meta``), so each text is encoded once per run, and
languages written without spaces are compared as well as English; without a tokenizer, word
3-grams are the fallback. Of each 32-bit min-hash value the low byte is kept (b-bit MinHash);
the signature is cut into bands for locality-sensitive hashing, and each candidate pair is
confirmed by estimating its Jaccard similarity from the matching bytes.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from typing import Any

import xxhash

from ftlint.conversion import Planner
from ftlint.model import (
    Applicability,
    Diagnostic,
    DropRecord,
    Fix,
    Location,
    Record,
    Scope,
    Severity,
)
from ftlint.pluginmanager import hookimpl
from ftlint.rule import Accumulator, Rule, RuleContext
from ftlint.shapes import (
    CHAT,
    PREFERENCE,
    PROMPT_COMPLETION,
    SHAREGPT,
    detect_shape,
    json_source,
)
from ftlint.tokens import token_figures

NUM_PERM = 64
SEED = 0x5EED_F71
DEFAULT_THRESHOLD = 0.9
DEFAULT_SHINGLE = 3
#: Examples per rensa call (below 32, the smallest batch rensa ever splits across threads).
RENSA_ROWS = 31
#: Candidates compared per example at most (a bucket of thousands of near-identical
#: templated examples must not turn into millions of comparisons).
MAX_CANDIDATES = 32

_LOW_BYTE = slice(0, None, 4) if sys.byteorder == "little" else slice(3, None, 4)
_UNIT = "\x1f"  # between a role and its text
_RECORD = "\x1e"  # between messages


# ---------------------------------------------------------------------------------------------
# What an example is made of


def _norm(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends (``str.split`` semantics).
    Most texts need no change, and a few scans find that out faster than a split and a join:
    an ASCII text without two spaces in a row, line breaks, tabs or other ASCII whitespace is
    normal once a space at either end is stripped."""
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
        return " ".join(text.split())
    return text.strip(" ") if text[:1] == " " or text[-1:] == " " else text


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


def _norm_plain(text: str) -> str:
    """``_norm`` of a text known to hold no line break, tab or other control character (its
    JSON source has no escape): only spaces are left to check."""
    if text.isascii() and "  " not in text:
        return text.strip(" ") if text[:1] == " " or text[-1:] == " " else text
    return " ".join(text.split())


def _chat_strings(messages: list, plain: bool = False) -> tuple[list[str], int, int]:
    """The canonical strings ``role<US>text`` of a chat example's messages, the index of its
    last assistant message (-1: none) and of its first message with text (-1: none).
    ``plain``: no text holds a control character (see ``_norm_plain``)."""
    norm = _norm_plain if plain else _norm
    strings: list[str] = []
    last = first_text = -1
    for message in messages:
        if not isinstance(message, dict):
            continue
        role = message.get("role")
        content = message.get("content")
        if len(message) == 2 and isinstance(role, str) and isinstance(content, str):
            # The plain {"role", "content": "text"} message: no calls, no name.
            if role == "assistant":
                last = len(strings)
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
        text = _norm(text)
        if text and first_text < 0:
            first_text = len(strings)
        strings.append(f"{role}{_UNIT}{text}")
    return strings, last, first_text


def _combine(context: int, answer: int) -> int:
    """The example digest from its context and answer digests (an odd multiplier mixes them,
    so that (a, b) and (b, a) differ)."""
    return ((context * 0x9E3779B97F4A7C15) ^ answer) & 0xFFFFFFFFFFFFFFFF or 1


def canonical_hashes(record: Record) -> tuple[int, int, int]:
    """``(example, context, answer)`` digests of a record (0: not available), computed once
    per record (a shared record analysis) for the duplicate rules. The example digest
    combines the other two when the example has an answer."""
    return record.analysis.get(_canonical_hashes)


def _canonical_hashes(record: Record) -> tuple[int, int, int]:
    data = record.data
    messages = data.get("messages") if isinstance(data, dict) else None
    if isinstance(messages, list):  # chat, the common case: no intermediate units
        source = json_source(record)
        strings, last, first_text = _chat_strings(
            messages, source is not None and "\\" not in source
        )
        if first_text < 0:
            result = (0, 0, 0)
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
    context_units, answer_units = record_parts(record)
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


def record_parts(record: Record) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``canonical_parts`` of a record, computed once per record."""
    return record.analysis.get(_record_parts)


def _record_parts(record: Record) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    return canonical_parts(record.data)


_SYSTEM_ROLES = ("system", "developer")


def comparison_words(record: Record) -> list[str]:
    """Lower-cased words of the texts compared for near duplicates (system prompts left out)."""
    context, answer = record_parts(record)
    texts = [text for role, text in context if not role.startswith(_SYSTEM_ROLES)]
    texts.extend(text for _role, text in answer)
    return " ".join(texts).lower().split()


def shingles(words: list[str], size: int) -> list[str]:
    """Word ``size``-grams (the fallback when no tokenizer is available)."""
    if len(words) <= size:
        return [" ".join(words)] if words else []
    return list(map(" ".join, zip(*(words[i:] for i in range(size)), strict=False)))


#: Odd 64-bit multipliers that mix the token ids of one n-gram into one 64-bit value.
_MIXERS = (
    0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5,
    0x94D049BB133111EB, 0xBF58476D1CE4E5B9, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53,
)  # fmt: skip
MAX_SHINGLE = len(_MIXERS)


_NUMPY_MIXERS: list[Any] = []


def batch_signatures(ids: Any, offsets: array, size: int) -> bytes:
    """Signatures (``NUM_PERM`` bytes each) of consecutive examples whose token ids are
    ``ids[offsets[i]:offsets[i + 1]]`` (none empty): the token ``size``-grams of all of them
    in one vectorised pass (n-grams never cross from one example into the next; an example
    shorter than ``size`` tokens is one n-gram), then one MinHash call for the batch.
    ``ids``: a numpy array of 64-bit integers, or a buffer of them (``array("Q")``)."""
    import numpy as np
    import rensa

    if not _NUMPY_MIXERS:
        _NUMPY_MIXERS.extend(np.uint64(m) for m in _MIXERS)
    tokens = ids if isinstance(ids, np.ndarray) else np.frombuffer(ids, dtype=np.uint64)
    bounds = np.frombuffer(offsets, dtype=np.uint64).astype(np.int64)
    lengths = np.diff(bounds)
    total = len(tokens)
    mixers = _NUMPY_MIXERS
    # The n-gram starting at every position, mixed across example boundaries: the positions
    # kept below never reach past their example's end, except the first position of an
    # example shorter than ``size`` (its one n-gram), recomputed after.
    mixed = tokens * mixers[0]
    for j in range(1, min(size, total)):
        mixed[: total - j] ^= tokens[j:] * mixers[j]
    short = np.flatnonzero(lengths < size)
    if len(short):
        first, length = bounds[short], lengths[short]
        gram = tokens[first] * mixers[0]
        for j in range(1, size):
            longer = length > j
            gram[longer] ^= tokens[first[longer] + j] * mixers[j]
        mixed[first] = gram
    counts = np.maximum(lengths - size + 1, 1)
    starts = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    picks = np.arange(starts[-1]) - np.repeat(starts[:-1] - bounds[:-1], counts)
    grams = np.ascontiguousarray(mixed[picks])
    offsets = starts.astype(np.uint64)
    values = array("I")
    # At most RENSA_ROWS examples a call: rensa then computes them in this thread. For 32
    # or more (its smallest parallel batch) it may use its rayon thread pool, which does not
    # survive a fork: a worker forked after the main process used it waits forever.
    for first in range(0, len(counts), RENSA_ROWS):
        last = min(first + RENSA_ROWS, len(counts))
        begin, end = int(offsets[first]), int(offsets[last])
        matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
            grams[begin:end], offsets[first : last + 1] - offsets[first], NUM_PERM, SEED
        )
        for row in matrix.to_rows():
            values.extend(row)
    return values.tobytes()[_LOW_BYTE]


def word_signature(record: Record, shingle_size: int) -> bytes | None:
    """The b-bit MinHash signature (``NUM_PERM`` bytes) of a record's word n-grams, None when
    it has no text to compare: the fallback when no tokenizer loads (with one, signatures come
    from token n-grams, ``batch_signatures``). Computed once per record: ``near-duplicate``
    and ``train-valid-overlap`` share it."""
    return record.analysis.get(_word_signature, shingle_size)


def _word_signature(record: Record, shingle_size: int) -> bytes | None:
    import rensa

    value = None
    words = shingles(comparison_words(record), shingle_size)
    if words:
        minhash = rensa.RMinHash(num_perm=NUM_PERM, seed=SEED)
        minhash.update(words)
        value = array("I", minhash.digest()).tobytes()[_LOW_BYTE]
    return value


def estimated_jaccard(a: bytes, b: bytes) -> float:
    """Jaccard similarity from two b-bit (8-bit) signatures: a byte matches with probability
    J + (1 - J) / 256."""
    matches = sum(x == y for x, y in zip(a, b, strict=True))
    p = matches / len(a)
    return max(0.0, (p - 1 / 256) / (1 - 1 / 256))


def band_rows(threshold: float, num_perm: int = NUM_PERM) -> int:
    """Rows per LSH band: the most that still finds 97% of pairs at the threshold (fewer
    candidates to confirm); at 0.9 this is 8 bands of 8 bytes."""
    best = 1
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if 1 - (1 - threshold**rows) ** bands >= 0.97:
            best = rows
    return best


# ---------------------------------------------------------------------------------------------
# Columns of small numbers


class _Columns(Accumulator):
    """Where each example is, in runs: examples that follow each other in one file and split,
    with consecutive record numbers and the same distance between line and record number,
    share one run (the first example's position, origin, record number and that distance).
    A clean file is one run, whatever its size; a blank line, an example a rule leaves out or
    a record spanning lines starts a new one. ``origin_of``, ``record_of`` and ``line_of``
    read them back."""

    def __init__(self) -> None:
        self.origins: list[tuple[str, str | None, str]] = []  # (path, sheet, split)
        self._origin_ids: dict[tuple[str, str | None, str], int] = {}
        self.size = 0  # examples placed
        self.run_start = array("I")  # position of the run's first example
        self.run_origin = array("H")
        self.run_record = array("I")  # record number of the run's first example
        self.run_delta = array("q")  # line minus record number, the same in the whole run
        self._last: tuple[Any, ...] = ()  # (path, sheet, split, origin) of the last example
        # The example that would continue the last run: its (path, sheet, split, line minus
        # record number) and record number (-1: none), so most examples are placed with a
        # few comparisons.
        self._follow: tuple[Any, ...] = ()
        self._next_record = -1

    def _state_keys(self) -> tuple[str, ...]:
        return ()

    def __getstate__(self) -> dict[str, Any]:
        transient = ("_origin_ids", "_last", "_follow", "_next_record")
        return {k: v for k, v in self.__dict__.items() if k not in transient}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._origin_ids = {origin: i for i, origin in enumerate(self.origins)}
        self._last = self._follow = ()
        self._next_record = -1

    def _place(self, record: Record) -> None:
        location = record.location
        follow = self._follow
        if (
            location.record == self._next_record
            and location.path is follow[0]
            and location.sheet is follow[1]
            and record.split is follow[2]
            and (location.line or 0) - self._next_record == follow[3]
        ):
            self._next_record += 1  # the last run goes on
            self.size += 1
            return
        last = self._last
        if (
            last
            and location.path is last[0]
            and location.sheet is last[1]
            and record.split is last[2]
        ):
            origin = last[3]  # the same file and split as the example before (the same strings)
        else:
            key = (location.path, location.sheet, record.split)
            origin = self._origin_ids.get(key)
            if origin is None:
                origin = self._origin_ids[key] = len(self.origins)
                self.origins.append(key)
            self._last = (location.path, location.sheet, record.split, origin)
        number = location.record or 0
        delta = (location.line or 0) - number
        run_origin = self.run_origin
        if (
            not run_origin
            or run_origin[-1] != origin
            or self.run_delta[-1] != delta
            or self.run_record[-1] + (self.size - self.run_start[-1]) != number
        ):
            self.run_start.append(self.size)
            run_origin.append(origin)
            self.run_record.append(number)
            self.run_delta.append(delta)
        self.size += 1
        self._follow = (location.path, location.sheet, record.split, delta)
        self._next_record = number + 1 if location.record else -1

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, _Columns)
        remap = []
        for key in other.origins:
            origin = self._origin_ids.get(key)
            if origin is None:
                origin = self._origin_ids[key] = len(self.origins)
                self.origins.append(key)
            remap.append(origin)
        offset = self.size
        self.run_start.extend(start + offset for start in other.run_start)
        self.run_origin.extend(remap[origin] for origin in other.run_origin)
        self.run_record.extend(other.run_record)
        self.run_delta.extend(other.run_delta)
        self.size += other.size
        self._last = self._follow = ()
        self._next_record = -1
        for name in self._state_keys():
            getattr(self, name).extend(getattr(other, name))

    def _run(self, i: int) -> int:
        return bisect_right(self.run_start, i) - 1

    def record_of(self, i: int) -> int:
        """The record number of example ``i``; 0 when its reader gave none."""
        run = self._run(i)
        return self.run_record[run] + (i - self.run_start[run])

    def origin_of(self, i: int) -> tuple[str, str | None, str]:
        return self.origins[self.run_origin[self._run(i)]]

    def line_of(self, i: int) -> int:
        """The line (or row) of example ``i``; 0 when its reader gave none."""
        return self.record_of(i) + self.run_delta[self._run(i)]

    def split_of(self, i: int) -> str:
        return self.origin_of(i)[2]

    def run_lengths(self) -> list[int]:
        ends = [*self.run_start[1:], self.size]
        return [end - start for start, end in zip(self.run_start, ends, strict=True)]

    def split_flags(self, wanted: Any) -> bytes:
        """One byte per example: 1 where ``wanted(split)`` of its origin, else 0."""
        flags = [1 if wanted(origin[2]) else 0 for origin in self.origins]
        return b"".join(
            bytes([flags[origin]]) * length
            for origin, length in zip(self.run_origin, self.run_lengths(), strict=True)
        )

    def _split_groups(self) -> Any:
        """``train_flags()`` when examples of both kinds of split are here (``_split_key``
        keeps them apart), else None."""
        kinds = {origin[2] == "train" for origin in self.origins}
        return self.train_flags() if len(kinds) > 1 else None

    def train_flags(self) -> Any:
        """Per example, 0 for the training split and 1 for any other (``_split_key``)."""
        import numpy as np

        flags = self.split_flags(lambda split: split != "train")
        return np.frombuffer(flags, dtype=np.uint8) if flags else np.zeros(0, dtype=np.uint8)

    def location(self, i: int) -> Location:
        path, sheet, _split = self.origin_of(i)
        return Location(path=path, line=self.line_of(i) or None, record=self.record_of(i) or None,
                        sheet=sheet)  # fmt: skip

    def where(self, i: int, relative_to: int | None = None) -> str:
        """How a message names example ``i`` ("line 12", "record 3 of valid.jsonl" ...)."""
        path, sheet, _ = self.origin_of(i)
        line = self.line_of(i)
        text = f"record {self.record_of(i)}"
        if line:
            text = f"row {line}" if sheet else f"line {line}"
        if sheet:
            text += f" of sheet {sheet!r}"
        if relative_to is not None and self.origin_of(relative_to)[0] != path:
            text += f" of {path}"
        return text


def _split_key(split: str, value: int) -> int:
    """Keys of the training split are the digest, of any other split its complement, so that
    one dictionary keeps the splits apart."""
    return value if split == "train" else -value


#: From this many examples on, ``finish`` finds first occurrences with numpy sorts (a few
#: bytes per example) rather than dictionaries (about 100 bytes per example at the peak, and
#: a Python loop); both give the same pairs in the same order.
VECTOR_MIN = 2048


def first_indexes(columns: list[Any], pool: Any = None) -> Any:
    """For every position, the smallest position of a ``pool`` element (all when None) with
    the same key, or ``len`` when there is none. The key of a position is its value in every
    column (equal-length numpy arrays, compared in order); ``pool`` is a boolean array."""
    import numpy as np

    size = len(columns[0])
    if len(columns) == 1:
        order = np.argsort(columns[0], kind="stable")
    else:
        order = np.lexsort(columns[::-1])  # stable: ties keep their positions in order
    change = np.zeros(size, dtype=bool)
    if size:
        change[0] = True
    for column in columns:
        ordered = column[order]
        change[1:] |= ordered[1:] != ordered[:-1]
        del ordered
    starts = np.flatnonzero(change)
    positions = order if pool is None else np.where(pool[order], order, size)
    firsts = np.minimum.reduceat(positions, starts) if size else positions
    del positions
    groups = np.cumsum(change) - 1
    del change
    result = np.empty(size, dtype=np.int64)
    result[order] = firsts[groups]
    return result


def repeat_pairs(keys: Any, groups: Any = None) -> tuple[Any, Any]:
    """``(later, first)`` numpy index arrays: every position whose key (and group, when
    ``groups`` is given) an earlier position has, and the first such position, in order of
    ``later``. One stable sort; about 17 bytes per key at the peak."""
    import numpy as np

    if groups is not None:
        parts = []
        for value in np.unique(groups).tolist():
            where = np.flatnonzero(groups == value)
            later, first = repeat_pairs(keys[where])
            parts.append((where[later], where[first]))
        later = np.concatenate([p[0] for p in parts])
        first = np.concatenate([p[1] for p in parts])
        sequence = np.argsort(later, kind="stable")
        return later[sequence], first[sequence]
    if len(keys) < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.argsort(keys, kind="stable")  # equal keys keep their positions in order
    ordered = keys[order]
    repeats = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    owners = np.searchsorted(ordered, ordered[repeats], side="left")  # first of each run
    del ordered
    later, first = order[repeats], order[owners]
    del order
    sequence = np.argsort(later, kind="stable")
    return later[sequence], first[sequence]


def _digests(values: array) -> Any:
    import numpy as np

    return np.frombuffer(values, dtype=np.uint64) if len(values) else np.zeros(0, np.uint64)


# ---------------------------------------------------------------------------------------------
# duplicate-example


class _ExactColumns(_Columns):
    def __init__(self) -> None:
        super().__init__()
        self.digest = array("Q")

    def _state_keys(self) -> tuple[str, ...]:
        return ("digest",)

    def add(self, record: Record) -> None:
        example, _, _ = canonical_hashes(record)
        if example:
            self._place(record)
            self.digest.append(example)


class _DuplicateAccumulator(_ExactColumns):
    def __init__(self, rule: DuplicateExample) -> None:
        super().__init__()
        self.code, self.name, self.severity = rule.code, rule.name, rule.severity

    def pairs(self) -> Iterator[tuple[int, int]]:
        """``(later, first)`` for every example that repeats an earlier one, in order."""
        if len(self.digest) >= VECTOR_MIN:
            later, first = repeat_pairs(_digests(self.digest), self._split_groups())
            yield from zip(later.tolist(), first.tolist(), strict=True)
            return
        seen: dict[int, int] = {}
        for i, digest in enumerate(self.digest):
            j = seen.setdefault(_split_key(self.split_of(i), digest), i)
            if j != i:
                yield i, j

    def finish(self) -> Iterable[Diagnostic]:
        copies: dict[int, int] = {}
        for i, j in self.pairs():
            copies[j] = copies.get(j, 1) + 1
            where = self.where(j, i)
            yield Diagnostic(
                self.code, self.name, self.severity,
                f"duplicate of the example at {where} (first copy); a repeated example is "
                "trained on once per copy and outweighs the others",
                self.location(i),
                fix=Fix.safe("drop this later copy", DropRecord(f"duplicate of {where}")),
            )  # fmt: skip
        self.copies = copies

    def summary(self) -> dict[str, Any]:
        copies = getattr(self, "copies", {})
        return {"duplicates": sum(copies.values()) - len(copies)} if copies else {}


class DuplicateExample(Rule):
    """## What it does
    Finds examples that are the same as an earlier one: same messages with the same roles
    (or prompt and completion, or preference input and answers), compared after collapsing
    whitespace, whatever the JSON spelling. Reports each later copy with the line of the first.
    Training and validation files are checked separately (`train-valid-overlap` compares them).

    ## Why is this bad?
    A repeated example is trained on as many times as it appears: it outweighs the rest, the
    model memorises it, and you pay for its tokens again. Large numbers of copies are usually
    an export bug (the same rows appended twice).

    ## Example
    Lines 1 and 14 both hold
    `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}`
    (`FT602` on line 14: duplicate of the example at line 1).

    ## Fix safety
    Safe: the later copies are dropped (and listed in the report as dropped); the first copy
    stays where it was.
    """

    code = "FT602"
    name = "duplicate-example"
    scope = Scope.DATASET
    severity = Severity.WARNING
    fix_applicability = Applicability.SAFE

    def accumulator(self) -> Accumulator:
        return _DuplicateAccumulator(self)


# ---------------------------------------------------------------------------------------------
# conflicting-completions


class _ConflictAccumulator(_Columns):
    def __init__(self, rule: ConflictingCompletions) -> None:
        super().__init__()
        self.code, self.name, self.severity = rule.code, rule.name, rule.severity
        self.context = array("Q")
        self.answer = array("Q")

    def _state_keys(self) -> tuple[str, ...]:
        return ("context", "answer")

    def add(self, record: Record) -> None:
        _, context, answer = canonical_hashes(record)
        if context:
            self._place(record)
            self.context.append(context)
            self.answer.append(answer)

    def candidates(self) -> Iterator[tuple[int, int]]:
        """``(later, first)`` for every example whose context an earlier example has and
        whose answer differs from that first example's, in order."""
        if len(self.context) >= VECTOR_MIN:
            later, first = repeat_pairs(_digests(self.context), self._split_groups())
            answers = _digests(self.answer)
            differ = answers[later] != answers[first]
            yield from zip(later[differ].tolist(), first[differ].tolist(), strict=True)
            return
        seen: dict[int, int] = {}
        for i, context in enumerate(self.context):
            j = seen.setdefault(_split_key(self.split_of(i), context), i)
            if j != i and self.answer[i] != self.answer[j]:
                yield i, j

    def finish(self) -> Iterable[Diagnostic]:
        answers: dict[int, set[int]] = {}
        for i, j in self.candidates():
            answer = self.answer[i]
            seen = answers.get(j)  # the first example stands for its context
            if seen is None:
                seen = answers[j] = {self.answer[j]}
            if answer in seen:
                continue  # the same pair again: duplicate-example reports it
            seen.add(answer)
            yield Diagnostic(
                self.code, self.name, self.severity,
                f"same prompt as the example at {self.where(j, i)}, but a different answer "
                f"({len(seen)} different answers so far); the model is trained towards both",
                self.location(i),
            )  # fmt: skip


class ConflictingCompletions(Rule):
    """## What it does
    Finds examples whose context is the same as an earlier example's (the same messages up to
    the last assistant message, or the same prompt) but whose answer differs, and reports
    each new answer with the line of the first example.

    ## Why is this bad?
    The model is trained towards both answers for one input: in classification data this is
    label noise (the same text labelled twice differently), elsewhere it teaches the model
    that the answer is arbitrary. It often comes from merging data from several annotators.

    ## Example
    Line 3: `{"prompt": "Great product!", "completion": " positive"}`;
    line 9: `{"prompt": "Great product!", "completion": " negative"}`.

    ## Fix safety
    No fix: only a person can tell which answer is right. Paraphrased answers to the same
    question are sometimes intended (generation tasks); ignore the rule then
    (`--ignore conflicting-completions`).
    """

    code = "FT603"
    name = "conflicting-completions"
    scope = Scope.DATASET
    severity = Severity.WARNING

    def accumulator(self) -> Accumulator:
        return _ConflictAccumulator(self)


# ---------------------------------------------------------------------------------------------
# near-duplicate and train-valid-overlap


def bucket_pairs(
    column: Iterable[Any], queries: bytes | None, pool: bytes | None
) -> list[tuple[int, int]]:
    """``(query, earlier pool example)`` for every query example whose key in ``column`` (one
    LSH band key per example) an earlier pool example has: the dictionary loop of
    ``matches`` for small files, and the plain form ``band_pairs`` must agree with."""
    buckets: dict[Any, int] = {}
    pending: list[tuple[int, int]] = []
    if queries is None and pool is None:
        setdefault = buckets.setdefault
        for i, key in enumerate(column):
            j = setdefault(key, i)
            if j != i:
                pending.append((i, j))
        return pending
    for i, key in enumerate(column):
        if pool is None or pool[i]:
            j = buckets.setdefault(key, i)
            if j != i and (queries is None or queries[i]):
                pending.append((i, j))
        elif queries is None or queries[i]:
            j = buckets.get(key, i)
            if j != i:
                pending.append((i, j))
    return pending


class _SignatureColumns(_Columns):
    """Adds the example digest (8 bytes) and the MinHash signature (64 bytes)."""

    def __init__(
        self,
        threshold: float,
        shingle_size: int,
        encoding: str | None,
        planner: Planner | None = None,
    ) -> None:
        super().__init__()
        self.planner = planner  # the run's: token ids of the form prepare writes
        self.threshold = threshold
        self.shingle_size = shingle_size
        self.encoding = encoding
        self.digest = array("Q")
        self.signatures = bytearray()

    def _state_keys(self) -> tuple[str, ...]:
        return ("digest", "signatures")

    #: Examples whose signatures are computed together (one vectorised pass, one call).
    BATCH = 512

    def add(self, record: Record) -> None:
        example, _, _ = canonical_hashes(record)
        if not example:
            return
        if self.encoding is None:
            value = word_signature(record, self.shingle_size)
            if value is None:
                return
            self._place(record)
            self.digest.append(example)
            self.signatures += value
            return
        tokens = token_figures(record, self.encoding, self.planner)[1]
        if not tokens:
            return
        self._place(record)
        self.digest.append(example)
        pending = self.__dict__.get("_pending")
        if pending is None:
            pending = self._pending = (bytearray(), array("Q", [0]))
        pending[0].extend(tokens)  # native 32-bit token ids
        pending[1].append(len(pending[0]) >> 2)
        if len(pending[1]) > self.BATCH:
            self.flush()

    def flush(self) -> None:
        """Compute the signatures of the examples added since the last flush."""
        pending = self.__dict__.pop("_pending", None)
        if pending is not None and len(pending[1]) > 1:
            import numpy as np

            ids = np.frombuffer(pending[0], dtype=np.uint32).astype(np.uint64)
            self.signatures += batch_signatures(ids, pending[1], self.shingle_size)

    def __getstate__(self) -> dict[str, Any]:
        self.flush()
        return super().__getstate__()

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, _SignatureColumns)
        self.flush()
        other.flush()
        super().merge(other)

    def sig(self, i: int) -> bytes:
        return bytes(self.signatures[i * NUM_PERM : (i + 1) * NUM_PERM])

    def band_column(self, band: int, rows: int, data: bytes) -> Any:
        """The key of one LSH band for every example, in order."""
        if rows == 8:
            return memoryview(data).cast("Q")[band :: NUM_PERM // 8]
        start = band * rows
        return [data[o : o + rows] for o in range(start, len(data), NUM_PERM)]

    def band_pairs(
        self, band: int, rows: int, data: Any, queries: bytes | None, pool: bytes | None
    ) -> list[tuple[int, int]]:
        """The candidate pairs of one LSH band, as the bucket loop of ``matches`` finds them:
        ``(i, j)`` for each query ``i`` and the first pool example ``j < i`` whose band equals
        its band, in order of ``i`` (numpy sorts instead of a dictionary)."""
        import numpy as np

        size = len(self.digest)
        if rows == 8 and queries is None and pool is None:  # the default (threshold 0.9)
            # The band's 8 bytes of every signature, read in place as one 64-bit key each.
            keys = np.frombuffer(data, dtype=np.uint64)[band :: NUM_PERM // 8]
            later, first = repeat_pairs(keys)
            return list(zip(later.tolist(), first.tolist(), strict=True))
        matrix = np.frombuffer(data, dtype=np.uint8).reshape(size, NUM_PERM)
        width = -(-rows // 8) * 8
        keys = np.zeros((size, width), dtype=np.uint8)
        keys[:, :rows] = matrix[:, band * rows : (band + 1) * rows]
        packed = keys.view(np.uint64)
        del keys
        columns = [np.ascontiguousarray(packed[:, k]) for k in range(width // 8)]
        del packed
        if len(columns) == 1 and queries is None and pool is None:
            later, first = repeat_pairs(columns[0])
            return list(zip(later.tolist(), first.tolist(), strict=True))
        in_pool = None if pool is None else np.frombuffer(pool, dtype=np.uint8).astype(bool)
        first = first_indexes(columns, in_pool)
        wanted = first < np.arange(size)
        if queries is not None:
            wanted &= np.frombuffer(queries, dtype=np.uint8).astype(bool)
        later = np.flatnonzero(wanted)
        return list(zip(later.tolist(), first[later].tolist(), strict=True))

    def similar(self, i: int, j: int) -> float | None:
        """The estimated similarity of two examples when it reaches the threshold."""
        if self.digest[i] == self.digest[j]:
            return None  # exact copies are duplicate-example's (or the exact overlap's) job
        value = estimated_jaccard(self.sig(i), self.sig(j))
        return value if value >= self.threshold else None

    def matches(self, queries: bytes | None, pool: bytes | None) -> dict[int, tuple[int, float]]:
        """For each query example, an earlier pool example similar enough to it:
        ``{query: (match, similarity)}``. ``queries`` and ``pool`` are masks (one byte per
        example, None for all). The earliest match found wins."""
        self.flush()
        rows = band_rows(self.threshold)
        vector = len(self.digest) >= VECTOR_MIN
        # numpy reads the signatures where they are; the dictionaries need bytes keys.
        data = self.signatures if vector else bytes(self.signatures)
        found: dict[int, tuple[int, float]] = {}
        tried: dict[int, int] = {}
        for band in range(NUM_PERM // rows):
            if vector:
                pending = self.band_pairs(band, rows, data, queries, pool)
            else:
                pending = bucket_pairs(self.band_column(band, rows, data), queries, pool)
            for i, j in pending:
                previous = found.get(i)
                if previous is not None and previous[0] <= j:
                    continue
                count = tried.get(i, 0)
                if count >= MAX_CANDIDATES:
                    continue
                tried[i] = count + 1
                value = self.similar(i, j)
                if value is not None:
                    found[i] = (j, value)
        return found

    def split_mask(self, wanted: Any) -> bytes | None:
        """One byte per example: 1 where ``wanted(split)``; None when every example is."""
        if all(wanted(origin[2]) for origin in self.origins):
            return None
        return self.split_flags(wanted)


def _threshold(options: dict[str, Any]) -> float:
    value = float(options.get("threshold", DEFAULT_THRESHOLD))
    if not 0.0 < value <= 1.0:
        from ftlint.config import ConfigError

        raise ConfigError(f"threshold must be between 0 and 1, got {value}")
    return value


def _shingle_size(options: dict[str, Any]) -> int:
    value = int(options.get("shingle-size", DEFAULT_SHINGLE))
    if not 1 <= value <= MAX_SHINGLE:
        from ftlint.config import ConfigError

        raise ConfigError(f"shingle-size must be between 1 and {MAX_SHINGLE}, got {value}")
    return value


def _comparison_encoding(context: RuleContext) -> str | None:
    """The run's encoding for token shingles; None (word shingles) when it cannot load."""

    from ftlint.tokens import TokenizerUnavailable, run_encoding, shared_counter

    name = run_encoding(context)
    try:
        shared_counter(name)
    except TokenizerUnavailable:
        return None
    return name


class _SimilarityRule(Rule):
    """The options both rules that compare signatures take, and what they compare with: the
    run's encoding (None: word shingles) and planner (token ids of the form prepare writes)."""

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.threshold = _threshold(self.options)
        self.shingle_size = _shingle_size(self.options)
        self.encoding = _comparison_encoding(context)
        self.planner = Planner.from_context(context)


class _NearAccumulator(_SignatureColumns):
    def __init__(self, rule: NearDuplicate) -> None:
        super().__init__(rule.threshold, rule.shingle_size, rule.encoding, rule.planner)
        self.code, self.name, self.severity = rule.code, rule.name, rule.severity

    def finish(self) -> Iterable[Diagnostic]:
        for split in sorted({origin[2] for origin in self.origins}):
            mask = self.split_mask(lambda s, split=split: s == split)
            found = self.matches(mask, mask)
            for i in sorted(found):
                j, value = found[i]
                yield Diagnostic(
                    self.code, self.name, self.severity,
                    f"near-duplicate of the example at {self.where(j, i)} (estimated "
                    f"similarity {value:.2f} ≥ {self.threshold:.2f} over "
                    f"{'token' if self.encoding else 'word'} {self.shingle_size}-grams); "
                    "near-copies weigh like duplicates",
                    self.location(i),
                )  # fmt: skip


class NearDuplicate(_SimilarityRule):
    """## What it does
    Finds examples that are almost the same as an earlier one: the Jaccard similarity of
    their shingles (3-grams of the tokens of their texts, system prompts left out) is 0.9 or
    more. MinHash signatures (64 one-byte values per example) and locality-sensitive hashing
    find the pairs without comparing every example with every other; each pair found is
    confirmed by its estimated similarity. Exact copies are left to `duplicate-example`.
    Tokens rather than words make languages written without spaces (Chinese, Japanese)
    comparable; without a tokenizer, word 3-grams are used.

    ## Why is this bad?
    Near-copies (a changed name, a typo fixed, a template filled twice the same way) weigh
    like duplicates: the model over-learns them, and a dataset that looks large is smaller than
    it seems.

    ## Example
    Line 5: "How do I reset my password on the website?" / line 40: "How do I reset my
    password on the web site?" with the same answer.

    ## Fix safety
    No fix: which copy to keep is a human choice. Change the threshold or the shingle size
    with `[tool.ftlint.rules.near-duplicate] threshold = 0.8`, `shingle-size = 5`. The
    similarity is an estimate (±0.04 around 0.9): pairs right at the threshold may come and go.
    """

    code = "FT604"
    name = "near-duplicate"
    scope = Scope.DATASET
    severity = Severity.WARNING

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        # Imported now, in the main process: workers of a parallel check are forked from it
        # and find them loaded, instead of importing them once each. (A missing package is
        # reported where it is used.)
        try:
            import numpy  # noqa: F401
            import rensa  # noqa: F401
        except ImportError:
            pass

    def accumulator(self) -> Accumulator:
        return _NearAccumulator(self)


class _OverlapAccumulator(_SignatureColumns):
    def __init__(self, rule: TrainValidOverlap) -> None:
        super().__init__(rule.threshold, rule.shingle_size, rule.encoding, rule.planner)
        self.code, self.name, self.severity = rule.code, rule.name, rule.severity
        self.check_near = rule.near
        # The engine says whether a validation file joins this check (None: it does not);
        # without one there is nothing to compare, so nothing is kept (and ``add`` is not
        # even called).
        settings = rule.context.settings
        self.takes_records = "validation_file" not in settings or bool(settings["validation_file"])

    def add(self, record: Record) -> None:
        if not self.takes_records:
            return
        if self.check_near:
            super().add(record)
            return
        example, _, _ = canonical_hashes(record)
        if example:
            self._place(record)
            self.digest.append(example)

    def finish(self) -> Iterable[Diagnostic]:
        splits = [self.split_of(i) == "train" for i in range(len(self.digest))]
        if all(splits) or not any(splits):
            return
        first: dict[int, int] = {}
        for i, is_train in enumerate(splits):
            if is_train:
                first.setdefault(self.digest[i], i)
        valid = [i for i, is_train in enumerate(splits) if not is_train]
        exact = {i: first[self.digest[i]] for i in valid if self.digest[i] in first}
        near: dict[int, tuple[int, float]] = {}
        if self.check_near and len(exact) < len(valid):
            queries = bytes(0 if is_train or i in exact else 1 for i, is_train in enumerate(splits))
            near = self.matches(queries, bytes(splits))
        for i in valid:
            if i in exact:
                j = exact[i]
                how = "an exact copy of"
            elif i in near:
                j, value = near[i]
                how = f"a near copy (estimated similarity {value:.2f}) of"
            else:
                continue
            where = self.where(j, i)
            yield Diagnostic(
                self.code, self.name, self.severity,
                f"this validation example is {how} the training example at {where}; the "
                "validation loss then measures memorisation, not generalisation",
                self.location(i),
                fix=Fix.unsafe(
                    "remove it from the validation set",
                    DropRecord(f"also in the training set ({where})"),
                ),
            )  # fmt: skip


class TrainValidOverlap(_SimilarityRule):
    """## What it does
    With a validation file (`ftlint check TRAIN --validation-file VALID`), reports validation
    examples that also appear in the training file: exact copies (same canonical form as for
    `duplicate-example`) and near copies (as for `near-duplicate`, Jaccard ≥ 0.9 by default),
    with the line of the training example.

    ## Why is this bad?
    The validation loss is meant to show how the model does on examples it has not seen. A
    validation example that is also in training is already memorised: the validation curve
    looks better than the model is, and overfitting goes unnoticed.

    ## Example
    `valid.jsonl:4 FT605 this validation example is an exact copy of the training example at
    line 17 of train.jsonl`.

    ## Fix safety
    Unsafe: the fix removes the example from the validation set (the validation set shrinks).
    Options: `[tool.ftlint.rules.train-valid-overlap] threshold = 0.9`, `shingle-size = 3`,
    `near = false` to compare exact copies only.
    """

    code = "FT605"
    name = "train-valid-overlap"
    scope = Scope.DATASET
    severity = Severity.WARNING
    fix_applicability = Applicability.UNSAFE

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.near = bool(self.options.get("near", True))

    def accumulator(self) -> Accumulator:
        return _OverlapAccumulator(self)


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    return [DuplicateExample, ConflictingCompletions, NearDuplicate, TrainValidOverlap]
