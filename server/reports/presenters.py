"""Turning model objects into what a given viewer may see."""
from flask import url_for

from server.reports.access import sees_original
from server.accounts.security import mask_name
from server.cases.timeline import case_timeline_for_reporter, reporter_steps
from server.models import Report, User
from server.reports.timeline_words import stage_sentence
from server.web.i18n import request_lang
from nlp.pii import mask


def _masked(text: str) -> str:
    """Text with personal data masked for other viewers."""
    return mask(text)


def _timeline(report: Report, lang: str, case_steps: dict | None) -> list[dict]:
    """Receipt, the pipeline's stages, then the case's status changes (case times are whole seconds); every note a
    sentence in the reader's language (the stored stage notes are internal). ``case_steps`` holds cases' reporter
    steps already read (by case id), for a page of reports of one case."""
    entries = [{"at": report.created_at, "stage": "received", "note": stage_sentence(report, "received", None, lang)}]
    entries += [{"at": e.created_at, "stage": e.stage, "note": stage_sentence(report, e.stage, e.note, lang)}
                for e in report.events]
    if report.case_id is not None:
        if case_steps is None:
            case_steps = {}
        if report.case_id not in case_steps:
            case_steps[report.case_id] = reporter_steps(report.case_id)
        entries += case_timeline_for_reporter(case_steps[report.case_id], lang)
    return entries


def present_media(media) -> dict:
    """A media item with its access-checked URLs."""
    return {
        "id": media.id, "kind": media.kind, "mime": media.mime, "size": media.size, "width": media.width,
        "height": media.height, "duration": media.duration,
        "url": url_for("media.get_media", media_id=media.id),
        "thumb_url": url_for("media.get_thumb", media_id=media.id) if media.thumb_key else None,
    }


def present_report(report: Report, viewer: User, case_steps: dict | None = None) -> dict:
    """A report as the viewer may see it: others get masked text and no name when anonymous. Reports of one case
    presented together share ``case_steps`` (a dict, filled as cases are met), so that its steps are read once."""
    original = sees_original(viewer, report)
    text = report.text if original else (report.text_masked if report.text_masked is not None
                                          else _masked(report.text))
    reporter = None
    if report.reporter is not None and (original or not report.anonymous):
        reporter = report.reporter.display_name or "—"
        if not original:  # departments and grid workers see a surname, not the person
            reporter = mask_name(reporter)
    transcripts = [{
        "media_id": t.media_id, "status": t.status, "language": t.language, "avg_logprob": t.avg_logprob,
        "no_speech_prob": t.no_speech_prob, "duration": t.duration, "model": t.model,
        "segments": t.segments if original else [{**seg, "text": _masked(seg.get("text") or "")}
                                                 for seg in (t.segments or [])],
        "text": t.text if original else _masked(t.text),
        "corrected_text": t.corrected_text if original or not t.corrected_text else _masked(t.corrected_text),
    } for t in report.transcripts]
    lang = request_lang()
    return {
        "id": report.id, "client_uuid": report.client_uuid, "channel": report.channel, "text": text,
        "category_hint": report.category_hint,
        "category": {"code": report.category.code, "name": report.category.name} if report.category else None,
        "lat": report.lat, "lon": report.lon, "address": report.address, "anonymous": report.anonymous,
        "reporter": reporter, "occurred_at": report.occurred_at, "created_at": report.created_at,
        "stage": report.stage,
        "stage_reason": stage_sentence(report, report.stage, report.stage_reason, lang), "flags": report.flags or [],
        "grid": {"code": report.grid.code, "name": report.grid.name} if report.grid else None,
        "keywords": [k for k, *_ in (report.keywords or [])], "severity": report.severity,
        "case_id": report.case_id, "hotspot_id": report.hotspot_id,
        "media": [present_media(m) for m in report.media], "transcripts": transcripts,
        "timeline": _timeline(report, lang, case_steps),
    }
