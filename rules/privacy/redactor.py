"""The privacy family's redactor (hook ``ftlint_redactors``): the engine masks with it
everything a report shows of the data, so that no finding of any rule (an excerpt of a record
that fails another check, a message quoting a key name, a dropped record's reason) shows a
secret or personal data that the two privacy rules would find.

It runs whether or not the privacy rules are selected: deselecting a rule stops its reports,
not the masking of everything else (the safe default). The rules' allow-lists and the phone
regions of ``personal-data`` apply, so an allowed value shows as it is; ``kinds`` does not
(a kind the rule is told not to report is still masked). Only blocking the plugin
(``-p no:privacy``) turns the masking off.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ftlint.rules.privacy.base import AllowList
from ftlint.rules.privacy.personal_data import PersonalData, find_personal_data
from ftlint.rules.privacy.secret_in_data import SecretInData, find_secrets
from ftlint.rules.privacy.texts import AT, SECRET, gate

from ftlint import Config, ConfigError


def _allow(config: Config, rule_name: str) -> AllowList:
    try:
        return AllowList.from_option(config.rule_options.get(rule_name, {}).get("allow"), rule_name)
    except ConfigError:
        return AllowList()  # the rule itself reports a bad option when it runs


def _regions(config: Config) -> tuple[str, ...]:
    value: Any = config.rule_options.get(PersonalData.name, {}).get("regions")
    if isinstance(value, list) and all(isinstance(r, str) and len(r) == 2 for r in value):
        return tuple(r.upper() for r in value) or ("US",)
    return tuple(PersonalData.default_options["regions"])


class PrivacyRedactor:
    """``redactor(text)``: the spans of ``text`` holding a secret or personal data, each with
    its masked form (the one the rules' own excerpts show)."""

    def __init__(self, config: Config) -> None:
        self.secret_allow = _allow(config, SecretInData.name)
        self.personal_allow = _allow(config, PersonalData.name)
        self.regions = _regions(config)

    def __call__(self, text: str) -> Iterable[tuple[int, int, str]]:
        bits = gate(text)  # a few literal searches: nearly every text stops here
        if not bits:
            return ()
        spans: list[tuple[int, int, str]] = []
        if bits & (AT | SECRET):
            for f in find_secrets(text, bits):
                if not self.secret_allow.allows(f, text):
                    spans.append((f.start, f.end, f.inline or f.masked))
        for f in find_personal_data(text, regions=self.regions, bits=bits):
            if not self.personal_allow.allows(f, text):
                spans.append((f.start, f.end, f.inline or f.masked))
        return spans
