"""A report worker loads the text pipeline before it listens, and writes nothing doing so."""
import logging

from server import create_app
from server.extensions import db
from server.models import Case, Hotspot, Report
from server.pipeline.places import area_index, invalidate
from server.pipeline.warm import warm_up

from ..conftest import app_config


def _counts() -> tuple:
    return tuple(db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()
                 for model in (Report, Case, Hotspot))


def test_warm_up_loads_the_dictionary_and_writes_nothing(city):
    invalidate()  # a fresh index, as in a new worker process
    with city.app_context():
        before = _counts()
        assert not area_index().segmenter.loaded
        seconds = warm_up()
        assert area_index().segmenter.loaded
        assert seconds > 0
        assert not db.session.new and not db.session.dirty and not db.session().in_transaction()
        assert _counts() == before


def test_warm_up_with_the_database_away_is_a_warning_not_a_crash(tmp_path, caplog):
    app = create_app(app_config("postgresql+psycopg://postgres@127.0.0.1:1/test", tmp_path))
    invalidate()
    with app.app_context(), caplog.at_level(logging.WARNING, logger="server.pipeline.warm"):
        warm_up()
    assert "warm-up failed" in caplog.text
    invalidate()


def test_workers_taking_text_reports_and_only_they_are_warmed(app):
    from server.tasks.worker import preparations, worker_queues
    assert preparations(app, worker_queues(["reports"])) == [warm_up]
    assert preparations(app, worker_queues(["transcribe", "reports"])) == [warm_up]  # the transcriber too, once
    assert preparations(app, worker_queues(["maintenance"])) == []
    assert preparations(app, worker_queues(["webhooks"])) == []
