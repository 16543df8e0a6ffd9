"""Rule ``invalid-image``: images in chat examples (vision fine-tuning): where they may
appear, what they may be, and how many."""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ftlint.rules.chat.base import ChatRule, a
from ftlint.rules.chat.schema import type_name

from ftlint import Applicability, Fix, SetValue, Severity

if TYPE_CHECKING:
    from ftlint.rules.chat.walk import Walk

IMAGE_DETAILS = ("auto", "low", "high")
MAX_IMAGES = 10
MAX_IMAGE_BYTES = 10 * 1024 * 1024
IMAGE_MIME = {"image/jpeg": "JPEG", "image/jpg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


class InvalidImage(ChatRule):
    """## What it does
    Checks every `{"type": "image_url", "image_url": {"url": ..., "detail": ...}}` content
    part: images only in user messages (never in preference data, which is text only); the URL
    is an http(s) URL or a base64 data URL (`data:image/png;base64,...`) whose bytes are a
    JPEG, PNG or WEBP image by their magic bytes, of at most 10 MB (10 MiB); `detail` is
    `auto`, `low` or `high`; at most 10 images per example. A data URL whose declared type
    differs from its bytes is a warning.

    ## Why is this bad?
    The API rejects these examples (vision fine-tuning limits). A local path or a truncated
    base64 string is only discovered after the upload otherwise.

    ## Example
    `{"type": "image_url", "image_url": {"url": "C:/photos/cat.jpg"}}` or an image in an
    assistant message.

    ## Fix safety
    Safe for one case: `"image_url": "https://..."` written as a plain string becomes
    `{"url": "https://..."}`. Otherwise no fix. URLs on the web are not fetched: their type
    and size are checked by the provider.
    """

    code = "FT330"
    name = "invalid-image"
    provider_error = r"image"
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE


def image(walk: Walk, part: dict, role: str, pointer: str) -> dict | None:
    """An ``image_url`` content part, the ``walk.images``-th of the example; returns its
    ``image_url`` object when it is one, for the walk to check its keys."""
    if walk.preference:
        walk.add(
            InvalidImage.name,
            "preference (DPO) fine-tuning takes text only: remove the image",
            pointer,
        )
        return None
    if role != "user":
        walk.add(
            InvalidImage.name,
            f"images are only accepted in user messages, not in {a(str(role))} message",
            pointer,
        )
        return None
    if walk.images == MAX_IMAGES + 1:
        walk.add(
            InvalidImage.name,
            f"more than {MAX_IMAGES} images in one example (the API's limit)",
            pointer,
        )
    spec = part.get("image_url")
    where = f"{pointer}/image_url"
    if isinstance(spec, str):
        walk.add(
            InvalidImage.name,
            "'image_url' must be an object with a 'url'",
            where,
            Fix.safe('write {"url": ...}', SetValue(where, {"url": spec})),
        )
        url: Any = spec
        found = None
    elif not isinstance(spec, dict):
        walk.add(
            InvalidImage.name,
            f"'image_url' must be an object with a 'url', got {type_name(spec)}",
            where,
        )
        return None
    else:
        url = spec.get("url")
        detail = spec.get("detail")
        if detail is not None and detail not in IMAGE_DETAILS:
            walk.add(
                InvalidImage.name,
                f"'detail' must be auto, low or high, got {json.dumps(detail, default=str)}",
                f"{where}/detail",
            )
        where = f"{where}/url"
        found = spec
    if not isinstance(url, str):
        walk.add(InvalidImage.name, f"the image URL must be a string, got {type_name(url)}", where)
        return found
    problem, severity = image_url_problem(url)
    if problem:
        walk.add(InvalidImage.name, problem, where, severity=severity)
    return found


def image_kind(data: bytes) -> str | None:
    """JPEG, PNG or WEBP from the magic bytes, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def image_url_problem(url: str) -> tuple[str | None, Severity | None]:
    """Why an image URL is not accepted (and how bad), or ``(None, None)``.

    Accepted: an http(s) URL, or a base64 data URL whose bytes are a JPEG, PNG or WEBP image of
    at most 10 MB.
    """
    if url[:5].lower() == "data:":
        header, comma, payload = url[5:].partition(",")
        if not comma:
            return "the data URL has no ',' before its data", None
        params = header.split(";")
        mime = params[0].strip().lower()
        if "base64" not in (p.strip().lower() for p in params[1:]):
            return "the data URL must be base64-encoded (data:image/png;base64,...)", None
        if mime and mime not in IMAGE_MIME:
            return f"image type {mime!r} is not accepted: use JPEG, PNG or WEBP", None
        size = (len(payload) * 3) // 4 - payload[-2:].count("=")
        if size > MAX_IMAGE_BYTES:
            return f"the image is {size / 1e6:.1f} MB; the limit is 10 MB", None
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            return "the data URL is not valid base64", None
        kind = image_kind(data)
        if kind is None:
            return "the data URL's bytes are not a JPEG, PNG or WEBP image", None
        if mime and IMAGE_MIME[mime] != kind:
            return f"the data URL says {mime} but holds a {kind} image", Severity.WARNING
        return None, None
    try:
        parts = urlsplit(url)
    except ValueError:
        return "the image URL is not a valid URL", None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        shown = url if len(url) <= 60 else url[:57] + "..."
        return (
            f"image URL {shown!r} must be an http(s) URL or a base64 data URL "
            "(data:image/jpeg;base64,...)",
            None,
        )
    return None, None
