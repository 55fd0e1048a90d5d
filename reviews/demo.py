"""Demo films, people, critics and reviews (filled in by the reviews issue)."""


def load():
    pass
