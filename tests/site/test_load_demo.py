import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "reviews", "comments", "auth", "account"}
    }


def test_load_demo_is_idempotent(capsys):
    call_command("load_demo")
    first = row_counts()
    out = capsys.readouterr().out
    assert "editor" in out and "password:" in out
    call_command("load_demo")
    assert row_counts() == first
    assert first["accounts.User"] >= 3
