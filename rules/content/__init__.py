"""Content rules: what is wrong inside the texts themselves, whatever the record's shape.

Every text of a record (message contents, prompt, completion, the fields of community formats)
comes from ``rules.shapes.iter_texts``, read once per record however many of these rules run.
Each check starts with a cheap test (``"<|" in text``, ``text.isascii()``, one compiled regex)
so that clean text costs almost nothing; ``ftfy`` is imported only when a text looks like
mojibake.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from ftlint import pointer
from ftlint.model import (
    Applicability,
    Diagnostic,
    Fix,
    Location,
    Record,
    Scope,
    SetValue,
    Severity,
    TransformRecords,
)
from ftlint.pluginmanager import hookimpl
from ftlint.rule import Accumulator, Rule, RuleContext
from ftlint.shapes import (
    CHAT,
    PROMPT_COMPLETION,
    iter_texts,
    json_source,
    model_shapes,
    texts_of,
)

# ---------------------------------------------------------------------------------------------
# The texts of a record are read once for all content rules (the engine hands the same record
# object to each rule in turn), with one cheap pass that sets a bit for each problem the record
# may have: a rule looks further only at records whose bit is set.

CONTROL, REPLACEMENT, MOJIBAKE, SPECIAL, BRACE = 1, 2, 4, 8, 16

_memo: list[Any] = [None, (), 0]


def record_texts(record: Record) -> tuple[tuple[str, str | None, str], ...]:
    if _memo[0] is not record:
        _scan(record)
    return _memo[1]


def suspects(record: Record) -> int:
    """The bits of the problems this record may have (a superset; each rule confirms)."""
    if _memo[0] is not record:
        _scan(record)
    return _memo[2]


def _scan(record: Record) -> None:
    texts = texts_of(record.data) if record.ok else ()
    bits = 0
    # Many records are ruled out by two searches of their JSON source rather than of each
    # text: JSON writes control characters but DEL as escapes, and a source without escapes
    # has non-ASCII text only where it has non-ASCII characters.
    source = json_source(record)
    control = other = True
    if source is not None:  # single characters: each search is one fast scan
        escapes = "\\" in source
        control = escapes or "\x7f" in source
        other = escapes or not source.isascii()
    for _field, _role, text in texts:
        if control and has_control(text):
            bits |= CONTROL
        if other and not text.isascii():
            if "\ufffd" in text:
                bits |= REPLACEMENT
            if MOJIBAKE_RE.search(text):
                bits |= MOJIBAKE
        # Every marker ``special-token`` reports starts with "<" (a one-character search).
        if "<" in text and ("<|" in text or "_of_turn>" in text):
            bits |= SPECIAL
        if "{" in text:
            bits |= BRACE
    _memo[0], _memo[1], _memo[2] = record, texts, bits


#: Every byte but those ``CONTROL_RE`` matches: deleting them leaves the control characters.
_NOT_CONTROL = bytes(
    b for b in range(256) if not (b < 0x09 or b in (0x0B, 0x0C) or 0x0E <= b < 0x20 or b == 0x7F)
)


def has_control(text: str) -> bool:
    """``CONTROL_RE.search(text) is not None``, twice as fast: UTF-8 writes the characters
    ``CONTROL_RE`` matches as those very bytes and every other character with other bytes,
    and deleting bytes is one pass in C."""
    return bool(text.encode("utf-8", "surrogatepass").translate(None, _NOT_CONTROL))


_VISIBLE = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]}
_VISIBLE.update({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r", 0x0C: "\\f", 0x0B: "\\v"})


def _snippet(text: str, start: int, end: int, width: int = 20) -> str:
    """``…context match context…`` on one line, control characters made visible."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    shown = text[left:right].translate(_VISIBLE)
    return ("…" if left else "") + shown + ("…" if right < len(text) else "")


class _TextRule(Rule):
    """A record rule that looks into texts only when ``suspects`` sets its bit: the engine
    skips all of them at once for a record with no bit set."""

    scope = Scope.RECORD
    group: ClassVar[str | None] = "content-texts"

    def quiet(self, record: Record) -> bool:
        return not suspects(record)


# ---------------------------------------------------------------------------------------------
# Control characters

#: C0 controls other than tab, line feed and carriage return, and DEL. (C1 controls, U+0080 to
#: U+009F, are nearly always Windows-1252 punctuation decoded as Latin-1: ``mojibake``.)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Vertical tab and form feed (page breaks of text extracted from PDFs) become a line feed.
_CONTROL_TABLE = {c: None for c in [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F]}
_CONTROL_TABLE.update({0x0B: "\n", 0x0C: "\n"})


