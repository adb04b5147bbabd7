"""Tests for the `gridwatch nlp segment` and `gridwatch nlp transcribe` commands."""

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from nlp.cli_tools import register
from nlp.keywords import fit_idf, save_idf

from .audio_helpers import encode, tones


@pytest.fixture()
def group():
    """A bare `nlp` group with the commands registered, as `gridwatch nlp` has them."""

    @click.group("nlp")
    def nlp():
        """Test group."""

    return register(nlp)


def run(group, args, stdin=None, env=None):
    """Invoke the group and return the result."""
    return CliRunner().invoke(group, args, input=stdin, env=env)


def lines(result) -> list[dict]:
    """Parse the JSON lines the command wrote on stdout."""
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_segment_writes_one_line_per_input_line(group):
    result = run(group, ["segment"], stdin="楼道里有人飞线充电\n\n煤氣洩漏了\n")
    assert result.exit_code == 0, result.output
    out = lines(result)
    assert len(out) == 3
    assert "飞线充电" in out[0]["tokens"] and out[1] == {"tokens": []}
    assert out[2] == {"tokens": ["煤气泄漏"]}


def test_segment_keywords_mask_and_idf(group, tmp_path):
    text = "井盖缺失，井盖旁边积水，电话13812341234\n"
    out = lines(run(group, ["segment", "--keywords", "--mask", "--top-k", "2"], stdin=text))[0]
    assert set(out) == {"tokens", "keywords", "masked"}
    assert out["masked"] == "井盖缺失，井盖旁边积水，电话138****1234"
    assert len(out["keywords"]) == 2 and all(isinstance(w, str) and s > 0 for w, s in out["keywords"])
    idf = fit_idf([["井盖"]] * 20 + [["积水", "井盖"]])
    save_idf(idf, tmp_path / "idf.json")
    out = lines(run(group, ["segment", "--keywords", "--idf", str(tmp_path / "idf.json")], stdin=text))[0]
    assert out["keywords"][0][0] == "积水"


def test_segment_places_segment_whole(group, tmp_path):
    areas = [{"code": "C1", "name": "桃子湖片区", "level": "community", "aliases": ["桃子湖"]}]
    (tmp_path / "areas.json").write_text(json.dumps(areas, ensure_ascii=False), encoding="utf-8")
    text = "桃子湖片区北门有井盖缺失\n"
    assert "桃子湖片区" not in lines(run(group, ["segment"], stdin=text))[0]["tokens"]
    result = run(group, ["segment", "--places", str(tmp_path / "areas.json")], stdin=text)
    assert "桃子湖片区" in lines(result)[0]["tokens"]
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    result = run(group, ["segment", "--places", str(tmp_path / "bad.json")], stdin=text)
    assert result.exit_code == 2 and "--places" in result.stderr


def test_transcribe_missing_model_is_one_error_line(group, tmp_path):
    result = run(group, ["transcribe", "--model", "nosuch", "--model-dir", str(tmp_path), "a.wav"])
    assert result.exit_code == 2
    assert result.stdout == ""
    err = result.stderr.strip().splitlines()
    assert len(err) == 1 and "nosuch" in err[0] and str(tmp_path) in err[0]
    assert "Traceback" not in result.output


def test_transcribe_files_and_errors(group, model_dir, tmp_path):
    good = tmp_path / "clip.wav"
    good.write_bytes(encode(tones([(None, 0.3), (440, 1.0), (None, 0.3)])))
    bad = tmp_path / "bad.ogg"
    bad.write_bytes(b"not audio at all")
    env = {"WHISPER_MODEL": "tiny-silent", "WHISPER_MODEL_DIR": str(model_dir)}
    result = run(group, ["transcribe", str(good), str(bad), str(tmp_path / "missing.m4a")], env=env)
    assert result.exit_code == 1
    first, second, third = lines(result)
    assert first["file"] == str(good) and first["model"] == "tiny-silent"
    assert {"text", "segments", "language", "avg_logprob", "no_speech_prob", "duration"} <= set(first)
    assert 1.0 <= first["duration"] <= 1.6
    assert second["file"] == str(bad) and "error" in second and "text" not in second
    assert third["file"].endswith("missing.m4a") and "error" in third


def test_transcribe_quantized_from_checkpoint_path(group, model_dir, tmp_path):
    import torch

    clip = tmp_path / "clip.wav"
    clip.write_bytes(encode(tones([(440, 0.5)])))
    threads = torch.get_num_threads()
    try:
        args = ["transcribe", "--model", str(model_dir / "tiny-silent.pt"), "--quantize", "--threads", "1", str(clip)]
        result = run(group, args)
    finally:
        torch.set_num_threads(threads)
    assert result.exit_code == 0, result.output
    assert lines(result)[0]["file"] == str(clip)


def test_python_m_nlp_cli_segment_once_wired():
    listed = subprocess.run([sys.executable, "-m", "nlp.cli", "--help"], capture_output=True, text=True)
    if " segment " not in listed.stdout:
        pytest.skip("nlp/cli.py does not call register() yet (wired in gridwatch instead)")
    done = subprocess.run([sys.executable, "-m", "nlp.cli", "segment", "--mask"], capture_output=True,
                          input="楼道飞线充电，电话13812341234\n".encode("utf-8"), timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    out = json.loads(done.stdout.decode("utf-8"))
    assert "飞线充电" in out["tokens"] and out["masked"].endswith("138****1234")
