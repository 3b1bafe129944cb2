"""Staff work on stored answers: the review queue and reviews (``review``) and the staff accounts
that sign in to do it (``accounts``). Datasets and evaluation runs live in ``assistant.eval``."""
