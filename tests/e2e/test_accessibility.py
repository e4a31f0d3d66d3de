import pytest

from tests.quality.checkers import axe_violations
from tests.quality.pages import public_paths, seed_public_site

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [375, 1280])
def test_public_pages_have_no_serious_axe_violations(browser, live_server, width):
    seed_public_site()
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    failures = {}
    try:
        for path in public_paths():
            page.goto(path)
            violations = axe_violations(page)
            if violations:
                failures[path] = violations
    finally:
        context.close()

    assert not failures, "\n".join(f"{path}: {v}" for path, vs in failures.items() for v in vs)