#: A LaTeX command whose backslash was taken for an escape: ``"\\frac"`` written in a JSON or
#: Python string as ``"\frac"`` is a form feed followed by ``rac``. ``\a``, ``\b``, ``\f``
#: and ``\v`` are the escapes that yield control characters (``\t``, ``\n``, ``\r`` give
#: whitespace).
LATEX_ESCAPE_RE = re.compile(
    r"\x07(?:lpha|pprox|ngle|rc(?:cos|sin|tan)|leph|st)\b"
    r"|\x08(?:eta|egin|ar|inom|ig(?:cup|cap|l|r)?|oldsymbol|mod|ot|oxed|ullet|ackslash|f)\b"
    r"|\x0c(?:rac|orall|lat|rown|box)\b"
    r"|\x0b(?:ec|ar(?:epsilon|theta|phi|rho|sigma|pi)|ee|dots|ert|line)\b"
)
_ESCAPE_LETTERS = {"\x07": "\\a", "\x08": "\\b", "\x0c": "\\f", "\x0b": "\\v"}


def _restore_latex(match: re.Match[str]) -> str:
    text = match.group()
    return _ESCAPE_LETTERS[text[0]] + text[1:]


def remove_controls(text: str) -> str:
    """The text without its control characters: LaTeX commands whose backslash became a
    control character get it back, a vertical tab or form feed becomes ``\\n``, the rest go."""
    if CONTROL_RE.search(text) is None:
        return text
    return LATEX_ESCAPE_RE.sub(_restore_latex, text).translate(_CONTROL_TABLE)


_CONTROL_NAMES = {
    0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x1B: "ESC", 0x7F: "DEL",
}  # fmt: skip


class ControlCharacters(_TextRule):
    """## What it does
    Reports control characters in a text: NUL, BEL, backspace, escape, form feed and the rest of
    U+0000-U+001F and U+007F, except tab, line feed and carriage return (ordinary whitespace).

    ## Why is this bad?
    They are invisible, mean nothing to the model, and come from broken exports (PDF
    extraction, terminal output, binary data pasted into a cell). Some tools reject them.

    ## Example
    `{"prompt": "Total:\\u0007 42", "completion": " ok"}`

    A common cause in mathematics data: `\\frac{a}{b}` written into a JSON or Python string
    as `"\\frac"` instead of `"\\\\frac"`: `\\f` is the form-feed escape (`\\b`, `\\a` and
    `\\v` likewise).

    ## Fix safety
    Safe: the characters are removed; a vertical tab or form feed (a page break) becomes a
    line feed, and a LaTeX command that lost its backslash this way (`\\frac`, `\\beta`,
    `\\alpha`, `\\vec` ...) gets it back.
    """

    code = "FT501"
    name = "control-characters"
    scope = Scope.RECORD
    severity = Severity.WARNING
    fix_applicability = Applicability.SAFE

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        # Not a generator: a clean record (nearly all) costs one bit test.
        return self._findings(record) if suspects(record) & CONTROL else ()

    def _findings(self, record: Record) -> Iterator[Diagnostic]:
        for field, _role, text in record_texts(record):
            match = CONTROL_RE.search(text)
            if match is None:
                continue
            count = len(CONTROL_RE.findall(text))
            code = ord(match.group())
            name = _CONTROL_NAMES.get(code)
            first = f"U+{code:04X}" + (f" {name}" if name else "")
            latex = LATEX_ESCAPE_RE.search(text)
            if latex is not None:
                command = _restore_latex(latex)
                why = (
                    f"`{command}` lost its backslash: the LaTeX command was written in a string "
                    f"where `{command[:2]}` is an escape sequence"
                )
            else:
                why = "invisible noise from a broken export"
            action = "remove the control characters"
            if latex is not None:
                action = "restore the LaTeX backslashes and remove the other control characters"
            yield self.diagnostic(
                f"{count} control character{'' if count == 1 else 's'} (first: {first} at "
                f"character {match.start() + 1}): {why}",
                record.location.at(field=field),
                fix=Fix.safe(action, SetValue(field, remove_controls(text))),
                excerpt=_snippet(text, match.start(), match.end(), 40),
            )


# ---------------------------------------------------------------------------------------------
# Replacement character


