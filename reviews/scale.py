"""A large catalogue for load tests and benchmarks (`manage.py load_demo --scale N`).

Films with genres and credits, and their published reviews, written with `bulk_create` in
batches: rows are built in Python from a few word lists, so N films cost seconds, not one
`save()` (and its cache touches) each. Review bodies are rendered once per distinct body.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from reviews import markup
from reviews.models import Credit, Critic, Film, Genre, Person, Review

# Title words.
WORDS = """Night Harbour Glass River Quiet Paper Winter Signal Lantern Orchard Static Ember Tide Hollow
Marble Copper Letter Meridian Atlas Velvet Parade Saint Wire Comet Island Echo Canal Ferry""".split()  # noqa: SIM905
GENRES = ["Drama", "Comedy", "Thriller", "Documentary", "Animation", "Horror", "Romance", "Science fiction"]
ROLES = [Credit.Role.DIRECTOR, Credit.Role.WRITER, Credit.Role.CAST, Credit.Role.CAST, Credit.Role.CAST]
BODIES = [
    "The first hour is patient, and it earns the second.\n\nThe cast is uniformly good.",
    "A slight film that knows it is slight, which is a kind of wisdom.\n\n"
    ":::spoiler the last scene\nThe letter was never sent.\n:::",
    "Handsome, long and, for about twenty minutes in the middle, inert.\n\nThe score carries it.",
]


def load(films, *, rng, critics=12, batch=1000, stdout=None):
    """Create `films` films (credits, genres) and one or two published reviews of each.

    Returns the new reviews' ids. Names carry a run stamp, so loading twice adds a second set.
    """
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    now = timezone.now()
    genres = [
        Genre.objects.get_or_create(name=name, defaults={"slug": f"scale-{i}"})[0]
        for i, name in enumerate(GENRES)
    ]
    critic_rows = Critic.objects.bulk_create(
        [
            Critic(name=f"Scale Critic {stamp}-{i}", slug=f"scale-critic-{stamp}-{i}", title="Film critic")
            for i in range(critics)
        ]
    )
    people = Person.objects.bulk_create(
        [
            Person(name=f"{rng.choice(WORDS)} {rng.choice(WORDS)}son", slug=f"scale-person-{stamp}-{i}")
            for i in range(max(50, films * 3))
        ],
        batch_size=batch,
    )
    film_rows = Film.objects.bulk_create(
        [
            Film(
                title=f"The {rng.choice(WORDS)} {rng.choice(WORDS)}",
                slug=f"scale-{stamp}-{i}",
                year=rng.randint(1950, now.year),
                runtime_minutes=rng.randint(80, 180),
                synopsis="Someone goes somewhere and comes back changed.",
            )
            for i in range(films)
        ],
        batch_size=batch,
    )
    Film.genres.through.objects.bulk_create(
        [
            Film.genres.through(film_id=film.pk, genre_id=genre.pk)
            for film in film_rows
            for genre in rng.sample(genres, rng.randint(1, 2))
        ],
        batch_size=batch,
    )
    Credit.objects.bulk_create(
        [
            Credit(film_id=film.pk, person_id=person.pk, role=role, billing_order=order)
            for film in film_rows
            for order, (role, person) in enumerate(zip(ROLES, rng.sample(people, len(ROLES)), strict=True))
        ],
        batch_size=batch,
    )
    rendered = [markup.render(body) for body in BODIES]
    reviews = []
    for i, film in enumerate(film_rows):
        for critic in rng.sample(critic_rows, 1 if rng.random() < 0.7 else 2):
            which = rng.randrange(len(BODIES))
            published = now - datetime.timedelta(days=rng.uniform(0.5, 3 * 365))
            reviews.append(
                Review(
                    film_id=film.pk,
                    critic_id=critic.pk,
                    headline=f"{film.title}, reviewed",
                    slug=f"scale-{stamp}-{i}-{critic.pk}",
                    lowdown="Worth a look.",
                    stars=Decimal(rng.randint(1, 10)) / 2,
                    body=BODIES[which],
                    body_html=rendered[which].html,
                    body_public_text=rendered[which].public_text,
                    has_spoilers=rendered[which].has_spoilers,
                    status=Review.Status.PUBLISHED,
                    published_at=published,
                    comments_close_at=now + datetime.timedelta(days=30),
                )
            )
    reviews = Review.objects.bulk_create(reviews, batch_size=batch)
    if stdout:
        stdout.write(f"  {films} films, {len(people)} people, {len(reviews)} reviews")
    return [review.pk for review in reviews]
