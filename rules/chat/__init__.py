"""Chat records (``{"messages": [...]}``): roles, keys, types, content, weights, and whether the
example trains anything at all. Also applied to the messages of preference records where the
check means the same there (roles, keys, types, content).

All findings come from one pass over the record (``chatcheck.analyze``), shared with the tool,
image and preference rules.
"""

from __future__ import annotations

from ftlint.rules.chat import chatcheck
from ftlint.rules.chat.chatcheck import AnalysisRule

from ftlint.model import Applicability, Severity
from ftlint.pluginmanager import hookimpl
from ftlint.rule import Rule


class InvalidRole(AnalysisRule):
    """## What it does
    Checks that every message's `role` is one the fine-tuning API accepts: `system`, `user`,
    `assistant` or `tool`. The legacy `function` role is still accepted but warned about.

    ## Why is this bad?
    The API rejects the whole file for one unknown role. `Assistant`, `developer`, `human` or
    `bot` are common leftovers from other tools and templates.

    ## Example
    ```json
    {"messages": [{"role": "human", "content": "Hi"}, {"role": "Assistant", "content": "Hello"}]}
    ```

    ## Fix safety
    Safe where the meaning is certain: another letter case or surrounding spaces
    (`Assistant` -> `assistant`), and `developer` -> `system` (the newer name of the same
    role). Unsafe for aliases that are only likely (`human` -> `user`, `gpt`/`bot`/`ai`/`model`
    -> `assistant`). Other roles have no fix.
    """

    code = "FT310"
    name = chatcheck.INVALID_ROLE
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE


class MissingKey(AnalysisRule):
    """## What it does
    Reports a key the API requires that is missing: a message's `role`, a tool message's
    `tool_call_id`, a legacy function message's `name`, a content part's `type` or `text`.
    (Missing content is `empty-content`; missing tool-call fields are `invalid-tool-call`.)

    ## Why is this bad?
    The API rejects the file.

    ## Example
    `{"messages": [{"content": "Hi"}, {"role": "assistant", "content": "Hello"}]}`

    ## Fix safety
    No fix: ftlint cannot know the value.
    """

    code = "FT311"
    name = chatcheck.MISSING_KEY
    severity = Severity.ERROR


class UnknownKey(AnalysisRule):
    """## What it does
    Reports keys the fine-tuning API does not accept, on the record (chat: `messages`, `tools`,
    `parallel_tool_calls`, `functions`; preference: `input`, `preferred_output`,
    `non_preferred_output`; prompt/completion: `prompt`, `completion`), on a message (system
    and user: `role`, `content`, `name`; assistant: also `tool_calls`, `function_call`,
    `refusal`, `audio`, `weight`; tool: `role`, `content`, `tool_call_id`) or on a content part.
    Records that `prepare` converts to another shape are not checked here: the conversion
    keeps only what the new shape needs.

    ## Why is this bad?
    The API rejects the file. Extra keys are often metadata (`id`, `source`) or misspellings
    (`contnet`) that mean the real value is missing.

    ## Example
    `{"messages": [...], "id": 17}` or `{"role": "user", "text": "Hi"}`

    ## Fix safety
    Safe: removing a key the API would refuse changes nothing that is trained. When the key
    looks like a misspelling or an alias of an accepted key that is absent (`Content`,
    `contnet`, `text` -> `content`), the fix renames it instead: safe when only the letter case
    differs, unsafe otherwise.
    """

    code = "FT312"
    name = chatcheck.UNKNOWN_KEY
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE


class WrongType(AnalysisRule):
    """## What it does
    Reports values of the wrong JSON type: `messages` or `tools` that are not arrays, a
    message that is not an object, `content` that is neither a string nor an array of content
    parts, content parts of a type fine-tuning does not take (audio, files), a non-boolean
    `parallel_tool_calls`, a non-string `name` or `tool_call_id`.

    ## Why is this bad?
    The API rejects the file.

    ## Example
    `{"messages": [{"role": "user", "content": 42}, ...], "parallel_tool_calls": "false"}`

    ## Fix safety
    Safe where the value is unambiguous: a number as content becomes its text, `"true"` /
    `"false"` / 0 / 1 become booleans, a JSON string holding the expected array (`"tools":
    "[...]"`) is parsed, a bare string part becomes a text part. Otherwise no fix.
    """

    code = "FT313"
    name = chatcheck.WRONG_TYPE
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE


