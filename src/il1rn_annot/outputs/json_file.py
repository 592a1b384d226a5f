"""The annotator's JSON files: indented, deterministic, large sample lists streamed.

A joint VCF's JSON is big (5.5 MB at 2,504 samples; encoding and writing it took ~40 ms of a
~0.5 s run, after everything else was done). With `in_child`, a forked child writes it into
its staged temp while the parent goes on with the TSVs and the annotated VCF; the set's
`commit` waits for the child and raises its `OutputError` (a full disk) as the parent's own
write would have (`OutputSet.stage_pending`): the five files are still put in place together
or not at all. Small payloads are written in the process: a fork costs more than they do.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from il1rn_annot.errors import OutputError
from il1rn_annot.forked import ChildDied, Forked
from il1rn_annot.outputs.atomic import OutputSet, output_error, output_target, writing

#: the fewest items of the one-line lists (samples + alleles) whose JSON is written in a child
IN_CHILD_MIN_ITEMS = 2000


def write_json(
    path: Path,
    payload: Any,
    one_line_lists: tuple[str, ...] = (),
    outputs: OutputSet | None = None,
    in_child: bool = False,
) -> None:
    """Indented JSON; the items of the top-level lists named in `one_line_lists` one per line.

    `json.dumps(indent=...)` runs the pure-Python encoder (~10x slower than the C one) and
    builds the whole text in memory; a joint VCF's `samples` list is most of the file, so its
    items are encoded by the C encoder and streamed, one item per line (still readable and
    diffable sample by sample). `in_child` (with `outputs`): written by a forked child when
    the lists hold at least IN_CHILD_MIN_ITEMS items, finished at `outputs.commit()`.
    """
    if not one_line_lists or not isinstance(payload, dict):
        with output_target(path, outputs) as tmp:
            tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    if in_child and outputs is not None and _items(payload, one_line_lists) >= IN_CHILD_MIN_ITEMS:
        _write_in_child(path, payload, one_line_lists, outputs)
        return
    with output_target(path, outputs) as tmp, open(tmp, "w", encoding="utf-8") as handle:
        _write_streamed(handle, payload, one_line_lists)


def _items(payload: dict[str, Any], one_line_lists: tuple[str, ...]) -> int:
    return sum(len(value) for key in one_line_lists if isinstance(value := payload.get(key), list))


def _write_streamed(handle: TextIO, payload: dict[str, Any], one_line_lists: tuple[str, ...]) -> None:
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


def _write_in_child(path: Path, payload: dict[str, Any], one_line_lists: tuple[str, ...], outputs: OutputSet) -> None:
    """Stage `path`, fork a child that writes the JSON into the temp, and leave the wait to
    `outputs.commit()`. The child sees the payload as it is now (copy-on-write)."""
    tmp = outputs.stage(path)

    def write(_: object) -> tuple[str, str, int | None] | None:
        try:
            with open(tmp, "w", encoding="utf-8") as handle:
                _write_streamed(handle, payload, one_line_lists)
        except OSError as exc:
            error = output_error(exc, path)
            return ("error", str(error), getattr(error, "errno", None))
        return None

    try:
        child = Forked(write, None)
    except OSError:  # no process to be had: write it here
        with writing(path), open(tmp, "w", encoding="utf-8") as handle:
            _write_streamed(handle, payload, one_line_lists)
        return

    def finish() -> None:
        try:
            value = child.result()
        except ChildDied as exc:
            raise OutputError(f"cannot write {path}: the process writing it ended without a result ({exc})") from exc
        if value is None:
            return
        if value[0] == "error":
            error = OutputError(value[1])
            error.errno = value[2]  # type: ignore[attr-defined]
            raise error
        raise RuntimeError(f"writing {path} failed: {value[1]}")  # ("crash", text): a bug

    outputs.stage_pending(path, finish, child.cancel)
