"""Reading and writing files safely: a reader never sees half of a written file, and an input
file that could block or exhaust the reader (a FIFO, a device, a link loop, a huge file) is
refused before anything opens it."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from .errors import CouldNotRun
from .limits import MAX_FILE

_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_input_file(path: Path) -> int:
    """Refuse, before anything opens it, a file that could block or exhaust its reader: no
    regular file (a FIFO would block the reader for ever, a device never ends), a symbolic link
    loop, a file over the size limit ($KRAKOW_CLUSTERS_MAX_FILE_SIZE). Returns the file's size."""
    try:
        info = os.stat(path)  # follows links: a loop or a dangling link fails here
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise CouldNotRun(f"{path}: a loop of symbolic links") from None
        if exc.errno == errno.ENOENT:
            raise CouldNotRun(f"{path}: no such file (or a link to nothing)") from None
        raise CouldNotRun(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _FILE_KINDS if test(info.st_mode)), "no file")
        raise CouldNotRun(f"{path}: not a regular file but {kind}; nothing was read from it")
    if info.st_size > MAX_FILE.value():
        raise MAX_FILE.exceeded(str(path), f"{info.st_size} bytes")
    return info.st_size


def check_output_folder(path: Path) -> None:
    """Refuse an output path whose folder does not exist: a typo in --out must not make a tree
    of folders somewhere unexpected."""
    folder = Path(path).parent
    if not folder.is_dir():
        raise CouldNotRun(f"{path}: the folder {folder} does not exist")


def _new_file_mode() -> int:
    # os.umask can only be read by setting it; set it back at once
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, text: str) -> None:
    """Write a UTF-8 text file through a temporary file in the same folder and os.replace, so the
    file holds either its old or its new text, never a part; the folder is made when missing
    (the caches and review files need that; --out checks its folder first)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp makes the file 0600 and os.replace keeps that mode: the file would lose the
    # permissions it had (or a new one those open() would give it), so give them back.
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = _new_file_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
