"""The lab's own settings on a report: name, address, reviewers, footer, title and logo.

Read from the YAML of `il1rn-annot report --lab-config` (`load_lab_config`) or given as a
mapping (`normalise_lab`, as `ReportWriter` accepts it). The logo is embedded as a data: URI
so that the report stays one self-contained file; it is read with care (`_read_logo`): a
device, a FIFO or a huge file is refused by name before anything is read.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import yaml

from il1rn_annot.errors import InputError

LAB_KEYS = ("lab_name", "lab_address", "logo", "reviewers", "footer", "report_title")

DEFAULT_TITLE = "IL1RN gene analysis report"

LOGO_MAX_BYTES = 2_000_000


def load_lab_config(path: str | os.PathLike[str] | None) -> dict[str, Any]:
    """Lab settings from YAML (keys LAB_KEYS), with defaults; the logo becomes a data: URI."""
    lab: dict[str, Any] = {
        "lab_name": "",
        "lab_address": "",
        "logo": None,
        "reviewers": [],
        "footer": "",
        "report_title": DEFAULT_TITLE,
    }
    if path is None:
        return normalise_lab(lab, None)
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as handle:
            doc = yaml.safe_load(handle)
    except FileNotFoundError:
        raise InputError("lab configuration file not found", path=str(path)) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", path=str(path)) from None
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise InputError(
            "the lab configuration must be a mapping of keys to values",
            path=str(path),
            hint="keys: " + ", ".join(LAB_KEYS),
        )
    unknown = sorted(set(doc) - set(LAB_KEYS))
    if unknown:
        raise InputError(
            f"unknown key(s) {', '.join(map(str, unknown))}",
            path=str(path),
            hint="allowed keys: " + ", ".join(LAB_KEYS),
        )
    lab.update({k: v for k, v in doc.items() if v is not None})
    return normalise_lab(lab, path.parent, source=str(path))


def normalise_lab(lab: dict[str, Any] | None, base_dir: Path | None, source: str = "lab settings") -> dict[str, Any]:
    """Check types, read the logo, and return the settings the template uses."""
    lab = dict(lab or {})
    out: dict[str, Any] = {}
    for key in ("lab_name", "lab_address", "footer", "report_title"):
        value = lab.get(key) or ""
        if not isinstance(value, (str, int, float)):
            raise InputError(f"'{key}' must be text", path=source)
        out[key] = str(value).strip()
    out["report_title"] = out["report_title"] or DEFAULT_TITLE
    out["address_lines"] = [line.strip() for line in out["lab_address"].splitlines() if line.strip()]
    reviewers = lab.get("reviewers") or []
    if not isinstance(reviewers, list):
        raise InputError("'reviewers' must be a list of names (or of {name, role})", path=source)
    out["reviewers"] = []
    for entry in reviewers:
        if isinstance(entry, dict):
            name, role = str(entry.get("name") or "").strip(), str(entry.get("role") or "").strip()
        elif isinstance(entry, (str, int, float)):
            name, role = str(entry).strip(), ""
        else:
            raise InputError("each reviewer must be a name or a mapping with name and role", path=source)
        if name or role:
            out["reviewers"].append({"name": name, "role": role})
    out["logo_uri"] = _logo_data_uri(lab.get("logo"), base_dir, source) if lab.get("logo") else None
    return out


def _read_logo(path: Path, source: str) -> bytes:
    """The logo's bytes: a regular file of at most LOGO_MAX_BYTES, checked before reading.

    Opened without blocking and checked with fstat on the open file (no race with a swap
    of the path): `/dev/zero` was read until memory ran out, and a FIFO hung the report
    step waiting for a writer. Devices, FIFOs, sockets and folders are refused by name.
    """
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"cannot read the logo {path}: {exc.strerror or exc}", path=source, where="logo") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = (
                "a folder"
                if stat.S_ISDIR(info.st_mode)
                else "a FIFO (named pipe)"
                if stat.S_ISFIFO(info.st_mode)
                else "a device"
                if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                else "a socket"
                if stat.S_ISSOCK(info.st_mode)
                else "not a regular file"
            )
            raise InputError(
                f"the logo {path} is {kind}, not an image file",
                path=source,
                where="logo",
                hint="give the path of a PNG, JPEG or SVG file",
            )
        if info.st_size > LOGO_MAX_BYTES:
            raise InputError(
                f"the logo {path} is {info.st_size:,} bytes (limit {LOGO_MAX_BYTES:,})",
                path=source,
                where="logo",
                hint=f"use an image under {LOGO_MAX_BYTES // 1_000_000} MB",
            )
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(LOGO_MAX_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > LOGO_MAX_BYTES:  # grew since fstat
        raise InputError(
            f"the logo {path} is over {LOGO_MAX_BYTES:,} bytes",
            path=source,
            where="logo",
            hint=f"use an image under {LOGO_MAX_BYTES // 1_000_000} MB",
        )
    return data


def _logo_data_uri(logo: Any, base_dir: Path | None, source: str) -> str:
    path = Path(str(logo)).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    data = _read_logo(path, source)
    head = data[:512].lstrip()
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        mime = "image/png"
    elif data.startswith(b"\xff\xd8\xff"):
        mime = "image/jpeg"
    elif b"<svg" in data[:4096] and head.startswith((b"<", b"\xef\xbb\xbf<")):
        mime = "image/svg+xml"
    else:
        raise InputError(f"the logo {path} is not a PNG, JPEG or SVG image", path=source, where="logo")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
