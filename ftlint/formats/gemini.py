"""Vertex AI's Gemini supervised tuning format: ``systemInstruction`` and ``contents`` of
``role`` ``user`` / ``model`` with ``parts``.

Sources (read 2026-12-03):
- "Prepare supervised fine-tuning data for Gemini models",
  https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning-prepare
  : JSONL, one example a line; ``contents`` (required, a Content: ``role`` and ``parts``;
  multi-turn examples repeat it), ``systemInstruction`` (optional Content; its ``role`` is
  ignored), ``tools`` (optional); ``role`` is ``user`` or ``model`` (may be left out only
  for an example that is not multi-turn); a part holds one of ``text`` or ``fileData``
  (``mimeType``, ``fileUri``).
- "Tune function calling",
  https://cloud.google.com/vertex-ai/generative-ai/docs/models/tune-function-calling :
  ``model`` parts with ``functionCall`` (``name``, ``args`` object), ``functionResponse`` parts
  (``name``, ``response`` object) and ``tools`` of ``functionDeclarations``; the dataset example
  writes ``system_instruction`` (snake case), which ftlint reads too.

What Gemini's format cannot hold, and what ftlint does about it when writing it:
- a system message in the middle of a conversation: the record is rejected;
- a message ``weight`` other than 1 (Gemini trains on every ``model`` turn): reported as lost;
- tool call ids (Gemini pairs a response with its call by function name): not written; read
  back, calls get ids ``call00001``, ``call00002`` ... in order (9 letters or digits, the
  ids Mistral's validator requires);
- inline (``data:``) images: Vertex tuning data takes files by URI only: the record is
  rejected; an image URL is written as ``fileData`` with the MIME type its extension names;
- message ``name`` fields and ``parallel_tool_calls``: reported as lost;
- function parameter schemas: Vertex spells their types the OpenAPI way (``OBJECT``), OpenAI
  the JSON Schema way (``object``): the names are translated both ways, nothing is lost.
"""

from __future__ import annotations

import json
from typing import Any

from ftlint.formats.base import (
    ConversionError,
    Loss,
    Problem,
    RecordFormat,
    json_object,
    leading_system,
    system_losses,
    text_of_content,
    weight_loss,
)

#: The part kinds of Vertex tuning data (text, files by URI, function calls and responses).
PART_KINDS = ("text", "fileData", "functionCall", "functionResponse")
ROLES = ("user", "model")
_SYSTEM_KEYS = ("systemInstruction", "system_instruction")


def _system_of(data: dict) -> tuple[str, Any]:
    for key in _SYSTEM_KEYS:
        if key in data:
            return key, data[key]
    return "", None


def _mime_of(url: str) -> str | None:
    import mimetypes  # here: it reads the system's type tables when imported

    path = url.split("?", 1)[0]
    mime, _ = mimetypes.guess_type(path)
    return mime


