from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from reviewsite.images import ProcessedImageField

from . import markup

# 0, 0.5, 1, ... 5
STAR_STEPS = [Decimal(n) / 2 for n in range(11)]
POSTER_WIDTHS = (160, 320, 640)
PORTRAIT_WIDTHS = (96, 192, 384)


def validate_review_body(value):
    """Too long, or too costly to format in time (reviews/markup.py bounds the render)."""
    if message := markup.problem(value):
        raise ValidationError(message, code="body")


def validate_half_stars(value):
    if value is not None and value not in STAR_STEPS:
        raise ValidationError("Give 0 to 5 stars in halves (3.5, not 3.4).", code="half_stars")


class Genre(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reviews:genre-detail", args=[self.slug])


class Person(models.Model):
    """Someone who worked on a film: director, writer, cast or crew."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    photo = ProcessedImageField(
        upload_to="people/",
        blank=True,
        widths=PORTRAIT_WIDTHS,
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    bio = models.TextField(blank=True)
    known_for = models.CharField(
        "known for", max_length=200, blank=True, help_text="Title of a film this person is known for."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reviews:person-detail", args=[self.slug])


class Film(models.Model):
    class Rating(models.TextChoices):
        G = "G", "G"
        PG = "PG", "PG"
        PG_13 = "PG-13", "PG-13"
        R = "R", "R"
        NC_17 = "NC-17", "NC-17"
        NOT_RATED = "NR", "Not Rated"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    year = models.PositiveSmallIntegerField()
    release_date = models.DateField(null=True, blank=True)
    runtime_minutes = models.PositiveSmallIntegerField("runtime (minutes)", null=True, blank=True)
    synopsis = models.TextField("the story", blank=True)
    mpaa_rating = models.CharField("MPAA rating", max_length=5, choices=Rating, default=Rating.NOT_RATED)
    mpaa_reason = models.CharField(
        "rating reason", max_length=300, blank=True, help_text='For example "for some sexuality and nudity".'
    )
    genres = models.ManyToManyField(Genre, related_name="films", blank=True)
    poster = ProcessedImageField(
        upload_to="posters/",
        blank=True,
        widths=POSTER_WIDTHS,
        width_field="poster_width",
        height_field="poster_height",
    )
    poster_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    poster_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    country = models.CharField(max_length=80, blank=True)
    language = models.CharField(max_length=80, blank=True)
    people = models.ManyToManyField(Person, through="Credit", related_name="films")

    class Meta:
        ordering = ["title", "year"]
        indexes = [models.Index(fields=["year"])]

    def __str__(self):
        return f"{self.title} ({self.year})"

    def get_absolute_url(self):
        return reverse("reviews:film-detail", args=[self.slug])

    @cached_property
    def box(self):
        """What the film box shows besides the film's own fields (two queries, made only when
        the box is rendered: the review page caches it as a fragment)."""
        credits = list(Credit.objects.for_film_box(self))
        return FilmBox(
            directors=[c for c in credits if c.role == Credit.Role.DIRECTOR],
            writers=[c for c in credits if c.role == Credit.Role.WRITER],
            cast=[c for c in credits if c.role == Credit.Role.CAST],
            genres=list(self.genres.all()),
        )

    @property
    def mpaa_label(self):
        """ "MPAA R" as schema.org's contentRating wants it; empty when not rated."""
        return "" if self.mpaa_rating == self.Rating.NOT_RATED else f"MPAA {self.mpaa_rating}"


@dataclass
class FilmBox:
    directors: list
    writers: list
    cast: list
    genres: list


class CreditQuerySet(models.QuerySet):
    def directors(self):
        return self.filter(role=Credit.Role.DIRECTOR)

    def cast(self):
        return self.filter(role=Credit.Role.CAST)

    def for_film_box(self, film):
        """Directors, writers and cast of `film` in billing order, with their people; each has
        `known_for_slug`, the latest published review of the (other) film the person is known for."""
        known_for_review = (
            Review.objects.published()
            .filter(film__title__iexact=OuterRef("person__known_for"))
            .exclude(film_id=film.pk)
            .order_by("-published_at")
            .values("slug")[:1]
        )
        return (
            self.filter(film=film, role__in=[Credit.Role.DIRECTOR, Credit.Role.WRITER, Credit.Role.CAST])
            .select_related("person")
            .annotate(known_for_slug=Subquery(known_for_review))
            .order_by("billing_order", "pk")
        )


class Credit(models.Model):
    class Role(models.TextChoices):
        DIRECTOR = "director", "Director"
        WRITER = "writer", "Writer"
        CAST = "cast", "Cast"
        PRODUCER = "producer", "Producer"
        CINEMATOGRAPHER = "cinematographer", "Cinematographer"
        EDITOR = "editor", "Editor"
        COMPOSER = "composer", "Composer"

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(max_length=20, choices=Role)
    character_name = models.CharField(max_length=200, blank=True)
    billing_order = models.PositiveSmallIntegerField(default=0)

    objects = CreditQuerySet.as_manager()

    class Meta:
        ordering = ["role", "billing_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["film", "person", "role", "character_name"], name="unique_credit")
        ]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()} – {self.film}"


