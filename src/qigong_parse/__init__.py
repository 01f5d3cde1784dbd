"""qigong-parse: Chinese policy notices → validated, structured YAML."""

from .models import SCHEMA_VERSION, Document

__version__ = "0.1.0"
__all__ = ["SCHEMA_VERSION", "Document", "__version__", "parse_bytes", "parse_text"]


def __getattr__(name: str):  # lazy: keep `import qigong_parse` cheap for the CLI's start-up
    if name in ("parse_text", "parse_bytes", "parse_path"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
