"""A report's pipeline steps as sentences its reporter reads (Simplified Chinese, or English on request).

The stored stage notes are for staff and logs (``in grid``, ``transcription unavailable``, a case number); people
read what they mean, said from the report itself, never an internal detail such as a model's error or a path.
"""
import re

from server.models import Report

CHANNELS = {"app": ("手机App", "the app"), "patrol": ("网格员巡查", "a grid worker's patrol"),
            "web": ("网页", "the web"), "hotline": ("热线电话", "the hotline"),
            "open311": ("对接的外部系统", "a connected system")}
_CASE = re.compile(r"(joined )?case (\S+)")

SENTENCES = {
    "received": ("已通过{channel}收到您的反映", "Received through {channel}"),
    "no_voice": ("文字上报，无需语音转写", "No voice recording to transcribe"),
    "transcribed": ("语音已转写为文字", "The voice recording was transcribed"),
    "low_confidence": ("语音已转写，部分内容待工作人员核对", "The voice recording was transcribed; staff will check it"),
    "voice_unavailable": ("语音暂时无法自动转写，工作人员会收听您的录音",
                          "The voice recording could not be transcribed automatically; staff will listen to it"),
    "in_grid": ("已确定所属网格：{grid}", "Located in grid: {grid}"),
    "no_grid": ("未能自动确定所属网格，工作人员将核实位置",
                "The grid could not be found automatically; staff will check the location"),
    "duplicate": ("与已有的相同问题一并办理", "Handled together with an earlier report of the same problem"),
    "case": ("已立案，案件编号 {number}", "A case was opened: {number}"),
    "joined": ("已并入正在办理的案件 {number}", "Joined the case being handled: {number}"),
    "failed": ("自动处理未完成，工作人员将人工处理", "Automatic processing did not finish; staff will handle it"),
}


def say(key: str, lang: str, **values) -> str:
    """One sentence in ``lang``."""
    text = SENTENCES[key][1 if lang == "en" else 0]
    return text.format(**values) if values else text


def channel_name(channel: str | None, lang: str) -> str:
    """Where a report came from, in words."""
    names = CHANNELS.get(channel or "", (channel or "—", channel or "—"))
    return names[1 if lang == "en" else 0]


def _transcribed(report: Report, lang: str) -> str:
    statuses = {t.status for t in report.transcripts}
    if "unavailable" in statuses:
        return say("voice_unavailable", lang)
    if "low_confidence" in statuses:
        return say("low_confidence", lang)
    return say("transcribed", lang) if statuses else say("no_voice", lang)


def _analysed(report: Report, note: str | None, lang: str) -> str:
    if report.grid is not None or (note or "").startswith("in grid"):
        grid = report.grid.name if report.grid is not None else "—"
        text = say("in_grid", lang, grid=grid)
    else:
        text = say("no_grid", lang)
    if report.duplicate_of_id or "duplicate" in (note or ""):
        text += ("; " if lang == "en" else "；") + say("duplicate", lang)
    return text


def _routed(note: str | None, lang: str) -> str:
    found = _CASE.search(note or "")
    if not found:
        return say("case", lang, number="—")
    return say("joined" if found.group(1) else "case", lang, number=found.group(2))


def stage_sentence(report: Report, stage: str, note: str | None, lang: str) -> str:
    """What a step of the pipeline means for the reporter."""
    if stage == "received":
        return say("received", lang, channel=channel_name(report.channel, lang))
    if stage == "transcribed":
        return _transcribed(report, lang)
    if stage == "analysed":
        return _analysed(report, note, lang)
    if stage == "routed":
        return _routed(note, lang)
    return say("failed", lang)
