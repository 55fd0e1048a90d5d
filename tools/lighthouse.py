"""`make lighthouse`: Lighthouse (npm, in node_modules) with the system Chromium against a
production-like server, printing the four category scores for the main page types.

    make lighthouse                      # the pages below, Lighthouse's default (mobile) profile
    .venv/bin/python tools/lighthouse.py --preset desktop
    .venv/bin/python tools/lighthouse.py --runs 3      # the median of three runs per page

Full JSON reports go to bench/results/lighthouse/ (not committed). Scores are 0..1, as
Lighthouse gives them. Performance moves with the machine's load: compare runs made together.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.liveserver import serving  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "bench" / "results" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = {
    "home": "/",
    "archive": "/reviews/",
    "review (1,000 comments)": "/reviews/the-iron-giant-1999/",
    "film": "/films/jaws-1975/",
    "search": "/search/?q=shark",
}


def run(url, name, preset):
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name.split()[0]}-{preset or 'mobile'}.json"
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
    ]
    if preset:
        command.append(f"--preset={preset}")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, env=env, check=True, cwd=ROOT)
    report = json.loads(out.read_text())
    scores = {key: report["categories"][key]["score"] for key in CATEGORIES}
    failing = [
        f"{audit['id']} ({audit['score']})"
        for audit in report["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    ]
    return scores, failing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=["desktop"], default=None)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--verbose", action="store_true", help="list the audits under 0.9")
    parser.add_argument("--only", help="one page, by the first word of its name (home, review, ...)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is missing: run `make node`.")
    rows = []
    with serving() as base:
        for name, path in PAGES.items():
            if args.only and not name.startswith(args.only):
                continue
            runs = [run(base + path, name, args.preset) for _ in range(args.runs)]
            scores = {key: statistics.median(r[0][key] for r in runs) for key in CATEGORIES}
            rows.append((name, scores, runs[-1][1]))
    width = max(len(name) for name in PAGES)
    RESULTS.joinpath("scores.txt").write_text(
        "\n".join(f"{name}\t" + "\t".join(f"{scores[c]:.2f}" for c in CATEGORIES) for name, scores, _ in rows)
        + "\n"
    )
    print(f"\n{'page':<{width}}  " + "  ".join(f"{c:>14}" for c in CATEGORIES))
    for name, scores, failing in rows:
        print(f"{name:<{width}}  " + "  ".join(f"{scores[c]:>14.2f}" for c in CATEGORIES))
        if args.verbose and failing:
            print(" " * (width + 2) + "under 0.9: " + ", ".join(failing))
    profile = args.preset or "mobile"
    print(f"\n({profile} profile, median of {args.runs} run(s); reports in {RESULTS.relative_to(ROOT)}/)")


if __name__ == "__main__":
    main()
