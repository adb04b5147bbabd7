"""Suggestions for a new case: category and departments from keyword rules, a learned model and the reporter.

A learned model may be trained on category labels (a subcategory's code, ``class.code`` or Chinese
name) or, as a city's historical dispatch records often are, on the department that handled each
case (a department's code or Chinese name). Both kinds are used: a category label scores that
category; a department label scores the routes it leads. Keyword rules cover a cold start and
whatever the model was never shown; the model's weight says how much it is trusted over them.
"""

from dataclasses import dataclass, field

from triage.classify import KeywordClassifier
from triage.routing import FALLBACK, route, route_rule
from triage.taxonomy import Taxonomy

MODEL_WEIGHT = 0.7  # share of a suggestion's confidence that comes from the learned model
HINT_CONFIDENCE = 1.0  # the reporter picked the category themselves
REASON_TERMS = 5  # words of the text kept as the learned model's reason for a suggestion


@dataclass(frozen=True)
class Suggestion:
    """One way to handle a case: a category (None when only the department is known) and its route."""

    category: str | None
    confidence: float
    lead: str
    assist: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    reason: dict = field(default_factory=dict, compare=False, hash=False)

    def as_dict(self) -> dict:
        """Return the suggestion as stored on a case and shown to supervisors (with its reason, plain data)."""
        return {"category": self.category, "confidence": round(self.confidence, 3), "lead": self.lead,
                "assist": list(self.assist), "sources": list(self.sources), "reason": self.reason}


@dataclass
class LabelMap:
    """What each label of a learned model means in this taxonomy."""

    categories: dict[str, str] = field(default_factory=dict)  # label -> subcategory code
    departments: dict[str, str] = field(default_factory=dict)  # label -> department code
    unknown: list[str] = field(default_factory=list)


def map_labels(labels, taxonomy: Taxonomy) -> LabelMap:
    """Resolve model labels to subcategories or departments by code or Chinese name."""
    by_name = {}
    for sub in taxonomy.subcategories:
        for key in (sub.code, sub.short_code, sub.name_zh):
            by_name.setdefault(key, sub.code)
    departments = {}
    for code, name in taxonomy.departments.items():
        departments.setdefault(code, code)
        departments.setdefault(name, code)
    mapped = LabelMap()
    for label in labels:
        if label in by_name:
            mapped.categories[label] = by_name[label]
        elif label in departments:
            mapped.departments[label] = departments[label]
        else:
            mapped.unknown.append(label)
    return mapped


class Suggester:
    """Rank ways to handle a text: keyword rules, optionally blended with a learned model."""

    def __init__(self, taxonomy: Taxonomy, keywords: KeywordClassifier | None = None, model=None,
                 model_weight: float = MODEL_WEIGHT):
        """model: anything with top_k([text], k) -> [[(label, probability), ...]] (triage.learn.Model)."""
        self.taxonomy = taxonomy
        self.keywords = keywords or KeywordClassifier(taxonomy)
        self.model = model
        self.labels = map_labels(model.labels, taxonomy) if model is not None else LabelMap()
        usable = self.labels.categories or self.labels.departments
        self.model_weight = model_weight if model is not None and usable else 0.0

    @property
    def source(self) -> str:
        """Name what the suggestions come from, as recorded on a case."""
        return "model+keywords" if self.model_weight else "keywords"

    def suggest(self, text: str, hint: str | None = None, district: str | None = None,
                k: int = 3) -> list[Suggestion]:
        """Return up to k suggestions, best first; a valid category hint from the reporter comes first.

        Each suggestion carries its reason: the keywords found, the learned model's label, probability and
        the words of the text that drove it, the routing rule that chose the departments, the confidence.
        """
        keyword_scores = dict(self.keywords.predict(text))
        evidence = self.keywords.evidence(text) if keyword_scores else {}
        scores: dict[tuple[str | None, str], float] = {}
        sources: dict[tuple[str | None, str], set] = {}
        model_labels: dict[tuple[str | None, str], tuple[str, float]] = {}

        def add(category, lead, value, source):
            key = (category, lead)
            scores[key] = scores.get(key, 0.0) + value
            sources.setdefault(key, set()).add(source)
            return key

        kw_weight = 1.0 - self.model_weight
        for code, score in keyword_scores.items():
            add(code, route(self.taxonomy, code, district)[0], kw_weight * score, "keywords")
        if self.model_weight:
            for label, prob in self.model.top_k([text], k=max(k, 5))[0]:
                if label in self.labels.categories:
                    code = self.labels.categories[label]
                    key = add(code, route(self.taxonomy, code, district)[0], self.model_weight * prob, "model")
                elif label in self.labels.departments:
                    lead = self.labels.departments[label]
                    key = add(self._category_led_by(lead, keyword_scores, district), lead,
                              self.model_weight * prob, "model")
                else:
                    continue
                model_labels.setdefault(key, (label, prob))
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        out = [self._suggestion(cat, lead, value, sources[(cat, lead)], district)
               for (cat, lead), value in ranked]
        if hint and self.taxonomy.subcategory(hint) is not None:
            lead = route(self.taxonomy, hint, district)[0]
            out = [self._suggestion(hint, lead, HINT_CONFIDENCE, {"hint"}, district)] + \
                [s for s in out if s.category != hint]
        return [self._with_reason(s, text, evidence, model_labels.get((s.category, s.lead)), district)
                for s in out[:k]]

    def _with_reason(self, s: Suggestion, text: str, evidence: dict, model_label, district) -> Suggestion:
        """Return the suggestion with why it was made (plain data, stored on the case)."""
        if s.sources == ("hint",):
            rule = route_rule(self.taxonomy, s.category, district)
        elif model_label and model_label[0] in self.labels.departments:
            # A model trained on dispatch records names the lead department itself.
            rule = {**route_rule(self.taxonomy, s.category, district), "rule": "model", "lead": s.lead,
                    "assist": list(s.assist)}
        else:
            rule = route_rule(self.taxonomy, s.category, district)
        reason = {"confidence": round(s.confidence, 3), "hint": s.sources == ("hint",),
                  "keywords": list(evidence.get(s.category, [])) if s.category else [], "rule": rule}
        if model_label:
            label, prob = model_label
            explain = getattr(self.model, "explain", None)
            terms = explain(text, label, k=REASON_TERMS) if explain else []
            reason["model"] = {"label": label, "probability": round(prob, 3),
                               "terms": [[term, round(weight, 4)] for term, weight in terms]}
        return Suggestion(s.category, s.confidence, s.lead, s.assist, s.sources, reason)

    def _category_led_by(self, lead: str, keyword_scores: dict, district: str | None) -> str | None:
        """The keyword rules' best category that this department leads, if any."""
        led = [(s, c) for c, s in keyword_scores.items() if route(self.taxonomy, c, district)[0] == lead]
        return max(led)[1] if led else None

    def _suggestion(self, category, lead, confidence, sources, district) -> Suggestion:
        """Build a suggestion with the category's assisting units (or none for a bare department)."""
        assist = tuple(route(self.taxonomy, category, district)[1]) if category else ()
        return Suggestion(category, min(1.0, confidence), lead or FALLBACK, tuple(a for a in assist if a != lead),
                          tuple(sorted(sources)))
