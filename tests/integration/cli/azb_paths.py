"""Paths into the source tree for the command-line tests."""
import os

SOURCE_DIR = os.environ.get("AZBRIDGE_SOURCE_DIR",
                            os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../..")))


def config_file(name):
    return os.path.join(SOURCE_DIR, "config", name)
