"""People's names as typed: normalised on input, compared by what they look like.

One rule decides whether a name may be used by someone (`accounts.models.display_name_taken`):
a guest's comment name (comments/forms.py) and an account's display name (accounts/forms.py)
alike. It compares *skeletons*, after Unicode's confusable detection (UTS #39): "Margaret Hale"
with a zero-width space, a full-width "Ｍ", a Cyrillic "а" or a right-to-left override all have
the skeleton of "Margaret Hale".

- `clean(raw)`: what we store. NFKC (full-width and other compatibility forms become plain
  letters), invisible characters dropped (controls, format characters such as zero-width spaces
  and bidi overrides/isolates, private-use and unassigned code points), whitespace collapsed.
- `skeleton(name)`: what we compare. `clean`, case folded, then each character mapped to one
  member of its confusable class (Unicode's confusables data, shipped by confusable-homoglyphs;
  classes here ignore case), accents and everything but letters and digits dropped
  ("Margaret.Hale", "MARGARET HALÉ" and "Margaret Ha1e" are the same person here). This errs
  towards refusing: "Ali" and "All" share a skeleton, which costs a guest a second try at a name.
"""

import functools
import string
import unicodedata

# Control, format (zero-width, bidi overrides and isolates), surrogate, private-use, unassigned.
INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def clean(raw):
    """The name to store: NFKC, no invisible characters, single spaces, trimmed."""
    name = unicodedata.normalize("NFKC", raw or "")
    name = "".join(" " if ch.isspace() else ch for ch in name)  # CR, LF and tabs are spaces here
    return " ".join("".join(ch for ch in name if unicodedata.category(ch) not in INVISIBLE).split())


def markup_problem(name):
    """Why `name` cannot be a name, or None: angle brackets (a name is not markup).

    Names travel where escaping is not ours to control: feed titles, which many feed readers
    show as HTML although RSS says text, e-mail headers, other sites quoting us.
    """
    if "<" in name or ">" in name:
        return "Please leave out < and > (names are shown as plain text)."
    return None


@functools.cache
def _prototypes():
    """(single character -> class representative, single character -> expansion) from UTS #39 data.

    The data pairs each confusable character with its prototype both ways; a union of the pairs
    gives the classes, and one member (the ASCII one when there is one) stands for each class.
    A character whose only prototype is a sequence ("m" looks like "rn") expands to it.
    """
    from confusable_homoglyphs.confusables import confusables_data

    parent = {}

    def find(ch):
        parent.setdefault(ch, ch)
        while parent[ch] != ch:
            parent[ch] = parent[parent[ch]]
            ch = parent[ch]
        return ch

    def union(a, b):
        a, b = find(a), find(b)
        if a != b:
            root, other = sorted((a, b), key=_rank)
            parent[other] = root

    expansions = {}
    for key, items in confusables_data.items():
        if len(key) != 1:
            continue
        glyphs = [item["c"].strip("\u200e\u200f") for item in items]
        for glyph in glyphs:
            if len(glyph) == 1:
                union(key, glyph)
        if len(glyphs) == 1 and len(glyphs[0]) > 1:
            expansions[key] = glyphs[0]
    # Case does not make a different name: "O" and "o" share a class, so "0kafor" meets "Okafor"
    # and "AIice" (capital i) meets "alice" through "l". ASCII letters only: case pairs elsewhere
    # chain unrelated classes together ("t" would meet "r").
    for ch in string.ascii_uppercase:
        union(ch, ch.lower())
    representative = {ch: find(ch) for ch in list(parent)}
    return representative, expansions


def _rank(ch):
    """A class's representative: an ASCII character, else a letter or digit, else the lowest."""
    return (not ch.isascii(), not ch.isalnum(), ord(ch))


def _map(text):
    representative, expansions = _prototypes()
    out = []
    for ch in text:
        target = expansions.get(ch, ch)
        out.extend(representative.get(c, c) for c in target)
    return "".join(out)


def skeleton(name):
    """What `name` looks like, for comparing names: equal skeletons are the same name to a reader."""
    text = _map(unicodedata.normalize("NFD", clean(name).casefold()))
    return "".join(ch for ch in text if ch.isalnum())
