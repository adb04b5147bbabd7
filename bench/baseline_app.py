"""A minimal Flask app on GridWatch's stack: one SQLAlchemy insert per request, the intake yardstick."""
import os

from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func

db = SQLAlchemy()


class BenchRow(db.Model):
    """One posted report, stored as-is."""

    __tablename__ = "bench_rows"
    id = db.Column(db.Integer, primary_key=True)
    client_uuid = db.Column(db.Text, nullable=False)
    text = db.Column(db.Text, nullable=False)
    lat = db.Column(db.Float)
    lon = db.Column(db.Float)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, server_default=func.now())


def create_app() -> Flask:
    """The app, configured like GridWatch's database side (DATABASE_URL, pre-ping pool)."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    app.json.ensure_ascii = False
    db.init_app(app)

    @app.post("/rows")
    def insert_row():
        """Insert the JSON body as one row and commit."""
        body = request.get_json()
        row = BenchRow(client_uuid=body["client_uuid"], text=body["text"], lat=body.get("lat"), lon=body.get("lon"))
        db.session.add(row)
        db.session.flush()
        row_id = row.id
        db.session.commit()
        return {"id": row_id, "client_uuid": body["client_uuid"]}, 201

    @app.get("/health")
    def health():
        """Readiness probe."""
        return {"ok": True}

    return app


def create_table() -> None:
    """Create ``bench_rows`` in the database of DATABASE_URL."""
    app = create_app()
    with app.app_context():
        db.create_all()
