"""What the legacy rules read from one prompt/completion record, computed once per record.

Two record analyses (``ftlint.analysis``): ``record_texts`` (``texts_of(record)``: the prompt
and completion of any prompt/completion record, which ``EmptyCompletion`` checks) and
``record.analysis.get(features, planner)`` (the texts of a record that counts in the dataset
figures, which every legacy accumulator folds: a record that ``prepare`` converts to
prompt/completion counts in its converted form, the one written and read by the next run).
The engine adds one record to every accumulator in turn: the first to ask computes the
features, the others find them cached on the record.
"""

from __future__ import annotations

from typing import Any

from ftlint import Location, Record
from ftlint.conversion import Planner, plan_of
from ftlint.shapes import PROMPT_COMPLETION, blank, detect_shape

#: Completions longer than this are counted by a digest instead of their text.
LABEL_TEXT_LIMIT = 256


def pc_texts(data: Any) -> tuple[str, str] | None:
    """``(prompt, completion)`` of a prompt/completion record; a missing or null field is
    ``""`` (the legacy tool filled blanks that way). ``None`` when the record has another
    shape or a field of the wrong type (the chat family's type check reports that)."""
    if detect_shape(data) != PROMPT_COMPLETION:
        return None
    prompt = data.get("prompt")
    completion = data.get("completion")
    prompt = "" if prompt is None else prompt
    completion = "" if completion is None else completion
    if not isinstance(prompt, str) or not isinstance(completion, str):
        return None
    return prompt, completion


def label_key(completion: str) -> str | bytes:
    """What identifies a class: the completion, or a digest of a long one."""
    if len(completion) <= LABEL_TEXT_LIMIT:
        return completion
    import hashlib  # here: only a long label is digested, and hashlib's import is not free

    return hashlib.blake2b(completion.encode("utf-8", "surrogatepass"), digest_size=12).digest()


class Features:
    """The prompt and completion of a record that counts for the dataset figures."""

    __slots__ = ("_label", "completion", "location", "prompt")

    def __init__(self, prompt: str, completion: str, location: Location) -> None:
        self.prompt = prompt
        self.completion = completion
        self.location = location
        self._label: str | bytes | None = None

    @property
    def label(self) -> str | bytes:
        """The completion as a class (``label_key``), computed for the rules that count
        classes only."""
        if self._label is None:
            self._label = label_key(self.completion)
        return self._label


def record_texts(record: Record) -> tuple[str, str] | None:
    """Record analysis: ``pc_texts`` of a record that was read (``None`` for the others)."""
    return pc_texts(record.data) if record.ok else None


def texts_of(record: Record) -> tuple[str, str] | None:
    """The record's ``record_texts``, computed once (read inline: asked for every record;
    ``get`` with a sentinel, the value may be None: the first ask of each record misses, and
    a miss by ``KeyError`` costs several times a ``get``, see ``ftlint.analysis``)."""
    texts = record.analyses.get(record_texts, _NOT_YET)
    if texts is _NOT_YET:
        texts = record.analyses[record_texts] = record_texts(record)
    return texts


#: ``texts_of``: not computed for this record yet.
_NOT_YET: Any = object()


def converts_to_pc(planner: Planner | None) -> bool:
    """Whether ``prepare`` may turn other shapes into prompt/completion records in this run
    (else only records written as prompt/completion count: a chat record never does)."""
    return planner is not None and (
        planner.accepted is None or PROMPT_COMPLETION in planner.accepted
    )


def features(record: Record, planner: Planner | None = None) -> Features | None:
    """Record analysis: the features of a record that counts for the dataset figures, else
    ``None``: other shapes, wrong types, and empty completions (``EmptyCompletion`` reports
    those; the legacy tool removed them before its other checks).

    With the run's ``planner``, a record that ``prepare`` converts to prompt/completion
    without loss (a chat or community record, for a prompt/completion model) counts as it is
    written: otherwise the dataset fixes (a common separator, a leading space ...) would miss
    it and the next run would find it wanting. (A lossy conversion is an unsafe fix, applied
    or not: such records count as they are.)"""
    texts = None
    if converts_to_pc(planner) and record.ok and isinstance(record.data, dict):
        plan = plan_of(record, planner)
        if plan.converts and plan.target == PROMPT_COMPLETION and not plan.lossy:
            texts = pc_texts(plan.data)
    if texts is None:
        texts = texts_of(record)
    if texts is None or blank(texts[1]):
        return None
    return Features(texts[0], texts[1], record.location)
