from django.apps import AppConfig


class ReviewsiteConfig(AppConfig):
    """Project-level app: shared templates tags, the HTML policy and `load_demo`."""

    name = "reviewsite"
    verbose_name = "Marquee"
