"""Re-encrypt every EncryptedText column under the first key of FIELD_ENCRYPTION_KEY
(`flask rotate-field-key`): the DV requests, every TicketEvent body, the second-factor
secrets. Found from the models, so a new encrypted column is rotated without a change here.

A value the current keys cannot read stops the rotation (nothing is written): re-encrypting
the "cannot be read" placeholder would destroy it. Put the old key back in the list first.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.attributes import flag_modified

from app.core.crypto import UNREADABLE_TEXT, EncryptedText, EncryptionKeyError
from app.core.database import use_case
from app.extensions import db


def encrypted_columns(mapper: Mapper) -> list[str]:
    """The attribute names of `mapper`'s own (not inherited) EncryptedText columns."""
    return [attr.key for attr in mapper.column_attrs
            if any(isinstance(c.type, EncryptedText) and c.table is mapper.local_table
                   for c in attr.columns)]


@use_case
def reencrypt_all() -> dict[str, int]:
    """Rows re-encrypted, by table name."""
    counts: dict[str, int] = {}
    for mapper in db.Model.registry.mappers:
        names = encrypted_columns(mapper)
        if names:
            counts[mapper.local_table.name] = _reencrypt(mapper.class_, names)
    return counts


def _reencrypt(model, names: list[str]) -> int:
    count = 0
    # populate_existing: judge each stored value, not a copy this session holds already.
    for row in db.session.scalars(select(model).execution_options(populate_existing=True)):
        for name in names:
            value = getattr(row, name)
            if value == UNREADABLE_TEXT:
                raise EncryptionKeyError(
                    f"{model.__name__} #{row.id} cannot be read with FIELD_ENCRYPTION_KEY: "
                    "add the old key back (after the new one) and run this again.")
            if value is not None:
                flag_modified(row, name)
        count += 1
    return count
