"""The ``triage`` commands: train, predict and evaluate the learned classifier on CSV files; grade severity."""

import json
import time

import click

from triage import table
from triage.severity import grade
from triage.taxonomy import load_default

TEXT_COL_HELP = "text column; several comma-separated columns are joined with a newline (e.g. title,text)"


def _load_table(path, text_col: str, label_col: str | None = None):
    """Return header, rows, texts and (optionally) labels of a CSV file, as click errors on failure."""
    try:
        header, rows = table.read_rows(path)
        text_cols = table.columns(text_col, header, path, "--text-col")
        label = table.columns(label_col, header, path, "--label-col")[0] if label_col else None
    except table.TableError as exc:
        raise click.ClickException(str(exc)) from None
    if not rows:
        raise click.ClickException(f"{path} has no data rows")
    labels = [(row.get(label) or "").strip() for row in rows] if label else None
    return header, rows, table.texts(rows, text_cols), labels


def _learn():
    """Return the triage.learn module, or fail saying what to install."""
    try:
        from triage import learn  # lazy: scikit-learn is optional (the worker extra)
    except ImportError as exc:
        raise click.ClickException(f"the learned classifier needs scikit-learn ({exc}); "
                                   "install it, e.g. pip install 'gridwatch[worker]'") from None
    return learn


def _load_model(path):
    """Return the model in path, or fail with a message naming the problem."""
    learn = _learn()
    try:
        return learn.load(path)
    except learn.ModelError as exc:
        raise click.ClickException(str(exc)) from None


@click.group("triage")
def triage():
    """Train, apply and evaluate the learned case classifier."""


@triage.command("train")
@click.option("--input", "input_path", required=True, type=click.Path(dir_okay=False), help="labelled CSV file")
@click.option("--text-col", required=True, help=TEXT_COL_HELP)
@click.option("--label-col", required=True, help="label column")
@click.option("--model", "model_path", required=True, type=click.Path(dir_okay=False), help="model file to write")
def train_command(input_path, text_col, label_col, model_path):
    """Train a model on segmented or raw texts and their labels."""
    _, _, texts, labels = _load_table(input_path, text_col, label_col)
    pairs = [(t, lab) for t, lab in zip(texts, labels) if lab]
    if len(pairs) < len(texts):
        click.echo(f"skipped {len(texts) - len(pairs)} row(s) without a label")
    start = time.perf_counter()
    try:
        model = _learn().train([t for t, _ in pairs], [lab for _, lab in pairs])
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    model.save(model_path)
    click.echo(f"trained on {len(pairs)} rows, {len(model.labels)} labels in {time.perf_counter() - start:.1f} s")
    for lab, n in model.meta["label_counts"].items():
        click.echo(f"  {lab}\t{n}")
    click.echo(f"model written to {model_path}")


@triage.command("predict")
@click.option("--model", "model_path", required=True, type=click.Path(dir_okay=False), help="model file")
@click.option("--input", "input_path", required=True, type=click.Path(dir_okay=False), help="CSV file")
@click.option("--text-col", required=True, help=TEXT_COL_HELP)
@click.option("-o", "--output", "output_path", required=True, type=click.Path(dir_okay=False),
              help="CSV file to write: the input's columns plus predicted and confidence")
def predict_command(model_path, input_path, text_col, output_path):
    """Add the predicted label and its confidence to every row of a CSV file."""
    header, rows, texts, _ = _load_table(input_path, text_col)
    model = _load_model(model_path)
    for row, (label, confidence) in zip(rows, model.predict(texts)):
        row["predicted"] = label
        row["confidence"] = f"{confidence:.4f}"
    out_header = header + [c for c in ("predicted", "confidence") if c not in header]
    try:
        table.write_rows(output_path, out_header, rows)
    except table.TableError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{len(rows)} rows written to {output_path}")


@triage.command("evaluate")
@click.option("--model", "model_path", required=True, type=click.Path(dir_okay=False), help="model file")
@click.option("--input", "input_path", required=True, type=click.Path(dir_okay=False), help="labelled CSV file")
@click.option("--text-col", required=True, help=TEXT_COL_HELP)
@click.option("--label-col", required=True, help="label column")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="also write the scores as JSON")
def evaluate_command(model_path, input_path, text_col, label_col, json_path):
    """Print accuracy, macro-F1, per-class scores and the confusion matrix on a labelled CSV file."""
    _, _, texts, labels = _load_table(input_path, text_col, label_col)
    pairs = [(t, lab) for t, lab in zip(texts, labels) if lab]
    if not pairs:
        raise click.ClickException(f"no labelled rows in {input_path} (column {label_col!r} is empty)")
    model = _load_model(model_path)
    from triage.evaluation import render, scores  # needs scikit-learn, checked by _load_model

    predicted = [lab for lab, _ in model.predict([t for t, _ in pairs])]
    result = scores([lab for _, lab in pairs], predicted)
    click.echo(render(result))
    if json_path:
        try:
            with open(json_path, "w", encoding="utf-8") as f:
                json.dump(result, f, ensure_ascii=False, indent=2)
        except OSError as exc:
            raise click.ClickException(f"cannot write {json_path}: {exc}") from None
        click.echo(f"scores written to {json_path}")


@triage.command("grade")
@click.argument("input_path", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "output_path", required=True, type=click.Path(dir_okay=False),
              help="JSONL file to write: one {id, level, reasons} line per input line")
def grade_command(input_path, output_path):
    """Grade the severity of reports: JSONL lines {id, text, category?, reporters?} -> {id, level, reasons}."""

    taxonomy, out = load_default(), []
    with open(input_path, encoding="utf-8-sig") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                text = item["text"]
                if not isinstance(item, dict) or not isinstance(text, str):
                    raise TypeError
                reporters = int(item.get("reporters") or 1)
            except (ValueError, KeyError, TypeError):
                raise click.ClickException(f"{input_path} line {number}: expected a JSON object with a text "
                                           "string (and optionally category, reporters)") from None
            code = item.get("category")
            sub = taxonomy.subcategory(code) if isinstance(code, str) else None
            level, reasons = grade(text, sub, reporters=max(1, reporters))
            out.append({"id": item.get("id", number), "level": level, "reasons": reasons})
    try:
        with open(output_path, "w", encoding="utf-8") as f:
            for row in out:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output_path}: {exc}") from None
    click.echo(f"{len(out)} reports graded, written to {output_path}")


if __name__ == "__main__":
    triage()
