"""The WordPress import at size: generate a large export, import it, report seconds and memory.

    .venv/bin/python bench/wordpress_large.py                       # 100,000 comments, SQLite scratch file
    .venv/bin/python bench/wordpress_large.py --comments 20000 100000   # two sizes: is memory flat?
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/marquee_bench .venv/bin/python bench/wordpress_large.py
    .venv/bin/python bench/wordpress_large.py --generate-only /tmp/export.xml --comments 5000

For each size it writes an export (`--posts` posts sharing the comments, about 35% replies to an
earlier comment of the same post, some written before their parents, 90% approved and the rest
pending, spam and trash, plus a pingback per post), empties the database (SQLite: a new file;
PostgreSQL: `flush` of an EMPTY scratch database you name), and runs `manage.py import_wordpress`
in a child process of its own, which reports its wall time, its CPU time (user + system: on a
shared machine the wall time mostly measures the neighbours; with SQLite the database work is
in this process, with PostgreSQL the server's share is not counted) and its peak resident
memory (`resource.getrusage(RUSAGE_SELF).ru_maxrss`, read by the child itself so the
generator's memory is not counted). Then a second run of the same file (everything already
imported).
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    *("film", "scene", "light", "actor", "frame", "story", "ending", "score", "camera", "quiet"),
    *("cut", "night", "city", "long", "brave", "odd", "gentle", "sharp", "cold", "warm", "second"),
    *("first", "theatre", "reel", "screen", "director", "cast", "plot", "moment", "music"),
]


def _cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _sentence(rng, words=12):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _comment_html(rng, earlier):
    parts = [_sentence(rng, rng.randint(6, 30))]
    roll = rng.random()
    if roll < 0.15 and earlier:
        parts.insert(0, f"<blockquote>{_sentence(rng, 8)}</blockquote>\n")
    elif roll < 0.30:
        parts.append(f" I <em>really</em> mean it, <strong>{rng.choice(WORDS)}</strong>.")
    elif roll < 0.35:
        parts.append(f' See <a href="https://example.org/{rng.randint(1, 999)}">this</a>.')
    if rng.random() < 0.3:
        parts.append("\n\n" + _sentence(rng, rng.randint(5, 20)))
    return "".join(parts)


def write_export(path, *, comments, posts, seed=15):
    """Stream an export to `path` (the generator's own memory stays small too)."""
    rng = random.Random(seed)
    per_post = [comments // posts + (1 if i < comments % posts else 0) for i in range(posts)]
    next_id = 1_000_000
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
            "<channel><title>Bench Weekly</title><wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:author><wp:author_id>1</wp:author_id><wp:author_login>critic</wp:author_login>"
            "<wp:author_email>critic@bench.example</wp:author_email>"
            "<wp:author_display_name>Bench Critic</wp:author_display_name></wp:author>\n"
        )
        for number, count in enumerate(per_post, start=1):
            year = 2005 + number % 18
            out.write(
                f"<item><title>Bench Film {number} ({year})</title>"
                f"<link>http://bench.example/{year}/05/01/bench-film-{number}/</link>"
                "<dc:creator>critic</dc:creator><content:encoded>"
                + _cdata(
                    f"The Story: {_sentence(rng)}  The Lowdown: {_sentence(rng, 6)}\n"
                    f"Genre: Drama/Comedy\nDirector: Person {number % 97} (Bench Film {number + 1})\n"
                    f"Starring: Actor {number % 31}, Actor {number % 37}\nRated: PG-13\n\n"
                    + "\n\n".join(_sentence(rng, 40) for _ in range(6))
                )
                + f"</content:encoded><wp:post_id>{number}</wp:post_id>"
                f"<wp:post_date_gmt>{year}-05-01 12:00:00</wp:post_date_gmt>"
                f"<wp:post_name>bench-film-{number}</wp:post_name><wp:status>publish</wp:status>"
                "<wp:post_type>post</wp:post_type><wp:comment_status>open</wp:comment_status>\n"
            )
            ids, held_back = [], []
            for index in range(count):
                next_id += 1
                parent = rng.choice(ids[-50:]) if ids and rng.random() < 0.35 else 0
                roll = rng.random()
                status = "1" if roll < 0.90 else "0" if roll < 0.95 else "spam" if roll < 0.98 else "trash"
                minute = index % 60
                hour = (index // 60) % 24
                day = 2 + (index // 1440) % 27
                element = (
                    f"<wp:comment><wp:comment_id>{next_id}</wp:comment_id>"
                    f"<wp:comment_author>Reader {rng.randint(1, 5000)}</wp:comment_author>"
                    f"<wp:comment_author_email>reader{rng.randint(1, 5000)}@bench.example"
                    "</wp:comment_author_email>"
                    f"<wp:comment_author_url></wp:comment_author_url>"
                    f"<wp:comment_author_IP>203.0.113.{rng.randint(1, 254)}</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>{year}-05-{day:02d} {hour:02d}:{minute:02d}:00"
                    "</wp:comment_date_gmt>"
                    f"<wp:comment_content>{escape(_comment_html(rng, ids))}</wp:comment_content>"
                    f"<wp:comment_approved>{status}</wp:comment_approved><wp:comment_type></wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>"
                    "</wp:comment>\n"
                )
                ids.append(next_id)
                # About 1 in 50 replies is written after the comment that follows it.
                if parent and rng.random() < 0.02:
                    held_back.append(element)
                    continue
                out.write(element)
                out.writelines(held_back)
                held_back = []
            out.writelines(held_back)
            next_id += 1
            out.write(
                f"<wp:comment><wp:comment_id>{next_id}</wp:comment_id><wp:comment_author>Some blog"
                "</wp:comment_author><wp:comment_content>[...] a pingback [...]</wp:comment_content>"
                "<wp:comment_approved>1</wp:comment_approved><wp:comment_type>pingback</wp:comment_type>"
                "<wp:comment_parent>0</wp:comment_parent></wp:comment>\n</item>\n"
            )
        out.write("</channel></rss>\n")


def _child_import(path):
    """Runs in the child: import, then report its own time and peak memory as JSON."""
    import io

    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsite.settings")
    django.setup()
    from django.core.management import call_command

    out = io.StringIO()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    call_command("import_wordpress", path, stdout=out, stderr=io.StringIO())
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    peak_mb = usage.ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, "report": out.getvalue()}))


