"""The ``nlp`` command group (attached to ``gridwatch``; also ``python -m nlp.cli``): cluster reports, alerts."""

import json
import sys

import click

from nlp.cli_tools import register
from nlp.reports_io import read_reports, segment_all, write_assignments

PROGRESS_FROM = 5000  # inputs at least this long get a progress bar on stderr


@click.group("nlp")
def nlp():
    """Chinese text analysis and hotspot detection."""


@nlp.command("cluster")
@click.argument("input_path", metavar="INPUT.jsonl", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "output_path", required=True, type=click.Path(dir_okay=False),
              help="one line per input report: {\"id\", \"hotspot\"}")
@click.option("--summary", "summary_path", type=click.Path(dir_okay=False), help="hotspots, hottest first")
@click.option("--min-cluster-size", type=click.IntRange(min=2), default=None,
              help="smallest hotspot (default 3 in a live window, 5 over an archive)")
@click.option("--mode", type=click.Choice(["auto", "live", "archive"]), default="auto", show_default=True,
              help="live: incidents near in place and time; archive: topics over months")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="segmentation processes (default: up to 2)")
def cluster_command(input_path, output_path, summary_path, min_cluster_size, mode, workers):
    """Group the reports of INPUT.jsonl ({"id", "text", "lat"?, "lon"?, "created_at"?, "likes"?}) into hotspots."""
    from nlp.hotspots.describe import describe, hotspot_id  # lazy: numpy/scipy load only for the clustering commands
    from nlp.hotspots.features import prepare
    from nlp.hotspots.pipeline import run

    docs, original_ids = read_reports(input_path)
    show = len(docs) >= PROGRESS_FROM
    soft = segment_all(docs, workers=workers, progress=show)
    if show:
        click.echo(f"clustering {len(docs)} reports ...", err=True)
    result = run(docs, min_cluster_size, mode, prep=prepare(docs, soft=soft))
    hotspots = [] if result.vectors is None else describe(
        docs, result.prep, result.vectors, result.labels, result.mode, place_names=result.models.places.display_names)
    hotspot_of = {}
    for found in hotspots:
        found["id"] = hotspot_id(original_ids[m] for m in found["members"])
        for member in found["members"]:
            hotspot_of[member] = found["id"]
    write_assignments(output_path, original_ids, [hotspot_of.get(d["id"]) for d in docs])
    if summary_path:
        keep = [{k: v for k, v in h.items() if k != "members"} for h in hotspots]
        for h in keep:
            h["representative"] = original_ids[h["representative"]]
        with open(summary_path, "w", encoding="utf-8") as f:
            json.dump({"reports": len(docs), "clustered": len(hotspot_of), "hotspots": keep}, f,
                      ensure_ascii=False, indent=1, default=str)
    if show:
        click.echo(f"{len(hotspots)} hotspots, {len(hotspot_of)} of {len(docs)} reports in them", err=True)


from nlp.cli_alerts import alerts_command  # noqa: E402  (gridwatch nlp alerts: early warning)

nlp.add_command(alerts_command)


def main(argv=None) -> int:
    """Run the command group with every nlp command (python -m nlp.cli)."""

    register(nlp)
    return nlp.main(args=argv, prog_name="python -m nlp.cli", standalone_mode=True) or 0


if __name__ == "__main__":
    sys.exit(main())
