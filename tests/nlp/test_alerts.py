"""Early warning: no look-ahead, planted outbreaks found, quiet seasonal streams quiet, de-duplication, the CLI."""

import json
import math
import random

from click.testing import CliRunner

from bench.nlp.alerts_streams import START, stream, to_records
from nlp.alerts import Detector, Params, Report, detect, parse_time
from nlp.alerts.tails import log_sf, score
from nlp.cli import nlp

T0 = START.timestamp() / 3600.0
DAY = 24.0


def _local(day: int, hour: float) -> float:
    """Return hours since the epoch of a local (UTC+8) day and hour of the generated streams."""
    return T0 + day * DAY + hour


def _background(seed: int = 7, weeks: int = 3) -> list[Report]:
    """Return an ordinary stream (seasonal, over-dispersed, small incidents) with nothing planted."""
    return stream(seed, weeks=weeks, outbreaks=0)[0]


def _plant(reports, area, category, start, hours, count, prefix="x", hotspot=None) -> list[Report]:
    """Return reports with `count` more spread evenly over `hours` from `start` (ids prefix0, prefix1, ...)."""
    extra = [Report(f"{prefix}{n}", start + hours * n / count, area, None, category, hotspot) for n in range(count)]
    return sorted(reports + extra, key=lambda r: r.t)


def test_tails_match_closed_forms():
    assert math.isclose(math.exp(log_sf(3, 1.0)), 1 - math.exp(-1) * (1 + 1 + 0.5), rel_tol=1e-12)
    assert log_sf(0, 2.0) == 0.0
    # negative binomial with size 1 is geometric: P(X >= k) = (mu / (1 + mu)) ** k
    assert math.isclose(math.exp(log_sf(4, 2.0, dispersion=1.0)), (2 / 3) ** 4, rel_tol=1e-12)
    assert score(10, 1.0, dispersion=0.3) < score(10, 1.0)  # over-dispersion makes a count less surprising
    assert score(200, 0.01) == 300.0  # capped, never infinite


def test_alerts_never_cite_later_reports():
    reports, _ = stream(11, weeks=4)
    when = {r.id: r.t for r in reports}
    alerts = detect(reports)
    assert alerts
    for alert in alerts:
        trigger = when[alert["trigger_report_id"]]
        assert alert["trigger_report_id"] in alert["report_ids"]
        assert all(when[i] <= trigger for i in alert["report_ids"])
        assert parse_time(alert["raised_at"]) == round(trigger * 3600) / 3600


def test_appending_later_reports_changes_no_earlier_alert():
    reports, _ = stream(12, weeks=4)
    cut = reports[0].t + 20 * DAY
    early = [r for r in reports if r.t <= cut]
    assert len(early) < len(reports)
    from_prefix = detect(early)
    from_all = [a for a in detect(reports) if parse_time(a["raised_at"]) <= cut]
    assert from_prefix == from_all


def test_input_order_does_not_matter_and_older_reports_are_refused():
    reports, _ = stream(13, weeks=2, outbreaks=4)
    shuffled = reports[:]
    random.Random(1).shuffle(shuffled)
    assert detect(shuffled) == detect(reports)
    detector = Detector()
    detector.feed(reports[10])
    try:
        detector.feed(reports[0])
    except ValueError:
        pass
    else:
        raise AssertionError("an older report was accepted")


def test_planted_burst_is_detected_within_a_few_reports():
    reports = _plant(_background(), "g3", "gas", _local(15, 10.0), 4.0, 12, hotspot="o-gas")
    alerts = [a for a in detect(reports) if a.get("area") == "g3" and a.get("category") == "gas"
              or a.get("hotspot") == "o-gas"]
    assert alerts
    first = alerts[0]
    cited = [i for i in first["report_ids"] if i.startswith("x")]
    assert 3 <= len(cited) <= 6, first  # raised by the 6th planted report at the latest
    assert first["score"] >= Params().threshold
    assert first["expected"] < first["count"]


def test_slow_ramp_is_found_by_the_long_window():
    reports = _plant(_background(), "g40", "road", _local(14, 0.0), 72.0, 30)
    alerts = [a for a in detect(reports) if a.get("area") == "g40" and a.get("category") == "road"
              and any(i.startswith("x") for i in a["report_ids"])]
    assert alerts and alerts[0]["window_hours"] == max(Params().windows)


def test_quiet_seasonal_streams_raise_few_alerts():
    total_alerts = total_reports = 0
    for seed in (21, 22):
        reports = _background(seed, weeks=4)
        total_alerts += len(detect(reports))
        total_reports += sum(1 for r in reports if r.t - reports[0].t >= Params().warmup_hours)
    assert total_reports > 10_000
    assert 1e4 * total_alerts / total_reports <= 8.0  # a few a week in a city of 400 reports a day


