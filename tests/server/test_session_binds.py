"""The session's engine lookup: kept after the first with one engine, chosen per table with several binds."""
import sqlalchemy as sa

from server import create_app
from server.extensions import db
from server.models import Report
from tests.conftest import app_config


def test_one_engine_is_every_statements_bind(app):
    with app.app_context():
        session = db.session()
        assert session.get_bind() is db.engine
        assert session.get_bind(mapper=sa.inspect(Report)) is db.engine
        db.session.execute(sa.text("SELECT 1"))
        assert session._only_engine is db.engine


def test_several_binds_still_choose_by_the_tables_bind_key(tmp_path, sqlite_url):
    other = f"sqlite:///{tmp_path / 'other.db'}"
    app = create_app(app_config(sqlite_url, tmp_path, SQLALCHEMY_BINDS={"archive": other}))
    table = sa.Table("archived_notes", sa.MetaData(info={"bind_key": "archive"}), sa.Column("id", sa.Integer,
                                                                                          primary_key=True))
    with app.app_context():
        session = db.session()
        archive = db.engines["archive"]
        assert archive is not db.engine
        assert session.get_bind(clause=table.insert()) is archive
        assert session.get_bind(mapper=sa.inspect(Report)) is db.engine
        assert session._only_engine is None

