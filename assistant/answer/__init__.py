"""From retrieved chunks to a cited answer: evidence scoring, refusal, composition."""
