"""The mask vocabulary contracts are checked against: each mask kind's name and the PII kinds it
fits (a column's `pii`, None for a column that carries none). The behaviour of each kind (its SQL,
what it shows) is access.masks, keyed by the same names; a test holds the two to one list. Adding a
mask kind: one line here, one class in access/masks.py."""

from __future__ import annotations

PSEUDONYM = "pseudonym"  # fits every column: a keyed HMAC that still joins within one grantee
_EVERY_KIND = frozenset({"resident_id", "phone", "name", "address", "credit_code", "birth_date", None})

MASK_FITS: dict[str, frozenset[str | None]] = {
    "resident_id": frozenset({"resident_id"}),
    "phone": frozenset({"phone"}),
    "name": frozenset({"name"}),
    "address_community": frozenset({"address"}),
    "date_year": frozenset({"birth_date", None}),
    PSEUDONYM: _EVERY_KIND,
}


class MaskMisfit(ValueError):
    """A mask is unknown, or does not fit the PII kind of the column it is put on."""


def check_fit(mask: str, pii: str | None, where: str) -> None:
    """Raise MaskMisfit unless `mask` is a known kind that fits a column of PII kind `pii`
    (`where` names the column for the message)."""
    if mask not in MASK_FITS:
        raise MaskMisfit(f"{where}: unknown mask {mask!r}; known masks: {', '.join(MASK_FITS)}")
    if pii not in MASK_FITS[mask]:
        fitting = [m for m, kinds in MASK_FITS.items() if pii in kinds]
        raise MaskMisfit(
            f"{where}: mask {mask!r} does not fit a column of PII kind {pii or 'none'};"
            f" masks that fit: {', '.join(fitting)}"
        )
