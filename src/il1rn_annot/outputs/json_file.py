"""The annotator's JSON files: indented, deterministic, large sample lists streamed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from il1rn_annot.outputs.atomic import OutputSet, output_target


def write_json(
    path: Path, payload: Any, one_line_lists: tuple[str, ...] = (), outputs: OutputSet | None = None
) -> None:
    """Indented JSON; the items of the top-level lists named in `one_line_lists` one per line.

    `json.dumps(indent=...)` runs the pure-Python encoder (~10x slower than the C one) and
    builds the whole text in memory; a joint VCF's `samples` list is most of the file, so its
    items are encoded by the C encoder and streamed, one item per line (still readable and
    diffable sample by sample).
    """
    if not one_line_lists or not isinstance(payload, dict):
        with output_target(path, outputs) as tmp:
            tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    with output_target(path, outputs) as tmp, open(tmp, "w", encoding="utf-8") as handle:
        handle.write("{")
        for k, (key, value) in enumerate(payload.items()):
            handle.write(("," if k else "") + "\n  " + json.dumps(key, ensure_ascii=False) + ": ")
            if key in one_line_lists and isinstance(value, list) and value:
                # one encoder for all items: json.dumps with options builds a new one per call
                # (~40% of the time for 10,000 samples)
                encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
                for j, item in enumerate(value):
                    handle.write(("[" if not j else ",") + "\n    " + encode(item))
                handle.write("\n  ]")
            else:
                handle.write(json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  "))
        handle.write("\n}\n")
