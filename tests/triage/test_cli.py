"""Tests for the ``triage`` command line through ``python -m triage.cli`` in a subprocess."""
import csv
import json
import subprocess
import sys

import pytest

DEV_COLUMNS = ["id", "title", "text", "label"]


def run(*args, ok=True):
    """Run python -m triage.cli with args; check the exit status."""
    proc = subprocess.run([sys.executable, "-m", "triage.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=120)
    assert (proc.returncode == 0) == ok, proc.stdout + proc.stderr
    return proc


def write_csv(path, header, rows, encoding="utf-8"):
    """Write dict rows to a CSV file."""
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def read_csv(path):
    """Return the header and rows of a UTF-8 CSV file."""
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


@pytest.fixture(scope="module")
def files(routing_sample, tmp_path_factory):
    """Training and dev CSV files from the sample (dev with a byte-order mark), and a trained model."""
    folder = tmp_path_factory.mktemp("triage_cli")
    train = folder / "train.csv"
    write_csv(train, ["text", "label"], routing_sample["segmented"])
    dev = folder / "dev.csv"
    dev_rows = [{**r, "id": str(1000 - i)} for i, r in enumerate(routing_sample["raw"])]
    write_csv(dev, DEV_COLUMNS, dev_rows, encoding="utf-8-sig")
    model = folder / "model.joblib"
    out = run("train", "--input", train, "--text-col", "text", "--label-col", "label", "--model", model).stdout
    assert "trained on 700 rows, 7 labels" in out and model.exists()
    return {"folder": folder, "train": train, "dev": dev, "dev_rows": dev_rows, "model": model}


@pytest.mark.parametrize("text_col", ["title,text", "text"])
def test_predict_adds_two_columns_in_row_order(files, text_col):
    out = files["folder"] / f"pred-{text_col.replace(',', '-')}.csv"
    run("predict", "--model", files["model"], "--input", files["dev"], "--text-col", text_col, "-o", out)
    header, rows = read_csv(out)
    assert header == DEV_COLUMNS + ["predicted", "confidence"]
    assert [r["id"] for r in rows] == [r["id"] for r in files["dev_rows"]]
    assert [r["text"] for r in rows] == [r["text"] for r in files["dev_rows"]]
    labels = {r["label"] for r in files["dev_rows"]}
    assert all(r["predicted"] in labels and 0.0 <= float(r["confidence"]) <= 1.0 for r in rows)
    right = sum(r["predicted"] == r["label"] for r in rows)
    assert right >= 0.7 * len(rows)


def test_evaluate_prints_scores_and_writes_json(files):
    report = files["folder"] / "scores.json"
    out = run("evaluate", "--model", files["model"], "--input", files["dev"], "--text-col", "title,text",
              "--label-col", "label", "--json", report).stdout
    assert "accuracy:" in out and "macro-F1:" in out and "confusion matrix" in out
    assert "城乡建设" in out
    result = json.loads(report.read_text(encoding="utf-8"))
    assert result["n"] == len(files["dev_rows"]) and 0.7 <= result["macro_f1"] <= 1.0
    assert f"macro-F1: {result['macro_f1']:.4f}" in out
    assert len(result["confusion"]) == len(result["labels"]) == 7


def test_missing_column_is_named(files):
    proc = run("predict", "--model", files["model"], "--input", files["dev"], "--text-col", "title,body",
               "-o", files["folder"] / "x.csv", ok=False)
    assert "'body'" in proc.stderr and "id, title, text, label" in proc.stderr
    proc = run("evaluate", "--model", files["model"], "--input", files["dev"], "--text-col", "text",
               "--label-col", "category", ok=False)
    assert "'category'" in proc.stderr and "--label-col" in proc.stderr
    assert not (files["folder"] / "x.csv").exists()


def test_missing_files_and_bad_models_are_named(files):
    absent = files["folder"] / "absent.csv"
    proc = run("predict", "--model", files["model"], "--input", absent, "--text-col", "text",
               "-o", files["folder"] / "y.csv", ok=False)
    assert "input file not found" in proc.stderr and "absent.csv" in proc.stderr
    proc = run("evaluate", "--model", files["folder"] / "none.joblib", "--input", files["dev"],
               "--text-col", "text", "--label-col", "label", ok=False)
    assert "model file not found" in proc.stderr and "none.joblib" in proc.stderr
    junk = files["folder"] / "junk.joblib"
    junk.write_bytes(b"\x00garbage")
    proc = run("predict", "--model", junk, "--input", files["dev"], "--text-col", "text",
               "-o", files["folder"] / "y.csv", ok=False)
    assert "not a GridWatch triage model" in proc.stderr and "junk.joblib" in proc.stderr


def test_train_refuses_a_single_label(files):
    one = files["folder"] / "one.csv"
    write_csv(one, ["text", "label"], [{"text": "路灯 不亮", "label": "城建"}] * 3)
    proc = run("train", "--input", one, "--text-col", "text", "--label-col", "label",
               "--model", files["folder"] / "one.joblib", ok=False)
    assert "two different labels" in proc.stderr
