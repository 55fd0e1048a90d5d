from django.conf import settings
from django.db import models


class FloorRow(models.Model):
    """What the write floor inserts: one row per signed-in POST (bench/urls.py)."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Floor row {self.pk}"
