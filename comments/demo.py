"""Demo discussions (filled in by the comments issues)."""


def load():
    pass
