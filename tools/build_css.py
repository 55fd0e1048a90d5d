"""`make css`: build static/css/marquee.css, the one stylesheet every page loads.

Bootstrap less the rules no template, script or Python-made markup of ours uses (PurgeCSS,
from the npm registry), followed by the site's own stylesheets, in cascade order. One file
instead of five: one render-blocking request, about a fifth of the bytes (Lighthouse's
"render-blocking" and "unused CSS" findings). The sources stay the files to edit; the header
records their digest, and tests/site/test_css_bundle.py fails when the bundle is stale.
"""

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PURGECSS = ROOT / "node_modules" / ".bin" / "purgecss"
BOOTSTRAP = ROOT / "static" / "vendor" / "bootstrap" / "css" / "bootstrap.min.css"
SITE = [
    ROOT / "static" / "css" / name for name in ("site.css", "reviews.css", "accounts.css", "comments.css")
]
BUNDLE = ROOT / "static" / "css" / "marquee.css"
# Where class names come from: our templates, scripts and Python, and the third-party templates
# that render inside our pages (crispy-bootstrap5's form fields, allauth's pages).
CRISPY = ".venv/lib/python*/site-packages/crispy_bootstrap5/templates/bootstrap5"
CONTENT = [
    "templates/**/*.html",
    "static/js/*.js",
    "*/*.py",
    "*/templatetags/*.py",
    # crispy-bootstrap5's templates that `|crispy` and `|as_crispy_field` render (no FormHelper
    # layouts here: accordions, tabs, modals and floating labels are never used).
    f"{CRISPY}/{{errors,field,uni_form,display_form}}.html",
    f"{CRISPY}/layout/{{attrs,baseinput,field_errors,field_errors_block,field_file,help_text,help_text_and_errors,radio_checkbox_select}}.html",
]
# Classes Bootstrap's JavaScript adds at run time (the navbar's collapse), and form states.
SAFELIST = ["show", "collapsing", "collapse", "active", "disabled", "is-invalid", "is-valid", "was-validated"]


def sources_digest():
    digest = hashlib.sha256()
    for path in [BOOTSTRAP, *SITE, Path(__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def purged_bootstrap():
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [
                str(PURGECSS),
                "--css",
                str(BOOTSTRAP),
                "--content",
                *CONTENT,
                "--output",
                out,
                "--safelist",
                *SAFELIST,
                "--variables",
            ],
            cwd=ROOT,
            check=True,
        )
        return (Path(out) / BOOTSTRAP.name).read_text()


def main():
    if not PURGECSS.exists():
        sys.exit("PurgeCSS is missing: run `make node`.")
    bootstrap = purged_bootstrap().replace("/*# sourceMappingURL=bootstrap.min.css.map */", "")
    parts = [
        f"/* marquee.css: built by `make css` (tools/build_css.py), digest {sources_digest()}. */",
        "/* Bootstrap v5.3 (MIT, static/vendor/bootstrap/LICENSE), unused rules removed. */",
        bootstrap.strip(),
    ]
    for path in SITE:
        parts.append(f"/* --- {path.name} --- */")
        parts.append(path.read_text().strip())
    BUNDLE.write_text("\n".join(parts) + "\n")
    size, before = BUNDLE.stat().st_size, BOOTSTRAP.stat().st_size
    print(f"{BUNDLE.relative_to(ROOT)}: {size:,} bytes (Bootstrap alone was {before:,})")


if __name__ == "__main__":
    main()
