import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def sign_in(client, password):
    return client.post(reverse("admin-login"), {"username": "admin", "password": password})


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
