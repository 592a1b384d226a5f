"""Reading a knowledge-base file: from the validation stamp while its bytes are the stamped ones, else its YAML.

`.validated.json` (written by `kb.load.write_validation_stamp` after a full validation) holds
the schema's digest, each file's SHA-256 and each YAML file's parsed document. A file whose
bytes match is neither parsed nor validated again: PyYAML (~13 ms) and jsonschema (~70 ms)
are imported only for a file that differs, such as a lab's edit (issue 19).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from il1rn_annot.errors import KnowledgeBaseError


@lru_cache(maxsize=1)
def kb_schema() -> dict[str, Any]:
    # beside the package's modules (pyproject's package-data), read by path: importing
    # importlib.resources to find it cost ~20 ms of CPU in every process (issue 19)
    text = (Path(__file__).resolve().parent.parent / "schemas" / "knowledge_base.schema.json").read_text(
        encoding="utf-8"
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


def read_yaml(path: Path, text: bytes | None = None) -> Any:
    """The YAML document of `path` (of `text`, its bytes, when already read).

    PyYAML is imported here, not at the top: a shipped file whose bytes the validation stamp
    holds is read from the stamp (`Stamp.read`), and importing PyYAML cost ~13 ms of
    every process (issue 19).
    """
    import yaml

    try:
        if text is None:
            text = path.read_bytes()
        # libyaml's loader when PyYAML has it (the wheels do): the pure-Python one took
        # 0.13 s of every run's ~0.4 s fixed cost; both construct the same safe types
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(text.decode("utf-8"), Loader=loader)  # a SafeLoader (CSafeLoader or SafeLoader)
    except FileNotFoundError:
        raise KnowledgeBaseError(f"{path}: file not found (listed in manifest.yaml)") from None
    except UnicodeDecodeError as exc:
        raise KnowledgeBaseError(f"{path}: not valid YAML: not UTF-8 text ({exc})") from None
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{path}: not valid YAML: {exc}") from None


VALIDATION_STAMP = ".validated.json"


def schema_digest() -> str:
    return hashlib.sha256(json.dumps(kb_schema(), sort_keys=True).encode()).hexdigest()


@dataclass
class Stamp:
    """What `.validated.json` says of a KB directory's files: their digests when they passed the
    schema, and the document each YAML file parsed to then."""

    digests: dict[str, str] = field(default_factory=dict)
    documents: dict[str, Any] = field(default_factory=dict)

    def read(self, path: Path) -> tuple[Any, bool]:
        """(the document of `path`, whether it passed the schema as it is now).

        The bytes are read once: when their digest is the stamp's, the stamp's copy of the
        document is that file's parse (`write_validation_stamp` keeps only documents that
        survive the JSON round trip unchanged); otherwise, as for a lab's edit, the YAML is
        parsed and then validated.
        """
        try:
            text = path.read_bytes()
        except FileNotFoundError:
            raise KnowledgeBaseError(f"{path}: file not found (listed in manifest.yaml)") from None
        same = self.digests.get(path.name) == hashlib.sha256(text).hexdigest()
        if same and path.name in self.documents:
            return self.documents[path.name], True
        return read_yaml(path, text), same


def read_stamp(kb_dir: Path) -> Stamp:
    """The validation stamp (`.validated.json`) of a KB directory; empty when missing, unreadable
    or made against another schema.

    Importing jsonschema and validating costs ~70 ms, in every process of a workflow (six
    annotate jobs, the cohort, each report job); the shipped files were validated when the
    stamp was written (tests/test_knowledge.py checks it is current). A file whose bytes or
    whose schema differ from the stamp's, such as a lab's edit, is validated as always.
    """
    try:
        stamp = json.loads((kb_dir / VALIDATION_STAMP).read_text(encoding="utf-8"))
        if stamp.get("schema_sha256") != schema_digest():
            return Stamp()
        documents = stamp.get("documents") or {}
        return Stamp(
            {str(k): str(v) for k, v in stamp["files"].items()},
            {str(k): v for k, v in documents.items()},  # parsed anew at each load: its own copy
        )
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return Stamp()


def validated_digests(kb_dir: Path) -> dict[str, str]:
    """{file name: sha256} of the KB files that passed the schema as they are now (`.validated.json`)."""
    return read_stamp(kb_dir).digests
