"""``gridwatch cases …`` and ``gridwatch audit verify``: escalation, metrics and the evidence-trail check."""
import json

import click
from flask.cli import with_appcontext

from triage.lifecycle import CaseStatus
from triage.metrics import format_table

from server.cases.chain import audit_all
from server.cases.escalation import escalate_overdue
from server.exports.tabular import write_csv
from server.extensions import db
from server.metrics.service import department_metrics
from server.models import Case, CaseDepartment, Category, Department, Report


def register(cli) -> None:
    """Add the ``cases`` and ``audit`` groups to the gridwatch command."""

    @cli.group("cases")
    def cases_group():
        """Case lifecycle jobs and reports."""

    @cases_group.command("escalate-overdue")
    @with_appcontext
    def escalate_overdue_command():
        """Escalate (督办) cases past their sign-for or resolve-by deadline and notify who must act."""
        numbers = escalate_overdue()
        click.echo(f"escalated {len(numbers)} case(s)" + (": " + ", ".join(numbers) if numbers else ""))

    cases_group.add_command(metrics_command)
    # The contract is ``gridwatch triage metrics --period YYYY-MM``; the triage group itself is the pure
    # library's (no database), so the command that reads the cases joins it here.
    from triage.cli import triage
    triage.add_command(metrics_command)
    triage.add_command(export_training_command)

    @cli.group("audit")
    def audit_group():
        """Check the evidence trail."""

    @audit_group.command("verify")
    @with_appcontext
    def audit_verify():
        """Check every case's hash-chained events; exit 1 when any was edited, inserted or deleted."""
        problems = audit_all()
        total = db.session.execute(db.select(db.func.count()).select_from(Case)).scalar_one()
        for number, lines in problems.items():
            for line in lines:
                click.echo(f"{number}: {line}")
        if problems:
            click.echo(f"{len(problems)} of {total} case(s) fail the audit", err=True)
            raise SystemExit(1)
        click.echo(f"all {total} case(s) pass: every event chain is intact")


@click.command("metrics")
@click.option("--period", required=True, help="YYYY-MM (China time)")
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
@with_appcontext
def metrics_command(period: str, as_json: bool):
    """Department metrics (三率: response, resolution, satisfaction) for a month, ranked."""

    try:
        rows = department_metrics(period)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from None
    if as_json:
        click.echo(json.dumps({"period": period, "departments": rows}, ensure_ascii=False, indent=2))
    elif rows:
        click.echo(format_table(rows))
    else:
        click.echo(f"no cases assigned in {period}")


@click.command("export-training")
@click.option("--output", "-o", "output", required=True, type=click.Path(dir_okay=False),
              help="CSV to write (columns: id, text, category, department, closed_at)")
@click.option("--since", default=None, help="only cases closed on or after this date (YYYY-MM-DD)")
@with_appcontext
def export_training_command(output: str, since: str | None):
    """Write the platform's closed cases as labelled training data for `gridwatch triage train`.

    Each row is a case's first report text (masked) with the category and lead department it was
    finally handled under, so a model can learn either: --label-col category or department.
    """
    from datetime import datetime, timezone


    query = (db.select(Case.id, Report.text_masked, Report.text, Category.code, Department.code, Case.closed_at)
             .join(Report, Report.id == Case.origin_report_id)
             .join(Category, Category.id == Case.category_id)
             .join(CaseDepartment, (CaseDepartment.case_id == Case.id) & (CaseDepartment.role == "lead"))
             .join(Department, Department.id == CaseDepartment.department_id)
             .where(Case.status == CaseStatus.CLOSED.value).order_by(Case.id))
    if since:
        try:
            start = datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except ValueError:
            raise click.BadParameter("use YYYY-MM-DD", param_hint="--since") from None
        query = query.where(Case.closed_at >= start)
    rows = ([case_id, masked or text, category, department, closed_at.isoformat() if closed_at else ""]
            for case_id, masked, text, category, department, closed_at in db.session.execute(query))
    with open(output, "w", newline="", encoding="utf-8") as f:
        count = write_csv(f, ["id", "text", "category", "department", "closed_at"], rows)
    click.echo(f"wrote {count} closed case(s) to {output}")
