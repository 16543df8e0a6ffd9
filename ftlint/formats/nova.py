"""Amazon Bedrock's Nova fine-tuning format (``bedrock-conversation-2024``, the Converse API's
shape): ``schemaVersion``, ``system`` (a list of text blocks) and ``messages`` of ``user`` /
``assistant`` turns whose ``content`` is a list of blocks.

Sources (read 2026-12-03):
- "Preparing data for fine-tuning Understanding models" (Amazon Nova user guide),
  https://docs.aws.amazon.com/nova/latest/userguide/fine-tune-prepare-data-understanding.html
  : JSONL; ``schemaVersion`` can be any string; the optional ``system`` is a custom system
  prompt; roles are ``user`` and ``assistant``; the first turn is ``user``, the last the
  assistant's; images and videos come from ``s3Location.uri``; a dataset holds text with
  images or text with videos, never both; one sample may have several images but one video;
  "User:", "Bot:", "Assistant:", "System:", "<image>", "<video>" and "[EOS]" are reserved
  keywords.
- AWS's own validator of that format, ``nova_ft_dataset_validator.py`` in
  aws-samples/amazon-bedrock-samples (custom-models/bedrock-fine-tuning/nova/understanding/
  dataset_validation, read 2026-12-03): turns alternate user/assistant starting with user and
  ending with the assistant, at least two; a content block holds one of text, image, video;
  image formats jpeg/png/gif/webp, video mov/mkv/mp4/webm; at most 10 images; no image or
  video in an assistant turn; empty text is rejected; the reserved strings it rejects
  anywhere in a text are ``System:``, ``SYSTEM:``, ``User:``, ``USER:``, ``Bot:``, ``BOT:``,
  ``Assistant:``, ``ASSISTANT:``, ``Thought:``, ``[EOS]``, ``<image>``, ``<video>``.
- "Supervised fine-tuning on Amazon Nova 2.0" (Bedrock user guide),
  https://docs.aws.amazon.com/bedrock/latest/userguide/nova-2-sft-data-prep.html : the same
  format plus optional ``reasoningContent`` in assistant turns; tool use is in the Converse
  format but not supported by Nova 2.0 SFT ("adding tool sections might cause your job to
  fail").

What Nova's format cannot hold, and what ftlint does about it when writing it: tool calls,
tool results and tool lists (the record is rejected), a system message in the middle of a
conversation (rejected), turns that do not alternate user/assistant (rejected: merging them
would change the texts), images that are not in S3 (rejected: Nova reads ``s3://`` URIs
only), and message weights other than 1 (reported as lost: Nova trains on every assistant
turn).
"""

from __future__ import annotations

from typing import Any

from ftlint.formats.base import (
    ConversionError,
    Loss,
    Problem,
    RecordFormat,
    leading_system,
    system_losses,
    weight_loss,
)

SCHEMA_VERSION = "bedrock-conversation-2024"
IMAGE_FORMATS = ("jpeg", "png", "gif", "webp")
VIDEO_FORMATS = ("mov", "mkv", "mp4", "webm")
MAX_IMAGES = 10
#: The strings AWS's validator rejects anywhere in a text (case as written). The
#: ``reserved-keyword`` rule (FT903, targets family) reports the guide's seven in user and
#: system texts; the validator also rejects the upper-case ones and ``Thought:``, in
#: assistant texts too.
RESERVED_STRINGS = (
    "System:", "SYSTEM:", "User:", "USER:", "Bot:", "BOT:", "Assistant:", "ASSISTANT:",
    "Thought:", "[EOS]", "<image>", "<video>",
)  # fmt: skip
_EXTENSIONS = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "gif": "gif", "webp": "webp"}
_BLOCKS = ("text", "image", "video", "reasoningContent")


def is_nova(data: Any) -> bool:
    """A Nova record: ``schemaVersion``, or a ``system`` list of blocks beside ``messages``."""
    if not isinstance(data, dict) or "messages" not in data:
        return False
    return "schemaVersion" in data or isinstance(data.get("system"), list)


