"""intake scoping: a report's client_uuid is unique per reporter, not across everyone

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:15:00

Before, a re-send was recognised by the UUID alone, so another account posting the same UUID was answered with
the first reporter's report. Existing rows stay as they are (they were unique globally, so they are unique per
reporter too).

The same change masks personal numbers in more spellings (dots, Chinese numerals, ID numbers in groups) and
derives keywords from the masked text: reports analysed before get their masked text again, and lose the keywords
and tokens that only their unmasked text contained.
"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


@contextmanager
def _no_cascades():
    """On SQLite the table is copied and the old one dropped: dropping must not cascade to media or events."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        yield
        return
    with op.get_context().autocommit_block():  # the pragma is ignored inside a transaction
        op.execute('PRAGMA foreign_keys=OFF')
    if bind.exec_driver_sql('PRAGMA foreign_keys').scalar():
        raise RuntimeError('migration 0011 needs SQLite foreign keys off while it copies the reports table')
    try:
        yield
    finally:
        with op.get_context().autocommit_block():
            op.execute('PRAGMA foreign_keys=ON')


def upgrade():
    with _no_cascades(), op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint('uq_reports_client_uuid', type_='unique')
        batch_op.create_unique_constraint('uq_reports_reporter_id_client_uuid', ['reporter_id', 'client_uuid'])
    _remask()


def _remask():
    """Mask the stored text of analysed reports with today's masker; drop keywords/tokens the masked text lacks."""
    from nlp.pii import mask
    from nlp.text import normalise
    reports = sa.table('reports', sa.column('id', sa.Integer()), sa.column('text', sa.Text()),
                       sa.column('text_masked', sa.Text()), sa.column('keywords', sa.JSON()),
                       sa.column('tokens', sa.JSON()))
    transcripts = sa.table('transcripts', sa.column('report_id', sa.Integer()), sa.column('text', sa.Text()),
                           sa.column('corrected_text', sa.Text()))
    bind = op.get_bind()
    heard: dict[int, list[str]] = {}
    for report_id, text, corrected in bind.execute(sa.select(transcripts.c.report_id, transcripts.c.text,
                                                             transcripts.c.corrected_text)):
        if corrected or text:
            heard.setdefault(report_id, []).append(corrected or text)
    rows = bind.execute(sa.select(reports.c.id, reports.c.text, reports.c.keywords, reports.c.tokens)
                        .where(reports.c.text_masked.is_not(None))).all()
    for report_id, text, keywords, tokens in rows:
        raw = normalise("\n".join(p for p in [text or "", *heard.get(report_id, [])] if p))
        masked = normalise(mask(raw))

        def personal(word) -> bool:  # in what was written, gone from what departments see
            # Called only within this iteration: the loop's raw and masked are the right ones.
            return isinstance(word, str) and word not in masked and word in raw  # noqa: B023
        values = {'text_masked': mask(text or "")}
        if keywords:
            values['keywords'] = [k for k in keywords if not (isinstance(k, list) and k and personal(k[0]))]
        if tokens:
            values['tokens'] = [t for t in tokens if not personal(t)]
        bind.execute(reports.update().where(reports.c.id == report_id).values(**values))


def downgrade():
    with _no_cascades(), op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint('uq_reports_reporter_id_client_uuid', type_='unique')
        batch_op.create_unique_constraint('uq_reports_client_uuid', ['client_uuid'])
