"""Search boxes read what was typed as text for a query: a NUL or another control character
(which PostgreSQL refuses in text) is dropped, never a server error."""

import pytest
from django.urls import reverse

from config.forms import search_text

pytestmark = pytest.mark.django_db


def test_search_text_drops_control_characters_and_trims():
    assert search_text({"q": " 敬老\x00院\x07 "}, "q") == "敬老院"
    assert search_text({"q": "a" * 300}, "q", 10) == "a" * 10
    assert search_text({}, "q") == ""


@pytest.mark.parametrize(
    ("url_name", "param"),
    [
        ("duty_roster:posts", "q"),
        ("duty_roster:incident_new", "who"),
        ("inspections:institution_options", "institution_name"),
    ],
)
@pytest.mark.parametrize("typed", ["\x00", "abc\x00def", "\x1b[2J"])
def test_a_control_character_in_a_search_box_is_not_an_error(
    client_for, officer, url_name, param, typed
):
    response = client_for(officer).get(reverse(url_name), {param: typed})
    assert response.status_code == 200
