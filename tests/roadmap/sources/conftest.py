"""Watch fixtures: a real local HTTP server, and the fetcher's limits small enough for tests."""

import pytest

from tests.roadmap.sources.server import LocalServer


@pytest.fixture
def web():
    with LocalServer() as server:
        yield server


@pytest.fixture
def quick_fetcher(settings):
    """Short timeouts, one retry, no pacing to speak of; loopback still refused."""
    settings.WATCH_TIMEOUT_SECONDS = 1.0
    settings.WATCH_RETRIES = 1
    settings.WATCH_REQUESTS_PER_SECOND = 1000.0
    settings.WATCH_ALLOW_PRIVATE_NETWORKS = ""
    return settings


@pytest.fixture
def local_network(quick_fetcher):
    """Open 127.0.0.1 only (not the rest of loopback, nor link-local): what the tests serve from."""
    quick_fetcher.WATCH_ALLOW_PRIVATE_NETWORKS = "127.0.0.1/32"
    return quick_fetcher
