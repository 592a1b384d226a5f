"""The project's own error type.

Every failure a user can cause (bad file, wrong build, malformed record) is raised as
`InputError`, which carries the file, the record and what to do: the CLI prints it as one
clear message instead of a traceback, and batch mode records it as the sample's
`input_error` reason instead of stopping the cohort.
"""

from __future__ import annotations


class Il1rnAnnotError(Exception):
    """Base class for every error this tool raises on purpose."""


class InputError(Il1rnAnnotError):
    """A user-supplied input cannot be used as it is.

    `path` names the file, `where` the line, record or field, `hint` what to do.
    """

    def __init__(
        self, message: str, *, path: str | None = None, where: str | None = None, hint: str | None = None
    ) -> None:
        self.message = message
        self.path = path
        self.where = where
        self.hint = hint
        super().__init__(self.render())

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Picklable with its keyword fields, so a worker process can hand it back (scan.py)."""
        return (_rebuild_input_error, (type(self), self.message, self.path, self.where, self.hint))

    def render(self) -> str:
        parts = []
        if self.path:
            parts.append(f"{self.path}")
        if self.where:
            parts.append(f"{self.where}")
        prefix = ": ".join(parts)
        text = f"{prefix}: {self.message}" if prefix else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


def _rebuild_input_error(
    cls: type[InputError], message: str, path: str | None, where: str | None, hint: str | None
) -> InputError:
    return cls(message, path=path, where=where, hint=hint)


class BuildMismatchError(InputError):
    """The genome build in the file header contradicts the one requested."""


class KnowledgeBaseError(Il1rnAnnotError):
    """A knowledge-base file is malformed or inconsistent; names file, entry and field."""


class OutputError(Il1rnAnnotError):
    """An output could not be written (disk full, read-only, no permission, I/O error).

    Not the input's fault: `annotate --keep-going` does not record it as the input's
    `input_error` but stops with this message (exit 2), so that the workflow job fails and
    Snakemake runs it again once the cause is fixed. Raised by `outputs.atomic.output_error`.
    """