class NovaFormat(RecordFormat):
    name = "nova"
    label = "Amazon Nova"
    shape = "chat"
    family = "nova"
    source = (
        "https://docs.aws.amazon.com/nova/latest/userguide/"
        "fine-tune-prepare-data-understanding.html (read 2026-12-03)"
    )

    def detect(self, data: Any) -> bool:
        return is_nova(data)

    def to_canonical(self, data: dict) -> dict:
        messages: list[dict] = []
        system = data.get("system")
        if system is not None:
            if not isinstance(system, list):
                raise ConversionError("'system' must be a list of text blocks", "/system")
            texts = []
            for i, block in enumerate(system):
                if not isinstance(block, dict) or not isinstance(block.get("text"), str):
                    raise ConversionError("a system block holds text", f"/system/{i}")
                texts.append(block["text"])
            if len(texts) == 1:
                messages.append({"role": "system", "content": texts[0]})
            elif texts:
                messages.append(
                    {"role": "system", "content": [{"type": "text", "text": t} for t in texts]}
                )
        turns = data.get("messages")
        if not isinstance(turns, list):
            raise ConversionError("'messages' must be a list", "/messages")
        for i, turn in enumerate(turns):
            where = f"/messages/{i}"
            if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant"):
                raise ConversionError("a turn needs role 'user' or 'assistant'", where)
            blocks = turn.get("content")
            if not isinstance(blocks, list):
                raise ConversionError("'content' must be a list of blocks", where + "/content")
            parts = []
            for j, block in enumerate(blocks):
                at = f"{where}/content/{j}"
                if (
                    isinstance(block, dict)
                    and isinstance(block.get("text"), str)
                    and len(block) == 1
                ):
                    parts.append({"type": "text", "text": block["text"]})
                elif isinstance(block, dict) and isinstance(block.get("image"), dict):
                    uri = _s3_uri(block["image"])
                    if uri is None:
                        raise ConversionError("the image has no s3Location uri", at)
                    parts.append({"type": "image_url", "image_url": {"url": uri}})
                else:
                    kinds = ", ".join(block) if isinstance(block, dict) else type(block).__name__
                    raise ConversionError(f"a {kinds} block has no OpenAI chat equivalent", at)
            content: Any = parts
            if len(parts) == 1 and parts[0]["type"] == "text":
                content = parts[0]["text"]
            messages.append({"role": turn["role"], "content": content})
        return {"messages": messages}

    def from_canonical(self, data: dict) -> tuple[dict, list[Loss]]:
        messages = data.get("messages")
        if not isinstance(messages, list):
            raise ConversionError("'messages' is not a list", "/messages")
        for key in ("tools", "functions"):
            if data.get(key):
                raise ConversionError(
                    "Nova fine-tuning does not support tool use: the tool list has no place "
                    "in its format",
                    "/" + key,
                )
        losses: list[Loss] = []
        system, start = leading_system(messages, "/messages", self.label)
        losses.extend(system_losses(system, "/messages", self.label))
        out: dict[str, Any] = {"schemaVersion": SCHEMA_VERSION}
        if system:
            out["system"] = [{"text": t} for t in system]
        turns = []
        for i in range(start, len(messages)):
            message = messages[i]
            where = f"/messages/{i}"
            role = message.get("role") if isinstance(message, dict) else None
            if role == "tool" or (isinstance(message, dict) and message.get("tool_calls")):
                raise ConversionError(
                    "Nova fine-tuning does not support tool use: a tool call or result has no "
                    "place in its format",
                    where,
                )
            if role not in ("user", "assistant"):
                raise ConversionError(f"role {role!r} has no Nova equivalent", where + "/role")
            expected = "user" if len(turns) % 2 == 0 else "assistant"
            if role != expected:
                raise ConversionError(
                    f"Nova turns alternate user and assistant, starting with user: this "
                    f"{role} message comes where a {expected} turn must",
                    where,
                )
            loss = weight_loss(message, where, self.label)
            if loss is not None:
                losses.append(loss)
            if "name" in message:
                losses.append(Loss("name", "Nova turns have no speaker name", where + "/name"))
            turns.append({"role": role, "content": _blocks(message.get("content"), where, role)})
        if not turns or turns[-1]["role"] != "assistant":
            raise ConversionError("a Nova example ends with the assistant's turn", "/messages")
        out["messages"] = turns
        for key in data:
            if key not in ("messages", "tools", "functions", "parallel_tool_calls"):
                losses.append(
                    Loss("key", f"Nova records have no {key!r}: it is left out", "/" + key)
                )
        return out, losses

    def check(self, data: Any) -> list[Problem]:
        if not isinstance(data, dict):
            return [Problem("", "a Nova example must be a JSON object")]
        problems: list[Problem] = []
        version = data.get("schemaVersion")
        if version is not None and not isinstance(version, str):
            problems.append(Problem("/schemaVersion", "'schemaVersion' must be a string"))
        system = data.get("system")
        if system is not None:
            if not isinstance(system, list):
                problems.append(Problem("/system", "'system' must be a list of {text} blocks"))
            else:
                for i, block in enumerate(system):
                    if not (isinstance(block, dict) and isinstance(block.get("text"), str)):
                        problems.append(Problem(f"/system/{i}", 'a system block is {"text": ...}'))
        messages = data.get("messages")
        if not isinstance(messages, list):
            return [*problems, Problem("/messages", "'messages' must be a list of turns")]
        if len(messages) < 2:
            problems.append(
                Problem("/messages", "a Nova example needs a user turn and an assistant turn")
            )
        images = videos = 0
        for i, turn in enumerate(messages):
            where = f"/messages/{i}"
            if not isinstance(turn, dict):
                problems.append(Problem(where, "a turn must be an object"))
                continue
            role = turn.get("role")
            expected = "user" if i % 2 == 0 else "assistant"
            if role not in ("user", "assistant"):
                problems.append(
                    Problem(where + "/role", f"role {role!r}: Nova knows 'user' and 'assistant'")
                )
            elif role != expected:
                problems.append(
                    Problem(
                        where + "/role",
                        "turns alternate user and assistant, starting with user: "
                        f"{'an' if expected == 'assistant' else 'a'} {expected} turn is expected "
                        f"here, not {role}",
                    )
                )
            content = turn.get("content")
            if not isinstance(content, list) or not content:
                problems.append(Problem(where + "/content", "'content' must be a list of blocks"))
                continue
            total_text = 0
            media = False
            for j, block in enumerate(content):
                at = f"{where}/content/{j}"
                kinds = [k for k in block if k in _BLOCKS] if isinstance(block, dict) else []
                if not isinstance(block, dict) or len(kinds) != 1 or len(block) != 1:
                    problems.append(
                        Problem(at, "a content block holds exactly one of text, image, video")
                    )
                    continue
                kind = kinds[0]
                value = block[kind]
                if kind == "text":
                    if not isinstance(value, str):
                        problems.append(Problem(at + "/text", "'text' must be a string"))
                    else:
                        total_text += len(value)
                elif kind == "reasoningContent":
                    if role != "assistant":
                        problems.append(Problem(at, "reasoning content is the assistant's"))
                else:
                    media = True
                    if kind == "image":
                        images += 1
                    else:
                        videos += 1
                    problems.extend(_check_media(value, at + "/" + kind, kind))
                    if role == "assistant":
                        problems.append(Problem(at, f"an assistant turn cannot hold an {kind}"))
            if total_text == 0 and not media:
                problems.append(Problem(where + "/content", "the turn's text is empty"))
        if messages and isinstance(messages[-1], dict) and messages[-1].get("role") != "assistant":
            problems.append(
                Problem(f"/messages/{len(messages) - 1}", "the last turn must be the assistant's")
            )
        if images > MAX_IMAGES:
            problems.append(Problem("/messages", f"{images} images: at most {MAX_IMAGES} a sample"))
        if videos > 1:
            problems.append(Problem("/messages", f"{videos} videos: at most one a sample"))
        if images and videos:
            problems.append(Problem("/messages", "a sample cannot hold both images and a video"))
        return problems


