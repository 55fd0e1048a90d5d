"""Pages carrying every XSS vector, loaded in Chromium: no dialog, no script but ours, no handler.

The vectors (tests/security/vectors.py) go in through the real forms, as in tests/security/test_xss.py;
here a real browser runs whatever survived. Each vector calls alert(): a dialog fails the test, and
so does any <script> that is not ours or JSON-LD, or any element with an on* attribute in the DOM.
"""

import time

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from comments import moderation
from comments.forms import make_security_token
from comments.models import Comment
from tests import factories
from tests.security.vectors import VECTORS

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOADS = [vector for _, vector in VECTORS]

# Run in the page after load: anything that is not ours.
INJECTED = """() => {
  const found = [];
  for (const s of document.scripts) {
    const ours = s.src && new URL(s.src).pathname.startsWith("/static/");
    if (!ours && s.type !== "application/ld+json") found.push("script: " + s.outerHTML.slice(0, 120));
  }
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith("on")) found.push(`handler ${attr.name} on <${el.localName}>`);
      if (/^\\s*(javascript|data|vbscript):/i.test(attr.value) && /href|src|action|data/.test(attr.name))
        found.push(`${attr.name}=${attr.value.slice(0, 60)} on <${el.localName}>`);
    }
  }
  for (const tag of ["iframe", "object", "embed", "base", "math", "xss"])
    if (document.querySelector(tag)) found.push("element " + tag);
  return found;
}"""


@pytest.fixture
def hostile_site(settings):
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0
    settings.MARQUEE_MODERATION_GUEST_IP_PER_HOUR = 100_000
    settings.MARQUEE_MODERATION_ACCOUNT_PER_HOUR = 100_000
    settings.MARQUEE_MODERATION_MAX_LINKS = 1000
    settings.MARQUEE_COMMENTS_PER_PAGE = 1000
    critic_account = factories.UserFactory(username="hale", is_staff=True)
    critic_account.groups.add(Group.objects.get_or_create(name="Critics")[0])
    critic = factories.CriticFactory(name="Margaret Hale", account=critic_account)
    review = factories.ReviewFactory(
        critic=critic,
        status="published",
        slug="hostile",
        body="\n\n".join([*PAYLOADS, *(f"Inline `{v}` code." for v in PAYLOADS[:10]), "The end."]),
        lowdown=PAYLOADS[3][:300],
    )
    client = Client()
    person = factories.VerifiedUserFactory(username="hostile")
    client.force_login(person)
    client.post(
        reverse("accounts:settings"),
        {"display_name": "Hostile \"' onmouseover=alert(1) x", "bio": PAYLOADS[0], "website": ""},
    )
    client.logout()
    for number, vector in enumerate(PAYLOADS):
        response = client.post(
            reverse("comments:comment-post", args=[review.pk]),
            {
                "body": f"{number}: {vector}",
                "name": f"Guest {number} " + vector.replace("<", "").replace(">", "")[:60],
                "email": f"g{number}@guest.example",
                "website": "https://films.example.com/?q=%22%3E%3Cb%3E",
                "parent": "",
                "security": make_security_token(review.pk, time.time() - 10),
                "honeypot": "",
            },
        )
        assert response.status_code == 302, (vector, response.context["form"].errors)
    editor = factories.EditorFactory()
    for comment in Comment.objects.exclude(status="approved"):
        moderation.approve(comment, by=editor)
    assert Comment.objects.filter(status="approved").count() == len(PAYLOADS)
    return review, person


def test_pages_carrying_the_vectors_run_nothing(page, live_server, hostile_site):
    review, person = hostile_site
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for url in (
        review.get_absolute_url(),
        review.get_absolute_url(),  # again: the cached page
        "/",
        reverse("accounts:profile", args=[person.username]),
        "/search/?q=" + "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
    ):
        page.goto(url)
        page.wait_for_load_state("load")
        # Let anything scheduled (animations, toggles, focus) fire before judging.
        page.mouse.move(400, 400)
        page.keyboard.press("Tab")
        page.wait_for_timeout(300)
        assert page.evaluate(INJECTED) == [], url
        if url == review.get_absolute_url():
            assert page.locator(".comment-body").count() >= len(PAYLOADS)
            assert page.get_by_text("The end.").count() == 1
    assert dialogs == []
