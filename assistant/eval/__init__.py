"""Evaluation: datasets of questions, retrieval and answer metrics, reports."""
