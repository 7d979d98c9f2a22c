"""Exceptions raised by painimmune. Every message names what is wrong and where."""

from __future__ import annotations


class PainimmuneError(Exception):
    """Base class of all errors painimmune raises on purpose."""


class PackageNotFoundError(PainimmuneError, FileNotFoundError):
    """No data package (``datapackage.json``) at the given place."""


class UnknownTableError(PainimmuneError, LookupError):
    """A table name that is not a resource of the package."""

    def __init__(self, name: str, valid: list[str]) -> None:
        self.name = name
        self.valid = valid
        super().__init__(f"unknown table {name!r}; valid tables: {', '.join(valid)}")

    def __str__(self) -> str:  # LookupError would otherwise quote the message
        return str(self.args[0])


class UnknownChoiceError(PainimmuneError, ValueError):
    """A value outside the choices an argument accepts (an export or citation format, a validation
    rule id); the message lists the choices."""


class DataError(PainimmuneError, ValueError):
    """A table whose contents do not match its Table Schema."""


class IntegrityError(DataError):
    """A table whose bytes differ from the hash recorded in ``datapackage.json``."""


class OutputRefused(DataError):
    """A place painimmune does not write its output into (a system folder, the home folder, the
    package, a folder of other files); see :mod:`painimmune.destination`."""


class MissingDependencyError(PainimmuneError, ImportError):
    """An optional dependency that is not installed; the message says which extra installs it."""


VALIDATE_EXTRA = "pip install 'painimmune[validate]'"


class UnknownEntityError(PainimmuneError, LookupError):
    """A name that matches no entity (the message suggests the closest ones), or several."""

    def __str__(self) -> str:  # LookupError would otherwise quote the message
        return str(self.args[0])
