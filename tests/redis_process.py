"""A redis-server of the test's own, on a free port, that the test may stop for real.

Fault tests kill this one, never the shared server on 6379: it runs without persistence, in a
temporary directory, and is killed when the test leaves the ``with`` block.
"""

import contextlib
import shutil
import subprocess
import time

import pytest
import redis

from tests.tracker.smtp_sink import free_port


class RedisProcess:
    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.process = subprocess.Popen(  # noqa: S603 (a fixed binary and our own arguments)
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.kill()


@contextlib.contextmanager
def dead_redis_cache():
    """Point Django's cache at a real Redis of our own, check it works, then kill the server."""
    from django.core.cache import cache
    from django.test import override_settings

    with RedisProcess() as server:
        caches = {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": server.url,
                "OPTIONS": {
                    "IGNORE_EXCEPTIONS": True,
                    "SOCKET_CONNECT_TIMEOUT": 0.5,
                    "SOCKET_TIMEOUT": 0.5,
                },
            }
        }
        with override_settings(CACHES=caches):
            cache.set("alive", 1)
            assert cache.get("alive") == 1
            server.kill()
            yield server
