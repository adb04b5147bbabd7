"""Tests for the `nlp cluster` command: the exact input/output contract, run as a real process."""

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from nlp.cli import nlp
from tests.data.hotspots.generate import make_set

ROOT = Path(__file__).resolve().parents[2]


def write_input(path: Path) -> list:
    """Write a small input with mixed id types and optional fields; return the ids as written."""
    lines = []
    for k, r in enumerate(make_set("far", 7)[:80]):
        rec = {"id": k if k % 3 else f"r-{k}", "text": r["text"], "created_at": r["created_at"]}
        if "lat" in r and k % 5:
            rec.update(lat=r["lat"], lon=r["lon"])
        if k % 7 == 0:
            rec["likes"] = k
        lines.append(rec)
    lines.append({"id": 999.5, "text": ""})
    lines.append({"id": None, "text": "孤零零的一条，无时间无位置"})
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n", encoding="utf-8")
    return [x["id"] for x in lines]


def run_cli(*args) -> subprocess.CompletedProcess:
    """Run python -m nlp.cli from the repository root."""
    return subprocess.run([sys.executable, "-m", "nlp.cli", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_cluster_command_contract(tmp_path):
    ids = write_input(tmp_path / "in.jsonl")
    done = run_cli("cluster", tmp_path / "in.jsonl", "-o", tmp_path / "out.jsonl", "--summary", tmp_path / "sum.json")
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in out] == ids
    assert [type(o["id"]) for o in out] == [type(i) for i in ids]
    assert all(set(o) == {"id", "hotspot"} for o in out)
    assert all(o["hotspot"] is None or isinstance(o["hotspot"], str) for o in out)
    assert out[-1]["hotspot"] is None and out[-2]["hotspot"] is None
    summary = json.loads((tmp_path / "sum.json").read_text(encoding="utf-8"))["hotspots"]
    assert len(summary) >= 3
    heats = [h["heat"] for h in summary]
    assert heats == sorted(heats, reverse=True)
    for h in summary:
        assert {"id", "label", "keywords", "size", "heat"} <= set(h)
        assert h["size"] == sum(o["hotspot"] == h["id"] for o in out)
        assert h["representative"] in ids
    assert {o["hotspot"] for o in out} - {None} == {h["id"] for h in summary}


def test_cluster_command_is_deterministic(tmp_path):
    write_input(tmp_path / "in.jsonl")
    for name in ("a", "b"):
        assert run_cli("cluster", tmp_path / "in.jsonl", "-o", tmp_path / f"{name}.jsonl").returncode == 0
    assert (tmp_path / "a.jsonl").read_text() == (tmp_path / "b.jsonl").read_text()


def test_cluster_command_rejects_bad_lines(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"id": 1, "text": "好"}\n{"text": "no id"}\n', encoding="utf-8")
    result = CliRunner().invoke(nlp, ["cluster", str(tmp_path / "bad.jsonl"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code != 0 and "bad.jsonl:2" in result.output
    (tmp_path / "bad.jsonl").write_text("not json\n", encoding="utf-8")
    result = CliRunner().invoke(nlp, ["cluster", str(tmp_path / "bad.jsonl"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code != 0 and "not JSON" in result.output


def test_empty_input(tmp_path):
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    result = CliRunner().invoke(nlp, ["cluster", str(tmp_path / "empty.jsonl"), "-o", str(tmp_path / "o.jsonl"),
                                      "--summary", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o.jsonl").read_text() == ""
    assert json.loads((tmp_path / "s.json").read_text())["hotspots"] == []
