"""WordPress posts into reviews: the body's HTML to Markdown, the facts block to the film box.

`convert(html)` turns a post's HTML into the review's Markdown (paragraphs, line breaks,
emphasis, links, blockquotes and lists; every other element is reduced to its text, and
script-like elements are dropped with their content) and reads the facts block many weeklies
put at the top of a post::

    The Story: <synopsis>  The Lowdown: <one-line verdict>
    Genre: <genre>/<genre>
    Director: <name> (<a film they are known for>)
    Starring: <name>, <name>, ...
    Rated: <rating>

and a closing "Rated R for some sexuality and nudity." as the rating's reason. What it reads
becomes the film box and leaves the body. The Markdown goes through `Review.save()`, that is
through reviews.markup and the shared sanitiser, like anything a critic types.

`PostImporter.import_post(post)` makes (or finds, by WordPress id) the review of one post,
with its film (matched by title and year), critic, credits and genres.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from reviewsite.htmlscan import TagScanner

from . import markup
from .models import Credit, Critic, Film, Genre, Person, Review

# A post body larger than this is cut (WordPress posts are rarely over 100 KB of HTML).
MAX_POST_HTML = 1_000_000
# WordPress shortcodes that wrap content ([caption]<img> A still[/caption]) or stand for media.
_SHORTCODE = re.compile(
    r"\[/?(?:caption|wp_caption|gallery|embed|audio|video|playlist)\b[^\]\n]{0,500}\]", re.IGNORECASE
)
_BLOCK_TAGS = {
    "p", "div", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table",
    "thead", "tbody", "tr", "td", "th", "figure", "figcaption", "section", "article", "header",
    "footer", "aside", "dl", "dt", "dd", "hr", "address", "center", "main", "nav", "form", "fieldset",
}  # fmt: skip
# Dropped with everything inside them.
DROPPED_TAGS = {
    "script", "style", "iframe", "object", "embed", "svg", "math", "template", "head", "title",
    "noscript", "select", "textarea", "audio", "video", "canvas", "applet", "frameset", "frame",
}  # fmt: skip
_VOID_TAGS = {"br", "img", "hr", "input", "meta", "link", "source", "track", "wbr", "area", "col", "param"}
_EMPHASIS = {"em": "*", "i": "*", "strong": "**", "b": "**"}
LINK_SCHEMES = ("http://", "https://", "mailto:")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")
_LINE_START = re.compile(r"^(?:[#>+=-]|\d+[.)]|:::)")


@dataclass
class Paragraph:
    """A block of the body: its lines as (Markdown, plain text), where it sits."""

    quote_depth: int = 0
    list_marker: str = ""  # "- " or "1. " on an item's first paragraph
    list_depth: int = 0
    lines: list = field(default_factory=list)

    @property
    def text(self):
        return "\n".join(text for _, text in self.lines)


def _escape(text):
    """Text into Markdown that shows it as typed."""
    return _MD_SPECIAL.sub(r"\\\1", _ENTITY_LIKE.sub("&amp;", text)).replace("<", "&lt;")


def _safe_href(href):
    href = (href or "").strip()
    if not href.lower().startswith(LINK_SCHEMES) or len(href) > 2000:
        return ""
    return href.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")


class _Converter(TagScanner):
    def __init__(self):
        self.paragraphs = []
        self.paragraph = None
        self.md = []  # the current line's Markdown pieces
        self.text = []  # ... and its plain text
        self.inline = []  # open inline elements: [tag, href, index into self.md]
        self.quote_depth = 0
        self.lists = []  # [kind, items so far]
        self.item_open = False
        self.dropping = []  # open dropped elements (their content is skipped)
        self.pre = 0

    # --- lines and paragraphs
    def _close_inline(self):
        """Close the open inline elements on this line; returns them to reopen on the next."""
        reopened = []
        while self.inline:
            tag, href, start = self.inline.pop()
            self._wrap(tag, href, start)
            reopened.append([tag, href, 0])
        return reopened[::-1]

    def _wrap(self, tag, href, start):
        inner = "".join(self.md[start:])
        del self.md[start:]
        core = inner.strip()
        if not core:
            self.md.append(inner)
            return
        lead, trail = inner[: len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()) :]
        if tag == "a":
            self.md.append(f"{lead}[{core}]({href}){trail}" if href else inner)
        else:
            marker = _EMPHASIS[tag]
            self.md.append(f"{lead}{marker}{core}{marker}{trail}")

    def end_line(self):
        reopen = self._close_inline()
        md, text = "".join(self.md).strip(), " ".join("".join(self.text).split())
        self.md, self.text = [], []
        if md:
            if self.paragraph is None:
                marker = ""
                if self.item_open and self.lists:
                    kind, count = self.lists[-1]
                    marker = f"{count}. " if kind == "ol" else "- "
                    self.item_open = False
                self.paragraph = Paragraph(self.quote_depth, marker, max(len(self.lists) - 1, 0))
            self.paragraph.lines.append((md, text))
        for item in reopen:
            item[2] = len(self.md)
            self.inline.append(item)

    def end_paragraph(self):
        self.end_line()
        if self.paragraph is not None:
            self.paragraphs.append(self.paragraph)
            self.paragraph = None

    def data(self, md, text):
        self.md.append(md)
        self.text.append(text)

    # --- HTMLParser callbacks
    def handle_starttag(self, tag, attrs):
        if self.dropping:
            if tag in DROPPED_TAGS:
                self.dropping.append(tag)
            return
        if tag in DROPPED_TAGS:
            self.dropping.append(tag)
        elif tag == "br":
            self.end_line()
        elif tag in _EMPHASIS:
            self.inline.append([tag, "", len(self.md)])
        elif tag == "a":
            self.inline.append(["a", _safe_href(dict(attrs).get("href")), len(self.md)])
        elif tag in _BLOCK_TAGS:
            self.end_paragraph()
            if tag == "blockquote":
                self.quote_depth += 1
            elif tag in ("ul", "ol"):
                self.lists.append([tag, 0])
            elif tag == "li" and self.lists:
                self.lists[-1][1] += 1
                self.item_open = True
            elif tag == "pre":
                self.pre += 1

    def handle_startendtag(self, tag, attrs):
        if tag not in _VOID_TAGS:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)
        elif tag == "br" and not self.dropping:
            self.end_line()

    def handle_endtag(self, tag):
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        if tag in _EMPHASIS or tag == "a":
            for index in range(len(self.inline) - 1, -1, -1):
                if self.inline[index][0] == tag:
                    while len(self.inline) > index:
                        open_tag, href, start = self.inline.pop()
                        self._wrap(open_tag, href, start)
                    break
        elif tag in _BLOCK_TAGS:
            self.end_paragraph()
            if tag == "blockquote" and self.quote_depth:
                self.quote_depth -= 1
            elif tag in ("ul", "ol") and self.lists:
                self.lists.pop()
            elif tag == "pre" and self.pre:
                self.pre -= 1

    def handle_data(self, data):
        if self.dropping:
            return
        # WordPress stores posts before `wpautop`: a blank line is a paragraph, a newline a break.
        chunks = re.split(r"\n[ \t]*\n\s*", data.replace("\r\n", "\n").replace("\r", "\n"))
        for number, chunk in enumerate(chunks):
            if number:
                self.end_paragraph()
            for line_number, line in enumerate(chunk.split("\n")):
                if line_number:
                    self.end_line()
                text = line if self.pre else re.sub(r"[ \t\f\v]+", " ", line)
                if text:
                    self.data(_escape(text), text)

    def result(self):
        self.close()
        self.end_paragraph()
        return self.paragraphs


def html_paragraphs(html):
    """The post's HTML as `Paragraph`s (Markdown and plain text side by side)."""
    html = _SHORTCODE.sub("", (html or "")[:MAX_POST_HTML])
    converter = _Converter()
    converter.feed(html)
    return converter.result()


