"""The browser harness itself: Chromium loads the live server's admin login page."""
from tests.browser import browser, page, screenshot


def test_admin_login_page_renders_with_its_styles(live_server, page):
    page.goto(f"{live_server.url}/admin/login/")
    assert page.locator("input[name=username]").is_visible()
    # The admin's stylesheet was served: Django's login form is laid out by it.
    assert page.evaluate("() => getComputedStyle(document.querySelector('#header')).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert screenshot(page, "admin-login").stat().st_size > 0
