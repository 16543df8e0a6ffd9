"""FT202: a record that is valid JSON but not an object."""

from __future__ import annotations

from ftlint import ReaderProblemRule, Severity


class NotAnObject(ReaderProblemRule):
    """## What it does
    Reports a record that is valid JSON but not an object: an array, a string, a number, null.

    ## Why is this bad?
    Every fine-tuning example is a JSON object (`{"messages": [...]}`); anything else is
    rejected by the provider.

    ## Example
    `["What is 2+2?", "4"]`

    ## Fix safety
    `prepare` leaves the record out and lists it as dropped.
    """

    code = "FT202"
    name = "not-an-object"
    provider_error = r"json|parse|expecting value"
    severity = Severity.ERROR
