"""Images in chat examples (vision fine-tuning): where they may appear, what they may be, and
how many. Findings come from the shared single pass (``chatcheck.analyze``)."""

from __future__ import annotations

from ftlint.rules.chat import chatcheck
from ftlint.rules.chat.chatcheck import AnalysisRule

from ftlint.model import Applicability, Severity
from ftlint.pluginmanager import hookimpl
from ftlint.rule import Rule


class InvalidImage(AnalysisRule):
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
    name = chatcheck.INVALID_IMAGE
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    return [InvalidImage]