class ReplacementCharacter(_TextRule):
    """## What it does
    Reports texts that contain U+FFFD, the replacement character `�`.

    ## Why is this bad?
    A program put it there when it could not decode some bytes: the text was read with the
    wrong encoding somewhere before it reached this file, and the original characters are
    lost. The model would learn to write `�`.

    ## Example
    `"Prix : 12 �"` (a `€` lost when a Windows-1252 file was read as UTF-8)

    ## Fix safety
    No fix: the characters are gone. Go back to the source and decode it with its real
    encoding.
    """

    code = "FT502"
    name = "replacement-character"
    scope = Scope.RECORD
    severity = Severity.WARNING

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        # Not a generator: a clean record (nearly all) costs one bit test.
        return self._findings(record) if suspects(record) & REPLACEMENT else ()

    def _findings(self, record: Record) -> Iterator[Diagnostic]:
        for field, _role, text in record_texts(record):
            start = text.find("\ufffd")
            if start < 0:
                continue
            count = text.count("\ufffd")
            yield self.diagnostic(
                f"{count} replacement character{'' if count == 1 else 's'} (U+FFFD) near "
                f"`{_snippet(text, start, start + 1)}`: the text was decoded with the wrong "
                "encoding somewhere and the original characters are lost",
                record.location.at(field=field),
                excerpt=_snippet(text, start, start + 1, 40),
            )


# ---------------------------------------------------------------------------------------------
# Mojibake

#: What UTF-8 decoded as Latin-1 or Windows-1252 looks like: a lead byte shown as `Ã`, `â`, `Å`
#: ... followed by a continuation byte shown as a symbol or a Windows-1252 punctuation mark;
#: or a C1 control character. Only texts that match are given to ftfy.
#: Written as one character class followed by a check, ``[\x80-\x9f]|[\xc2-\xf4][...]``
#: matches the same spans 2-3x faster: the regex engine then scans for the class directly
#: instead of trying both alternatives at every position.
MOJIBAKE_RE = re.compile(
    "[\x80-\x9f\xc2-\xf4](?:(?<=[\x80-\x9f])|[\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d"
    "\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021"
    "\u2022\u2026\u2030\u2039\u203a\u20ac\u2122])"
)


def repair_mojibake(text: str) -> str | None:
    """The repaired text when ``text`` is mojibake (ftfy's encoding fixes), else ``None``."""
    if text.isascii() or MOJIBAKE_RE.search(text) is None:
        return None
    import ftfy  # only for suspicious texts: keeps the hot path free of it

    try:
        fixed = ftfy.fix_encoding(text)
    except Exception:  # ftfy must never take a run down
        return None
    return fixed if fixed != text else None


def repaired(text: str) -> str:
    """``text`` after the mojibake repair, when it needs one."""
    fixed = repair_mojibake(text)
    return text if fixed is None else fixed


def _first_difference(a: str, b: str) -> int:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


class Mojibake(_TextRule):
    """## What it does
    Finds mojibake: UTF-8 text that was decoded as Latin-1 or Windows-1252 somewhere, so that
    `Café` reads `CafÃ©` and `don't` reads `donâ€™t`. Suspicious texts are confirmed with
    `ftfy`, which also repairs them.

    ## Why is this bad?
    The model learns the garbled spelling and reproduces it.

    ## Example
    `{"completion": " Her fiancÃ© Cal Hockley â\\u0080\\u0094 a rich heir"}`

    ## Fix safety
    Unsafe: the text is replaced with ftfy's repair, which is right in the vast majority of
    cases but is a guess about how the text was damaged. Control characters are removed too.
    """

    code = "FT503"
    name = "mojibake"
    scope = Scope.RECORD
    severity = Severity.WARNING
    fix_applicability = Applicability.UNSAFE

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        # Not a generator: a clean record (nearly all) costs one bit test.
        return self._findings(record) if suspects(record) & MOJIBAKE else ()

    def _findings(self, record: Record) -> Iterator[Diagnostic]:
        for field, _role, text in record_texts(record):
            fixed = repair_mojibake(text)
            if fixed is None:
                continue
            start = _first_difference(text, fixed)
            before = _snippet(text, start, start + 3, 12)
            after = _snippet(fixed, start, start + 1, 12)
            yield self.diagnostic(
                f"mojibake (UTF-8 read as Latin-1/Windows-1252): `{before}` should read `{after}`",
                record.location.at(field=field),
                fix=Fix.unsafe(
                    "repair the encoding with ftfy", SetValue(field, remove_controls(fixed))
                ),
                excerpt=_snippet(text, start, start + 3, 40),
            )


# ---------------------------------------------------------------------------------------------
# Special tokens

