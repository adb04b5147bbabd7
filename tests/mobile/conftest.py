"""Fixtures for the phone's core: a real server on a local port, and phone cores with their own storage."""
import random

import pytest

from mobile.gridwatch_mobile.core.app_core import AppCore
from mobile.gridwatch_mobile.core.sync import Network

from .live_server import start_live_server, stop_live_server


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The real app served on 127.0.0.1 (shared by a module's tests)."""
    server = start_live_server(tmp_path_factory.mktemp("live"))
    yield server
    stop_live_server(server)


class Phone:
    """A phone: its core, with a network switch."""

    def __init__(self, storage, url):
        self.network_state = Network.WIFI
        self.storage = storage
        self.core = AppCore(storage, network=lambda: self.network_state, rng=random.Random(7))
        self.core.set_server(url)

    def reopen(self) -> AppCore:
        """The app restarted (e.g. after a crash): a new core on the same storage."""
        self.core.close()
        self.core = AppCore(self.storage, network=lambda: self.network_state, rng=random.Random(7))
        return self.core


@pytest.fixture
def phone(tmp_path, live):
    made = Phone(tmp_path / "phone", live.url)
    yield made
    made.core.close()