class EmptyContent(AnalysisRule):
    """## What it does
    Reports messages whose content is missing, null, empty or only whitespace where content
    is required. An assistant message that makes `tool_calls` (or a legacy `function_call`),
    or carries a `refusal`, needs no content.

    ## Why is this bad?
    A missing or null content is rejected by the API; an empty assistant message trains the
    model to answer nothing (error). An empty system, user or tool message is accepted but
    teaches noise (warning).

    ## Example
    `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": ""}]}`

    ## Fix safety
    Unsafe for an empty system message: the fix removes it. Otherwise no fix: write the text.
    """

    code = "FT314"
    name = chatcheck.EMPTY_CONTENT
    severity = Severity.ERROR
    fix_applicability = Applicability.UNSAFE


class NoAssistantMessage(AnalysisRule):
    """## What it does
    Reports a chat example with no assistant message (or no messages at all).

    ## Why is this bad?
    Only assistant messages are trained: the example costs tokens and teaches nothing, and the
    API rejects it.

    ## Example
    `{"messages": [{"role": "system", "content": "..."}, {"role": "user", "content": "Hi"}]}`

    ## Fix safety
    Unsafe: the fix leaves the example out of the prepared file (listed as dropped in the
    report). Adding the missing answer is the better fix.
    """

    code = "FT315"
    name = chatcheck.NO_ASSISTANT
    severity = Severity.ERROR
    fix_applicability = Applicability.UNSAFE


class NoTrainableTokens(AnalysisRule):
    """## What it does
    Reports a chat example whose assistant messages all have `"weight": 0`.

    ## Why is this bad?
    Weight 0 means "do not train on this message": with every assistant message at 0 the
    example trains nothing, and the API rejects it.

    ## Example
    `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello",
    "weight": 0}]}`

    ## Fix safety
    Unsafe: the fix leaves the example out (listed as dropped). Set `weight` to 1 on the
    answers the model should learn instead.
    """

    code = "FT316"
    name = chatcheck.NO_TRAINABLE
    severity = Severity.ERROR
    fix_applicability = Applicability.UNSAFE


class InvalidWeight(AnalysisRule):
    """## What it does
    Checks `weight`: it is only accepted on assistant messages, and only as the integer 0 (do
    not train on this message) or 1 (train on it, the default).

    ## Why is this bad?
    The API rejects other values and weights on other roles. A weight of 0.5 does not weigh
    the message half: there is no such thing.

    ## Example
    `{"role": "user", "content": "Hi", "weight": 1}` or
    `{"role": "assistant", "content": "...", "weight": 0.5}`

    ## Fix safety
    Safe: `true`, `1.0` and `"1"` become 1 (and likewise for 0); a weight on a non-assistant
    message is removed (those messages are never trained anyway). Other values have no fix.
    """

    code = "FT317"
    name = chatcheck.INVALID_WEIGHT
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE


class TrailingMessages(AnalysisRule):
    """## What it does
    Reports messages after the last assistant message of a chat example.

    ## Why is this bad?
    Training learns the assistant messages from what comes before them; whatever follows the
    last one is never trained on, yet it is billed. It is often a sign of a conversation cut
    at the wrong place (a final user turn whose answer is missing).

    ## Example
    `[user, assistant, user]`: the last user message is never used.

    ## Fix safety
    Safe: removing messages that no trained token depends on changes nothing the model learns.
    """

    code = "FT318"
    name = chatcheck.TRAILING
    severity = Severity.WARNING
    fix_applicability = Applicability.SAFE


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    from ftlint.rules.chat import images, preference, tools

    return [
        InvalidRole,
        MissingKey,
        UnknownKey,
        WrongType,
        EmptyContent,
        NoAssistantMessage,
        NoTrainableTokens,
        InvalidWeight,
        TrailingMessages,
        *tools.ftlint_rules(),
        *images.ftlint_rules(),
        *preference.ftlint_rules(),
    ]
