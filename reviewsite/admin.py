"""What every ModelAdmin of ours shares: bad input in the admin's URLs is refused, not a 500."""

from django.contrib import messages
from django.contrib.admin.views.main import ERROR_FLAG
from django.http import HttpResponseRedirect

MAX_SEARCH_LENGTH = 200


class SafeAdminInputMixin:
    """The admin's search box, autocomplete and list filters, bounded.

    Django turns each search word into an `icontains` (a LIKE) and each filter parameter into a
    lookup: SQLite refuses LIKE patterns over 50,000 characters and PostgreSQL refuses a NUL in a
    query, with errors the admin lets out as a 500.
    """

    def changelist_view(self, request, extra_context=None):
        if any("\x00" in key + value for key, values in request.GET.lists() for value in values):
            # Django's own answer to filters it cannot apply: the list, flagged as an error.
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        if len(search_term) > MAX_SEARCH_LENGTH or "\x00" in search_term:
            self.message_user(
                request,
                f"Searches can be at most {MAX_SEARCH_LENGTH} characters long, without control characters.",
                messages.WARNING,
            )
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)
