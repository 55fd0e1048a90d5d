import pytest
from django.test import override_settings
from django.urls import path

from accounts import demo as accounts_demo

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [path("boom/", boom)]
handler500 = "reviewsite.views.server_error"
handler404 = "reviewsite.views.page_not_found"


def test_home_page_uses_base_layout(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#main"' in html
    # One render-blocking stylesheet (the bundle make css builds), and the print one.
    assert html.count('rel="stylesheet"') == 2 and "css/marquee.css" in html
    assert 'css/print.css" media="print">' in html
    assert html.count("<h1") == 1


def test_404_page_renders_with_base_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'aria-label="Main"' in html


@override_settings(ROOT_URLCONF=__name__)
def test_500_page_renders_with_base_layout(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "something went wrong on our side" in html
    assert 'aria-label="Main"' in html


def test_robots_txt_points_to_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_demo_editor_can_log_into_admin(client):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    editor = next(u for u in accounts_demo.DEMO_USERS if u.role == "editor")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": editor.username, "password": editor.password}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
