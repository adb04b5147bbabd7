"""One config: every setting of Config is read from the environment, parsed to its type, and listed in docs/deploy.md."""
import re
from pathlib import Path

import pytest

from server.config import Config

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
# Values that must be one of a few (or have a shape) cannot be made up from the type alone.
SPECIAL = {"GRIDWATCH_ENV": ("demo", "demo"), "CASE_DEADLINE_CALENDAR": ("weekdays", "weekdays"),
           "OPEN311_ENDPOINT_TYPE": ("test", "test"), "NOTIFY_CHANNEL": ("none", "none"), "OPEN311_TIMEZONE": ("Asia/Urumqi", "Asia/Urumqi"),
           "CITY_TIMEZONE": ("Asia/Harbin", "Asia/Harbin"),
           "WEBHOOK_ALLOWED_CIDRS": ("10.20.0.0/16,192.168.7.0/24", "10.20.0.0/16,192.168.7.0/24"),
           "DATABASE_URL": ("postgres://u@db.example/gw", "postgresql+psycopg://u@db.example/gw"),
           "CASE_METRICS_WEIGHTS": ("response=0.2, satisfaction=0.3",
                                    {"response": 0.2, "resolution": 0.45, "satisfaction": 0.3})}


def settings(config: Config) -> dict[str, str]:
    """Each setting attribute and the environment variable it is read from."""
    return {attr: Config.RENAMED.get(attr, attr) for attr in vars(config) if attr.isupper()}


def sample(name: str, kind: str, default, i: int, tmp_path: Path) -> tuple[str, object]:
    """A distinct value for one variable as text, and the value Config should make of it."""
    if name in SPECIAL:
        return SPECIAL[name]
    if name == "GRIDWATCH_INSTANCE":
        return str(tmp_path / "inst"), str((tmp_path / "inst").resolve())
    return {"text": (f"value-{i}", f"value-{i}"),
            "integer": (f" {1000 + i} ", 1000 + i),
            "number": (f"{i}.25", i + 0.25),
            "flag": ("0", False) if default is True else ("Yes", True),
            "integers": (f"{i},{i + 1}", [i, i + 1])}[kind]


def test_every_setting_is_read_from_the_environment():
    config = Config(environ={"GRIDWATCH_ENV": "test"})
    assert set(settings(config).values()) == set(config.environment_read)
    assert not set(Config.FIXED) & set(settings(config))


def test_every_setting_is_listed_in_deploy_md():
    table = [line.split("|")[1] for line in DEPLOY.read_text(encoding="utf-8").splitlines()
             if line.startswith("| `") and line.count("|") >= 4]
    documented = {name for first_cell in table for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell)}
    missing = set(Config(environ={"GRIDWATCH_ENV": "test"}).environment_read) - documented
    assert not missing, f"not in the settings table of docs/deploy.md: {sorted(missing)}"


def test_each_setting_takes_its_value_from_the_environment(tmp_path):
    read = Config(environ={"GRIDWATCH_ENV": "test"}).environment_read
    given = {name: sample(name, r.kind, r.default, i, tmp_path) for i, (name, r) in enumerate(read.items())}
    config = Config(environ={name: text for name, (text, _) in given.items()})
    for attr, name in settings(config).items():
        expected = given[name][1]
        assert getattr(config, attr) == expected, (attr, name)
        assert getattr(config, attr) != read[name].default, f"{name}: the sample equals the default"


def test_defaults_fill_what_is_left_to_the_environment():
    test = Config(environ={"GRIDWATCH_ENV": "test"})
    assert (test.SESSION_COOKIE_SECURE, test.WEBHOOK_EMBEDDED_THREAD, test.WEBHOOK_ALLOW_HTTP) == (False, False, None)
    assert test.SECRET_KEY == "insecure-test-key"
    assert test.MAX_CONTENT_LENGTH == 6 * 12 * 2 ** 20 + 20 * 2 ** 20 + 2 ** 20
    production = Config(environ={"SECRET_KEY": "s"})
    assert (production.SESSION_COOKIE_SECURE, production.WEBHOOK_EMBEDDED_THREAD) == (True, True)
    assert Config({"GRIDWATCH_ENV": "demo"}, environ={}).as_dict()["API_TITLE"] == "GridWatch API"


@pytest.mark.parametrize("name, value", [("MAX_PHOTOS", "six"), ("RATELIMIT_ENABLED", "maybe"),
                                         ("CASE_DEADLINE_CALENDAR", "lunar"), ("PIPELINE_RETRY_INTERVALS", "5,x"),
                                         ("CASE_METRICS_WEIGHTS", "speed=1"), ("OPEN311_TIMEZONE", "Mars/Olympus"),
                                         ("CITY_TIMEZONE", "Mars/Olympus"),
                                         ("WEBHOOK_ALLOWED_CIDRS", "10.0.0.0/33"), ("GRIDWATCH_ENV", "staging")])
def test_a_value_that_does_not_parse_stops_the_start_naming_the_variable(name, value):
    with pytest.raises(RuntimeError, match=name):
        Config(environ={"GRIDWATCH_ENV": "test", name: value})


def test_empty_numbers_keep_their_default_and_empty_text_stays_empty():
    config = Config(environ={"GRIDWATCH_ENV": "test", "MAX_PHOTOS": "", "INTAKE_RATE_LIMIT_ACCOUNT": ""})
    assert config.MAX_PHOTOS == 6
    assert config.INTAKE_RATE_LIMIT_ACCOUNT == ""
