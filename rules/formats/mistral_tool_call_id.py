"""FT947: tool call ids that Mistral refuses (not 9 letters or digits), rewritten by
``prepare`` into ids it takes."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.formats.writing import FormatCheckRule

from ftlint import Applicability, Diagnostic, Fix, Record, SetValue
from ftlint.formats import tool_call_ids


def _shown(values: list) -> str:
    unique = list(dict.fromkeys(repr(v) for v in values))
    more = f" and {len(unique) - 3} more" if len(unique) > 3 else ""
    return ", ".join(unique[:3]) + more


class MistralToolCallId(FormatCheckRule):
    """## What it does
    For targets that write Mistral's format, reports each record whose tool call ids (an
    assistant's `tool_calls[].id`, a tool message's `tool_call_id`) are not 9 letters or
    digits, the only ids mistral-common's validator takes (`^[a-zA-Z0-9]{9}$`,
    `protocol/instruct/validator.py`, read 2026-12-03), and says how many it rewrites.
    OpenAI's ids (`call_abc123...`) and those most datasets use (`call_1`) are not.

    ## Why is this bad?
    Mistral refuses the whole file when the job validates it, for a label whose only role is
    to pair a tool call with its result.

    ## Example
    `{"messages": [..., {"role": "assistant", "tool_calls": [{"id": "call_abc", ...}]},
    {"role": "tool", "tool_call_id": "call_abc", "content": "sunny"}, ...]}`

    ## Fix safety
    Safe, and applied by `prepare` without `--fix`: each refused id becomes 9 letters or
    digits derived from it by a hash (the same bytes on every run), never one already used in
    the example, written both in the call and in the tool messages that answer it (a result
    answers the earliest unanswered call with its old id, so two calls that shared one id
    keep their own results). Valid ids are kept. A record that `prepare` first converts
    (ShareGPT tool calls, for instance) has its ids rewritten once converted.
    """

    code = "FT947"
    name = "mistral-tool-call-id"
    family = "mistral"
    fix_applicability = Applicability.SAFE

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        checked = self.checked_record(record)
        if checked is None:
            return ()
        _fmt, data, as_read = checked
        plan = tool_call_ids.plan_rewrite(data)
        if not plan.edits:
            return ()
        calls = plan.calls
        what = f"{calls} tool call id{'' if calls == 1 else 's'}" if calls else "tool results"
        if plan.results:
            results = f"{plan.results} tool result{'' if plan.results == 1 else 's'}"
            what += f" (and the {results} answering them)" if calls else f" ({results})"
        message = (
            f"{what} that Mistral refuses ({_shown([old for _p, old, _n in plan.edits])}: "
            "mistral-common takes only ids of 9 letters or digits); prepare rewrites "
            f"{len(plan.edits)} id{'' if len(plan.edits) == 1 else 's'}, the same in "
            "tool_calls and tool_call_id"
        )
        action = f"rewrite {len(plan.edits)} tool call id{'' if len(plan.edits) == 1 else 's'}"
        if as_read:
            fix = Fix(
                action + " as 9 letters or digits",
                tuple(SetValue(pointer, new) for pointer, _old, new in plan.edits),
                Applicability.SAFE,
                in_prepare=True,
            )
            return [self.diagnostic(message, record.location.at(field=plan.edits[0][0]), fix=fix)]
        # Pointers into the converted record: the check of what prepare writes fixes them.
        fix = Fix.display_only(action + " once prepare has converted the record")
        where = f" (at {plan.edits[0][0]} once converted)"
        return [self.diagnostic(message + where, record.location, fix=fix)]
