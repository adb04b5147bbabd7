"""Hotspots of the TipDM 2020 message board: python -m bench.nlp.tipdm HOTSPOT_MESSAGES.csv [--top 10].

Converts the CSV (留言编号, 留言用户, 留言主题, 留言时间, 留言详情, 点赞数, 反对数) to the CLI's input
(title + body as text, 留言时间 as created_at, 点赞数 as likes; --users adds 留言用户 as user), runs
`python -m nlp.cli cluster`, prints the hottest hotspots and where the five hottest issues of a
published competition entry landed.
"""

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The published top five, each recognised by words of its messages' titles.
PUBLISHED = {
    "A5区汇金路五矿万境K9县的问题": ["五矿万境K9"],
    "A市经济学院组织学生外出实习": ["经济学院"],
    "A2区丽发新城小区附近搅拌站扰民": ["丽发新城", "丽发小区"],
    "A市伊景园滨河苑捆绑销售车位": ["伊景园", "滨河苑"],
    "魅力之城小区油烟、噪音扰民": ["魅力之城"],
}


def convert(csv_path: str, out: Path, users: bool) -> dict:
    """Write the CLI input; return {id: title}."""
    titles = {}
    with open(csv_path, encoding="utf-8-sig") as f, open(out, "w", encoding="utf-8") as dst:
        for row in csv.DictReader(f):
            rid = int(row["留言编号"])
            titles[rid] = row["留言主题"]
            rec = {"id": rid, "text": f"{row['留言主题']}\n{row['留言详情']}", "created_at": row["留言时间"],
                   "likes": int(row["点赞数"] or 0)}
            if users:
                rec["user"] = row["留言用户"]
            dst.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return titles


def main(argv=None) -> int:
    """Run the clustering and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.nlp.tipdm", description=__doc__)
    parser.add_argument("csv")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--users", action="store_true", help="pass 留言用户 as the reports' user")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tipdm-") as tmp:
        src, dst, summary = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl", Path(tmp) / "summary.json"
        titles = convert(args.csv, src, args.users)
        subprocess.run([sys.executable, "-m", "nlp.cli", "cluster", str(src), "-o", str(dst), "--summary",
                        str(summary)], cwd=ROOT, check=True)
        hotspots = json.loads(summary.read_text(encoding="utf-8"))["hotspots"]
        member_of = {}
        for line in dst.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            member_of[rec["id"]] = rec["hotspot"]
    rank = {h["id"]: k for k, h in enumerate(hotspots, 1)}
    print(f"{'#':>3} {'heat':>7} {'size':>5} {'likes':>6}  label | representative title")
    for k, h in enumerate(hotspots[: args.top], 1):
        print(f"{k:>3} {h['heat']:>7.2f} {h['size']:>5} {h['likes']:>6.0f}  {h['label']} | {titles[h['representative']]}")
    print("\npublished top five -> rank of the hotspot holding most of their messages:")
    worst = 0
    for issue, words in PUBLISHED.items():
        where = Counter(rank.get(member_of[i]) for i, t in titles.items() if any(w in t for w in words))
        best = next((r for r, _ in where.most_common() if r is not None), None)
        worst = max(worst, best or 10 ** 6)
        print(f"  {issue}: {best if best else 'not in a hotspot'}")
    print(f"all five among the {args.top} hottest: {'yes' if worst <= args.top else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
