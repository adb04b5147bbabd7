"""Scores of predicted labels against true ones: accuracy, macro-F1, per class, confusion matrix."""

from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, f1_score


def scores(truth: list[str], predicted: list[str]) -> dict:
    """Return accuracy, macro-F1, the per-class report and the confusion matrix as plain data."""
    labels = sorted(set(truth) | set(predicted))
    report = classification_report(truth, predicted, labels=labels, output_dict=True, zero_division=0)
    return {
        "n": len(truth),
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_f1": float(f1_score(truth, predicted, labels=sorted(set(truth)), average="macro", zero_division=0)),
        "labels": labels,
        "per_class": {lab: {k: float(v) for k, v in report[lab].items()} for lab in labels},
        "confusion": confusion_matrix(truth, predicted, labels=labels).tolist(),
    }


def _width(text: str) -> int:
    """Return the display width of text, counting CJK characters as two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    """Pad text to a display width."""
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


def render(result: dict) -> str:
    """Return the scores as a text report for a terminal."""
    labels = result["labels"]
    name_w = max([_width(lab) for lab in labels] + [10])
    lines = [f"rows: {result['n']}", f"accuracy: {result['accuracy']:.4f}", f"macro-F1: {result['macro_f1']:.4f}", ""]
    lines.append(_pad("label", name_w) + "  precision  recall      f1  support")
    for lab in labels:
        c = result["per_class"][lab]
        lines.append(_pad(lab, name_w) + f"  {c['precision']:9.4f}  {c['recall']:6.4f}  {c['f1-score']:6.4f}"
                     f"  {int(c['support']):7d}")
    lines += ["", "confusion matrix (rows: true label, columns: predicted, in this order):"]
    col_w = max(5, max(len(str(v)) for row in result["confusion"] for v in row) + 1)
    lines.append(" " * (name_w + 3) + "".join(f"{j:>{col_w}d}" for j in range(1, len(labels) + 1)))
    for i, (lab, row) in enumerate(zip(labels, result["confusion"]), start=1):
        lines.append(_pad(f"{i:>2d} {lab}", name_w + 3) + "".join(f"{v:>{col_w}d}" for v in row))
    return "\n".join(lines)
