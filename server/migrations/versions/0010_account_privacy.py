"""account privacy: session versions, deleted accounts, no phone number as a username, transcripts outliving audio

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:15:00

- ``users.session_version``: admin web sessions carry it; raising it ends them (sign-out, password, access).
- ``users.deleted_at``: a person who deleted their account keeps a row without personal data (events name it).
- A username that is a phone number (residents registered before) is replaced by a generated one (``r_`` and 12
  hex digits; ``u_`` for other roles). The number stays only encrypted with its blind index; a row that had no
  encrypted copy gets one when the app's key is at hand (``gridwatch db upgrade``), else its number is dropped.
- ``transcripts.media_id`` may be empty: retention and account deletion remove recordings, the masked text stays.
"""
import re
import secrets
import unicodedata
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

import server.models.types

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_PHONE = re.compile(r'^(?:\+86|0086|86)?1[3-9][0-9]{9}$')


@contextmanager
def _no_cascades():
    """On SQLite the table is copied and the old one dropped: dropping must not cascade to dependent rows."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        yield
        return
    with op.get_context().autocommit_block():  # the pragma is ignored inside a transaction
        op.execute('PRAGMA foreign_keys=OFF')
    try:
        yield
    finally:
        with op.get_context().autocommit_block():
            op.execute('PRAGMA foreign_keys=ON')


def _phone_of(username: str) -> str | None:
    """The mobile number a username spells (any digits, whitespace and +86 ignored), else None."""
    text = unicodedata.normalize('NFKC', username or '')
    text = ''.join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)
    text = re.sub(r'[\s\-().]+', '', text)
    return text[-11:] if _PHONE.match(text) else None


def _crypto():
    """encrypt and blind_index of the app being migrated, or None outside an app (plain alembic)."""
    try:
        from flask import current_app
        current_app.config['SECRET_KEY']
        from server.accounts.security import blind_index, encrypt
        return encrypt, blind_index
    except Exception:  # noqa: BLE001 - no app: rows without an encrypted copy lose the clear number
        return None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('deleted_at', server.models.types.UTCDateTime(timezone=True), nullable=True))
    with _no_cascades(), op.batch_alter_table('transcripts', schema=None) as batch_op:
        batch_op.alter_column('media_id', existing_type=sa.String(length=32), nullable=True)

    bind = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer()), sa.column('username', sa.String()),
                     sa.column('role', sa.String()), sa.column('phone_enc', sa.Text()),
                     sa.column('phone_index', sa.String()))
    crypto = _crypto()
    taken = {row.phone_index for row in bind.execute(sa.select(users.c.phone_index)) if row.phone_index}
    for row in bind.execute(sa.select(users.c.id, users.c.username, users.c.role, users.c.phone_enc)).all():
        phone = _phone_of(row.username)
        if phone is None:
            continue
        values = {'username': ('r_' if row.role == 'resident' else 'u_') + secrets.token_hex(6)}
        if not row.phone_enc and crypto is not None:
            encrypt, blind_index = crypto
            index = blind_index(phone)
            if index not in taken:
                values.update(phone_enc=encrypt(phone), phone_index=index)
                taken.add(index)
        bind.execute(users.update().where(users.c.id == row.id).values(**values))


def downgrade():
    # Generated usernames stay (the clear numbers are gone on purpose); residents still sign in by phone.
    with _no_cascades(), op.batch_alter_table('transcripts', schema=None) as batch_op:
        batch_op.alter_column('media_id', existing_type=sa.String(length=32), nullable=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('session_version')
