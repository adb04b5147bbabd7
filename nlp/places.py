"""Resolution of place mentions in report text to administrative areas."""

from nlp.text import normalise

LEVELS = {"district": 0, "street": 1, "community": 2, "grid": 3}


class PlaceResolver:
    """Find the most specific area (grid > community > street > district) a text mentions."""

    def __init__(self, areas: list[dict]):
        """Index areas by code and by every normalised name and alias."""
        self._areas = {}
        self._by_name: dict[str, list[str]] = {}
        for area in areas:
            if area.get("level") not in LEVELS:
                raise ValueError(f"area {area.get('code')!r} has unknown level {area.get('level')!r}")
            self._areas[area["code"]] = area
            names = [area["name"], *(area.get("aliases") or [])]
            for name in {normalise(n) for n in names if n and n.strip()}:
                codes = self._by_name.setdefault(name, [])
                if area["code"] not in codes:
                    codes.append(area["code"])

    def names(self) -> list[str]:
        """Return every name and alias, longest first (for adding to a segmenter)."""
        return sorted(self._by_name, key=lambda n: (-len(n), n))

    def _ancestors(self, code: str) -> list[str]:
        """Return the codes above an area, nearest first."""
        out, seen = [], {code}
        parent = self._areas[code].get("parent")
        while parent and parent in self._areas and parent not in seen:
            out.append(parent)
            seen.add(parent)
            parent = self._areas[parent].get("parent")
        return out

    def _mentions(self, text: str) -> list[tuple[int, int, str]]:
        """Return (start, end, name) of name occurrences not inside a longer occurrence."""
        found = []
        for name in self._by_name:
            start = text.find(name)
            while start >= 0:
                found.append((start, start + len(name), name))
                start = text.find(name, start + 1)
        return [
            (s, e, n)
            for s, e, n in found
            if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for s2, e2, _ in found)
        ]

    def resolve(self, text: str) -> dict | None:
        """Return {"code", "level", "name"} of the most specific unambiguous area mentioned, or None."""
        text = normalise(text or "")
        mentions = self._mentions(text)
        if not mentions:
            return None
        first_pos: dict[str, int] = {}
        for start, _end, name in mentions:
            for code in self._by_name[name]:
                first_pos[code] = min(first_pos.get(code, start), start)
        mentioned = set(first_pos)

        def rank(code):
            ancestors = self._ancestors(code)
            support = sum(1 for a in ancestors if a in mentioned)
            level = LEVELS[self._areas[code]["level"]]
            # Mentioned areas above this one that are not its ancestors contradict it.
            conflicts = sum(
                1
                for other in mentioned
                if other != code
                and LEVELS[self._areas[other]["level"]] < level
                and other not in ancestors
            )
            return (level, support - conflicts)

        ranks = {c: rank(c) for c in mentioned}
        # Best rank first; among equals the earliest mention. One name standing for several
        # equally ranked areas is ambiguous: skip them all and try the next candidate.
        ranked = sorted(mentioned, key=lambda c: (-ranks[c][0], -ranks[c][1], first_pos[c], c))
        while ranked:
            head = ranked[0]
            same = [c for c in ranked if ranks[c] == ranks[head] and first_pos[c] == first_pos[head]]
            if len(same) == 1:
                area = self._areas[head]
                return {"code": area["code"], "level": area["level"], "name": area["name"]}
            ranked = [c for c in ranked if c not in same]
        return None
