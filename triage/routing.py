"""Routing of a categorised case to a lead department and assisting departments."""

from triage.taxonomy import Taxonomy

FALLBACK = "COMMAND"


def route(taxonomy: Taxonomy, category_code: str | None, district_code: str | None = None) -> tuple[str, list[str]]:
    """Return (lead, assists) for a subcategory, with the district's override if any; unknown -> COMMAND."""
    sub = taxonomy.subcategory(category_code) if category_code else None
    if sub is None:
        return FALLBACK, []
    lead, assist = sub.lead, list(sub.assist)
    rule = sub.overrides.get(district_code) if district_code is not None else None
    if rule:
        lead = rule.get("lead", lead)
        assist = list(rule.get("assist", assist))
    seen = {lead}
    unique = [a for a in assist if not (a in seen or seen.add(a))]
    return lead, unique


def route_rule(taxonomy: Taxonomy, category_code: str | None, district_code: str | None = None) -> dict:
    """Return which rule routes a category in a district: {"rule", "category", "district", "lead", "assist"}.

    rule is "district" (the district's override of the category), "category" (the category's own lead and
    assisting units) or "fallback" (no known category: the command centre).
    """
    lead, assist = route(taxonomy, category_code, district_code)
    sub = taxonomy.subcategory(category_code) if category_code else None
    if sub is None:
        kind = "fallback"
    elif district_code is not None and sub.overrides.get(district_code):
        kind = "district"
    else:
        kind = "category"
    return {"rule": kind, "category": sub.code if sub else None,
            "district": district_code if kind == "district" else None, "lead": lead, "assist": assist}