#: Tokens OpenAI's tokenizers reserve: the API refuses training text containing them.
OPENAI_SPECIAL = frozenset(
    {"endoftext", "endofprompt", "fim_prefix", "fim_middle", "fim_suffix", "im_start", "im_end",
     "im_sep"}
)  # fmt: skip
#: ``<|name|>`` (GPT, ChatML, Llama 3, Phi ...) and Gemma's turn markers.
SPECIAL_RE = re.compile(r"<\|([A-Za-z_][A-Za-z0-9_]{1,40})\|>|<(?:start|end)_of_turn>")


class SpecialToken(_TextRule):
    """## What it does
    Finds special tokens written as text: `<|endoftext|>`, `<|im_start|>`, `<|im_end|>`,
    `<|fim_prefix|>` and the other `<|name|>` markers, and Gemma's `<start_of_turn>`.

    ## Why is this bad?
    OpenAI's tokenizers reserve `<|endoftext|>`, `<|endofprompt|>`, `<|fim_*|>` and the
    ChatML markers: the fine-tuning API refuses training data that contains them (error).
    Other `<|...|>` markers are another model family's chat template leaking into the text
    (warning): the model learns to write them.

    ## Example
    `{"role": "assistant", "content": "Sure!<|im_end|>"}`

    ## Fix safety
    Unsafe: the markers are removed, which can leave the remains of a chat template (role
    names, line breaks) in the text; read the result. Fixes of one text replace it whole, so
    this one also makes the repairs of `control-characters` and `mojibake` on the same text,
    which it would otherwise undo.
    """

    code = "FT504"
    name = "special-token"
    scope = Scope.RECORD
    severity = Severity.ERROR
    fix_applicability = Applicability.UNSAFE

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
            listed = ", ".join(f"`{t}`" for t in dict.fromkeys(found))
            if reserved:
                why = "OpenAI reserves these tokens and rejects training data containing them"
            else:
                why = "a chat-template marker of another model; the model would learn to write it"
            yield self.diagnostic(
                f"special token{'' if len(set(found)) == 1 else 's'} {listed} in the text: {why}",
                record.location.at(field=field),
                fix=Fix.unsafe(
                    "remove the special tokens",
                    SetValue(field, remove_controls(SPECIAL_RE.sub("", repaired(text)))),
                ),
                severity=Severity.ERROR if reserved else Severity.WARNING,
                excerpt=_snippet(text, matches[0].start(), matches[0].end(), 40),
            )


# ---------------------------------------------------------------------------------------------
# Whitespace padding (dataset-wide: one notice and one transform, not one line per record)


def _padded(text: str) -> bool:
    return bool(text) and (text[0].isspace() or text[-1].isspace()) and not text.isspace()


@dataclass(frozen=True)
class StripAnswers:
    """Strip leading and trailing whitespace from every assistant text of a record (and from
    prompt/completion completions when ``completions``). Returns a new object when it changes
    something."""

    completions: bool

    def __call__(self, data: Any) -> Any:
        roles = ("assistant", "completion") if self.completions else ("assistant",)
        targets = [(f, t) for f, role, t in iter_texts(data) if role in roles and _padded(t)]
        if not targets:
            return data
        new = copy.deepcopy(data)
        for field, text in targets:
            new = pointer.set_value(new, field, text.strip())
        return new


class _PaddingCounter(Accumulator):
    def __init__(self, rule: WhitespacePadding) -> None:
        self.rule = rule
        self.roles = ("assistant",) if rule.pc_model else ("assistant", "completion")
        self.count = 0
        self.texts = 0
        self.first: Location | None = None

    def add(self, record: Record) -> None:
        for field, role, text in record_texts(record):
            if role not in self.roles:
                continue
            self.texts += 1
            if _padded(text):
                self.count += 1
                if self.first is None:
                    self.first = record.location.at(field=field)

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, _PaddingCounter)
        self.count += other.count
        self.texts += other.texts
        if self.first is None:
            self.first = other.first

    def finish(self) -> Iterable[Diagnostic]:
        if not self.count or self.first is None:
            return
        transform = StripAnswers(completions=not self.rule.pc_model)
        yield self.rule.diagnostic(
            f"{self.count} of {self.texts} assistant answers start or end with whitespace "
            "(first here): the model learns to emit it",
            self.first,
            fix=Fix.safe(
                "strip the whitespace around every assistant answer",
                TransformRecords("strip the whitespace around assistant answers", transform),
            ),
        )


