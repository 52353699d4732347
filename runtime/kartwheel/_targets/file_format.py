"""`FileFormat`: the raw read and write of one open file, which every format implements.

Targets do the locking, atomic publishing and error reporting. Formats that need pandas, numpy or
pyarrow import them on first use, through `require`.
"""

from __future__ import annotations

import contextlib
import gzip
import importlib
import io
from collections.abc import Iterator
from types import ModuleType
from typing import IO, Any, cast

from ..errors import MissingDependencyError

__all__ = ["FileFormat", "require"]


class FileFormat:
    """Reads and writes one kind of file: a subclass defines `write(obj, file)` and `read(file)`.

    `binary` says whether it gets a bytes or a UTF-8 text file. This is also gokart's `FileProcessor`: a
    subclass may instead define gokart's `dump(obj, file)`, `load(file)` and `format()` (None or a
    `luigi.format.TextFormat` for text, `luigi.format.Nop` for bytes, `luigi.format.Gzip`).
    """

    binary: bool = True
    _incomplete: str | None = "subclass it and define write(obj, file) and read(file)"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = {name for klass in cls.__mro__ if klass is not FileFormat for name in vars(klass)}
        if not ({"write", "dump"} & own and {"read", "load"} & own):
            cls._incomplete = "define write(obj, file) and read(file)"
        elif "write" not in own and "read" not in own:
            cls._incomplete = None
            cls.binary = True  # gokart-style: the file is opened in binary and wrapped as format() says
            cls.write = _write_through_format  # type: ignore[method-assign]
            cls.read = _read_through_format  # type: ignore[method-assign]
        else:
            cls._incomplete = None

    def __new__(cls, *args: Any, **kwargs: Any) -> FileFormat:
        if cls._incomplete:
            raise TypeError(f"{cls.__name__} cannot be used as a file format: {cls._incomplete}")
        return super().__new__(cls)

    def write(self, obj: Any, file: IO) -> None:
        """Write `obj` to the open `file`; raise `DumpError` for an object this format cannot hold."""
        raise NotImplementedError

    def read(self, file: IO) -> Any:
        """Read the object back from the open `file`."""
        raise NotImplementedError

    def dump(self, obj: Any, file: IO) -> None:
        """gokart's name for `write`."""
        self.write(obj, file)

    def load(self, file: IO) -> Any:
        """gokart's name for `read`."""
        return self.read(file)

    def format(self) -> Any:
        """The luigi format of the file this format reads and writes, for use with a luigi target."""
        import luigi.format

        return luigi.format.Nop if self.binary else luigi.format.TextFormat(encoding="utf-8")

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


@contextlib.contextmanager
def _as_format_says(processor: FileFormat, file: IO, mode: str) -> Iterator[IO]:
    """`file` (binary) as a gokart-style processor's `format()` asks: text, bytes or gzip."""
    import luigi.format

    luigi_format = processor.format()
    if luigi_format is None or isinstance(luigi_format, luigi.format.TextFormat):
        encoding = getattr(luigi_format, "kwargs", {}).get("encoding") or "utf-8"
        text = io.TextIOWrapper(file, encoding=encoding)
        try:
            yield text
            text.flush()
        finally:
            text.detach()
    elif isinstance(luigi_format, luigi.format.NopFormat):
        yield file
    elif isinstance(luigi_format, luigi.format.GzipFormat):
        with gzip.GzipFile(fileobj=file, mode=mode + "b") as compressed:
            yield cast(IO[Any], compressed)
    else:
        raise TypeError(
            f"{type(processor).__name__}.format() returned {luigi_format!r}; use None (text), "
            "luigi.format.Nop (bytes) or luigi.format.Gzip, or define write(obj, file) and read(file) instead"
        )


def _write_through_format(self: FileFormat, obj: Any, file: IO) -> None:
    with _as_format_says(self, file, "w") as wrapped:
        self.dump(obj, wrapped)


def _read_through_format(self: FileFormat, file: IO) -> Any:
    with _as_format_says(self, file, "r") as wrapped:
        return self.load(wrapped)


def require(module: str, extra: str, suffix: str) -> ModuleType:
    """Import an optional library, or say which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"'{suffix}' files need the optional library '{module.split('.')[0]}', which is not installed; "
            f"install it with `pip install 'kartwheel[{extra}]'`"
        ) from exc
