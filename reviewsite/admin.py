"""What every ModelAdmin of ours shares."""

from django.contrib import messages

MAX_SEARCH_LENGTH = 200


class BoundedSearchMixin:
    """The admin's search box (and autocomplete) with a length limit.

    Django turns each word into an `icontains` (a LIKE), and SQLite refuses LIKE patterns over
    50,000 characters with an error, which the admin lets out as a 500.
    """

    def get_search_results(self, request, queryset, search_term):
        if len(search_term) > MAX_SEARCH_LENGTH:
            self.message_user(
                request, f"Searches can be at most {MAX_SEARCH_LENGTH} characters long.", messages.WARNING
            )
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)
