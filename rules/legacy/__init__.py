"""Prompt/completion rules: every check of the legacy ``openai tools fine_tunes.prepare_data``
(openai-python 0.28, ``validators.py``), with locations, streaming accumulators and fixes.

The legacy tool loaded the whole file into a DataFrame. Here every dataset rule folds what it
needs into a small accumulator: a common suffix or prefix (folded one prompt at a time), a few
candidate flags ("does any prompt contain ``\\n\\n###\\n\\n``?"), letter counts, and a bounded
table of completions for classification. Merging two accumulators gives exactly the result of
one pass over both parts.

Which records: prompt/completion records (JSONL with that shape, and rows of CSV/TSV/XLSX files,
which readers map to ``prompt``/``completion``). The separator, stop-sequence and leading-space
rules only matter when the model trains on prompt/completion (babbage-002, davinci-002); with a
chat model the rows become user/assistant messages, those rules stay silent, and
``legacy-separators`` reports the separator and stop sequence the data still carries. Records whose
completion is empty are reported by ``empty-completion`` and left out of every dataset figure,
as the legacy tool removed them before its other checks.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from ftlint.model import (
    Applicability,
    Diagnostic,
    DropRecord,
    Fix,
    Location,
    Record,
    Scope,
    Severity,
    TransformRecords,
)
from ftlint.pluginmanager import hookimpl
from ftlint.rule import Accumulator, Rule, RuleContext
from ftlint.shapes import CHAT, PROMPT_COMPLETION, detect_shape, model_shapes

#: Separators the legacy tool proposed, in its order; the first that no prompt contains wins.
#: ``" ->"`` only when no prompt spans several lines.
PROMPT_SEPARATORS = (
    " ->",
    "\n\n###\n\n",
    "\n\n===\n\n",
    "\n\n---\n\n",
    "\n\n===>\n\n",
    "\n\n--->\n\n",
)
FALLBACK_SEPARATOR = "\n\n### =>\n\n"
#: Stop sequences the legacy tool proposed, in its order; the first no completion contains wins.
STOP_SEQUENCES = ("\n", ".", " END", "***", "+++", "&&&", "$$$", "@@@", "%%%")
FALLBACK_STOP = " [END]"
#: Endings ``legacy-separators`` removes for a chat model, longest first (``\n\n###\n\n``
#: before ``###``): the separators and stop sequences above and their bare forms. Not ``.``
#: or whitespace, which end ordinary sentences too.
CHAT_LEFTOVER_SEPARATORS = tuple(
    sorted(
        {*PROMPT_SEPARATORS, FALLBACK_SEPARATOR, "###", "->", "=>"},
        key=lambda marker: (-len(marker), marker),
    )
)
CHAT_LEFTOVER_STOPS = tuple(
    sorted(
        {
            stop
            for stop in (*STOP_SEQUENCES, FALLBACK_STOP, "END", "[END]", "###")
            if stop.strip(".").strip()
        },
        key=lambda marker: (-len(marker), marker),
    )
)
#: A common prompt prefix longer than this is an instruction repeated in every example.
MAX_PROMPT_PREFIX = 12
#: A common completion prefix of this many characters or more is reported.
MIN_COMPLETION_PREFIX = 5
#: mostly-uppercase needs this many upper-case letters in a field: a few codes ("Q1", "SKU")
#: are not text written in capitals.
MIN_UPPER_LETTERS = 50
#: Classification: fewer distinct completions than examples / 3 (at least 3 examples a class).
CLASSIFICATION_RATIO = 3
#: Distinct completions tracked for classification. Beyond this the data is not treated as
#: classification: a fixed cap (rather than one that follows the records seen so far) keeps the
#: memory bounded and makes a merged result identical to a one-pass result.
MAX_CLASSES = 5000
#: ``class-imbalance``: the smallest class has fewer than 1/10 of the largest one's examples.
IMBALANCE_RATIO = 10
#: Completions longer than this are counted by a digest instead of their text.
LABEL_TEXT_LIMIT = 256

# Bits of the per-text candidate masks.
_NEWLINE_BIT = 1 << len(PROMPT_SEPARATORS)


def show(text: str, limit: int = 60) -> str:
    """A text as a message shows it: backquoted, newlines and tabs visible, cut when long."""
    shown = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    shown = shown.replace("\t", "\\t")
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return f"`{shown}`"


def trains_on_prompt_completion(context: RuleContext) -> bool:
    """Whether the chosen model trains on prompt/completion records (babbage-002 ...)."""
    shapes = model_shapes(context.target, context.model)
    return bool(shapes) and PROMPT_COMPLETION in shapes and CHAT not in shapes


def pc_texts(data: Any) -> tuple[str, str] | None:
    """``(prompt, completion)`` of a prompt/completion record; a missing or null field is
    ``""`` (the legacy tool filled blanks that way). ``None`` when the record has another
    shape or a field of the wrong type (``wrong-type`` reports that)."""
    if detect_shape(data) != PROMPT_COMPLETION:
        return None
    prompt = data.get("prompt")
    completion = data.get("completion")
    prompt = "" if prompt is None else prompt
    completion = "" if completion is None else completion
    if not isinstance(prompt, str) or not isinstance(completion, str):
        return None
    return prompt, completion


# ---------------------------------------------------------------------------------------------
# Pure helpers


def common_suffix(a: str, b: str) -> str:
    """The longest common ending of two texts (binary search over C-level comparisons)."""
    if b.endswith(a):
        return a
    if a.endswith(b):
        return b
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return a[len(a) - lo :] if lo else ""


def common_prefix(a: str, b: str) -> str:
    """The longest common beginning of two texts."""
    if b.startswith(a):
        return a
    if a.startswith(b):
        return b
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return a[:lo]


def _is_word_char(char: str) -> bool:
    """Letters and digits of scripts that separate words (CJK characters are words alone)."""
    if not (char.isalnum() or char == "_"):
        return False
    code = ord(char)
    return code < 0x2E80 or 0xAC00 <= code <= 0xD7A3  # Hangul syllables use spaces


def word_prefix(prefix: str) -> str:
    """A common prefix cut back so that it does not end inside a word.

    Prompts "Review: great" and "Review: good" share "Review: g"; removing that would damage
    every prompt, so the instruction is "Review: ".
    """
    end = len(prefix)
    while end and _is_word_char(prefix[end - 1]):
        end -= 1
    return prefix[:end]


def inside_depth(text: str, suffix: str) -> int:
    """The largest ``k <= len(suffix)`` such that ``suffix[-k:]`` occurs in ``text[:-k]``.

    If the last ``k`` characters of the suffix occur before the end, so do the last ``j < k``
    (they end the same occurrence): the property is monotone, so a binary search finds it.
    """
    size = len(text)

    def occurs(k: int) -> bool:
        return text.find(suffix[len(suffix) - k :], 0, size - k) != -1

    if not suffix or not occurs(1):
        return 0
    lo, hi = 1, len(suffix)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if occurs(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))
#: Deleting these from ASCII text leaves its letters; deleting ``_ASCII_LOWER`` from those
#: leaves the upper-case ones (two C-level passes, lengths instead of counts).
_NOT_LETTERS = bytes(c for c in range(256) if c not in _ASCII_UPPER + _ASCII_LOWER)
_UPPER_RE: list[Any] = []
#: Runs of ASCII characters: removing them leaves a text's non-ASCII characters, in order.
_ASCII_RUNS = re.compile("[\x00-\x7f]+")


def case_counts(text: str) -> tuple[int, int]:
    """(upper-case letters, other letters).

    Letters of scripts without case (Han, Hangul, Arabic ...) are other letters, so that a
    few Latin acronyms in Chinese text do not make it "mostly upper case". For speed every
    non-ASCII character that is not an upper-case letter counts as an other letter (in natural
    text nearly all of them are letters; the few punctuation marks only make the rule more
    cautious). ASCII is counted with C-level ``bytes.translate``; non-ASCII upper-case letters
    with one ``regex`` search for the Unicode category Lu.
    """
    raw = text.encode("ascii", "ignore")
    size = len(raw)
    letters = raw.translate(None, _NOT_LETTERS)
    ascii_upper = len(letters.translate(None, _ASCII_LOWER))
    ascii_lower = len(letters) - ascii_upper
    if size == len(text):
        return ascii_upper, ascii_lower
    # The only ASCII upper-case letters are A-Z: searched for Lu, the non-ASCII characters
    # alone (a few, usually) give the rest.
    upper = ascii_upper + _non_ascii_upper(text)
    other_non_ascii = len(text) - size - (upper - ascii_upper)
    return upper, ascii_lower + other_non_ascii


def _non_ascii_upper(text: str) -> int:
    """Upper-case letters (Unicode category Lu) among the non-ASCII characters of ``text``."""
    if not _UPPER_RE:
        try:
            import regex  # tiktoken's dependency: Unicode categories, in C

            _UPPER_RE.append(regex.compile(r"\p{Lu}").findall)
        except ImportError:  # pragma: no cover - regex ships with tiktoken
            _UPPER_RE.append(lambda t: [c for c in t if c.isupper() and c.isalpha()])
    return len(_UPPER_RE[0](_ASCII_RUNS.sub("", text)))


def case_counts_many(texts: list[str]) -> tuple[Any, Any]:
    """``case_counts`` of many texts at once, as two numpy arrays (upper-case letters, other
    letters). Their UTF-8 bytes are counted with a few vectorised passes instead of two
    ``bytes.translate`` calls per text: in UTF-8 the ASCII letters are those very bytes and
    every non-ASCII character has exactly one lead byte (0xC0 or above), so the counts are the
    same. Only texts with non-ASCII characters are searched for non-ASCII upper-case letters,
    one by one."""
    import numpy as np

    if not texts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
    data = np.frombuffer(b"".join(encoded) + b"\0", dtype=np.uint8)  # never empty
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    starts = np.zeros(len(encoded), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    nonempty = lengths > 0  # reduceat gives an empty segment the byte at its start

    def per_text(mask: Any) -> Any:
        return np.add.reduceat(mask, starts, dtype=np.int64) * nonempty

    upper = per_text(np.less(data - np.uint8(65), 26))  # A-Z (below "A" wraps around)
    other = per_text(np.less(data - np.uint8(97), 26))  # a-z
    wide = per_text(data >= 0xC0)  # one lead byte per non-ASCII character
    other += wide
    for index in np.flatnonzero(wide).tolist():
        extra = _non_ascii_upper(texts[index])
        upper[index] += extra
        other[index] -= extra
    return upper, other


_PROMPT_ALL = (1 << len(PROMPT_SEPARATORS)) - 1 | _NEWLINE_BIT
_STOP_ALL = (1 << len(STOP_SEQUENCES)) - 1


def prompt_mask(text: str, seen: int = 0) -> int:
    """``seen`` plus a bit for each separator candidate in ``text`` (bit i for
    ``PROMPT_SEPARATORS[i]``, ``_NEWLINE_BIT`` for a line break). Candidates already seen in
    earlier prompts are not searched again; all but ` ->` contain a blank line."""
    if seen == _PROMPT_ALL:
        return seen
    if not seen & 1 and " ->" in text:
        seen |= 1
    if "\n" in text:
        seen |= _NEWLINE_BIT
        if "\n\n" in text:
            for i in range(1, len(PROMPT_SEPARATORS)):
                if not seen & (1 << i) and PROMPT_SEPARATORS[i] in text:
                    seen |= 1 << i
    return seen


def stop_mask(text: str, seen: int = 0) -> int:
    """``seen`` plus a bit for each stop-sequence candidate in ``text`` (bit i for
    ``STOP_SEQUENCES[i]``); candidates already seen are not searched again."""
    if seen == _STOP_ALL:
        return seen
    for i, candidate in enumerate(STOP_SEQUENCES):
        if not seen & (1 << i) and candidate in text:
            seen |= 1 << i
    return seen


def choose_separator(mask: int) -> str:
    """The legacy choice: the first separator that occurs in no prompt."""
    for i, candidate in enumerate(PROMPT_SEPARATORS):
        if candidate == " ->" and mask & _NEWLINE_BIT:
            continue
        if not mask & (1 << i):
            return candidate
    return FALLBACK_SEPARATOR


def choose_stop(mask: int) -> str:
    """The legacy choice: the first stop sequence that occurs in no completion."""
    for i, candidate in enumerate(STOP_SEQUENCES):
        if not mask & (1 << i):
            return candidate
    return FALLBACK_STOP


def leftover_ending(suffix: str, markers: tuple[str, ...]) -> str:
    """The part of a common ending ``suffix`` that is a legacy marker: the longest of
    ``markers`` it ends with (trailing whitespace ignored), with the whitespace around it that
    is also part of ``suffix``; "" when it ends with none."""
    core = suffix.rstrip()
    for marker in markers:
        bare = marker.rstrip()
        if bare and core.endswith(bare):
            start = len(core) - len(bare)
            while start > 0 and suffix[start - 1].isspace():
                start -= 1
            return suffix[start:]
    return ""


def label_key(completion: str) -> str | bytes:
    """What identifies a class: the completion, or a digest of a long one."""
    if len(completion) <= LABEL_TEXT_LIMIT:
        return completion
    return hashlib.blake2b(completion.encode("utf-8", "surrogatepass"), digest_size=12).digest()


# ---------------------------------------------------------------------------------------------
# Per-record features, computed once however many rules ask for them. The engine adds the same
# record object to every accumulator in turn, so a one-entry memo keyed on the object suffices.


class Features:
    """What the legacy rules read from one prompt/completion record."""

    __slots__ = ("_label", "completion", "location", "prompt")

    def __init__(self, prompt: str, completion: str, location: Location) -> None:
        self.prompt = prompt
        self.completion = completion
        self.location = location
        self._label: str | bytes | None = None

    @property
    def label(self) -> str | bytes:
        if self._label is None:
            self._label = label_key(self.completion)
        return self._label


#: (record, its prompt/completion texts or None, its Features or None)
_memo: list[Any] = [None, None, None]


def record_texts(record: Record) -> tuple[str, str] | None:
    """``pc_texts`` of a record that was read, computed once per record."""
    if _memo[0] is not record:
        _remember(record)
    return _memo[1]


def features(record: Record) -> Features | None:
    """The features of a record that counts for the dataset figures, else ``None``: other
    shapes, wrong types, and empty completions (``empty-completion`` reports those)."""
    if _memo[0] is not record:
        _remember(record)
    return _memo[2]


def _remember(record: Record) -> None:
    texts = pc_texts(record.data) if record.ok else None
    found = None
    if texts is not None and texts[1].strip():
        found = Features(texts[0], texts[1], record.location)
    _memo[0], _memo[1], _memo[2] = record, texts, found


# ---------------------------------------------------------------------------------------------
# Dataset-wide edits. Callable objects rather than closures, so that fixes stay picklable.


@dataclass(frozen=True)
class EditTexts:
    """Edit the prompt or the completion of every prompt/completion record.

    ``action``: ``append`` (``value``), ``prepend-space``, ``strip-prefix`` (``value``; keeps a
    leading space with ``keep_space``), ``strip-suffix`` (``value``; never down to a blank
    text), ``lower``. The last three also reach records that ``prepare`` already converted to
    chat (the prompt is the user message, the completion the
    assistant message), so the result does not depend on the order in which fixes apply.
    Records with an empty completion are left alone: ``empty-completion`` decides about them.
    """

    action: str
    field: str
    value: str = ""
    keep_space: bool = False

    def edit(self, text: str) -> str:
        if self.action == "append":
            return text + self.value
        if self.action == "prepend-space":
            return text if text[:1].isspace() else " " + text
        if self.action == "strip-prefix":
            # The lower-case form too: mostly-uppercase may have lower-cased the text first.
            if not (text.startswith(self.value) or text.startswith(self.value.lower())):
                return text
            rest = text[len(self.value) :]
            return " " + rest if self.keep_space and not rest.startswith(" ") else rest
        if self.action == "strip-suffix":
            # Also the ending without its trailing whitespace (whitespace-padding may have
            # stripped it first) and in lower case (as for strip-prefix).
            bare = self.value.rstrip()
            for ending in dict.fromkeys((self.value, bare, self.value.lower(), bare.lower())):
                if ending and text.endswith(ending):
                    rest = text[: len(text) - len(ending)]
                    return rest if rest.strip() else text
            return text
        if self.action == "lower":
            return text.lower()
        return text

    def __call__(self, data: Any) -> Any:
        texts = pc_texts(data)
        if texts is not None:
            if not texts[1].strip():
                return data
            old = texts[0] if self.field == "prompt" else texts[1]
            new = self.edit(old)
            if new == old:
                return data
            return {**data, self.field: new}
        if self.action in ("strip-prefix", "strip-suffix", "lower") and detect_shape(data) == CHAT:
            return self._edit_chat(data)
        return data

    def _edit_chat(self, data: dict) -> Any:
        messages = data.get("messages")
        if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
            return data
        roles = [m.get("role") for m in messages]
        if roles not in (["user", "assistant"], ["system", "user", "assistant"]):
            return data  # not a converted prompt/completion pair
        index = len(messages) - (2 if self.field == "prompt" else 1)
        old = messages[index].get("content")
        if not isinstance(old, str) or not messages[-1].get("content"):
            return data
        # Chat content keeps no leading space for the tokenizer's sake.
        new = EditTexts(self.action, self.field, self.value).edit(old)
        if new == old:
            return data
        copied = list(messages)
        copied[index] = {**messages[index], "content": new}
        return {**data, "messages": copied}


# ---------------------------------------------------------------------------------------------
# The shared accumulator: each rule switches on the parts it needs.

PROMPT_SUFFIX = "prompt-suffix"
PROMPT_INSIDE = "prompt-inside"
PROMPT_PREFIX = "prompt-prefix"
COMPLETION_SUFFIX = "completion-suffix"
COMPLETION_PREFIX = "completion-prefix"
PROMPT_MASK = "prompt-mask"
COMPLETION_MASK = "completion-mask"
CLASSES = "classes"
CASE = "case"
LEADING = "leading"


class _Ending:
    """The common suffix of a stream of texts, and the first text that shares no ending with
    the first one (where the common suffix became empty)."""

    __slots__ = ("breaker", "first_last", "first_location", "suffix")

    def __init__(self) -> None:
        self.suffix: str | None = None
        self.first_last: str | None = None  # last character of the first text ("" if empty)
        self.first_location: Location | None = None
        self.breaker: Location | None = None

    def add(self, text: str, location: Location) -> None:
        if self.suffix is None:
            self.suffix = text
            self.first_last = text[-1:]
            self.first_location = location
            if not text:
                self.breaker = location
            return
        if self.breaker is None and text[-1:] != self.first_last:
            self.breaker = location
        if self.suffix and not text.endswith(self.suffix):
            self.suffix = common_suffix(self.suffix, text)

    def merge(self, other: _Ending) -> None:
        if other.suffix is None:
            return
        if self.suffix is None:
            self.suffix, self.first_last = other.suffix, other.first_last
            self.first_location, self.breaker = other.first_location, other.breaker
            return
        if self.breaker is None:
            if other.first_last != self.first_last:
                self.breaker = other.first_location
            else:
                self.breaker = other.breaker
        self.suffix = common_suffix(self.suffix, other.suffix)


class _Stats(Accumulator):
    """Figures of the prompt/completion records, for the parts a rule asks for.

    A subclass names its ``needs``; ``steps`` (the folding functions for those parts, in a
    fixed order) is derived from them once per class, so that ``add`` does only that work.
    """

    needs: ClassVar[frozenset[str]] = frozenset()
    steps: ClassVar[tuple[Callable[[_Stats, Features], None], ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        order = (
            (PROMPT_SUFFIX, "_fold_prompt_suffix"),
            (PROMPT_INSIDE, "_fold_inside"),
            (COMPLETION_SUFFIX, "_fold_completion_suffix"),
            (PROMPT_PREFIX, "_fold_prompt_prefix"),
            (COMPLETION_PREFIX, "_fold_completion_prefix"),
            (PROMPT_MASK, "_fold_prompt_mask"),
            (COMPLETION_MASK, "_fold_completion_mask"),
            (CLASSES, "_fold_classes"),
            (CASE, "_fold_case"),  # defined by _CaseStats, which counts in batches
            (LEADING, "_fold_leading"),
        )
        cls.steps = tuple(getattr(cls, name) for part, name in order if part in cls.needs)

    def __init__(self, rule: LegacyRule) -> None:
        self.rule = rule
        self.path: str | None = None
        self.count = 0
        self.any_prompt = False
        self.first_location: Location | None = None
        self.prompt_end = _Ending()
        self.completion_end = _Ending()
        self.prompt_prefix: str | None = None
        self.prompt_max = 0
        self.completion_prefix: str | None = None
        self.completion_max = 0
        # separator-in-prompt: inside_first[k-1] is the first prompt where the last k
        # characters of the common suffix occur before its end; depths counts prompts by depth.
        self.inside_first: list[Location] = []
        self.depths: dict[int, int] = {}
        self.prompt_mask = 0
        self.completion_mask = 0
        self.classes: dict[str | bytes, int] | None = {}
        self.class_names: dict[bytes, str] = {}
        self.case = [0, 0, 0, 0]  # prompt upper, other, completion upper, other letters
        self.case_first: list[Location | None] = [None, None]
        self.no_space = 0
        self.no_space_first: Location | None = None

    # -- folding ---------------------------------------------------------------------------
    def add(self, record: Record) -> None:
        found = _memo[2] if _memo[0] is record else features(record)
        if found is None:
            return
        self.count += 1
        if self.first_location is None:
            self.first_location = found.location
            self.path = found.location.path
        if found.prompt:
            self.any_prompt = True
        for step in self.steps:
            step(self, found)

    def _fold_prompt_suffix(self, found: Features) -> None:
        self.prompt_end.add(found.prompt, found.location)

    def _fold_completion_suffix(self, found: Features) -> None:
        self.completion_end.add(found.completion, found.location)

    def _fold_prompt_prefix(self, found: Features) -> None:
        prompt = found.prompt
        if len(prompt) > self.prompt_max:
            self.prompt_max = len(prompt)
        prefix = self.prompt_prefix
        if prefix is None:
            self.prompt_prefix = prompt
        elif prefix and not prompt.startswith(prefix):
            self.prompt_prefix = common_prefix(prefix, prompt)

    def _fold_completion_prefix(self, found: Features) -> None:
        completion = found.completion
        if len(completion) > self.completion_max:
            self.completion_max = len(completion)
        prefix = self.completion_prefix
        if prefix is None:
            self.completion_prefix = completion
        elif prefix and not completion.startswith(prefix):
            self.completion_prefix = common_prefix(prefix, completion)

    def _fold_prompt_mask(self, found: Features) -> None:
        self.prompt_mask = prompt_mask(found.prompt, self.prompt_mask)

    def _fold_completion_mask(self, found: Features) -> None:
        self.completion_mask = stop_mask(found.completion, self.completion_mask)

    def _fold_classes(self, found: Features) -> None:
        classes = self.classes
        if classes is None:
            return
        key = found.label
        classes[key] = classes.get(key, 0) + 1
        if isinstance(key, bytes) and key not in self.class_names:
            self.class_names[key] = found.completion[:80]
        if len(classes) > MAX_CLASSES:
            self.classes, self.class_names = None, {}

    def _fold_leading(self, found: Features) -> None:
        if not found.completion[:1].isspace():
            self.no_space += 1
            if self.no_space_first is None:
                self.no_space_first = found.location

    def _fold_inside(self, found: Features) -> None:
        self._add_inside(found.prompt, found.location)

    def _add_inside(self, prompt: str, location: Location) -> None:
        suffix = self.prompt_end.suffix or ""
        limit = len(suffix)
        if len(self.inside_first) > limit:
            self._truncate_inside(limit)
        depth = inside_depth(prompt, suffix)
        if depth:
            self.depths[depth] = self.depths.get(depth, 0) + 1
            while len(self.inside_first) < depth:
                self.inside_first.append(location)

    def _truncate_inside(self, limit: int) -> None:
        del self.inside_first[limit:]
        folded = 0
        for depth in [d for d in self.depths if d > limit]:
            folded += self.depths.pop(depth)
        if folded and limit:
            self.depths[limit] = self.depths.get(limit, 0) + folded

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, _Stats)
        if other.count == 0:
            return
        if self.count == 0:
            self.__dict__.update({k: v for k, v in other.__dict__.items() if k != "rule"})
            return
        self.count += other.count
        self.any_prompt = self.any_prompt or other.any_prompt
        # separator-in-prompt first, while both suffixes are still the parts' own.
        inside_a, inside_b = self.inside_first, other.inside_first
        self.prompt_end.merge(other.prompt_end)
        self.completion_end.merge(other.completion_end)
        limit = len(self.prompt_end.suffix or "")
        merged = [
            inside_a[k] if k < len(inside_a) else inside_b[k]
            for k in range(min(limit, max(len(inside_a), len(inside_b))))
        ]
        for depth, count in other.depths.items():
            self.depths[depth] = self.depths.get(depth, 0) + count
        self.inside_first = merged
        self._truncate_inside(limit)
        if self.prompt_prefix is not None and other.prompt_prefix is not None:
            self.prompt_prefix = common_prefix(self.prompt_prefix, other.prompt_prefix)
        if self.completion_prefix is not None and other.completion_prefix is not None:
            self.completion_prefix = common_prefix(self.completion_prefix, other.completion_prefix)
        self.prompt_max = max(self.prompt_max, other.prompt_max)
        self.completion_max = max(self.completion_max, other.completion_max)
        self.prompt_mask |= other.prompt_mask
        self.completion_mask |= other.completion_mask
        if self.classes is not None and other.classes is not None:
            for key, count in other.classes.items():
                self.classes[key] = self.classes.get(key, 0) + count
            for key, name in other.class_names.items():
                self.class_names.setdefault(key, name)
            if len(self.classes) > MAX_CLASSES:
                self.classes, self.class_names = None, {}
        else:
            self.classes, self.class_names = None, {}
        for i in range(4):
            self.case[i] += other.case[i]
        for column in (0, 1):
            if self.case_first[column] is None:
                self.case_first[column] = other.case_first[column]
        self.no_space += other.no_space
        if self.no_space_first is None:
            self.no_space_first = other.no_space_first

    # -- conclusions -----------------------------------------------------------------------
    @property
    def open_ended(self) -> bool:
        """Every prompt is empty: open-ended generation, where prompt rules do not apply."""
        return not self.any_prompt

    @property
    def prompts_identical(self) -> bool:
        prefix = self.prompt_prefix
        return self.count >= 2 and prefix is not None and len(prefix) == self.prompt_max

    @property
    def completions_identical(self) -> bool:
        prefix = self.completion_prefix
        return self.count >= 2 and prefix is not None and len(prefix) == self.completion_max

    @property
    def is_classification(self) -> bool:
        """The legacy test: fewer distinct completions than a third of the examples."""
        if self.open_ended or self.classes is None:
            return False
        distinct = len(self.classes)
        return distinct >= 2 and distinct * CLASSIFICATION_RATIO < self.count

    def class_name(self, key: str | bytes) -> str:
        return key if isinstance(key, str) else self.class_names.get(key, "?")

    def location(self, field: str | None = None, at: Location | None = None) -> Location:
        base = at or self.first_location or Location(path=self.path or "")
        return base.at(field=field)

    def whole_file(self, field: str | None = None) -> Location:
        return Location(path=self.path or "", field=field)

    def finish(self) -> Iterable[Diagnostic]:
        return ()


class _InertStats(_Stats):
    """The accumulator of a rule that does not apply to this run (a prompt/completion rule
    with a chat model): it folds nothing and reports nothing, so it does not even count."""

    takes_records = False

    def add(self, record: Record) -> None:
        return


# ---------------------------------------------------------------------------------------------
# Rules


class LegacyRule(Rule):
    """Base of the prompt/completion dataset rules: one accumulator class each."""

    scope: ClassVar[Scope] = Scope.DATASET
    severity: ClassVar[Severity] = Severity.WARNING
    #: The accumulator class, with the parts this rule needs.
    stats: ClassVar[type[_Stats]]
    #: Only with a model that trains on prompt/completion records.
    pc_model_only: ClassVar[bool] = False
    #: Only with a model that trains on chat records.
    chat_model_only: ClassVar[bool] = False

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.pc_model = trains_on_prompt_completion(context)

    def accumulator(self) -> Accumulator:
        other_model = self.chat_model_only if self.pc_model else self.pc_model_only
        if other_model:
            return _InertStats(self)  # no parts, no diagnostics
        return self.stats(self)


class EmptyCompletion(Rule):
    """## What it does
    Reports prompt/completion examples whose completion is missing, null, empty or only
    whitespace (CSV rows with an empty answer cell included).

    ## Why is this bad?
    The example teaches nothing but stopping at once; the legacy `prepare_data` tool removed
    such rows before anything else.

    ## Example
    `{"prompt": "What is the capital of France? ->", "completion": ""}`

    ## Fix safety
    Unsafe: the example is dropped (`--unsafe-fixes`) and listed in the report. Write the
    missing answer instead if you have it.
    """

    code = "FT401"
    name = "empty-completion"
    scope = Scope.RECORD
    severity = Severity.ERROR
    fix_applicability = Applicability.UNSAFE

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        texts = record_texts(record)
        if texts is None or texts[1].strip():
            return ()
        what = "missing" if record.data.get("completion") is None else "empty"
        return [
            self.diagnostic(
                f"the completion is {what}: this example teaches the model nothing",
                record.location.at(field="/completion"),
                fix=Fix.unsafe("drop the example", DropRecord(f"{what} completion")),
            )
        ]


class _SeparatorStats(_Stats):
    needs = frozenset({PROMPT_SUFFIX, PROMPT_PREFIX, PROMPT_MASK})

    def finish(self) -> Iterable[Diagnostic]:
        rule = self.rule
        if self.count == 0 or self.open_ended or self.prompts_identical:
            return
        if self.prompt_end.suffix:
            return
        separator = choose_separator(self.prompt_mask)
        at = self.prompt_end.breaker
        yield rule.diagnostic(
            "the prompts share no common ending: the model cannot tell where a prompt stops "
            "and the completion starts (this prompt ends differently from the first one)",
            self.location("/prompt", at),
            fix=Fix.unsafe(
                f"append the separator {show(separator)} to every prompt; end every prompt "
                "with it when you query the fine-tuned model",
                TransformRecords(
                    f"append {show(separator)} to every prompt",
                    EditTexts("append", "prompt", separator),
                ),
            ),
        )

    def summary(self) -> dict[str, Any]:
        if self.count == 0 or self.open_ended:
            return {}
        suffix = self.prompt_end.suffix
        if suffix and not self.prompts_identical:
            text = f"{show(suffix)} (end every prompt with it when you query the model)"
        else:
            separator = choose_separator(self.prompt_mask)
            text = (
                f"none in the data; the missing-prompt-separator fix (--unsafe-fixes) appends "
                f"{show(separator)}: then end every prompt with it when you query the model"
            )
        return {"prompt_separator": text}


class MissingPromptSeparator(LegacyRule):
    """## What it does
    Checks that every prompt ends with the same separator (a fixed string such as
    `\\n\\n###\\n\\n`), as the legacy `prepare_data` tool did. Only for models that train on
    prompt/completion (babbage-002, davinci-002); skipped for open-ended generation (every
    prompt empty).

    ## Why is this bad?
    Without a separator the model cannot tell where the prompt stops and the completion
    starts, and at inference it keeps writing the prompt instead of answering.

    ## Example
    `{"prompt": "Capital of France?", "completion": " Paris\\n"}` next to
    `{"prompt": "Capital of Peru", "completion": " Lima\\n"}`: no common ending.

    ## Fix safety
    Unsafe: appends a separator to every prompt, the first of ` ->`, `\\n\\n###\\n\\n`,
    `\\n\\n===\\n\\n`, `\\n\\n---\\n\\n`, `\\n\\n===>\\n\\n`, `\\n\\n--->\\n\\n` that occurs in no
    prompt (` ->` only when no prompt has a line break). Every prompt you send the fine-tuned
    model must then end with it; the report's summary repeats it.
    """

    code = "FT402"
    name = "missing-prompt-separator"
    fix_applicability = Applicability.UNSAFE
    stats = _SeparatorStats
    pc_model_only = True


class _InsideStats(_Stats):
    needs = frozenset({PROMPT_SUFFIX, PROMPT_INSIDE, PROMPT_PREFIX})

    def finish(self) -> Iterable[Diagnostic]:
        suffix = self.prompt_end.suffix
        if self.count == 0 or self.open_ended or self.prompts_identical or not suffix:
            return
        size = len(suffix)
        if len(self.inside_first) < size:
            return
        count = sum(n for depth, n in self.depths.items() if depth >= size)
        yield self.rule.diagnostic(
            f"the prompt separator {show(suffix)} also occurs inside {count} prompt"
            f"{'' if count == 1 else 's'} (first here): the model may start its completion "
            "there; choose a separator that occurs only at the end",
            self.location("/prompt", self.inside_first[size - 1]),
        )


class SeparatorInPrompt(LegacyRule):
    """## What it does
    Finds the separator every prompt ends with, and reports prompts that also contain it
    before their end (the legacy tool's "contain the suffix more than once" warning). Only for
    models that train on prompt/completion.

    ## Why is this bad?
    The separator tells the model "the completion starts here". When it also occurs inside a
    prompt, the model learns an ambiguous signal and may start answering in the middle.

    ## Example
    Prompts ending with `\\n\\n###\\n\\n`, one of which quotes a Markdown document with a
    `\\n\\n###\\n\\n` heading inside.

    ## Fix safety
    No automatic fix: choose a separator that occurs in no prompt and replace it everywhere
    (or remove it and let `missing-prompt-separator` propose one).
    """

    code = "FT403"
    name = "separator-in-prompt"
    stats = _InsideStats
    pc_model_only = True


class _StopStats(_Stats):
    needs = frozenset({COMPLETION_SUFFIX, COMPLETION_PREFIX, COMPLETION_MASK, CLASSES})

    def finish(self) -> Iterable[Diagnostic]:
        if self.count == 0 or self.open_ended or self.is_classification:
            return
        if self.completions_identical or self.completion_end.suffix:
            return
        stop = choose_stop(self.completion_mask)
        yield self.rule.diagnostic(
            "the completions share no common ending: the fine-tuned model will not know when "
            "to stop and keeps generating (this completion ends differently from the first)",
            self.location("/completion", self.completion_end.breaker),
            fix=Fix.unsafe(
                f"append the stop sequence {show(stop)} to every completion; pass "
                f"stop=[{json.dumps(stop)}] when you query the fine-tuned model",
                TransformRecords(
                    f"append {show(stop)} to every completion",
                    EditTexts("append", "completion", stop),
                ),
            ),
        )

    def summary(self) -> dict[str, Any]:
        if self.count == 0 or self.open_ended or self.is_classification:
            return {}
        suffix = self.completion_end.suffix
        if suffix and not self.completions_identical:
            text = f"{show(suffix)} (pass it as stop=[...] when you query the model)"
        else:
            stop = choose_stop(self.completion_mask)
            text = (
                f"none in the data; the missing-stop-sequence fix (--unsafe-fixes) appends "
                f"{show(stop)}: then pass it as stop=[...] when you query the model"
            )
        return {"stop_sequence": text}


class MissingStopSequence(LegacyRule):
    """## What it does
    Checks that every completion ends with the same stop sequence (`\\n`, ` END` ...), as the
    legacy `prepare_data` tool did. Only for models that train on prompt/completion; skipped for
    classification (the answer is a short label) and open-ended generation.

    ## Why is this bad?
    The model learns where to stop from the examples: without a common ending it rambles on
    after the answer, and there is no stop sequence to cut it at inference.

    ## Example
    `{"prompt": "2+2 ->", "completion": " 4"}` and `{"prompt": "3+3 ->", "completion": " 6."}`

    ## Fix safety
    Unsafe: appends to every completion the first of `\\n`, `.`, ` END`, `***`, `+++`, `&&&`,
    `$$$`, `@@@`, `%%%` that occurs in no completion. Pass it as `stop` when you query the
    fine-tuned model; the report's summary repeats it.
    """

    code = "FT404"
    name = "missing-stop-sequence"
    fix_applicability = Applicability.UNSAFE
    stats = _StopStats
    pc_model_only = True


class _LeadingStats(_Stats):
    needs = frozenset({LEADING})

    def finish(self) -> Iterable[Diagnostic]:
        if not self.no_space:
            return
        yield self.rule.diagnostic(
            f"{self.no_space} of {self.count} completions do not start with a space (first "
            "here): with these models' tokenizer a leading space gives better results",
            self.location("/completion", self.no_space_first),
            fix=Fix.safe(
                "start every completion with a space",
                TransformRecords(
                    "start every completion with a space", EditTexts("prepend-space", "completion")
                ),
            ),
        )


class CompletionLeadingSpace(LegacyRule):
    """## What it does
    Reports completions that do not start with a whitespace character, the legacy convention
    for prompt/completion fine-tuning. Only for models that train on prompt/completion.

    ## Why is this bad?
    The tokenizer of these models joins a leading space to the next word (` Paris` is one
    token). A completion that starts without it starts with a rarer token, which the legacy
    tool found to give worse results.

    ## Example
    `{"prompt": "Capital of France ->", "completion": "Paris\\n"}`

    ## Fix safety
    Safe: a space is prepended to every completion that does not already start with
    whitespace; the meaning of the text is unchanged.
    """

    code = "FT405"
    name = "completion-leading-space"
    fix_applicability = Applicability.SAFE
    stats = _LeadingStats
    pc_model_only = True


class _PromptPrefixStats(_Stats):
    needs = frozenset({PROMPT_PREFIX})

    def finish(self) -> Iterable[Diagnostic]:
        if self.count < 2 or self.open_ended or self.prompts_identical:
            return
        prefix = word_prefix(self.prompt_prefix or "")
        if len(prefix) <= MAX_PROMPT_PREFIX:
            return
        yield self.rule.diagnostic(
            f"every prompt starts with the same {len(prefix)} characters {show(prefix)}: "
            "fine-tuning learns the task from the examples, so a repeated instruction only "
            "costs tokens; keep the input data in the prompt",
            self.whole_file("/prompt"),
            fix=Fix.unsafe(
                f"remove {show(prefix)} from the start of every prompt",
                TransformRecords(
                    f"remove {show(prefix)} from every prompt",
                    EditTexts("strip-prefix", "prompt", prefix),
                ),
            ),
        )


class CommonPromptPrefix(LegacyRule):
    """## What it does
    Reports a prefix of more than 12 characters shared by every prompt: an instruction or a
    few-shot preamble repeated in each example. The prefix is cut back to a word boundary.

    ## Why is this bad?
    Fine-tuning teaches the task through the examples; the legacy tool advised against
    repeating the instruction. It costs tokens on every example (and on every request later).

    ## Example
    `"Classify the sentiment of this review: Great phone!"`,
    `"Classify the sentiment of this review: Broke in a week."`

    ## Fix safety
    Unsafe: removes the prefix from every prompt. If you keep it, send it with every request
    to the fine-tuned model too.
    """

    code = "FT406"
    name = "common-prompt-prefix"
    fix_applicability = Applicability.UNSAFE
    stats = _PromptPrefixStats


class _CompletionPrefixStats(_Stats):
    needs = frozenset({COMPLETION_PREFIX})

    def finish(self) -> Iterable[Diagnostic]:
        if self.count < 2 or self.completions_identical:
            return
        prefix = word_prefix(self.completion_prefix or "")
        if len(prefix) < MIN_COMPLETION_PREFIX or not prefix.strip():
            return
        keep_space = self.rule.pc_model and prefix.startswith(" ")
        yield self.rule.diagnostic(
            f"every completion starts with the same {len(prefix)} characters {show(prefix)}: "
            "the model spends tokens repeating it; put only the output in the completion",
            self.whole_file("/completion"),
            fix=Fix.unsafe(
                f"remove {show(prefix)} from the start of every completion"
                + (" (keeping the leading space)" if keep_space else ""),
                TransformRecords(
                    f"remove {show(prefix)} from every completion",
                    EditTexts("strip-prefix", "completion", prefix, keep_space),
                ),
            ),
        )


class CommonCompletionPrefix(LegacyRule):
    """## What it does
    Reports a prefix of 5 or more characters shared by every completion (cut back to a word
    boundary), such as `" Answer: "`.

    ## Why is this bad?
    The model learns to write the prefix every time: tokens paid for at training and at every
    request, for nothing.

    ## Example
    `" Answer: Paris"`, `" Answer: Lima"`

    ## Fix safety
    Unsafe: removes the prefix from every completion; with a prompt/completion model a leading
    space is kept, as the legacy tool did.
    """

    code = "FT407"
    name = "common-completion-prefix"
    fix_applicability = Applicability.UNSAFE
    stats = _CompletionPrefixStats


class _CaseStats(_Stats):
    needs = frozenset({CASE, CLASSES})
    #: Records whose letters are counted together (``case_counts_many``).
    BATCH = 512

    def _fold_case(self, found: Features) -> None:
        pending = self.__dict__.get("_pending")
        if pending is None:
            pending = self._pending = []
        pending.append(found)
        if len(pending) >= self.BATCH:
            self._flush_case()

    def _flush_case(self) -> None:
        """Fold the letter counts of the records added since the last flush, in order."""
        pending = self.__dict__.pop("_pending", None)
        if not pending:
            return
        import numpy as np

        texts = [text for found in pending for text in (found.prompt, found.completion)]
        upper, other = case_counts_many(texts)
        mostly = (upper > 0) & (upper * 2 > other)
        for column in (0, 1):  # prompts at even positions, completions at odd ones
            self.case[2 * column] += int(upper[column::2].sum())
            self.case[2 * column + 1] += int(other[column::2].sum())
            if self.case_first[column] is None:
                found = np.flatnonzero(mostly[column::2])
                if len(found):
                    self.case_first[column] = pending[int(found[0])].location

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, _CaseStats)
        self._flush_case()
        other._flush_case()
        super().merge(other)

    def __getstate__(self) -> dict[str, Any]:
        self._flush_case()
        return self.__dict__

    def finish(self) -> Iterable[Diagnostic]:
        self._flush_case()
        columns = [("prompt", 0)]
        if not self.is_classification:
            columns.append(("completion", 1))  # class labels are names, not prose
        for field, column in columns:
            upper, lower = self.case[2 * column], self.case[2 * column + 1]
            if upper < MIN_UPPER_LETTERS or upper * 2 <= lower:
                continue
            share = round(100 * upper / (upper + lower))
            yield self.rule.diagnostic(
                f"{share}% of the letters in the {field}s are upper case (first such {field} "
                f"here): upper-case text tends to train worse than ordinary mixed case",
                self.location("/" + field, self.case_first[column]),
                fix=Fix.unsafe(
                    f"lower-case every {field}",
                    TransformRecords(f"lower-case every {field}", EditTexts("lower", field)),
                ),
            )


class MostlyUppercase(LegacyRule):
    """## What it does
    Counts the letters of all prompts, and of all completions, and reports a field where more
    than a third of the letters are upper case (the legacy tool's rule), once there are at
    least 50 upper-case letters (a few codes such as `SKU` are not shouting). Letters of
    scripts without case (Chinese, Korean ...) count as lower case, so Latin acronyms in such
    text are not a false alarm. Class labels of classification data are not counted: they are
    names.

    ## Why is this bad?
    Text in capitals is rare in what the model learned from; the legacy tool found that it
    trains worse than ordinary mixed case.

    ## Example
    `{"prompt": "WHAT IS THE WARRANTY PERIOD? ->", "completion": " TWO YEARS.\\n"}`

    ## Fix safety
    Unsafe: lower-cases the whole field in every example, which loses the case of names and
    acronyms. Only apply it if case does not matter in your domain.
    """

    code = "FT408"
    name = "mostly-uppercase"
    fix_applicability = Applicability.UNSAFE
    stats = _CaseStats


class _IdenticalPromptStats(_Stats):
    needs = frozenset({PROMPT_PREFIX})

    def finish(self) -> Iterable[Diagnostic]:
        if self.open_ended or not self.prompts_identical:
            return
        yield self.rule.diagnostic(
            f"all {self.count} prompts are identical ({show(self.prompt_prefix or '')}): the "
            "model cannot learn what depends on the prompt; make the prompts differ, or leave "
            "them empty for open-ended generation",
            self.whole_file("/prompt"),
        )


class IdenticalPrompts(LegacyRule):
    """## What it does
    Reports a prompt/completion dataset whose prompts are all the same (the legacy tool
    stopped with an error). Empty prompts are open-ended generation and are fine.

    ## Why is this bad?
    The model only ever sees one input, so it learns one average answer.

    ## Example
    Every record has `"prompt": "Write a tweet ->"`.

    ## Fix safety
    No fix: put the varying input in the prompts, or leave them empty for open-ended generation.
    """

    code = "FT409"
    name = "identical-prompts"
    severity = Severity.ERROR
    stats = _IdenticalPromptStats


class _IdenticalCompletionStats(_Stats):
    needs = frozenset({COMPLETION_PREFIX})

    def finish(self) -> Iterable[Diagnostic]:
        if not self.completions_identical:
            return
        yield self.rule.diagnostic(
            f"all {self.count} completions are identical ({show(self.completion_prefix or '')})"
            ": the model will learn to repeat it whatever the prompt",
            self.whole_file("/completion"),
        )


class IdenticalCompletions(LegacyRule):
    """## What it does
    Reports a prompt/completion dataset whose completions are all the same.

    ## Why is this bad?
    The fine-tuned model would answer that one text to everything (the legacy tool stopped
    with an error).

    ## Example
    Every record has `"completion": " OK"`.

    ## Fix safety
    No fix: the data needs real answers.
    """

    code = "FT410"
    name = "identical-completions"
    severity = Severity.ERROR
    stats = _IdenticalCompletionStats


def _class_table(stats: _Stats, limit: int = 8) -> str:
    assert stats.classes is not None
    ranked = sorted(stats.classes.items(), key=lambda item: (-item[1], str(item[0])))
    parts = [
        f"{show(stats.class_name(key), 30)} {count} ({100 * count / stats.count:.0f}%)"
        for key, count in ranked[:limit]
    ]
    if len(ranked) > limit:
        parts.append(f"and {len(ranked) - limit} more")
    return ", ".join(parts)


class _TaskStats(_Stats):
    needs = frozenset({CLASSES})

    def finish(self) -> Iterable[Diagnostic]:
        if not self.is_classification:
            return
        assert self.classes is not None
        classes = len(self.classes)
        if self.rule.pc_model:
            settings = (
                "make each class name one token with a leading space (` positive`), and query "
                "with max_tokens=1, temperature=0 and logprobs to read the class probabilities"
            )
        else:
            settings = (
                "query with temperature=0 and max_tokens just enough for the longest class "
                "name, and compare the reply with the class names"
            )
        yield self.rule.diagnostic(
            f"classification data: {classes} classes in {self.count} examples "
            f"({_class_table(self)}). Suggested settings: {settings}; hold out a validation "
            "set to measure accuracy (`ftlint prepare --split`, stratified by class)",
            self.whole_file("/completion"),
        )

    def summary(self) -> dict[str, Any]:
        if self.count == 0:
            return {}
        if self.open_ended:
            return {"task": "open-ended generation"}
        if self.is_classification:
            assert self.classes is not None
            return {"task": "classification", "classes": len(self.classes)}
        return {"task": "conditional generation"}


class ClassificationDetected(LegacyRule):
    """## What it does
    Infers the task as the legacy tool did: open-ended generation (every prompt empty),
    classification (fewer distinct completions than a third of the examples) or conditional
    generation. For classification data it lists the classes with their share and suggests
    the settings that suit a classifier. The task goes into the report's summary.

    ## Why is this bad?
    Nothing is wrong: classification deserves different settings (short completions, no stop
    sequence, a held-out validation set stratified by class to measure accuracy).

    ## Example
    2,000 news descriptions labelled `World`, `Sports`, `Business` or `Sci/Tech`.

    ## Fix safety
    Nothing to fix. `ftlint prepare --split` keeps each class's share in both files.
    """

    code = "FT411"
    name = "classification-detected"
    severity = Severity.INFO
    stats = _TaskStats


class _ImbalanceStats(_Stats):
    needs = frozenset({CLASSES})

    def finish(self) -> Iterable[Diagnostic]:
        if not self.is_classification:
            return
        assert self.classes is not None
        ranked = sorted(self.classes.items(), key=lambda item: (-item[1], str(item[0])))
        (big, big_count), (small, small_count) = ranked[0], ranked[-1]
        if small_count * IMBALANCE_RATIO >= big_count:
            return
        yield self.rule.diagnostic(
            f"the classes are unbalanced: {show(self.class_name(small), 30)} has {small_count} "
            f"example{'' if small_count == 1 else 's'}, under a tenth of "
            f"{show(self.class_name(big), 30)} ({big_count}); the model will rarely predict "
            f"the small classes ({_class_table(self)})",
            self.whole_file("/completion"),
        )


class ClassImbalance(LegacyRule):
    """## What it does
    For classification data (see `classification-detected`), reports when the smallest class
    has fewer than a tenth of the examples of the largest.

    ## Why is this bad?
    The model learns the prior: it will rarely predict a class it has seen ten times less
    often, whatever the input.

    ## Example
    900 examples of ` ham` and 60 of ` spam`.

    ## Fix safety
    No automatic fix: add examples of the small classes, or sample the large ones down.
    """

    code = "FT412"
    name = "class-imbalance"
    stats = _ImbalanceStats


class _LeftoverStats(_Stats):
    needs = frozenset({PROMPT_SUFFIX, COMPLETION_SUFFIX, PROMPT_PREFIX, COMPLETION_PREFIX})

    def finish(self) -> Iterable[Diagnostic]:
        if self.count < 2:  # one record's whole text is its "common ending"
            return
        if not self.open_ended and not self.prompts_identical:
            separator = leftover_ending(self.prompt_end.suffix, CHAT_LEFTOVER_SEPARATORS)
            yield from self._finding("prompt", separator)
        if not self.completions_identical:
            stop = leftover_ending(self.completion_end.suffix, CHAT_LEFTOVER_STOPS)
            yield from self._finding("completion", stop)

    def _finding(self, field: str, ending: str) -> Iterator[Diagnostic]:
        if not ending:
            return
        if field == "prompt":
            role = "user"
            message = (
                f"every prompt ends with the legacy separator {show(ending)}: a chat model "
                "needs none (the user message ends where the answer starts), and it would "
                "learn to expect it at the end of every request"
            )
        else:
            role = "assistant"
            message = (
                f"every completion ends with the legacy stop sequence {show(ending)}: a chat "
                "model ends its answer by itself, and it would learn to write "
                f"{show(ending.strip())} at the end of every answer"
            )
        yield self.rule.diagnostic(
            message,
            self.whole_file(f"/{field}"),
            fix=Fix.safe(
                f"remove {show(ending)} from the end of every {field} (the {role} message)",
                TransformRecords(
                    f"remove {show(ending)} from the end of every {field}",
                    EditTexts("strip-suffix", field, ending),
                ),
            ),
        )


class LegacySeparators(LegacyRule):
    """## What it does
    With a chat model, finds the markers of the legacy prompt/completion format in data that
    `prepare` converts to chat messages: a separator every prompt ends with (`\\n\\n###\\n\\n`,
    ` ->` ...) and a stop sequence every completion ends with (` END`, `***` ...), as the
    legacy `prepare_data` tool added them. Not `.` or a line break, which end ordinary text
    too.

    ## Why is this bad?
    A chat model knows where a prompt ends and an answer stops from the message roles. Trained
    on the markers, it learns to expect the separator at the end of every user message (every
    request then needs it, or the model sees something new) and to write the stop sequence at
    the end of every answer, which your application would show.

    ## Example
    `{"prompt": "Where is my order?\\n\\n###\\n\\n", "completion": " It ships today. END"}`
    in every record, with `--model gpt-4o-mini`.

    ## Fix safety
    Safe: removes the marker (and the whitespace around it that every record shares) from the
    end of every prompt or completion, that is of the user and assistant messages; a text that
    would be left blank is kept as it is.
    """

    code = "FT413"
    name = "legacy-separators"
    fix_applicability = Applicability.SAFE
    stats = _LeftoverStats
    chat_model_only = True  # the markers are how a prompt/completion model works


RULES: tuple[type[Rule], ...] = (
    EmptyCompletion,
    MissingPromptSeparator,
    SeparatorInPrompt,
    MissingStopSequence,
    CompletionLeadingSpace,
    CommonPromptPrefix,
    CommonCompletionPrefix,
    MostlyUppercase,
    IdenticalPrompts,
    IdenticalCompletions,
    ClassificationDetected,
    ClassImbalance,
    LegacySeparators,
)


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    return list(RULES)
