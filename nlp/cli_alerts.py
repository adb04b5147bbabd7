"""The `alerts` command of the `gridwatch nlp` group: replay reports in time order and write early warnings."""

import json
from dataclasses import replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from nlp.alerts import Detector, Params, to_report
from nlp.reports_io import json_objects


def _records(path: str, params: Params) -> list[dict]:
    """Read the JSON objects of a JSONL file (each with "id" and "time"), each with its "_report"."""
    records = []
    for number, rec in json_objects(path):
        try:
            rec["_report"] = to_report(rec, params)
        except ValueError as exc:
            raise click.ClickException(f"{path}:{number}: bad \"time\" ({exc})") from None
        records.append(rec)
    return records


@click.command("alerts")
@click.argument("input_path", metavar="INPUT.jsonl", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "output_path", required=True, type=click.Path(dir_okay=False),
              help='one line per alert: {"raised_at", "trigger_report_id", "kind", "area"|"hotspot", "score", '
                   '"report_ids", ...}')
@click.option("--threshold", type=float, default=None, help="grid × category alert score (-log10 p)")
@click.option("--hotspot-threshold", type=float, default=None, help="hotspot growth alert score (-log10 p)")
@click.option("--warmup-hours", type=float, default=None, help="no alert before the stream is this old")
@click.option("--timezone", "zone", default=None, help="the city's zone for hour of day and weekday")
@click.option("--assign-hotspots", type=click.Choice(["auto", "yes", "no"]), default="auto", show_default=True,
              help="cluster the past and assign new reports when the input has no \"hotspot\" (auto: when it has text)")
def alerts_command(input_path, output_path, threshold, hotspot_threshold, warmup_hours, zone, assign_hotspots):
    """Replay INPUT.jsonl ({"id", "time", "grid" | "lat"/"lon", "category", "hotspot"?, "text"?}) in time order."""
    params = Params()
    changes = {"threshold": threshold, "hotspot_threshold": hotspot_threshold, "warmup_hours": warmup_hours,
               "timezone": zone}
    params = replace(params, **{k: v for k, v in changes.items() if v is not None})
    try:
        ZoneInfo(params.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"unknown time zone {params.timezone!r}", param_hint="--timezone") from None
    records = _records(input_path, params)
    records.sort(key=lambda rec: rec["_report"].t)
    has_hotspots = any(rec.get("hotspot") is not None for rec in records)
    has_text = any(isinstance(rec.get("text"), str) and rec["text"].strip() for rec in records)
    online = None
    if assign_hotspots == "yes" or (assign_hotspots == "auto" and not has_hotspots and has_text):
        from nlp.alerts.online_hotspots import OnlineHotspots  # lazy: clustering loads only when it is needed

        online = OnlineHotspots()
    detector = Detector(params)
    raised = 0
    with open(output_path, "w", encoding="utf-8") as out:
        for rec in records:
            report = rec["_report"]
            if online is not None:
                report = report._replace(hotspot=online.hotspot_of(
                    report.t, report.id, rec.get("text") or "", rec.get("lat"), rec.get("lon")))
            for alert in detector.feed(report):
                out.write(json.dumps(alert, ensure_ascii=False, default=str) + "\n")
                raised += 1
    click.echo(f"{raised} alerts from {len(records)} reports", err=True)
