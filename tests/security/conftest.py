"""Fixtures of the security and reliability tests."""
import pytest

from .world import build


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    """The world of the access matrix and the fuzzer (one of every role and case state), built once."""
    return build(tmp_path_factory.mktemp("world"))
