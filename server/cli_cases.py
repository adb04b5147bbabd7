"""``gridwatch cases …`` and ``gridwatch audit verify``: escalation, metrics and the evidence-trail check."""
import json

import click
from flask.cli import with_appcontext


def register(cli) -> None:
    """Add the ``cases`` and ``audit`` groups to the gridwatch command."""

    @cli.group("cases")
    def cases_group():
        """Case lifecycle jobs and reports."""

    @cases_group.command("escalate-overdue")
    @with_appcontext
    def escalate_overdue_command():
        """Escalate (督办) cases past their sign-for or resolve-by deadline and notify who must act."""
        from .cases.escalation import escalate_overdue
        numbers = escalate_overdue()
        click.echo(f"escalated {len(numbers)} case(s)" + (": " + ", ".join(numbers) if numbers else ""))

    @cases_group.command("metrics")
    @click.option("--period", required=True, help="YYYY-MM (China time)")
    @click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
    @with_appcontext
    def metrics_command(period: str, as_json: bool):
        """Department metrics (三率) for a month, ranked."""
        from .cases.metrics import department_metrics
        try:
            rows = department_metrics(period)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--period")
        if as_json:
            click.echo(json.dumps({"period": period, "departments": rows}, ensure_ascii=False, indent=2))
            return
        pct = lambda v: "—" if v is None else f"{v * 100:.1f}%"  # noqa: E731
        hours = lambda v: "—" if v is None else f"{v:.1f}"  # noqa: E731
        click.echo(f"{'rank':>4} {'dept':<10} {'cases':>5} {'response':>9} {'resolution':>10} {'satisfied':>9} "
                   f"{'on-time':>8} {'h→sign':>7} {'h→done':>7} {'score':>6}")
        for r in rows:
            click.echo(f"{r['rank']:>4} {r['department']:<10} {r['assigned']:>5} {pct(r['response_rate']):>9} "
                       f"{pct(r['resolution_rate']):>10} {pct(r['satisfaction_rate']):>9} {pct(r['on_time_rate']):>8} "
                       f"{hours(r['mean_hours_to_sign']):>7} {hours(r['mean_hours_to_resolve']):>7} "
                       f"{'—' if r['score'] is None else r['score']:>6}")
        if not rows:
            click.echo(f"no cases assigned in {period}")

    @cli.group("audit")
    def audit_group():
        """Check the evidence trail."""

    @audit_group.command("verify")
    @with_appcontext
    def audit_verify():
        """Check every case's hash-chained events; exit 1 when any was edited, inserted or deleted."""
        from .cases.audit import audit_all
        from .extensions import db
        from .models import Case
        problems = audit_all()
        total = db.session.execute(db.select(db.func.count()).select_from(Case)).scalar_one()
        for number, lines in problems.items():
            for line in lines:
                click.echo(f"{number}: {line}")
        if problems:
            click.echo(f"{len(problems)} of {total} case(s) fail the audit", err=True)
            raise SystemExit(1)
        click.echo(f"all {total} case(s) pass: every event chain is intact")
