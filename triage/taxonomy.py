"""The risk taxonomy: four classes, their subcategories, departments and deadlines."""

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

LEVELS = (1, 2, 3, 4)  # 1 = I 特别重大 ... 4 = IV 一般


@dataclass(frozen=True)
class RiskClass:
    """One of the four risk classes."""

    code: str
    name_zh: str
    name_en: str
    subcategories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Subcategory:
    """A subcategory with its keywords, routing and default severity; code is "class.sub"."""

    code: str
    class_code: str
    name_zh: str
    name_en: str
    keywords: tuple[str, ...]
    examples: tuple[str, ...]
    lead: str
    assist: tuple[str, ...]
    default_severity: int
    overrides: dict = field(default_factory=dict)

    @property
    def short_code(self) -> str:
        """Return the code without the class prefix."""
        return self.code.split(".", 1)[1]


@dataclass(frozen=True)
class Taxonomy:
    """Classes, subcategories, department names and severity deadlines."""

    classes: tuple[RiskClass, ...]
    subcategories: tuple[Subcategory, ...]
    departments: dict  # code -> Chinese name
    deadlines: dict  # {"sign_hours": {level: hours}, "resolve_days": {level: days}}
    levels: dict = field(default_factory=dict)  # level -> {"code", "name_zh", "name_en"}

    def subcategory(self, code: str) -> Subcategory | None:
        """Return the subcategory with this full code, or None."""
        return next((s for s in self.subcategories if s.code == code), None)

    def risk_class(self, code: str) -> RiskClass | None:
        """Return the class with this code, or None."""
        return next((c for c in self.classes if c.code == code), None)


def _check_departments(where: str, codes, departments: dict) -> None:
    """Raise ValueError if a department code is unknown."""
    unknown = [c for c in codes if c not in departments]
    if unknown:
        raise ValueError(f"{where}: unknown department code(s) {unknown}")


def _subcategory(class_code: str, raw: dict, departments: dict) -> Subcategory:
    """Build and check one subcategory."""
    code = f"{class_code}.{raw['code']}"
    severity = int(raw.get("default_severity", 4))
    if severity not in LEVELS:
        raise ValueError(f"{code}: default_severity must be 1..4, not {severity}")
    assist = tuple(a for a in raw.get("assist", ()) if a != raw["lead"])
    _check_departments(code, [raw["lead"], *assist], departments)
    overrides = {}
    for district, rule in (raw.get("overrides") or {}).items():
        _check_departments(f"{code} override {district}", [rule.get("lead", raw["lead"]), *rule.get("assist", ())], departments)
        overrides[str(district)] = dict(rule)
    return Subcategory(
        code=code, class_code=class_code, name_zh=raw["name_zh"], name_en=raw.get("name_en", ""),
        keywords=tuple(raw.get("keywords", ())), examples=tuple(raw.get("examples", ())),
        lead=raw["lead"], assist=assist, default_severity=severity, overrides=overrides,
    )


def from_dict(d: dict) -> Taxonomy:
    """Build a Taxonomy from its JSON form, checking codes, levels and department references."""
    departments = {dep["code"]: dep["name_zh"] for dep in d["departments"]}
    classes, subs = [], []
    for raw_class in d["classes"]:
        built = [_subcategory(raw_class["code"], s, departments) for s in raw_class.get("subcategories", ())]
        subs.extend(built)
        classes.append(RiskClass(raw_class["code"], raw_class["name_zh"], raw_class.get("name_en", ""),
                                 tuple(s.code for s in built)))
    codes = [s.code for s in subs] + [c.code for c in classes]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate class or subcategory codes")
    raw_deadlines = d["severity_deadlines"]
    deadlines = {kind: {int(k): float(v) for k, v in raw_deadlines[kind].items()}
                 for kind in ("sign_hours", "resolve_days")}
    for kind, table in deadlines.items():
        if set(table) != set(LEVELS) or min(table.values()) <= 0:
            raise ValueError(f"severity_deadlines.{kind} needs a positive value for each level 1..4")
    levels = {int(k): dict(v) for k, v in (d.get("severity_levels") or {}).items()}
    return Taxonomy(tuple(classes), tuple(subs), departments, deadlines, levels)


@lru_cache(maxsize=1)
def load_default() -> Taxonomy:
    """Return the taxonomy shipped in triage/data/taxonomy.json (cached)."""
    text = resources.files("triage").joinpath("data", "taxonomy.json").read_text(encoding="utf-8")
    return from_dict(json.loads(text))
