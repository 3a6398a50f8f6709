"""The language switch: a plain link with ``?lang=zh-hans`` that sets the language cookie.

A form would need a CSRF cookie, which a page served from the cache never sets; a link needs
nothing, so every page stays cacheable. The API reads ``?lang=`` itself and is left alone.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.cache import add_never_cache_headers

LANGUAGE_PARAMETER = "lang"


def language_codes() -> list[str]:
    """The codes of the languages the site speaks, as ``settings.LANGUAGES`` lists them."""
    return [code for code, _name in settings.LANGUAGES]


def switch_language(get_response):
    """Answer a page's ``?lang=`` with the language cookie and a redirect to the clean address."""

    def middleware(request):
        code = request.GET.get(LANGUAGE_PARAMETER)
        is_page = request.method in ("GET", "HEAD") and not request.path.startswith("/api/")
        if code is None or not is_page:
            return get_response(request)
        query = request.GET.copy()
        del query[LANGUAGE_PARAMETER]
        # One leading slash: "//host/" would send the reader to another site.
        location = "/" + request.path.lstrip("/")
        if query:
            location += "?" + query.urlencode()
        response = HttpResponseRedirect(location)
        add_never_cache_headers(response)
        try:
            language = translation.get_supported_language_variant(code)
        except LookupError:
            return response
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response

    return middleware