def _escape_line_start(md):
    """A line that Markdown would read as a heading, quote, list or spoiler fence shows as text."""
    if md[0] == ":":
        return "&#58;" + md[1:]
    if md[0] == "=":
        return "&#61;" + md[1:]
    if md[0].isdigit():
        return re.sub(r"^(\d+)([.)])", r"\1\\\2", md, count=1)
    return "\\" + md


def to_markdown(paragraphs):
    out = []
    previous = None
    for paragraph in paragraphs:
        quote = "> " * paragraph.quote_depth
        indent = "    " * paragraph.list_depth
        lines = []
        for number, (md, _) in enumerate(paragraph.lines):
            if _LINE_START.match(md):
                md = _escape_line_start(md)
            if number == 0 and paragraph.list_marker:
                md = paragraph.list_marker + md
            elif paragraph.list_marker or paragraph.list_depth:
                md = "    " + md
            lines.append(f"{quote}{indent}{md}")
        if previous is not None:
            # Paragraphs of one quote stay one quote: the blank line between them is quoted too.
            same_quote = paragraph.quote_depth and previous.quote_depth == paragraph.quote_depth
            # Items of one list follow each other line by line (a tight list).
            same_list = paragraph.list_marker and previous.list_marker and not same_quote
            if same_list and paragraph.list_depth == previous.list_depth:
                out.append("\n")
            else:
                out.append(f"\n{quote.rstrip()}\n" if same_quote else "\n\n")
        out.append("  \n".join(lines))
        previous = paragraph
    return "".join(out).strip() + "\n"


