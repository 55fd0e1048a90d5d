"""Admin for films, people, critics and reviews."""
