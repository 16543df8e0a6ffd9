"""Privacy rules (FT8xx): secrets and personal data written in the texts of the examples.

``secret-in-data`` finds credentials by their documented formats (each format with its source
in the rule's ``FORMATS``), ``personal-data`` e-mail addresses, phone numbers, card numbers,
IBANs, US social security numbers and IP addresses; both use the format's checksum (GitHub's
CRC32, Luhn, mod 97) or an entropy test so that ordinary text does not match, and an
allow-list (``[tool.ftlint.rules.NAME] allow``) for values that belong in the data.

One module per rule. What they share lives in modules named for what it is: ``texts`` (the
record analysis ``texts.scan``: a few literal searches of the record's source that rule out
nearly every record before any regular expression runs), ``checks`` (checksums, entropy,
placeholders) and ``base`` (``PrivacyRule``, the findings, their masked excerpts and the
typed placeholders of the fixes). The two rules share the ``group`` ``privacy-texts``: the
engine runs them as one step and skips it for a record whose source raises no suspicion.
A report never carries a value: messages and excerpts show a masked form. The family's
redactor (``redactor``, hook ``ftlint_redactors``) lets the engine mask the same values in the
findings of every other rule too, selected or not.
"""

from __future__ import annotations

from typing import Any

from ftlint import Config, Rule, hookimpl


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    # Imported here: loading the plugin costs nothing until the rules are asked for.
    from ftlint.rules.privacy.personal_data import PersonalData
    from ftlint.rules.privacy.secret_in_data import SecretInData

    return [SecretInData, PersonalData]


@hookimpl
def ftlint_redactors(config: Config) -> list[Any]:
    from ftlint.rules.privacy.redactor import PrivacyRedactor

    return [PrivacyRedactor(config)]
