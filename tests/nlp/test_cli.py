"""Tests for the python -m nlp command line."""

from nlp.__main__ import main


def test_cli_commands(capsys):
    main(["mask", "电话13812341234"])
    assert capsys.readouterr().out.strip() == "电话138****1234"
    main(["segment", "楼道飞线充电"])
    assert "飞线充电" in capsys.readouterr().out
    main(["keywords", "燃气泄漏，燃气泄漏，楼下", "--top-k", "1"])
    assert capsys.readouterr().out.startswith("燃气泄漏\t")
    main(["normalise", "煤氣　洩漏"])
    assert capsys.readouterr().out.strip() == "煤气 泄漏"
