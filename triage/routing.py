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