class GeminiFormat(RecordFormat):
    name = "gemini"
    label = "Vertex AI Gemini"
    shape = "chat"
    family = "gemini"
    source = (
        "https://cloud.google.com/vertex-ai/generative-ai/docs/models/"
        "gemini-supervised-tuning-prepare (read 2026-12-03)"
    )

    def detect(self, data: Any) -> bool:
        return isinstance(data, dict) and "contents" in data

    # -- reading ---------------------------------------------------------------------------

    def to_canonical(self, data: dict) -> dict:
        messages: list[dict] = []
        key, system = _system_of(data)
        if system is not None:
            texts = self._texts(system, f"/{key}")
            if texts:
                messages.append({"role": "system", "content": _content(texts)})
        contents = data.get("contents")
        if not isinstance(contents, list):
            raise ConversionError("'contents' must be a list of contents", "/contents")
        pending: list[tuple[str, str]] = []  # (call id, function name) awaiting a response
        counter = 0
        for i, content in enumerate(contents):
            where = f"/contents/{i}"
            if not isinstance(content, dict) or not isinstance(content.get("parts"), list):
                raise ConversionError("a content must be an object with 'parts'", where)
            role = content.get("role", "user" if len(contents) == 1 else None)
            if role not in ROLES:
                raise ConversionError(f"role {role!r} is not 'user' or 'model'", where + "/role")
            parts: list[dict] = []
            calls: list[dict] = []
            for j, part in enumerate(content["parts"]):
                at = f"{where}/parts/{j}"
                if not isinstance(part, dict):
                    raise ConversionError("a part must be an object", at)
                if "text" in part:
                    parts.append({"type": "text", "text": _text(part["text"], at + "/text")})
                elif "fileData" in part:
                    parts.append(_image_part(part["fileData"], at + "/fileData"))
                elif "functionCall" in part and role == "model":
                    call = part["functionCall"]
                    if not isinstance(call, dict) or not isinstance(call.get("name"), str):
                        raise ConversionError("a functionCall needs a 'name'", at)
                    counter += 1
                    call_id = f"call{counter:05d}"  # 9 letters or digits: Mistral's rule too
                    pending.append((call_id, call["name"]))
                    args = call.get("args", {})
                    calls.append(
                        {
                            "id": call_id,
                            "type": "function",
                            "function": {
                                "name": call["name"],
                                "arguments": json.dumps(args, ensure_ascii=False),
                            },
                        }
                    )
                elif "functionResponse" in part and role == "user":
                    response = part["functionResponse"]
                    if not isinstance(response, dict) or not isinstance(response.get("name"), str):
                        raise ConversionError("a functionResponse needs a 'name'", at)
                    call_id = _answer(pending, response["name"], at)
                    messages.append(
                        {
                            "role": "tool",
                            "tool_call_id": call_id,
                            "content": _response_text(response.get("response")),
                        }
                    )
                else:
                    kinds = ", ".join(k for k in part) or "nothing"
                    raise ConversionError(
                        f"a {role} part with {kinds} has no OpenAI chat equivalent", at
                    )
            if not parts and not calls:
                continue  # a content of function responses only: the tool messages above
            message: dict[str, Any] = {"role": "assistant" if role == "model" else "user"}
            if parts:
                message["content"] = _collapse(parts)
            if calls:
                message["tool_calls"] = calls
            messages.append(message)
        out: dict[str, Any] = {"messages": messages}
        tools = data.get("tools")
        if tools:
            out["tools"] = _openai_tools(tools)
        return out

    def _texts(self, system: Any, pointer: str) -> list[str]:
        if not isinstance(system, dict) or not isinstance(system.get("parts"), list):
            raise ConversionError("the system instruction must be an object with 'parts'", pointer)
        texts = []
        for j, part in enumerate(system["parts"]):
            if not isinstance(part, dict) or "text" not in part:
                raise ConversionError(
                    "a system instruction part holds text", f"{pointer}/parts/{j}"
                )
            texts.append(_text(part["text"], f"{pointer}/parts/{j}/text"))
        return texts

    # -- writing ---------------------------------------------------------------------------

    def from_canonical(self, data: dict) -> tuple[dict, list[Loss]]:
        messages = data.get("messages")
        if not isinstance(messages, list):
            raise ConversionError("'messages' is not a list", "/messages")
        losses: list[Loss] = []
        system, start = leading_system(messages, "/messages", self.label)
        losses.extend(system_losses(system, "/messages", self.label))
        out: dict[str, Any] = {}
        if system:
            out["systemInstruction"] = {"parts": [{"text": t} for t in system]}
        contents: list[dict] = []
        names: dict[str, str] = {}  # tool call id -> function name
        for i in range(start, len(messages)):
            message = messages[i]
            where = f"/messages/{i}"
            if not isinstance(message, dict):
                raise ConversionError("a message must be an object", where)
            role = message.get("role")
            loss = weight_loss(message, where, self.label)
            if loss is not None:
                losses.append(loss)
            if "name" in message:
                losses.append(Loss("name", "Gemini contents have no speaker name", where + "/name"))
            if role == "tool":
                call_id = message.get("tool_call_id")
                name = names.get(call_id) if isinstance(call_id, str) else None
                if name is None:
                    raise ConversionError(
                        "a tool result that answers no tool call before it", where
                    )
                text = text_of_content(message.get("content"), where + "/content")
                part = {"functionResponse": {"name": name, "response": _response_object(text)}}
                if contents and contents[-1]["role"] == "user" and _all_responses(contents[-1]):
                    contents[-1]["parts"].append(part)
                else:
                    contents.append({"role": "user", "parts": [part]})
                continue
            if role not in ("user", "assistant"):
                raise ConversionError(f"role {role!r} has no Gemini equivalent", where + "/role")
            parts = _parts(message.get("content"), where + "/content", role)
            if role == "assistant":
                calls = message.get("tool_calls") or []
                if not isinstance(calls, list):
                    raise ConversionError("'tool_calls' must be a list", where + "/tool_calls")
                for k, call in enumerate(calls):
                    at = f"{where}/tool_calls/{k}"
                    function = call.get("function") if isinstance(call, dict) else None
                    if not isinstance(function, dict) or not isinstance(function.get("name"), str):
                        raise ConversionError("a tool call needs a function name", at)
                    if isinstance(call.get("id"), str):
                        names[call["id"]] = function["name"]
                        losses.append(
                            Loss(
                                "tool-call-id",
                                "Gemini pairs a function response with its call by name: the "
                                "tool call id is not written",
                                at + "/id",
                            )
                        )
                    args = json_object(function.get("arguments"), at + "/function/arguments")
                    parts.append({"functionCall": {"name": function["name"], "args": args}})
            if not parts:
                raise ConversionError("the message has no content Gemini can hold", where)
            contents.append({"role": "model" if role == "assistant" else "user", "parts": parts})
        out["contents"] = contents
        tools = data.get("tools")
        if tools:
            out["tools"], tool_losses = _gemini_tools(tools)
            losses.extend(tool_losses)
        for key in data:
            if key not in ("messages", "tools"):
                losses.append(
                    Loss("key", f"Gemini tuning data has no {key!r}: it is left out", "/" + key)
                )
        return out, losses

    # -- checking --------------------------------------------------------------------------

    def check(self, data: Any) -> list[Problem]:
        if not isinstance(data, dict):
            return [Problem("", "a Gemini example must be a JSON object")]
        problems: list[Problem] = []
        key, system = _system_of(data)
        if system is not None:
            problems.extend(self._check_content(system, f"/{key}", system=True))
        contents = data.get("contents")
        if not isinstance(contents, list) or not contents:
            problems.append(Problem("/contents", "'contents' must be a non-empty list"))
            return problems
        for i, content in enumerate(contents):
            problems.extend(self._check_content(content, f"/contents/{i}", many=len(contents) > 1))
        roles = [c.get("role") for c in contents if isinstance(c, dict)]
        if roles and "model" not in roles:
            problems.append(
                Problem(
                    "/contents", "the example has no 'model' turn: there is nothing to train on"
                )
            )
        tools = data.get("tools")
        if tools is not None and not (
            isinstance(tools, list)
            and all(isinstance(t, dict) and isinstance(t.get("functionDeclarations"), list)
                    for t in tools)
        ):  # fmt: skip
            problems.append(Problem("/tools", "'tools' must be a list of {functionDeclarations}"))
        return problems

    def _check_content(
        self, content: Any, pointer: str, system: bool = False, many: bool = False
    ) -> list[Problem]:
        if not isinstance(content, dict):
            return [Problem(pointer, "a content must be an object with 'role' and 'parts'")]
        problems = []
        role = content.get("role")
        if not system:
            if role is None and many:
                problems.append(
                    Problem(pointer, "a multi-turn example needs a 'role' on every content")
                )
            elif role is not None and role not in ROLES:
                problems.append(
                    Problem(pointer + "/role", f"role {role!r} is not 'user' or 'model'")
                )
        parts = content.get("parts")
        if not isinstance(parts, list) or not parts:
            return [*problems, Problem(pointer + "/parts", "'parts' must be a non-empty list")]
        for j, part in enumerate(parts):
            at = f"{pointer}/parts/{j}"
            if not isinstance(part, dict):
                problems.append(Problem(at, "a part must be an object"))
                continue
            kinds = [k for k in part if k in PART_KINDS]
            others = [k for k in part if k not in PART_KINDS]
            if len(kinds) != 1 or others:
                problems.append(
                    Problem(
                        at,
                        "a part holds exactly one of text, fileData, functionCall, "
                        f"functionResponse; this one has {', '.join(part) or 'nothing'}",
                    )
                )
                continue
            kind = kinds[0]
            value = part[kind]
            if system and kind != "text":
                problems.append(Problem(at, "a system instruction holds text parts only"))
            elif kind == "text" and not isinstance(value, str):
                problems.append(Problem(at + "/text", "'text' must be a string"))
            elif kind == "fileData" and not (
                isinstance(value, dict)
                and isinstance(value.get("mimeType"), str)
                and isinstance(value.get("fileUri"), str)
            ):
                problems.append(Problem(at + "/fileData", "fileData needs mimeType and fileUri"))
            elif kind == "functionCall" and not (
                isinstance(value, dict)
                and isinstance(value.get("name"), str)
                and isinstance(value.get("args", {}), dict)
            ):
                problems.append(
                    Problem(at + "/functionCall", "a functionCall needs a name and object args")
                )
            elif kind == "functionResponse" and not (
                isinstance(value, dict)
                and isinstance(value.get("name"), str)
                and isinstance(value.get("response"), dict)
            ):
                problems.append(
                    Problem(
                        at + "/functionResponse",
                        "a functionResponse needs a name and an object response",
                    )
                )
            elif kind == "functionCall" and role != "model":
                problems.append(Problem(at, "only a 'model' turn calls functions"))
        return problems


