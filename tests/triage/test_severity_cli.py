"""gridwatch triage grade: JSONL reports in, {id, level, reasons} lines out."""
import json

from click.testing import CliRunner

from triage.cli import triage


def test_grade_writes_one_line_per_report(tmp_path):
    source = tmp_path / "in.jsonl"
    lines = [{"id": "r1", "text": "三名工人被送往医院", "category": "accident.construction_site"},
             {"id": "r2", "text": "小区明天上午消防演练，会有烟雾"},
             {"id": "r3", "text": "有煤气味", "category": "accident.gas_leak", "reporters": 6},
             {"id": "r4", "text": "楼上装修太吵了", "category": "no.such_category"}]
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(triage, ["grade", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [g["id"] for g in got] == ["r1", "r2", "r3", "r4"]
    assert all(set(g) == {"id", "level", "reasons"} and g["reasons"] for g in got)
    assert got[0]["level"] == 2 and "3人送医" in got[0]["reasons"]
    assert got[1]["level"] == 4 and "演练通知，非真实险情" in got[1]["reasons"]
    assert got[2]["level"] == 2 and any(r.startswith("多人反映：6人") for r in got[2]["reasons"])
    assert got[3]["level"] == 4


def test_grade_names_the_bad_line(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "井盖缺失"}\n{"id": 2}\n', encoding="utf-8")
    result = CliRunner().invoke(triage, ["grade", str(source), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code != 0 and "line 2" in result.output
