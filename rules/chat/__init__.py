"""The chat family: chat records (``{"messages": [...]}``) and preference (DPO) records.

Roles, keys, types, content, weights and whether an example trains anything at all; the
tools an example defines and the calls its assistant messages make; images; what makes a
preference pair. The message checks also apply to the messages of preference records where
they mean the same there (roles, keys, types, content).

One rule, one module (``invalid_role.py`` for ``InvalidRole``, and so on): its
documentation, its class and the check functions holding its logic and its messages. The
rules share one pass over the record, ``walk.py``: it reads the record once, whatever the
number of rules enabled, and calls each rule's checks where they apply, filing the
findings under the rule's name. Every rule subclasses ``base.ChatRule``, whose
``check_record`` reads the findings of that walk (the analysis ``(walk.findings, accepted)``,
computed once per record). The rules share the ``group`` ``chat-analysis``: the engine runs
them as one step and skips it on a record the walk finds clean (``ChatRule.quiet``), which is
most records, and ``walk.analyze`` recognises the plain conversations most files are made of
without walking them. ``schema.py`` holds what the API accepts, as the walk and several rules
need it.
"""

from __future__ import annotations

from ftlint import Rule, hookimpl


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    # Imported here: loading the plugin costs nothing until the rules are asked for.
    from ftlint.rules.chat.empty_content import EmptyContent
    from ftlint.rules.chat.invalid_image import InvalidImage
    from ftlint.rules.chat.invalid_preference import InvalidPreference
    from ftlint.rules.chat.invalid_role import InvalidRole
    from ftlint.rules.chat.invalid_tool_call import InvalidToolCall
    from ftlint.rules.chat.invalid_tool_definition import InvalidToolDefinition
    from ftlint.rules.chat.invalid_weight import InvalidWeight
    from ftlint.rules.chat.missing_key import MissingKey
    from ftlint.rules.chat.no_assistant_message import NoAssistantMessage
    from ftlint.rules.chat.no_trainable_tokens import NoTrainableTokens
    from ftlint.rules.chat.orphan_tool_message import OrphanToolMessage
    from ftlint.rules.chat.trailing_messages import TrailingMessages
    from ftlint.rules.chat.undefined_tool import UndefinedTool
    from ftlint.rules.chat.unknown_key import UnknownKey
    from ftlint.rules.chat.wrong_type import WrongType

    # In this order (a group runs as one step of consecutive rules; reports list them so).
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
        InvalidToolCall,
        UndefinedTool,
        OrphanToolMessage,
        InvalidToolDefinition,
        InvalidImage,
        InvalidPreference,
    ]
