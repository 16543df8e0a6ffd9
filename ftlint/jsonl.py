"""The canonical JSONL line: compact, UTF-8 (no ``\\u`` escapes for non-ASCII), one ``\\n``.

orjson is used because serialising and parsing are the hot path of ``prepare``; the standard
library covers what orjson refuses (integers beyond 64 bits, non-string keys).
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps_line(data: Any) -> bytes:
    try:
        return orjson.dumps(data, option=orjson.OPT_APPEND_NEWLINE)
    except (TypeError, orjson.JSONEncodeError):
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
        return text.encode("utf-8") + b"\n"


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)


JSONDecodeError = orjson.JSONDecodeError
