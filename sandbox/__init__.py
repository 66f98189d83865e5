"""The embedded stand-in for the social platforms: a deterministic simulated community for the configured
brands, served over HTTP in the Mastodon API's wire format, with its ground truth for tests."""

from .faults import FaultConfig
from .generate import ScriptedBadBuzz
from .ground_truth import ground_truth
from .limits import RateLimit
from .server import SandboxServer
from .world import World

__all__ = ["FaultConfig", "RateLimit", "SandboxServer", "ScriptedBadBuzz", "World", "ground_truth"]