def _text(value: Any, pointer: str) -> str:
    if not isinstance(value, str):
        raise ConversionError("'text' must be a string", pointer)
    return value


def _content(texts: list[str]) -> Any:
    if len(texts) == 1:
        return texts[0]
    return [{"type": "text", "text": t} for t in texts]


def _collapse(parts: list[dict]) -> Any:
    """One text part is a plain string content (what the canonical form writes)."""
    if len(parts) == 1 and parts[0]["type"] == "text":
        return parts[0]["text"]
    return parts


def _image_part(file_data: Any, pointer: str) -> dict:
    if not isinstance(file_data, dict) or not isinstance(file_data.get("fileUri"), str):
        raise ConversionError("fileData needs a fileUri", pointer)
    mime = file_data.get("mimeType")
    if not (isinstance(mime, str) and mime.startswith("image/")):
        raise ConversionError(
            f"a {mime or 'untyped'} file has no OpenAI chat equivalent (images only)", pointer
        )
    return {"type": "image_url", "image_url": {"url": file_data["fileUri"]}}


def _answer(pending: list[tuple[str, str]], name: str, pointer: str) -> str:
    for k, (call_id, called) in enumerate(pending):
        if called == name:
            del pending[k]
            return call_id
    raise ConversionError(f"a response of {name!r}, which no call before it made", pointer)