class WhitespacePadding(Rule):
    """## What it does
    Counts assistant answers (assistant messages, preferred and non-preferred outputs, and the
    answers of community formats) that start or end with spaces or line breaks, and reports
    them once with the first location.

    With a model that trains on prompt/completion (babbage-002, davinci-002), completions are
    left to the legacy rules: their leading space is the expected convention
    (`completion-leading-space`) and their trailing `\\n` is often the stop sequence. With a
    chat model a prompt/completion file becomes user/assistant messages, and its completions
    are checked like any assistant answer.

    ## Why is this bad?
    The model learns to begin or end its replies with the same whitespace, which costs tokens
    and leaks into the application's output.

    ## Example
    `{"role": "assistant", "content": " Score: 10/10\\n"}`

    ## Fix safety
    Safe: the whitespace around each answer is removed; the text itself is unchanged.
    """

    code = "FT505"
    name = "whitespace-padding"
    scope = Scope.DATASET
    severity = Severity.INFO
    fix_applicability = Applicability.SAFE

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        shapes = model_shapes(context.target, context.model) or ()
        self.pc_model = PROMPT_COMPLETION in shapes and CHAT not in shapes

    def accumulator(self) -> Accumulator:
        return _PaddingCounter(self)


# ---------------------------------------------------------------------------------------------
# Template placeholders

#: Code is not prose: fenced blocks and inline code spans are left out of the search.
_CODE_RE = re.compile(r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|`[^`\n]+`", re.S)
#: ``{{ name }}`` (Jinja, Mustache, Handlebars ...).
_DOUBLE_RE = re.compile(r"\{\{\s*[A-Za-z_][\w.\-]*\s*\}\}")
#: ``{name}`` (Python format strings, LangChain prompts): two characters at least, not after a
#: letter or a backslash (LaTeX ``\frac{a}{b}``, ``\text{name}``), ``$`` (JS ``${x}``),
#: ``^``/``_`` (sub- and superscripts), ``/`` (URL templates ``/users/{id}``) or a brace.
_SINGLE_RE = re.compile(r"(?<![\w\\$%#^/{}])\{[A-Za-z_][A-Za-z0-9_]{1,40}\}(?!\})")
#: A line with these is code written without a fence; its braces are not placeholders.
_CODE_HINTS = (
    'f"', "f'", ".format(", "print(", "printf(", "console.", "${", "{%", " = ", "=>", ";",
    "def ", "return ",
)  # fmt: skip


def find_placeholders(text: str) -> list[tuple[int, int]]:
    """Spans of unfilled template placeholders in prose (code excluded)."""
    if "{" not in text:
        return []
    if "`" in text or "~~~" in text:
        text = _CODE_RE.sub(lambda m: " " * len(m.group()), text)  # keep offsets
    spans = []
    for regex in (_DOUBLE_RE, _SINGLE_RE):
        for match in regex.finditer(text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            line_end = text.find("\n", match.end())
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            if any(hint in line for hint in _CODE_HINTS):
                continue
            spans.append(match.span())
    return sorted(spans)


class TemplatePlaceholder(_TextRule):
    """## What it does
    Finds template placeholders that were never filled in: `{{name}}` and `{name}` left in a
    text by the script that generated the examples.

    Code is not searched: fenced blocks, inline code, and lines that look like code
    (f-strings, `.format(`, assignments ...). Neither is LaTeX (`\\frac{a}{b}`), JavaScript
    `${x}`, URL templates (`/users/{id}`) or a brace after a letter; single-letter names are
    ignored (`{x}` is mostly mathematics).

    ## Why is this bad?
    The model learns to write `{customer_name}` instead of a name, or is trained on prompts
    that lack the input they were meant to carry.

    ## Example
    `{"role": "user", "content": "Summarise this article: {article}"}`

    ## Fix safety
    No fix: regenerate the examples with the values filled in.
    """

    code = "FT506"
    name = "template-placeholder"
    scope = Scope.RECORD
    severity = Severity.WARNING

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        # Not a generator: a clean record (nearly all) costs one bit test.
        return self._findings(record) if suspects(record) & BRACE else ()

    def _findings(self, record: Record) -> Iterator[Diagnostic]:
        for field, _role, text in record_texts(record):
            spans = find_placeholders(text)
            if not spans:
                continue
            start, end = spans[0]
            names = ", ".join(dict.fromkeys(f"`{text[s:e]}`" for s, e in spans[:5]))
            more = f" and {len(spans) - 5} more" if len(spans) > 5 else ""
            yield self.diagnostic(
                f"unfilled template placeholder{'' if len(spans) == 1 else 's'} {names}{more}: "
                "the script that generated this text did not substitute a value",
                record.location.at(field=field),
                excerpt=_snippet(text, start, end, 40),
            )


RULES: tuple[type[Rule], ...] = (
    ControlCharacters,
    ReplacementCharacter,
    Mojibake,
    SpecialToken,
    WhitespacePadding,
    TemplatePlaceholder,
)


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    return list(RULES)