def test_nothing_before_the_warm_up():
    reports = _plant(_background(weeks=2), "g3", "gas", _local(3, 10.0), 4.0, 12)
    assert all(parse_time(a["raised_at"]) - reports[0].t >= Params().warmup_hours for a in detect(reports))


def test_one_alert_per_episode_raised_again_only_when_it_grows():
    reports = _plant(_background(), "g5", "drain", _local(16, 9.0), 5.0, 40)
    alerts = [a for a in detect(reports) if a.get("area") == "g5" and a.get("category") == "drain"]
    counts = [a["count"] for a in alerts]
    assert 1 <= len(alerts) <= 1 + math.ceil(math.log(40 / 3) / math.log(Params().regrow))
    assert all(b >= Params().regrow * a for a, b in zip(counts, counts[1:])), counts


def test_a_busy_grid_needs_more_than_a_quiet_one():
    background = _background()
    busy = max({r.area for r in background}, key=lambda g: sum(1 for r in background if r.area == g))
    start = _local(16, 10.0)
    quiet = _plant(background, "g-new", "road", start, 2.0, 4)
    loud = _plant(background, busy, "road", start, 2.0, 4)
    assert any(a.get("area") == "g-new" for a in detect(quiet))  # pooled city prior: 4 in 2 h is rare
    assert not any(a.get("area") == busy and parse_time(a["raised_at"]) >= start
                   and parse_time(a["raised_at"]) <= start + 2 for a in detect(loud))


def test_seasonality_is_learnt_by_hour_and_weekday():
    detector = Detector()
    for r in _background(weeks=3):
        detector.feed(r)
    noise, traffic = detector.base.factors("noise"), detector.base.factors("traffic")
    assert noise[22] > 3 * noise[10]  # Monday 22:00 against 10:00: noise is a night complaint
    assert traffic[8] > 3 * traffic[3]
    assert traffic[5 * 24 + 8] < traffic[8]  # fewer traffic reports on a Saturday morning


def test_hotspot_growing_faster_than_its_history():
    base = _background()
    steady = [Report(f"s{n}", _local(0, 9.0) + n * DAY, "g9", None, "waste", "hs-steady") for n in range(20)]
    reports = sorted(base + steady, key=lambda r: r.t)
    assert not [a for a in detect(reports) if a.get("hotspot") == "hs-steady"]
    burst = [Report(f"b{n}", _local(17, 9.5) + n * 0.9, "g9", None, "waste", "hs-steady") for n in range(10)]
    alerts = [a for a in detect(sorted(reports + burst, key=lambda r: r.t)) if a.get("hotspot") == "hs-steady"]
    assert alerts and alerts[0]["kind"] == "hotspot"
    assert all(i.startswith(("s", "b")) for i in alerts[0]["report_ids"])


def _write(path, records):
    """Write JSON lines."""
    with open(path, "w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def test_cli_round_trip(tmp_path):
    reports = _plant(_background(weeks=3), "g3", "gas", _local(15, 10.0), 4.0, 12, hotspot="o-gas")
    records = to_records(reports)
    random.Random(2).shuffle(records)  # the command replays in time order whatever the file's order
    _write(tmp_path / "in.jsonl", records)
    result = CliRunner().invoke(nlp, ["alerts", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert lines == json.loads(json.dumps(detect(reports)))
    for line in lines:
        assert {"raised_at", "trigger_report_id", "kind", "score", "report_ids"} <= set(line)
        assert ("area" in line) if line["kind"] == "area" else ("hotspot" in line)
    assert any(line.get("hotspot") == "o-gas" or line.get("area") == "g3" for line in lines)


def test_cli_buckets_coordinates_into_h3_cells(tmp_path):
    import h3

    records = [{"id": n, "time": f"2026-03-{2 + n // 40:02d}T{(n % 40) // 2:02d}:00:00+08:00",
                "lat": 28.2 + 0.01 * (n % 7), "lon": 112.9, "category": "road"} for n in range(600)]
    records += [{"id": f"b{n}", "time": f"2026-03-16T10:{n:02d}:00+08:00", "lat": 28.25, "lon": 113.05,
                 "category": "gas"} for n in range(10)]
    _write(tmp_path / "in.jsonl", records)
    result = CliRunner().invoke(nlp, ["alerts", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    cell = h3.latlng_to_cell(28.25, 113.05, Params().h3_resolution)
    assert [line["area"] for line in lines if line["category"] == "gas"][:1] == [cell]


def test_cli_rejects_bad_lines(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"id": 1, "time": "2026-03-02T10:00:00Z"}\n{"id": 2}\n', encoding="utf-8")
    result = CliRunner().invoke(nlp, ["alerts", str(tmp_path / "bad.jsonl"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code != 0 and "bad.jsonl:2" in result.output
    (tmp_path / "bad.jsonl").write_text("not json\n", encoding="utf-8")
    result = CliRunner().invoke(nlp, ["alerts", str(tmp_path / "bad.jsonl"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code != 0 and "bad.jsonl:1" in result.output
