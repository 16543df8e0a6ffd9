"""Function calling in chat and preference records: the `tools` (and legacy `functions`) an
example defines, the `tool_calls` its assistant messages make, and the `tool` messages that
answer them. Findings come from the shared single pass (``chatcheck.analyze``)."""

from __future__ import annotations

from ftlint.rules.chat import chatcheck
from ftlint.rules.chat.chatcheck import AnalysisRule

from ftlint.model import Applicability, Severity
from ftlint.pluginmanager import hookimpl
from ftlint.rule import Rule


class InvalidToolCall(AnalysisRule):
    """## What it does
    Checks the structure of every tool call an assistant message makes: `tool_calls` is a
    non-empty array of `{"id": ..., "type": "function", "function": {"name": ...,
    "arguments": ...}}`; `arguments` is a JSON *string* that decodes to an object; call ids are
    unique within the example. The legacy `function_call` is checked the same way. A message
    with several calls while `parallel_tool_calls` is false is a warning.

    ## Why is this bad?
    The API rejects malformed calls. Arguments written as an object instead of a string are the
    most common mistake; arguments that are not JSON teach the model to emit broken calls.
    Duplicate ids make it impossible to tell which call a tool message answers.

    ## Example
    ```json
    {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function",
     "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]}
    ```

    ## Fix safety
    Safe: arguments given as an object are encoded as the equivalent JSON string; a missing
    `type` becomes `"function"` (the only type); missing arguments become `"{}"`; keys the API
    does not accept are removed; an empty `tool_calls` beside real content is removed.
    """

    code = "FT320"
    name = chatcheck.INVALID_TOOL_CALL
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE


class UndefinedTool(AnalysisRule):
    """## What it does
    Reports a call to a function that the example's `tools` (or legacy `functions`) do not
    define. Examples without `tools` are not checked.

    ## Why is this bad?
    The model learns to call a function it is never offered: at inference it will invent
    calls to tools that do not exist. It is usually a renamed tool, or the wrong tool list
    pasted into the example.

    ## Example
    `"tools": [{"type": "function", "function": {"name": "get_weather", ...}}]` with a call to
    `"name": "getWeather"`.

    ## Fix safety
    No fix: add the definition or correct the name.
    """

    code = "FT321"
    name = chatcheck.UNDEFINED_TOOL
    severity = Severity.WARNING


class OrphanToolMessage(AnalysisRule):
    """## What it does
    Reports a `tool` message whose `tool_call_id` answers no call made by an earlier assistant
    message of the same example.

    ## Why is this bad?
    The API rejects a tool result that follows no matching call: a tool message must answer
    a `tool_calls` entry with the same id.

    ## Example
    `[user, {"role": "tool", "tool_call_id": "call_9", "content": "18°C"}, assistant]`

    ## Fix safety
    No fix: the call is missing, or the id is wrong.
    """

    code = "FT322"
    name = chatcheck.ORPHAN_TOOL
    severity = Severity.ERROR


class InvalidToolDefinition(AnalysisRule):
    """## What it does
    Checks each tool an example defines: `{"type": "function", "function": {"name": ...,
    "description": ..., "parameters": {...}, "strict": ...}}`. The name must match
    `^[a-zA-Z0-9_-]{1,64}$` and be unique; `parameters` must be a JSON Schema object
    (`"type": "object"`), checked against the JSON Schema metaschema when the `jsonschema`
    package is installed. Legacy `functions` entries are checked the same way.

    ## Why is this bad?
    The API rejects invalid tool definitions, and the model learns the tools from them.

    ## Example
    `{"type": "function", "function": {"name": "get weather", "parameters": {"type": "str"}}}`

    ## Fix safety
    Safe: a bare function definition (`{"name": ..., "parameters": ...}`) is wrapped as
    `{"type": "function", "function": {...}}`; a missing `type` becomes `"function"`;
    `parameters` written as a JSON string holding a valid schema is parsed; keys the API does
    not accept are removed. Names and schemas have no fix.
    """

    code = "FT323"
    name = chatcheck.INVALID_TOOL_DEF
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    return [InvalidToolCall, UndefinedTool, OrphanToolMessage, InvalidToolDefinition]
