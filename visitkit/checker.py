"""A doit file checker that hashes each file at most once per run.

doit's MD5Checker re-hashes a dependency for every task that lists it whenever
its mtime changed — after a fresh checkout or a cache restore, a font shared by
thousands of tasks is hashed thousands of times. This checker keeps the same
(mtime, size, md5) state but remembers each file's md5 for the run, keyed by
path, mtime and size, so a file rewritten during the run is hashed again.
"""

from __future__ import annotations

import os

from doit.dependency import MD5Checker, get_file_md5


class MemoMD5Checker(MD5Checker):
    def __init__(self) -> None:
        self._md5: dict[tuple[str, float, int], str] = {}

    def _digest(self, path: str, stat: os.stat_result) -> str:
        key = (path, stat.st_mtime, stat.st_size)
        digest = self._md5.get(key)
        if digest is None:
            digest = self._md5[key] = get_file_md5(path)
        return digest

    def check_modified(self, file_path, file_stat, state):  # noqa: ANN001, ANN201 - doit's signature
        timestamp, size, file_md5 = state
        if file_stat.st_mtime == timestamp:
            return False
        if file_stat.st_size != size:
            return True
        return file_md5 != self._digest(file_path, file_stat)

    def get_state(self, dep, current_state):  # noqa: ANN001, ANN201 - doit's signature
        stat = os.stat(dep)
        if current_state and current_state[0] == stat.st_mtime:
            return None
        return stat.st_mtime, stat.st_size, self._digest(dep, stat)
