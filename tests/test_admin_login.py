import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from config.admin_login import USERNAME_LIMIT
from tests.redis_process import dead_redis_cache
from tracker.models import SignInFailure

pytestmark = pytest.mark.django_db


def sign_in(client, password, username="admin", address="203.0.113.5", **headers):
    return client.post(
        reverse("admin-login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def test_admin_login_is_refused_after_five_failures(client, admin_user):
    for _ in range(5):
        assert sign_in(client, "wrong").status_code == 200

    response = sign_in(client, "password")

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


def test_a_successful_login_goes_through_below_the_limit(client, admin_user):
    sign_in(client, "wrong")

    response = sign_in(client, "password")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


def test_the_admins_own_login_address_is_the_throttled_one(client):
    assert reverse("admin:login") == reverse("admin-login")


def test_failures_from_another_address_do_not_lock_the_editor_out(client, admin_user):
    for _ in range(6):
        sign_in(client, "wrong", address="198.51.100.66")

    response = sign_in(client, "password", address="203.0.113.5")

    assert response.status_code == 302


def test_one_address_guessing_many_user_names_is_refused(client, admin_user):
    for number in range(20):
        sign_in(client, "wrong", username=f"guess{number}")

    assert sign_in(client, "password").status_code == 429
    assert sign_in(client, "password", address="203.0.113.9").status_code == 302


def test_a_user_name_guessed_from_many_addresses_meets_the_backstop(client, admin_user):
    sign_in(client, "wrong", address="198.51.100.1")
    [failure] = SignInFailure.objects.all()
    SignInFailure.objects.bulk_create(
        SignInFailure(username_digest=failure.username_digest, address=f"10.0.{n // 250}.{n % 250}")
        for n in range(USERNAME_LIMIT)
    )

    assert sign_in(client, "password", address="203.0.113.5").status_code == 429


def test_failures_older_than_the_window_no_longer_count(client, admin_user):
    for _ in range(5):
        sign_in(client, "wrong")
    SignInFailure.objects.update(at=timezone.now() - datetime.timedelta(minutes=16))

    assert sign_in(client, "password").status_code == 302


def test_without_trusted_proxies_a_forwarded_for_header_changes_nothing(client, admin_user):
    for number in range(5):
        sign_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")

    assert sign_in(client, "password", HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429


@override_settings(TRUSTED_PROXIES=1)
def test_behind_the_proxy_each_client_has_its_own_limit(client, admin_user):
    proxy = "10.0.0.2"
    for _ in range(5):
        sign_in(client, "wrong", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.66")

    blocked = sign_in(client, "password", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.66")
    editor = sign_in(client, "password", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")

    assert blocked.status_code == 429
    assert editor.status_code == 302


@override_settings(TRUSTED_PROXIES=1)
def test_behind_the_proxy_a_forged_forwarded_for_entry_changes_nothing(client, admin_user):
    proxy = "10.0.0.2"
    for number in range(5):
        forged = f"192.0.2.{number}, 198.51.100.66"
        sign_in(client, "wrong", address=proxy, HTTP_X_FORWARDED_FOR=forged)

    response = sign_in(
        client, "password", address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.66"
    )

    assert response.status_code == 429


def test_the_limit_holds_with_redis_down(client, admin_user):
    with dead_redis_cache():
        for _ in range(5):
            assert sign_in(client, "wrong").status_code == 200

        assert sign_in(client, "password").status_code == 429