# --- The facts block ----------------------------------------------------------------------

_FACT = re.compile(
    r"^(?P<label>The Story|The Lowdown|Genres?|Directors?|Directed by|Starring|Cast|Rated|Year|"
    r"Runtime|Running time)\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_LOWDOWN_INLINE = re.compile(r"\s*\bThe Lowdown\s*:\s*", re.IGNORECASE)
_RATING = re.compile(
    r"^(NC-17|PG-13|PG|G|R|NR|Not Rated|Unrated)\b[\s.,:;-]*(?P<reason>.*?)\.?$", re.IGNORECASE
)
_CLOSING_RATING = re.compile(r"^Rated\s+(NC-17|PG-13|PG|G|R)\s+(?P<reason>for\b.+?)\.?$", re.IGNORECASE)
_NAME_KNOWN_FOR = re.compile(r"^(?P<name>[^()]+?)\s*(?:\((?P<known_for>[^()]*)\))?$")
_TITLE_YEAR = re.compile(r"^(?P<title>.+?)\s*\((?P<year>(?:18|19|20)\d\d)\)$")
_REVIEW_PREFIX = re.compile(r"^(?:(?:movie|film)\s+)?review\s*:\s*", re.IGNORECASE)
_RATINGS = {"NC-17": "NC-17", "PG-13": "PG-13", "PG": "PG", "G": "G", "R": "R"}


@dataclass
class Facts:
    synopsis: str = ""
    lowdown: str = ""
    genres: list = field(default_factory=list)
    directors: list = field(default_factory=list)  # [(name, known for)]
    cast: list = field(default_factory=list)
    rating: str = ""
    rating_reason: str = ""
    year: int | None = None
    runtime: int | None = None


def split_names(value):
    """ "A (X), B and C" -> ["A (X)", "B", "C"]: commas, "and" and "&" outside parentheses."""
    names, current, depth = [], [], 0
    for piece in re.split(r"(\(|\)|,|&|\band\b)", value):
        if piece == "(":
            depth += 1
        elif piece == ")":
            depth = max(depth - 1, 0)
        if depth == 0 and piece in (",", "&", "and"):
            names.append("".join(current))
            current = []
        else:
            current.append(piece)
    names.append("".join(current))
    return [" ".join(name.split()) for name in names if name.strip()]


def _rating(value, facts):
    match = _RATING.match(value.strip())
    if not match:
        return
    code = match.group(1).upper()
    facts.rating = _RATINGS.get(code, Film.Rating.NOT_RATED)
    reason = match.group("reason").strip()
    if reason and not facts.rating_reason:
        facts.rating_reason = reason


def _read_fact(label, value, facts):
    label = label.lower()
    value = value.strip()
    if label == "the story":
        story, _, lowdown = (part.strip() for part in _partition(value))
        facts.synopsis = story
        if lowdown:
            facts.lowdown = lowdown
    elif label == "the lowdown":
        facts.lowdown = value
    elif label.startswith("genre"):
        facts.genres = [g.strip() for g in re.split(r"[/,]", value) if g.strip()]
    elif label.startswith("director") or label == "directed by":
        for name in split_names(value):
            match = _NAME_KNOWN_FOR.match(name)
            if match:
                facts.directors.append(
                    (match.group("name").strip(), (match.group("known_for") or "").strip())
                )
    elif label in ("starring", "cast"):
        facts.cast = [re.sub(r"\s*\([^)]*\)", "", name).strip() for name in split_names(value)]
    elif label == "rated":
        _rating(value, facts)
    elif label == "year":
        if re.fullmatch(r"(?:18|19|20)\d\d", value):
            facts.year = int(value)
    elif label in ("runtime", "running time"):
        minutes = re.match(r"(\d{1,3})", value)
        if minutes:
            facts.runtime = int(minutes.group(1))


def _partition(value):
    parts = _LOWDOWN_INLINE.split(value, maxsplit=1)
    return (parts[0], "", parts[1]) if len(parts) == 2 else (parts[0], "", "")


def extract_facts(paragraphs):
    """Read the facts block off the top (and a closing "Rated R for ..." off the end).

    Returns (Facts or None, the remaining paragraphs)."""
    facts = Facts()
    found = False
    rest = list(paragraphs)
    while rest and not rest[0].quote_depth and not rest[0].list_marker:
        lines = rest[0].lines
        taken = 0
        for _, text in lines:
            match = _FACT.match(text)
            if not match:
                break
            _read_fact(match.group("label"), match.group("value"), facts)
            taken += 1
        if not taken:
            break
        found = True
        if taken < len(lines):
            rest[0] = Paragraph(lines=lines[taken:])
            break
        rest.pop(0)
    if rest and not rest[-1].quote_depth and len(rest[-1].lines) >= 1:
        match = _CLOSING_RATING.match(rest[-1].lines[-1][1])
        if match:
            found = True
            facts.rating = facts.rating or _RATINGS[match.group(1).upper()]
            facts.rating_reason = match.group("reason").strip()
            if len(rest[-1].lines) == 1:
                rest.pop()
            else:
                last = rest[-1]
                rest[-1] = Paragraph(last.quote_depth, last.list_marker, last.list_depth, last.lines[:-1])
    return (facts if found else None), rest


@dataclass
class ConvertedBody:
    markdown: str
    text: str
    facts: Facts | None


def convert(html):
    facts, paragraphs = extract_facts(html_paragraphs(html))
    return ConvertedBody(
        markdown=to_markdown(paragraphs) if paragraphs else "",
        text="\n\n".join(p.text for p in paragraphs),
        facts=facts,
    )


def film_title_and_year(title):
    """ "Review: Never Let Me Go (2010)" -> ("Never Let Me Go", 2010)."""
    title = _REVIEW_PREFIX.sub("", " ".join(title.split()))
    match = _TITLE_YEAR.match(title)
    if match:
        return match.group("title"), int(match.group("year"))
    return title, None


# --- Posts into reviews -------------------------------------------------------------------

# WordPress post status -> Review status; anything else (trash, auto-draft, inherit) is skipped.
STATUSES = {
    "publish": Review.Status.PUBLISHED,
    "future": Review.Status.PUBLISHED,  # a future date: scheduled
    "draft": Review.Status.DRAFT,
    "pending": Review.Status.DRAFT,
    "private": Review.Status.DRAFT,  # Marquee has no private reviews: kept from the public
}


class ImportRefused(Exception):
    """This post cannot become a review (the message says why); the import goes on."""


def unique_slug(model, base, *, max_length, exclude_pk=None):
    base = (base or "item")[: max_length - 6].strip("-") or "item"
    taken = model.objects.filter(slug__startswith=base)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    taken = set(taken.values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def aware(moment, default=None):
    """A parsed WordPress date as an aware datetime (local times are the site's time zone)."""
    if moment is None:
        return default
    if timezone.is_naive(moment):
        return timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


def link_path(link):
    """The path of a post's WordPress URL as Django sees request.path (decoded)."""
    if not link:
        return ""
    parts = urlsplit(link)
    return unquote(parts.path)[:255] if parts.path not in ("", "/") else ""


class PostImporter:
    """Makes reviews of posts. `authors` maps WordPress logins to `wxr.Author`; `critics` maps
    logins to existing critics (--critic); other authors become critics on first use."""

    def __init__(self, *, authors, critics=None):
        self.authors = authors
        self.critics = dict(critics or {})

    def critic_for(self, login):
        if login in self.critics:
            return self.critics[login]
        author = self.authors.get(login)
        name = (author.display_name if author else "") or login or "Staff"
        base = slugify(login or name) or slugify(name) or "critic"
        critic = Critic.objects.filter(slug=base).first()
        if critic is None:
            account = None
            if author and author.email:
                account = (
                    get_user_model()
                    .objects.filter(email__iexact=author.email, critic__isnull=True)
                    .order_by("pk")
                    .first()
                )
            critic = Critic.objects.create(
                name=name[:120],
                slug=unique_slug(Critic, base, max_length=140),
                title="Film critic",
                account=account,
            )
        self.critics[login] = critic
        return critic

    def import_post(self, post):
        """(review, created): the review of this post, made now or found by its WordPress id."""
        existing = Review.objects.filter(wordpress_id=post.id).first()
        if existing is not None:
            return existing, False
        body = convert(post.content)
        if problem := markup.problem(body.markdown):
            raise ImportRefused(problem)
        facts = body.facts or Facts()
        critic = self.critic_for(post.creator)
        published_at = aware(post.date, default=timezone.now())
        film = self.film_for(post, facts, published_at)
        if Review.objects.filter(film=film, critic=critic).exists():
            raise ImportRefused(f"{critic} already has a review of {film}; one review per film and critic.")
        lowdown = facts.lowdown or markup.snippet(
            " ".join(_plain(post.excerpt).split()) or body.text, length=200
        )
        review = Review(
            film=film,
            critic=critic,
            headline=(post.title or film.title)[:200],
            slug=unique_slug(Review, slugify(unquote(post.slug)) or slugify(post.title), max_length=220),
            lowdown=lowdown[:300],
            body=body.markdown,
            status=STATUSES[post.status],
            published_at=published_at,
            comments_open=post.comment_status != "closed",
            wordpress_id=post.id,
            wordpress_path=link_path(post.link),
        )
        review.save()
        self.add_genres(film, post, facts)
        return review, True

    def film_for(self, post, facts, published_at):
        title, year = film_title_and_year(post.title)
        title = title[:200] or f"Untitled {post.id}"
        year = facts.year or year
        films = Film.objects.filter(title__iexact=title)
        if year:
            film = films.filter(year=year).first()
        else:
            # No year in the export: the latest film of that title released by the review's date.
            film = films.filter(year__lte=published_at.year + 1).order_by("-year").first()
        if film is None:
            film = Film(
                title=title,
                year=year or published_at.year,
                slug=unique_slug(Film, slugify(title), max_length=220),
            )
        changed = self.fill_film(film, facts)
        if film.pk is None or changed:
            film.save()
        if not film.credits.exists():
            self.add_credits(film, facts)
        return film

    @staticmethod
    def fill_film(film, facts):
        """Copy the facts into the film's empty fields (a film already in Marquee keeps its own)."""
        changed = False
        for name, value in (
            ("synopsis", facts.synopsis),
            ("mpaa_reason", facts.rating_reason[:300]),
            ("runtime_minutes", facts.runtime),
        ):
            if value and not getattr(film, name):
                setattr(film, name, value)
                changed = True
        if facts.rating and film.mpaa_rating == Film.Rating.NOT_RATED:
            film.mpaa_rating = facts.rating
            changed = True
        return changed

    def add_credits(self, film, facts):
        order = 0
        for role, people in ((Credit.Role.DIRECTOR, facts.directors), (Credit.Role.CAST, facts.cast)):
            for entry in people:
                name, known_for = entry if isinstance(entry, tuple) else (entry, "")
                person = self.person(name, known_for)
                if person is None:
                    continue
                Credit.objects.get_or_create(
                    film=film, person=person, role=role, character_name="", defaults={"billing_order": order}
                )
                order += 1

    @staticmethod
    def person(name, known_for):
        name = name.strip()[:120]
        if not name:
            return None
        person = Person.objects.filter(name__iexact=name).order_by("pk").first()
        if person is None:
            person = Person(name=name, slug=unique_slug(Person, slugify(name), max_length=140))
        if known_for and not person.known_for:
            person.known_for = known_for[:200]
            person.save()
        elif person.pk is None:
            person.save()
        return person

    @staticmethod
    def add_genres(film, post, facts):
        genres = []
        for name in facts.genres:
            genre = Genre.objects.filter(name__iexact=name).first()
            if genre is None and slugify(name):
                genre = Genre.objects.create(
                    name=name[:60], slug=unique_slug(Genre, slugify(name), max_length=60)
                )
            if genre is not None:
                genres.append(genre)
        # Categories and tags count only where they name a genre Marquee has.
        for domain, nicename, name in post.categories:
            if domain in ("category", "post_tag") and (name or nicename):
                genre = Genre.objects.filter(name__iexact=name).first() or (
                    Genre.objects.filter(slug=nicename).first() if nicename else None
                )
                if genre is not None:
                    genres.append(genre)
        if genres:
            film.genres.add(*genres)


def _plain(html):
    return "\n\n".join(p.text for p in html_paragraphs(html))
