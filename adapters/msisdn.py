"""Subscriber numbers (MSISDN) as one validated value type.

The two carriers spell the same number differently (Telecom MLP wants ``86`` + national
number, Mobile wants the 11 national digits), so the number is normalised once, here, and
each adapter picks the spelling it needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["InvalidMsisdn", "Msisdn"]

_NATIONAL = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-()]")


class InvalidMsisdn(ValueError):
    """The text is not a mainland-China mobile number."""


@dataclass(frozen=True, slots=True)
class Msisdn:
    """A mainland-China mobile subscriber number, stored as its 11 national digits.

    Parameters
    ----------
    national : str
        The 11-digit national number, e.g. ``"13812345678"``.

    Examples
    --------
    >>> Msisdn.parse("+86 138-1234-5678").international
    '8613812345678'
    >>> Msisdn.parse("13812345678").masked
    '*******5678'
    """

    national: str

    def __post_init__(self) -> None:
        if not _NATIONAL.fullmatch(self.national):
            raise InvalidMsisdn(
                f"MSISDN must be 11 digits starting with 1[3-9], got {self.national!r}"
            )

    @classmethod
    def parse(cls, text: str) -> Msisdn:
        """Accept the national number with an optional ``+86``/``0086``/``86`` prefix.

        Raises
        ------
        InvalidMsisdn
            When the text is not a mainland-China mobile number.
        """
        if not isinstance(text, str):
            raise InvalidMsisdn(f"MSISDN must be a string, got {type(text).__name__}")
        digits = _SEPARATORS.sub("", text.strip())
        for prefix in ("+86", "0086", "86"):
            if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
                digits = digits[len(prefix) :]
                break
        return cls(digits)

    @property
    def international(self) -> str:
        """Country code plus national number without ``+`` (the MLP spelling)."""
        return "86" + self.national

    @property
    def masked(self) -> str:
        """All but the last four digits hidden, for logs and evidence."""
        return "*" * 7 + self.national[-4:]

    def __str__(self) -> str:
        return self.masked