def _manage(*args, env):
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env, cwd=ROOT)


def measure(comments, posts, workdir):
    export = Path(workdir) / f"export-{comments}.xml"
    started = time.perf_counter()
    write_export(export, comments=comments, posts=posts)
    generated = time.perf_counter() - started
    env = dict(os.environ, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="bench-only-" + "x" * 50)
    if "DATABASE_URL" in os.environ:
        _manage("migrate", "-v0", env=env)
        _manage("flush", "--noinput", "-v0", env=env)
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir}/bench-{comments}.sqlite3"
        _manage("migrate", "-v0", env=env)
    results = []
    for _ in range(2):  # the import, then the re-run that finds everything imported
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(export)],
            check=True,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    size_mb = export.stat().st_size / 1e6
    return generated, size_mb, results


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--comments", type=int, nargs="+", default=[100_000])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--generate-only", metavar="PATH")
    parser.add_argument("--child", metavar="EXPORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child_import(args.child)
        return
    if args.generate_only:
        write_export(args.generate_only, comments=args.comments[0], posts=args.posts)
        print(f"wrote {args.generate_only}")
        return
    database = os.environ.get("DATABASE_URL", "sqlite (scratch file)").split("@")[-1]
    print(f"database: {database}; {args.posts} posts; {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}")
    columns = (
        "comments",
        "file MB",
        "import s",
        "CPU s",
        "CPU/1k s",
        "peak MB",
        "re-run s",
        "CPU s",
        "peak MB",
    )
    print(" ".join(f"{name:>9}" for name in columns))
    with tempfile.TemporaryDirectory(prefix="marquee-wp-bench-") as workdir:
        for comments in args.comments:
            _, size_mb, (first, second) = measure(comments, args.posts, workdir)
            print(
                f"{comments:>9,} {size_mb:>9.1f} {first['seconds']:>9.1f} {first['cpu']:>9.1f} "
                f"{first['cpu'] / comments * 1000:>9.2f} {first['peak_mb']:>9.0f} "
                f"{second['seconds']:>9.1f} {second['cpu']:>9.1f} {second['peak_mb']:>9.0f}"
            )
            print("   ", first["report"].replace("\n", "\n    ").rstrip())


if __name__ == "__main__":
    main()