def _response_text(response: Any) -> str:
    """A function response object as the text of a tool message: ``{"content": text}`` (what
    ftlint writes) is the text itself; any other object is its JSON."""
    if isinstance(response, dict) and set(response) == {"content"}:
        inner = response["content"]
        if isinstance(inner, str):
            return inner
    return json.dumps(response, ensure_ascii=False)


def _response_object(text: str) -> dict:
    """A tool message's text as a function response object: a JSON object stays itself."""
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if isinstance(value, dict) and set(value) != {"content"}:
        return value
    return {"content": text}


def _all_responses(content: dict) -> bool:
    return all("functionResponse" in part for part in content["parts"])


def _parts(content: Any, pointer: str, role: str) -> list[dict]:
    if content is None:
        return []
    if isinstance(content, str):
        return [{"text": content}] if content != "" or role == "user" else []
    if not isinstance(content, list):
        raise ConversionError("the content must be text or a list of parts", pointer)
    parts = []
    for i, part in enumerate(content):
        at = f"{pointer}/{i}"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            parts.append({"text": _text(part.get("text"), at + "/text")})
        elif kind == "image_url":
            image = part.get("image_url")
            url = image.get("url") if isinstance(image, dict) else image
            if not isinstance(url, str):
                raise ConversionError("the image has no URL", at)
            if url.startswith("data:"):
                raise ConversionError(
                    "Vertex tuning data takes files by URI (fileData): an inline data: image "
                    "has no place there; upload it to Cloud Storage and use its gs:// URI",
                    at,
                )
            mime = _mime_of(url)
            if mime is None or not mime.startswith("image/"):
                raise ConversionError(
                    "the image URL names no image type (.png, .jpeg ...), which fileData needs",
                    at,
                )
            parts.append({"fileData": {"mimeType": mime, "fileUri": url}})
        else:
            raise ConversionError(f"a {kind or 'untyped'} part has no Gemini equivalent", at)
    return parts


