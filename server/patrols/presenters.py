"""Patrol tasks as the API shows them."""
from server.models.patrols import ItemResult, PatrolTask


def present_task(task: PatrolTask) -> dict:
    """A task with its place, its checklist and the answers so far."""
    results = {r.item_code: r for r in task.results}
    items = []
    for item in task.items:
        row = results.get(item["code"])
        items.append({
            "code": item["code"], "text": item["text"], "text_en": item.get("text_en"),
            "category": item.get("category"),
            "result": None if row is None else {
                "result": row.result, "note": row.note, "report_id": row.report_id,
                "report_client_uuid": row.report_client_uuid, "checked_at": row.checked_at},
        })
    place = task.place
    return {
        "id": task.id, "date": task.due_date, "status": task.status, "completed_at": task.completed_at,
        "place": {"id": place.id, "name": place.name, "place_type": place.place_type, "lat": place.lat,
                  "lon": place.lon, "address": place.address},
        "grid": {"code": place.grid.code, "name": place.grid.name},
        "items": items,
        "progress": {"answered": len(results), "total": len(task.items),
                     "hazards": sum(1 for r in results.values() if r.result == ItemResult.HAZARD.value)},
    }
