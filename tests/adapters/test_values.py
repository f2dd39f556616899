"""MSISDN normalisation, QoS validation, masking and the safe inner-document parser."""

from __future__ import annotations

import pytest

from adapters import (
    InvalidMsisdn,
    InvalidQos,
    MalformedAnswer,
    Msisdn,
    Qos,
    mask_text,
    parse_inner_document,
)


@pytest.mark.parametrize(
    "text", ["13812345678", "+8613812345678", "0086 138-1234-5678", "8613812345678"]
)
def test_msisdn_spellings_normalise_to_the_national_number(text: str) -> None:
    """Every accepted spelling gives the same 11 digits."""
    assert Msisdn.parse(text).national == "13812345678"


@pytest.mark.parametrize(
    "text", ["", "1381234567", "23812345678", "138123456789", "abc", "+1 212 555 0100"]
)
def test_bad_msisdn_is_rejected(text: str) -> None:
    """Anything that is not a mainland mobile number raises InvalidMsisdn."""
    with pytest.raises(InvalidMsisdn):
        Msisdn.parse(text)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"accuracy_m": 0},
        {"max_age_s": -1},
        {"deadline_s": 0},
        {"deadline_s": float("nan")},
        {"accuracy_m": True},
    ],
)
def test_bad_qos_is_rejected(kwargs: dict[str, float]) -> None:
    """Out-of-range, non-finite and boolean QoS values raise InvalidQos."""
    with pytest.raises(InvalidQos):
        Qos(**kwargs)


def test_masking_covers_escaped_password_elements_and_secrets() -> None:
    """Passwords are hidden raw, escaped and by value; the number keeps its last four digits."""
    text = "<Password>pw&amp;1</Password> &lt;pwd&gt;other&lt;/pwd&gt; pw&1 8613812345678"
    masked = mask_text(text, msisdn=Msisdn("13812345678"), secrets=["pw&1"])
    assert "pw&" not in masked
    assert "other" not in masked
    assert masked.endswith("86*******5678")


def test_inner_parser_accepts_bytes_with_a_real_gb2312_encoding() -> None:
    """GB2312-encoded bytes with their declaration decode correctly."""
    data = (
        '<?xml version="1.0" encoding="gb2312"?>'
        "<LocResponse><ResultDesc>成功</ResultDesc></LocResponse>"
    )
    root = parse_inner_document(data.encode("gb2312"), root_tag="LocResponse")
    assert root.findtext("ResultDesc") == "成功"


def test_inner_parser_rejects_oversized_documents() -> None:
    """Documents over the cap are malformed before parsing."""
    with pytest.raises(MalformedAnswer, match="limit"):
        parse_inner_document("<a>" + "x" * 300_000 + "</a>", root_tag="a")


def test_inner_parser_rejects_unknown_encodings() -> None:
    """A bytes document declaring a bogus encoding is malformed, not a LookupError."""
    with pytest.raises(MalformedAnswer):
        parse_inner_document(b'<?xml version="1.0" encoding="x-bogus"?><a/>', root_tag="a")