class Critic(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="critic"
    )
    title = models.CharField(max_length=120, help_text='For example "Head film critic".')
    tenure_from = models.PositiveSmallIntegerField("critic since (year)", null=True, blank=True)
    tenure_until = models.PositiveSmallIntegerField("until (year)", null=True, blank=True)
    bio = models.TextField(blank=True)
    headshot = ProcessedImageField(
        upload_to="critics/",
        blank=True,
        widths=PORTRAIT_WIDTHS,
        width_field="headshot_width",
        height_field="headshot_height",
    )
    headshot_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    headshot_height = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reviews:critic-detail", args=[self.slug])

    @property
    def tenure(self):
        if not self.tenure_from:
            return ""
        return f"{self.tenure_from}–{self.tenure_until}" if self.tenure_until else f"since {self.tenure_from}"


class Book(models.Model):
    critic = models.ForeignKey(Critic, on_delete=models.CASCADE, related_name="books")
    title = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "year", "pk"]

    def __str__(self):
        return self.title


class ReviewQuerySet(models.QuerySet):
    def bump_threads(self):
        """Record that these reviews' visible threads changed (as `Review.bump_thread`)."""
        return self.update(thread_version=F("thread_version") + 1, thread_changed_at=timezone.now())

    def published(self):
        """Visible to the public: published status and a publish date not in the future."""
        return self.filter(status=Review.Status.PUBLISHED, published_at__lte=timezone.now())

    def drafts(self):
        return self.filter(status=Review.Status.DRAFT)

    def scheduled(self):
        return self.filter(status=Review.Status.PUBLISHED, published_at__gt=timezone.now())

    def for_listing(self):
        """What list pages need, in a fixed number of queries (one, plus one for genres)."""
        return self.select_related("film", "critic").prefetch_related("film__genres")

    def visible_to(self, user):
        """Published for everyone; staff may also preview drafts and scheduled reviews."""
        return self.all() if user.is_authenticated and user.is_staff else self.published()

    def written_by(self, user):
        return self.filter(critic__account=user)

    def touch(self):
        """Mark pages that show these reviews as changed (conditional GET, page and fragment caches).
        Called by the receivers in reviews/signals.py, the one place that knows what a page shows."""
        return self.update(updated_at=timezone.now())

    def naming_known_for(self, title):
        """Reviews whose film box names someone "known for" `title` (a link to its review)."""
        return self.filter(film__credits__person__known_for__iexact=title)


class Review(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="reviews")
    critic = models.ForeignKey(Critic, on_delete=models.PROTECT, related_name="reviews")
    headline = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    lowdown = models.CharField("the lowdown", max_length=300, help_text="One-line verdict.")
    stars = models.DecimalField(
        "star rating",
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="0 to 5 in halves; leave empty for no rating.",
        validators=[validate_half_stars],
    )
    body = models.TextField(
        help_text="Markdown. Wrap plot reveals in a spoiler block.",
        max_length=markup.MAX_LENGTH,
        validators=[validate_review_body],
    )
    body_html = models.TextField(editable=False, blank=True)
    has_spoilers = models.BooleanField(default=False, editable=False)
    # The body as plain text without its spoiler sections: search, snippets, feeds, meta tags.
    body_public_text = models.TextField(editable=False, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publish date", default=timezone.now, help_text="A future date schedules the review."
    )
    updated_at = models.DateTimeField(auto_now=True)
    comments_open = models.BooleanField(default=True)
    comments_close_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: the site default after publishing."
    )
    # Denormalised for the thread's read path; written in the same transaction as the comment.
    approved_comment_count = models.PositiveIntegerField(default=0, editable=False)
    thread_version = models.PositiveIntegerField(default=0, editable=False)
    thread_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by `import_wordpress`: the post's ID (a second import skips it) and its old URL's path,
    # which answers 301 to this review (reviews/views_wordpress.py).
    wordpress_id = models.PositiveBigIntegerField(null=True, blank=True, unique=True, editable=False)
    wordpress_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["film", "critic"], name="one_review_per_film_and_critic"),
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__in=STAR_STEPS),
                name="stars_0_to_5_in_halves",
            ),
        ]
        permissions = [("edit_all_reviews", "Can see and edit every critic's reviews")]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        rendered = markup.render(self.body)
        self.body_html = rendered.html
        self.body_public_text = rendered.public_text
        self.has_spoilers = rendered.has_spoilers
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "body_html",
                "body_public_text",
                "has_spoilers",
                "updated_at",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reviews:review-detail", args=[self.slug])

    @property
    def snippet(self):
        """Spoiler-free opening of the review for lists and search results."""
        return markup.snippet(self.body_public_text)

    @property
    def last_modified(self):
        return max(filter(None, [self.updated_at, self.thread_changed_at, self.published_at]))

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def comments_close_date(self):
        if self.comments_close_at:
            return self.comments_close_at
        return self.published_at + timedelta(days=settings.MARQUEE_COMMENTS_CLOSE_AFTER_DAYS)

    def comments_are_open(self, now=None):
        return self.comments_open and (now or timezone.now()) < self.comments_close_date

    def bump_thread(self, *, count_delta=0):
        """Record that the visible thread changed. Call inside the comment's transaction."""
        Review.objects.filter(pk=self.pk).update(
            thread_version=F("thread_version") + 1,
            approved_comment_count=F("approved_comment_count") + count_delta,
            thread_changed_at=timezone.now(),
        )
