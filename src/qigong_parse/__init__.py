"""qigong-parse: Chinese policy notices → validated, structured YAML.

`parse_text`, `parse_bytes` and `parse_path` (see `pipeline`) are the library entry points;
they and `Document` are imported lazily so that `import qigong_parse` stays cheap.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["SCHEMA_VERSION", "Document", "__version__", "parse_bytes", "parse_path", "parse_text"]


def __getattr__(name: str) -> Any:
    if name in ("parse_text", "parse_bytes", "parse_path"):
        from . import pipeline

        return getattr(pipeline, name)
    if name in ("Document", "SCHEMA_VERSION"):
        from .model import output as models

        return getattr(models, name)
    raise AttributeError(name)
