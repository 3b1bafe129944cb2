"""Test doubles that speak real protocols over 127.0.0.1 (scripted LLM servers)."""

from tests.fakes.openai_server import Delay, FakeLLMServer, Recorded, Reply, Status, refused_url

__all__ = ["Delay", "FakeLLMServer", "Recorded", "Reply", "Status", "refused_url"]
