"""A suggestion's reason in words: why a case went to a category and to its lead and assisting units.

The reason itself is plain data made by triage.suggest (stored with the case's suggestions); this module
only says it in Simplified Chinese or English, with names instead of codes.
"""

from triage.taxonomy import Taxonomy

RULE_ZH = {"category": "类别规则", "district": "区域规则", "model": "历史派单模型", "fallback": "兜底规则"}
RULE_EN = {"category": "category rule", "district": "district rule", "model": "dispatch-history model",
           "fallback": "fallback rule"}


def category_name(taxonomy: Taxonomy, code: str | None, lang: str = "zh") -> str:
    """Return a subcategory's name in the language (the code itself when unknown, 未分类 when None)."""
    if not code:
        return "未分类" if lang == "zh" else "uncategorised"
    sub = taxonomy.subcategory(code)
    if sub is None:
        return code
    return sub.name_zh if lang == "zh" or not sub.name_en else sub.name_en


def department_name(taxonomy: Taxonomy, code: str | None) -> str:
    """Return a department's name (the code when unknown)."""
    return taxonomy.departments.get(code, code) if code else "—"


def label_name(taxonomy: Taxonomy, label: str | None, lang: str = "zh") -> str:
    """Return a learned model's label in words: a category's or department's name, else the label itself."""
    if not label:
        return "—"
    if taxonomy.subcategory(label) is not None:
        return category_name(taxonomy, label, lang)
    for sub in taxonomy.subcategories:
        if label == sub.short_code:
            return category_name(taxonomy, sub.code, lang)
    return taxonomy.departments.get(label, label)


def _quoted(words, lang: str) -> str:
    """Return words quoted and joined in the language's style."""
    return "、".join(f"“{w}”" for w in words) if lang == "zh" else ", ".join(f'"{w}"' for w in words)


def lines(reason: dict, taxonomy: Taxonomy, lang: str = "zh", district_name: str | None = None) -> list[str]:
    """Return the reason as sentences: what drove the category, which rule chose the departments, confidence."""
    zh = lang == "zh"
    rule = reason.get("rule") or {}
    cat = category_name(taxonomy, rule.get("category"), lang)
    out = []
    if reason.get("hint"):
        out.append(f"上报人选择了类别「{cat}」。" if zh else f"The reporter chose the category “{cat}”.")
    if reason.get("keywords"):
        kws = _quoted(reason["keywords"], lang)
        out.append(f"文中出现关键词{kws}，指向「{cat}」。" if zh else f"The text names {kws}, keywords of “{cat}”.")
    model = reason.get("model")
    if model:
        terms = [t for t, _ in model.get("terms") or []]
        pct = f"{100 * float(model.get('probability', 0)):.0f}%"
        label = label_name(taxonomy, model.get("label"), lang)
        if terms:
            out.append(f"学习模型判为「{label}」（概率 {pct}），主要依据词语{_quoted(terms, lang)}。" if zh else
                       f"The learned model chose “{label}” (probability {pct}), mainly from {_quoted(terms, lang)}.")
        else:
            out.append(f"学习模型判为「{label}」（概率 {pct}）。" if zh else
                       f"The learned model chose “{label}” (probability {pct}).")
    out.append(_rule_line(rule, taxonomy, cat, lang, district_name or rule.get("district_name")
                          or rule.get("district")))
    conf = f"{100 * float(reason.get('confidence', 0)):.0f}%"
    out.append(f"综合置信度 {conf}。" if zh else f"Overall confidence {conf}.")
    return out


def _rule_line(rule: dict, taxonomy: Taxonomy, cat: str, lang: str, district: str | None) -> str:
    """Return the sentence naming the routing rule and the departments it chose."""
    zh = lang == "zh"
    lead = department_name(taxonomy, rule.get("lead"))
    assist = [department_name(taxonomy, a) for a in rule.get("assist") or []]
    if zh:
        units = f"由「{lead}」主办" + (f"，{'、'.join(f'「{a}」' for a in assist)}协办" if assist else "")
    else:
        units = f"lead “{lead}”" + (f", assisting {', '.join(f'“{a}”' for a in assist)}" if assist else "")
    kind = rule.get("rule")
    if kind == "district":
        return (f"派单规则（区域规则）：「{district}」的「{cat}」案件{units}。" if zh else
                f"Routing ({RULE_EN[kind]}): “{cat}” cases in {district} go to {units}.")
    if kind == "model":
        return (f"派单规则（历史派单模型）：按以往同类案件的承办单位，{units}。" if zh else
                f"Routing ({RULE_EN[kind]}): as similar past cases were handled, {units}.")
    if kind == "fallback":
        return (f"派单规则（兜底规则）：类别未能确定，{units}。" if zh else
                f"Routing ({RULE_EN[kind]}): no category could be determined, {units}.")
    return (f"派单规则（类别规则）：「{cat}」案件{units}。" if zh else
            f"Routing ({RULE_EN['category']}): “{cat}” cases go to {units}.")
