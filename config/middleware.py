import sys

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from config.context_processors import site


class ChineseFirstLocaleMiddleware:
    """Chinese unless the user chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a
    clerk's phone set to English would get English pages unasked; here only the
    language cookie written by the switch (set_language) counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


def _note_database_error(sender, request=None, **kwargs):
    # Sent by Django while it turns an exception into a 500, inside its `except`.
    if request is not None and isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        request.database_unavailable = True


class DatabaseUnavailableMiddleware:
    """While PostgreSQL cannot be reached, a page answers 503 with templates/503.html, in
    Chinese unless the user chose English, instead of the 500 page.

    Django turns an exception into a response inside each middleware, so no middleware
    around it ever sees one: a receiver of got_request_exception marks the request when the
    exception was the database's (OperationalError: it cannot be reached, or it refused for
    now; InterfaceError: the connection is gone), and this middleware swaps that 500 for the
    503. The page is rendered from the template alone, without the request: context
    processors, the session and the user all read the database. Put it high in MIDDLEWARE,
    inside only the middleware that adds security headers, so that every error below it is
    seen and the 503 still gets those headers; the request's user is then anonymous, so that
    those middleware do not ask the database who it is.
    """

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}
        got_request_exception.connect(_note_database_error, dispatch_uid=__name__ + ".database")

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_unavailable", False):
            # The middleware around this one may ask who the user is (for its headers):
            # nobody that needs the database to be known.
            request.user = AnonymousUser()
            return self.unavailable(request)
        return response

    def unavailable(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        with translation.override(language):
            response = HttpResponse(render_to_string("503.html", site(None)), status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        response["Content-Language"] = language
        add_never_cache_headers(response)
        return response
