"""Preference (DPO) records: ``{"input": {"messages": [...]}, "preferred_output": [...],
"non_preferred_output": [...]}``. The messages themselves are checked by the chat rules
(roles, keys, types, content); this rule checks what makes a preference pair."""

from __future__ import annotations

from ftlint.rules.chat import chatcheck
from ftlint.rules.chat.chatcheck import AnalysisRule

from ftlint.model import Applicability, Severity
from ftlint.pluginmanager import hookimpl
from ftlint.rule import Rule


class InvalidPreference(AnalysisRule):
    """## What it does
    Checks the structure of a preference (DPO) example: `input` is an object whose `messages`
    are a non-empty conversation ending before the answer (its last message is a user or
    tool message, not an assistant or system one); `preferred_output` and
    `non_preferred_output` each hold exactly one assistant message; the two outputs differ.

    ## Why is this bad?
    The API rejects malformed pairs. Identical outputs are accepted but teach nothing: DPO
    learns from the difference between the two answers. An input ending with an assistant
    message usually means the preferred answer was left inside the input.

    ## Example
    ```json
    {"input": {"messages": [{"role": "user", "content": "Hi"}]},
     "preferred_output": {"role": "assistant", "content": "Hello!"},
     "non_preferred_output": [{"role": "assistant", "content": "Hello!"}]}
    ```

    ## Fix safety
    Safe: an output given as one message object, or as a plain string, is written as a list
    holding that one assistant message. Unsafe: a pair with identical outputs is left out
    (listed as dropped). Other problems have no fix.
    """

    code = "FT340"
    name = chatcheck.INVALID_PREFERENCE
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    return [InvalidPreference]
