"""The client's address: from the connection, or from the entry the nearest trusted proxy wrote."""

import pytest
from django.test import RequestFactory, override_settings
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

from config.clients import client_address

CASES = [
    (0, "10.0.0.2", None, "10.0.0.2"),
    (0, "10.0.0.2", "198.51.100.7", "10.0.0.2"),
    (1, "10.0.0.2", "198.51.100.7", "198.51.100.7"),
    (1, "10.0.0.2", "forged, 198.51.100.7", "198.51.100.7"),
    (2, "10.0.0.3", "forged, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
    (1, "10.0.0.2", None, "10.0.0.2"),
]


def _request(remote, forwarded):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(("proxies", "remote", "forwarded", "client"), CASES)
def test_the_client_is_the_entry_the_nearest_trusted_proxy_wrote(
    proxies, remote, forwarded, client
):
    with override_settings(TRUSTED_PROXIES=proxies):
        assert client_address(_request(remote, forwarded)) == client


@pytest.mark.parametrize(("proxies", "remote", "forwarded", "client"), CASES)
def test_the_apis_throttle_sees_the_same_client(settings, proxies, remote, forwarded, client):
    settings.TRUSTED_PROXIES = proxies
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}

    ident = AnonRateThrottle().get_ident(Request(_request(remote, forwarded)))

    assert ident == client_address(_request(remote, forwarded))


def test_the_api_reads_the_trusted_proxies_setting():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.TRUSTED_PROXIES
