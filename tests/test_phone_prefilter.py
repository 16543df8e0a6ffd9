"""personal-data asks phonenumbers only about texts that can hold a valid number
(``_may_hold_a_phone``): its digit bounds are phonenumbers' own metadata, a text it passes
over holds no number phonenumbers would find (hypothesis, phone-like texts), the findings are
the same with and without it, and a small check no longer imports phonenumbers."""

from __future__ import annotations

import os
import subprocess
import sys

import phonenumbers
from ftlint.rules.privacy import personal_data
from ftlint.rules.privacy.personal_data import find_personal_data
from hypothesis import example, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import SUPPORTED_REGIONS

from .conftest import write_jsonl

_TYPES = ("general_desc", "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost",
          "personal_number", "voip", "pager", "uan", "voicemail")  # fmt: skip


def _shortest(metadata) -> int:
    lengths = [
        length
        for kind in _TYPES
        if getattr(metadata, kind, None) is not None
        for length in getattr(metadata, kind).possible_length or ()
        if length > 0
    ]
    return min(lengths)


def test_the_bounds_are_phonenumbers_metadata():
    regions = {r: PhoneMetadata.metadata_for_region(r) for r in SUPPORTED_REGIONS}
    any_country = min(len(str(m.country_code)) + _shortest(m) for m in regions.values())
    assert any_country == personal_data._FEWEST_WITH_PLUS
    for region, fewest in personal_data._FEWEST_DIGITS.items():
        metadata = regions[region]
        assert metadata.international_prefix.isdigit()  # one literal prefix (US: 011)
        abroad = len(metadata.international_prefix) + any_country
        assert fewest == min(_shortest(metadata), abroad), region


_PUNCTUATION = "-x\u2010\u2212\uff0d ()\uff08\uff09.[]/~\u3000\u00a0"
_PIECE = st.one_of(
    st.text(st.sampled_from("0123456789"), min_size=1, max_size=5),
    st.text(st.sampled_from(_PUNCTUATION), min_size=1, max_size=3),
    st.sampled_from(
        ["+", "\uff0b", "+1 ", "011 ", "00", "ext. 12", " x", "xxx", "X", "tel:", "٣", "１"]
    ),
    st.text(max_size=4),
)
_TEXT = st.lists(_PIECE, max_size=14).map("".join)


@settings(max_examples=600, deadline=None, derandomize=True)
@given(text=_TEXT, region=st.sampled_from(sorted(personal_data._FEWEST_DIGITS)))
@example(text="+43 1234", region="US")
@example(text="011 43 1234", region="US")
@example(text="2025-04-14 (2026-11)", region="US")
@example(text="1-800-xxx-1234", region="US")
@example(text="kept within 100-25,000 example passes", region="US")
def test_a_text_passed_over_holds_no_number_phonenumbers_finds(text, region):
    if personal_data._may_hold_a_phone(text, (region,)):
        return
    matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    assert list(matcher) == []


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=_TEXT)
def test_the_findings_are_the_same_without_the_prefilter(text):
    found = find_personal_data(text)
    original = personal_data._may_hold_a_phone
    personal_data._may_hold_a_phone = lambda text, regions: True
    try:
        assert find_personal_data(text) == found
    finally:
        personal_data._may_hold_a_phone = original


def test_other_regions_always_ask_phonenumbers():
    assert personal_data._may_hold_a_phone("12 34", ("FR",))
    assert not personal_data._may_hold_a_phone("12 34", ("US",))
    assert personal_data._may_hold_a_phone("call +43 1234", ("US",))


def test_a_small_check_imports_no_phonenumbers(tmp_path):
    data = write_jsonl(
        tmp_path / "small.jsonl",
        [{"messages": [{"role": "user", "content": f"Order {i} left on 2025-04-14"},
                       {"role": "assistant", "content": "Shipped."}]} for i in range(12)],
    )  # fmt: skip
    code = (
        "import sys\n"
        "from ftlint.cli import main\n"
        f"main(['check', {str(data)!r}])\n"
        "print('PHONENUMBERS', 'phonenumbers' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ),
        timeout=300,
    )  # fmt: skip
    assert result.stdout.rstrip().endswith("PHONENUMBERS False"), result.stdout[-400:]