def _s3_uri(media: dict) -> str | None:
    source = media.get("source")
    location = source.get("s3Location") if isinstance(source, dict) else None
    uri = location.get("uri") if isinstance(location, dict) else None
    return uri if isinstance(uri, str) else None


def _check_media(value: Any, pointer: str, kind: str) -> list[Problem]:
    if not isinstance(value, dict):
        return [Problem(pointer, f"an {kind} block is an object with format and source")]
    problems = []
    allowed = IMAGE_FORMATS if kind == "image" else VIDEO_FORMATS
    fmt = value.get("format")
    if not (isinstance(fmt, str) and fmt.lower() in allowed):
        problems.append(
            Problem(pointer + "/format", f"{kind} format {fmt!r}: Nova takes {', '.join(allowed)}")
        )
    uri = _s3_uri(value)
    if uri is None or not uri.startswith("s3://"):
        problems.append(
            Problem(pointer + "/source", f"the {kind} must come from source.s3Location.uri (s3://)")
        )
    return problems


def _blocks(content: Any, where: str, role: str) -> list[dict]:
    pointer = where + "/content"
    if isinstance(content, str):
        return [{"text": content}]
    if not isinstance(content, list):
        raise ConversionError("the content must be text or a list of parts", pointer)
    blocks = []
    for i, part in enumerate(content):
        at = f"{pointer}/{i}"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part.get("text"), str):
            blocks.append({"text": part["text"]})
        elif kind == "image_url":
            image = part.get("image_url")
            url = image.get("url") if isinstance(image, dict) else image
            if role == "assistant":
                raise ConversionError("a Nova assistant turn cannot hold an image", at)
            if not isinstance(url, str) or not url.startswith("s3://"):
                raise ConversionError(
                    "Nova reads images from S3 only (source.s3Location.uri): this image is not "
                    "an s3:// URI",
                    at,
                )
            ext = url.rsplit(".", 1)[-1].lower() if "." in url else ""
            if ext not in _EXTENSIONS:
                raise ConversionError(
                    f"the image's extension {ext!r} is none of Nova's formats "
                    f"({', '.join(IMAGE_FORMATS)})",
                    at,
                )
            blocks.append(
                {"image": {"format": _EXTENSIONS[ext], "source": {"s3Location": {"uri": url}}}}
            )
        else:
            raise ConversionError(f"a {kind or 'untyped'} part has no Nova equivalent", at)
    return blocks


NOVA = NovaFormat()
