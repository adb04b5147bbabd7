"""The ``gridwatch`` command: db, serve, worker, scheduler, sweep, users, demo data."""
import os

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from nlp.cli import nlp
from nlp.cli_tools import register as register_nlp_tools
from triage.cli import triage

from server import create_app
from server.accounts.retention import register as register_retention_commands
from server.accounts.service import AccountError, create_user
from server.cli.cases import register as register_case_commands
from server.cli.interop import register as register_interop_commands
from server.pipeline.sweeper import sweep
from server.tasks.queue import backend
from server.tasks.worker import run_scheduler, run_worker


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_version_option=False,
             load_dotenv=False, set_debug_flag=False)
def cli():
    """GridWatch: hazard reports in, handled cases out."""


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int, threads: int):
    """Run the web app (and the embedded worker when there is no Redis)."""
    from waitress import serve as waitress_serve
    app = current_app._get_current_object()
    queue = backend(app)
    queue.start()
    click.echo(f"GridWatch on http://{host}:{port}/  (queue: {queue.name})")
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="gridwatch")
    finally:
        queue.stop()


@cli.command("worker")
@click.option("--queues", default="reports,transcribe,maintenance,webhooks", show_default=True,
              help="comma-separated, in priority order: reports, transcribe, maintenance, webhooks "
                   "(report workers also take jobs left on the old 'default' queue)")
@click.option("--burst", is_flag=True, help="stop when the queues are empty")
@click.option("--name", default=None)
@with_appcontext
def worker(queues: str, burst: bool, name: str | None):
    """Run an RQ worker with the app context (needs REDIS_URL); it reconnects after a Redis outage."""
    # Idle OpenMP threads must not spin: on a shared host they slow Whisper many times over.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    worked = run_worker(current_app._get_current_object(), queues.split(","), burst, name)
    if burst:
        click.echo("worked off the queues" if worked else "the queues were empty")


@cli.command("scheduler")
@with_appcontext
def scheduler():
    """Enqueue the periodic jobs (sweeps, re-clustering, escalation) on the maintenance queue (needs REDIS_URL)."""
    run_scheduler(current_app._get_current_object())


@cli.command("sweep")
@click.option("--grace", default=None, type=int, help="seconds a pending report may wait (SWEEP_GRACE_SECONDS)")
@with_appcontext
def sweep_command(grace: int | None):
    """Re-enqueue accepted reports whose processing never started or stalled."""
    count = sweep(grace_seconds=grace)
    queue = backend()
    if queue.name == "embedded":
        queue.drain(timeout=600)
    click.echo(f"re-enqueued {count} report(s)")


@cli.command("seed-demo")
@click.option("--reports/--no-reports", default=True, help="also load and process the demo reports")
@click.option("--history-days", type=click.IntRange(0, 365), default=90, show_default=True,
              help="days of past cases (reported, handled, closed, rated) written through the case service; 0: none")
@with_appcontext
def seed_demo(reports: bool, history_days: int):
    """Load the demo city, departments, taxonomy, accounts, reports and past cases (idempotent)."""
    from server.demo.seed import seed  # lazy: CLI start-up time
    summary = seed(with_reports=reports, history_days=history_days)
    for line in summary:
        click.echo(line)


@cli.group("user")
def user_group():
    """Manage accounts."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["resident", "grid_worker", "dept_staff", "supervisor", "admin"]))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--department", default=None, help="department code (dept_staff, supervisor)")
@click.option("--grid", default=None, help="grid code (grid_worker)")
@click.option("--phone", default=None)
@click.option("--display-name", default=None)
@with_appcontext
def user_add(username, role, password, department, grid, phone, display_name):
    """Create an account."""
    try:
        user = create_user(username=username, role=role, password=password, department=department, grid=grid,
                           phone=phone, display_name=display_name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {user.role} {user.username} (id {user.id})")


# The pure libraries' command groups (``gridwatch nlp …``, ``gridwatch triage …``, no app needed) and the features'.
register_nlp_tools(nlp)
cli.add_command(nlp)
cli.add_command(triage)
register_case_commands(cli)  # cases, audit
register_interop_commands(cli)  # apikey, webhook, open311
register_retention_commands(cli)  # retention run


def main():
    """Console-script entry point."""
    os.environ.setdefault("FLASK_APP", "server:create_app")
    cli(prog_name="gridwatch")

