"""The learned part of the severity judgement: two small logistic detectors read beside the clause rules.

- ``serious``: does the report state or show harm to people, or a major hazard happening now (level I–II)?
- ``notable``: is there a real hazard at all, happening or standing (level II–III rather than IV)?

Each detector is a linear model over the report's character n-grams (1–3, TF-IDF, digits folded to 0), read
from the text alone: fed the rules' own findings as well, it learned to echo the rules (they are right on the
reports they were written from) and gained nothing on unseen ones. The rules still decide when a detector may
speak (triage.severity.judge: never over a drill, a sign, a negation or history). Scoring is pure Python over weights kept in a JSON file (``triage/data/severity/
detector.json``); ``triage.severity_learn`` trains them (scikit-learn) by cross-validation on the labelled
reports. The evidence of a score is the whole words among the n-grams that pushed it up most, shown as reasons
("依据“汽油”“打火机”", never a piece such as "着一" that straddles two words).
"""

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from triage.severity_text import word_edges

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "severity" / "detector.json"
FORMAT = "gridwatch-severity-detector/1"
NGRAMS = (1, 3)
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_COUNT = re.compile(r"[0一二两三四五六七八九十几百千]+[个名位只辆条家户]")  # "十二个", "0名": a count, no evidence


def prepare(text: str) -> str:
    """Return the text the n-grams are read from: spaces dropped, digits folded to 0."""
    return _DIGITS.sub("0", _SPACE.sub("", text or ""))


def ngrams(text: str, longest: int = NGRAMS[1]) -> dict[str, int]:
    """Return the character n-grams (1..longest) of the prepared text with their counts."""
    out: dict[str, int] = {}
    for n in range(NGRAMS[0], longest + 1):
        for i in range(len(text) - n + 1):
            gram = text[i:i + n]
            out[gram] = out.get(gram, 0) + 1
    return out


@dataclass
class Detector:
    """One linear detector: idf and weights of n-grams, bias and threshold."""

    name: str
    idf: dict[str, float]
    grams: dict[str, float]
    bias: float
    threshold: float
    longest: int = NGRAMS[1]  # the longest n-gram read

    def vector(self, text: str) -> dict[str, float]:
        """Return the TF-IDF vector (sublinear tf, l2-normalised) of a text over the known n-grams."""
        raw = {g: (1 + math.log(c)) * self.idf[g] for g, c in ngrams(prepare(text), self.longest).items()
               if g in self.idf}
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        return {g: v / norm for g, v in raw.items()}

    def probability(self, text: str) -> float:
        """Return the probability alone (what training and cross-validation need)."""
        return self._scored(text)[0]

    def score(self, text: str) -> tuple[float, list[str]]:
        """Return the probability and, when it reaches the threshold, the evidence: the whole words among the
        n-grams that raised it most (a score below the threshold raises nothing and is shown to no one)."""
        prob, parts = self._scored(text)
        return prob, _evidence(parts, prepare(text)) if prob >= self.threshold else []

    def _scored(self, text: str) -> tuple[float, list[tuple[float, str]]]:
        parts = [(v * self.grams.get(g, 0.0), g) for g, v in self.vector(text).items()]
        z = self.bias + sum(p for p, _ in parts)
        return 1 / (1 + math.exp(-max(min(z, 30.0), -30.0))), parts

    def to_json(self) -> dict:
        return {"name": self.name, "idf": self.idf, "grams": self.grams, "bias": self.bias, "threshold": self.threshold,
                "longest": self.longest}

    @classmethod
    def from_json(cls, data: dict) -> "Detector":
        return cls(data["name"], data["idf"], data["grams"], data["bias"], data["threshold"],
                   int(data.get("longest", NGRAMS[1])))


# Whole words that carry no meaning of their own as evidence: a count with its measure word, a pronoun, a direction.
FILLERS = frozenset(("一个", "两个", "三个", "几个", "有个", "一只", "一股", "一些", "这个", "那个", "我们", "他们", "你们",
                     "出来", "起来", "过来", "下来", "下去", "来了", "旁边", "底下", "里面", "外面", "上面", "下面"))


def _evidence(parts: list[tuple[float, str]], text: str, top: int = 3) -> list[str]:
    """Return the words behind a score: the strongest positive contributions that are whole words of text (they
    begin and end where jieba's words do, once at least), skipping one that holds or is held by a word picked."""
    starts, ends = word_edges(text)
    picked: list[str] = []
    for weight, name in sorted(parts, reverse=True):
        if weight <= 0 or len(picked) == top:
            break
        if len(name) < 2 or not name.isalnum() or name.isdigit() or name in FILLERS or _COUNT.fullmatch(name):
            continue  # single characters, punctuation, bare numbers and fillers say little
        if any(name in p or p in name for p in picked) or not _whole(name, text, starts, ends):
            continue
        picked.append(name)
    return picked


def _whole(gram: str, text: str, starts: set[int], ends: set[int]) -> bool:
    """Tell whether gram occurs in text as one or more whole words."""
    at = text.find(gram)
    while at >= 0:
        if at in starts and at + len(gram) in ends:
            return True
        at = text.find(gram, at + 1)
    return False


@dataclass
class Detectors:
    """The pair the judgement reads, and where they came from."""

    serious: Detector
    notable: Detector
    meta: dict

    def to_json(self) -> dict:
        return {"format": FORMAT, "serious": self.serious.to_json(), "notable": self.notable.to_json(),
                "meta": self.meta}

    @classmethod
    def from_json(cls, data: dict) -> "Detectors":
        if data.get("format") != FORMAT:
            raise ValueError(f"not a severity detector file: {data.get('format')!r}")
        return cls(Detector.from_json(data["serious"]), Detector.from_json(data["notable"]), data.get("meta", {}))

    def save(self, path: Path = DEFAULT_PATH) -> None:
        """Write the detectors as JSON, weights to 6 significant digits."""
        data = self.to_json()
        for name in ("serious", "notable"):
            for table in ("idf", "grams"):
                data[name][table] = {k: float(f"{v:.6g}") for k, v in data[name][table].items()}
        Path(path).write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                              encoding="utf-8")


def load(path: Path | str = DEFAULT_PATH) -> Detectors:
    """Return the detectors saved at path."""
    return Detectors.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def default() -> Detectors | None:
    """Return the shipped detectors, or None when the file is absent (the rules then judge alone)."""
    return load(DEFAULT_PATH) if DEFAULT_PATH.exists() else None
