"""The pipeline's stages; each reads a report, does one thing, and commits."""
import logging

from flask import current_app

from server.extensions import db
from server.media.store import storage
from server.models import Case, Report, Stage, Transcript
from server.hotspots.keyword_idf import current_idf
from server.pipeline.places import area_index
from server.hotspots.service import assign_report, find_duplicate_of, index_for_duplicates
from server.pipeline.opening import join_open_case, open_case
from server.reports.text import full_text
from nlp import transcribe as tr
from nlp.keywords import extract
from nlp.pii import mask
from nlp.text import normalise

log = logging.getLogger(__name__)
_warned: set[str] = set()


def _locked(report_id: int) -> Report:
    """The report, locked against other workers until the commit (PostgreSQL)."""
    return db.session.get(Report, report_id, with_for_update=True, populate_existing=True)


def transcribe(report_id: int) -> None:
    """Transcribe each voice recording; without a model the report goes on, flagged."""
    report = db.session.get(Report, report_id, populate_existing=True)
    todo = [(m.id, m.storage_key) for m in report.media
            if m.kind == "audio" and not any(t.media_id == m.id for t in report.transcripts)] \
        if report.has_audio else []
    db.session.commit()  # no transaction stays open while Whisper runs
    results = {media_id: _transcribe_file(key) for media_id, key in todo}
    report = _locked(report_id)
    if report.stage != Stage.RECEIVED.value:
        db.session.commit()
        return
    for media_id, result in results.items():
        if not any(t.media_id == media_id for t in report.transcripts):
            report.transcripts.append(Transcript(media_id=media_id, **result))
        if result["status"] == "unavailable":
            report.add_flag("transcription_unavailable")
        elif result["status"] == "low_confidence":
            report.add_flag("transcript_needs_review")
    note = f"{len(results)} recording(s) transcribed" if results else "no voice recording"
    if any(r["status"] == "unavailable" for r in results.values()):
        note = "transcription unavailable"  # why (a model's error, a path) is in the log and the transcript row
    report.set_stage(Stage.TRANSCRIBED, note)
    db.session.commit()


def _transcribe_file(key: str) -> dict:
    """Whisper's result for one stored recording, or why there is none."""
    cfg = current_app.config
    if cfg["WHISPER_THREADS"]:
        import torch
        torch.set_num_threads(cfg["WHISPER_THREADS"])
    try:
        model = tr.get_model(cfg["WHISPER_MODEL"], cfg["WHISPER_MODEL_DIR"], quantize=cfg["WHISPER_QUANTIZE"])
    except tr.ModelUnavailable as exc:
        if str(exc) not in _warned:
            _warned.add(str(exc))
            log.warning("%s", exc)
        return {"status": "unavailable", "error": str(exc), "model": cfg["WHISPER_MODEL"]}
    with storage().open(key) as fh:
        data = fh.read()
    try:
        audio = tr.decode_audio(data, max_seconds=cfg["MAX_AUDIO_SECONDS"])
    except tr.AudioDecodeError as exc:  # passed intake's check, yet Whisper's decoder cannot read it
        return {"status": "unavailable", "error": f"audio could not be decoded: {exc}", "model": cfg["WHISPER_MODEL"]}
    out = tr.transcribe(model, audio, model_name=cfg["WHISPER_MODEL"])
    return {"status": "low_confidence" if out["low_confidence"] else "ok", "text": out["text"],
            "segments": out["segments"], "language": out["language"], "avg_logprob": out["avg_logprob"],
            "no_speech_prob": out["no_speech_prob"], "duration": out["duration"], "model": out["model"]}


def analyse(report_id: int) -> None:
    """Normalise, segment, extract keywords, mask personal data, place the report in a grid."""
    report = _locked(report_id)
    if report.stage == Stage.TRANSCRIBED.value:
        _analyse(report)
    db.session.commit()


def _analyse(report: Report) -> None:
    """analyse() on a locked report, without committing."""
    read_and_index(report)
    place_in_hotspot(report)


def read_and_index(report: Report, unwritten=()) -> None:
    """The first half of analyse, which writes nothing but the report: its words, grid, place and near-duplicate
    (among the reports in the database and ``unwritten``, those indexed earlier in this transaction)."""
    mine = read(report)
    report.duplicate_of_id = find_duplicate_of(report, unwritten=unwritten, mine=mine)


def read(report: Report) -> dict:
    """``read_and_index`` but for the near-duplicate: the report's words, grid and place, its signature and cell;
    its document as duplicate search compares it."""
    index = area_index()
    # Everything derived from the words (tokens, keywords, hotspot terms) is made from the masked text: departments
    # and the public see keywords, and a keyword must never show what the text shows masked.
    text = normalise(mask(full_text(report)))
    report.tokens = index.segmenter.cut_normalised(text)
    report.keywords = [[w, round(s, 4)] for w, s in extract(report.tokens, top_k=8, idf=current_idf())]
    report.text_masked = mask(report.text)
    if report.lat is not None and report.lon is not None:
        report.grid_id = index.grid_at(report.lat, report.lon)
    place = index.resolver.resolve(" ".join(filter(None, [report.address, text])))
    if place is not None:
        report.place_code = place["code"]
        if report.grid_id is None and place["level"] == "grid":
            report.grid_id = index.by_code.get(place["code"])
    return index_for_duplicates(report)


def place_in_hotspot(report: Report) -> None:
    """The second half of analyse: the report's hotspot (its person counted in), and the stage."""
    report.hotspot_id = assign_report(report)
    note = "in grid" if report.grid_id else "no grid found"
    if report.duplicate_of_id:
        note += f"; duplicate of report {report.duplicate_of_id}"
    report.set_stage(Stage.ANALYSED, note)


def open_or_join(report_id: int) -> None:
    """Open a case for the report (classify, grade, assign departments) or join the open case it duplicates."""
    report = _locked(report_id)
    if report.stage == Stage.ANALYSED.value:
        _open_or_join(report)
    db.session.commit()


def _open_or_join(report: Report) -> None:
    """open_or_join() on a locked report, without committing."""
    text = full_text(report)
    route(report, text, join_open_case(report, text))


def route(report: Report, text: str, joined: Case | None) -> Case:
    """The report routed: into the case it joined, else into a case opened for it."""
    case = joined or open_case(report, text)
    report.case_id = case.id
    report.set_stage(Stage.ROUTED, f"joined case {case.number}" if joined else f"case {case.number}")
    return case


def text_only(report_id: int) -> bool:
    """All three stages of a report without a recording, in one transaction (one commit, not three); True when it
    routed the report (False: another worker had, or it was not due)."""
    done = process_text(_locked(report_id))
    db.session.commit()
    return done


def waits_as_text(report: Report) -> bool:
    """Whether the report is a text report (no recording) still at ``received``: due for all three stages at once."""
    return report.stage == Stage.RECEIVED.value and not report.has_audio


def process_text(report: Report) -> bool:
    """All three stages of a locked text report still at ``received``, without committing; False when not due."""
    if not waits_as_text(report):
        return False
    with db.session.no_autoflush:  # the report's changes go out together, not before every query
        report.set_stage(Stage.TRANSCRIBED, "no voice recording")
        _analyse(report)
        _open_or_join(report)
    return True
