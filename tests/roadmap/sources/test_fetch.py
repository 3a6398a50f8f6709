"""The safe fetcher against a real local server: what it refuses, and how it retries and waits."""

import io
import json

import pytest

from roadmap.importers.files import open_file_or_url
from roadmap.importers.report import ImportFailed
from roadmap.sources.fetch import Fetcher, FetchError, FetchRefused, allowed_networks, refusal
from tests.roadmap.sources.server import Answer, LocalServer


def test_the_loopback_server_is_refused_without_the_allowance(web, quick_fetcher):
    web.route("/", Answer(200, b"secret"))
    with pytest.raises(FetchRefused, match=r"127\.0\.0\.1, a loopback address"):
        Fetcher().get(web.url("/"))
    assert web.requests == []


def test_a_name_resolving_to_loopback_is_refused(web, quick_fetcher):
    port = web.httpd.server_address[1]
    with pytest.raises(FetchRefused, match="loopback"):
        Fetcher().get(f"http://localhost:{port}/")
    assert web.requests == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.0.0.8/", "private"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[fd00:ec2::254]/", "private"),
        ("http://0.0.0.0/", "private"),
        ("http://100.64.0.1/", "non-public"),
    ],
)
def test_private_link_local_and_reserved_addresses_are_refused(quick_fetcher, url, reason):
    with pytest.raises(FetchRefused, match=reason):
        Fetcher().get(url)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://example.org/", "http:///x"]
)
def test_only_http_and_https_are_fetched(quick_fetcher, url):
    with pytest.raises(FetchRefused, match="only http and https"):
        Fetcher().get(url)


def test_public_addresses_pass_the_rule():
    assert refusal("93.184.216.34") == ""
    assert refusal("2606:4700::1111") == ""


def test_the_allowance_opens_everything_or_the_listed_networks_only():
    assert allowed_networks("") == ()
    assert allowed_networks("0") == ()
    assert len(allowed_networks("1")) == 2
    assert [str(n) for n in allowed_networks("10.1.0.0/16, 127.0.0.1/32")] == [
        "10.1.0.0/16",
        "127.0.0.1/32",
    ]


def test_a_redirect_to_another_private_address_is_refused(web, local_network):
    with LocalServer(host="127.0.0.2") as inner:
        inner.route("/admin", Answer(200, b"internal"))
        web.route("/feed", Answer(302, headers={"Location": inner.url("/admin")}))
        with pytest.raises(FetchRefused, match=r"127\.0\.0\.2, a loopback address"):
            Fetcher().get(web.url("/feed"))
        assert len(web.hits("/feed")) == 1
        assert inner.requests == []


def test_a_redirect_to_the_cloud_metadata_address_is_refused(web, local_network):
    web.route("/feed", Answer(301, headers={"Location": "http://169.254.169.254/latest/"}))
    with pytest.raises(FetchRefused, match="link-local"):
        Fetcher().get(web.url("/feed"))


def test_a_redirect_to_another_scheme_is_refused(web, local_network):
    web.route("/feed", Answer(302, headers={"Location": "file:///etc/passwd"}))
    with pytest.raises(FetchRefused, match="only http and https"):
        Fetcher().get(web.url("/feed"))


def test_an_allowed_redirect_is_followed(web, local_network):
    web.route("/old", Answer(308, headers={"Location": "/new"}))
    web.route("/new", Answer(200, b"here"))
    with Fetcher().get(web.url("/old")) as response:
        assert response.body.read() == b"here"
        assert response.url == web.url("/new")


def test_the_user_agent_names_the_project(web, local_network):
    web.route("/", Answer(200, b"ok"))
    Fetcher().get(web.url("/")).close()
    assert web.requests[0].headers["user-agent"].startswith("regulatory-roadmap-tracker/")


def test_an_unchanged_source_answers_304_to_its_etag(web, local_network):
    def conditional(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Answer(304)
        return Answer(
            200, b"feed", {"ETag": '"v1"', "Last-Modified": "Mon, 02 Nov 2026 08:00:00 GMT"}
        )

    web.route("/feed", conditional)
    first = Fetcher().get(web.url("/feed"))
    assert (first.status, first.etag) == (200, '"v1"')
    second = Fetcher().get(web.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified
    assert web.requests[1].headers["if-modified-since"] == "Mon, 02 Nov 2026 08:00:00 GMT"


def test_a_429_waits_as_long_as_retry_after_says(web, local_network):
    web.route("/", Answer(429, headers={"Retry-After": "1"}), Answer(200, b"ok"))
    with Fetcher().get(web.url("/")) as response:
        assert response.body.read() == b"ok"
    first, second = web.requests
    assert second.at - first.at >= 1.0


def test_a_500_then_success_is_retried(web, local_network):
    web.route("/", Answer(500, b"oops"), Answer(200, b"ok"))
    with Fetcher().get(web.url("/")) as response:
        assert response.status == 200
    assert len(web.requests) == 2


def test_a_server_failing_every_time_gives_up_with_the_status(web, local_network):
    web.route("/", Answer(503))
    with pytest.raises(FetchError, match="HTTP 503 \\(after 2 attempts\\)") as failure:
        Fetcher().get(web.url("/"))
    assert failure.value.status == 503


def test_a_retry_after_longer_than_allowed_fails_at_once(web, local_network):
    web.route("/", Answer(429, headers={"Retry-After": "3600"}))
    with pytest.raises(FetchError, match="retry after 3600 s"):
        Fetcher().get(web.url("/"))
    assert len(web.requests) == 1


def test_a_hanging_server_times_out(web, local_network):
    local_network.WATCH_RETRIES = 0
    web.route("/", None)
    with pytest.raises(FetchError, match="timed out"):
        Fetcher().get(web.url("/"))


def test_a_client_error_is_not_retried(web, local_network):
    web.route("/", Answer(404))
    assert Fetcher().get(web.url("/")).status == 404
    assert len(web.requests) == 1


def test_a_body_over_the_limit_is_refused_or_truncated_on_request(web, local_network):
    web.route("/", Answer(200, b"x" * 5000))
    with pytest.raises(FetchError, match="more than the 1000"):
        Fetcher().get(web.url("/"), max_bytes=1000)
    with Fetcher().get(web.url("/"), max_bytes=1000, truncate=True) as response:
        assert response.body.read() == b"x" * 1000


def test_requests_to_one_host_are_spaced_to_the_rate(web, local_network):
    local_network.WATCH_REQUESTS_PER_SECOND = 4.0
    web.route("/", Answer(200, b"ok"))
    for _ in range(3):
        Fetcher().get(web.url("/")).close()
    gaps = [b.at - a.at for a, b in zip(web.requests, web.requests[1:], strict=False)]
    assert min(gaps) >= 0.2


def test_import_by_url_refuses_loopback(web, quick_fetcher):
    web.route("/agenda.xml", Answer(200, b"<REGINFO_RIN_DATA/>"))
    with pytest.raises(ImportFailed, match="loopback"), open_file_or_url(web.url("/agenda.xml")):
        pass
    assert web.requests == []


def test_import_by_url_refuses_cloud_metadata(quick_fetcher):
    metadata = "http://169.254.169.254/latest/meta-data/iam/"
    with pytest.raises(ImportFailed, match="link-local"), open_file_or_url(metadata):
        pass


def test_import_by_url_reads_an_allowed_server(web, local_network):
    web.route("/fr.json", Answer(200, json.dumps({"results": []}).encode()))
    with open_file_or_url(web.url("/fr.json")) as stream:
        assert json.load(io.TextIOWrapper(stream)) == {"results": []}