def schema_types(schema: Any, upper: bool) -> Any:
    """A function's parameter schema with its ``type`` names in Vertex's spelling (OpenAPI
    ``OBJECT``, ``STRING`` ...) or JSON Schema's (``object``, ``string`` ...), which OpenAI-style
    providers require: the same schema either way, so the conversion loses nothing."""
    if isinstance(schema, list):
        return [schema_types(item, upper) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key == "type" and isinstance(value, str):
            out[key] = value.upper() if upper else value.lower()
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: schema_types(sub, upper) for name, sub in value.items()}
        elif key in ("items", "anyOf", "oneOf", "allOf", "additionalProperties"):
            out[key] = schema_types(value, upper)
        else:
            out[key] = value
    return out


def _gemini_tools(tools: Any) -> tuple[list[dict], list[Loss]]:
    if not isinstance(tools, list):
        raise ConversionError("'tools' must be a list", "/tools")
    declarations = []
    losses = []
    for i, tool in enumerate(tools):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(function, dict) or not isinstance(function.get("name"), str):
            raise ConversionError("a tool must be a function with a name", f"/tools/{i}")
        declaration = {k: function[k] for k in ("name", "description") if k in function}
        if "parameters" in function:
            declaration["parameters"] = schema_types(function["parameters"], upper=True)
        for key in function:
            if key not in declaration:
                losses.append(
                    Loss("tool-key", f"Gemini function declarations have no {key!r}",
                         f"/tools/{i}/function/{key}")
                )  # fmt: skip
        declarations.append(declaration)
    return [{"functionDeclarations": declarations}], losses


def _openai_tools(tools: Any) -> list[dict]:
    if not isinstance(tools, list):
        raise ConversionError("'tools' must be a list", "/tools")
    out = []
    for i, tool in enumerate(tools):
        declarations = tool.get("functionDeclarations") if isinstance(tool, dict) else None
        if not isinstance(declarations, list):
            raise ConversionError("only functionDeclarations tools convert", f"/tools/{i}")
        for declaration in declarations:
            function = dict(declaration) if isinstance(declaration, dict) else declaration
            if isinstance(function, dict) and "parameters" in function:
                function["parameters"] = schema_types(function["parameters"], upper=False)
            out.append({"type": "function", "function": function})
    return out


GEMINI = GeminiFormat()
