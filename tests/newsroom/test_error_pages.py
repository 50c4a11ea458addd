import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.urls("tests.newsroom.urls_with_failure")
def test_server_errors_get_the_site_500_page():
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "simulated failure" not in html  # no internals leak to readers


@pytest.mark.django_db
def test_not_found_page_uses_the_site_design(anon):
    response = anon.get("/definitely/not/here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "can’t find that page" in html
    assert 'role="search"' in html
    assert '<meta name="robots" content="noindex">' in html
