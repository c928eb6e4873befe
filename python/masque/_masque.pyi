"""The native half of masque (PyO3). Use the functions of `masque` instead."""

from os import PathLike
from typing import Any, Optional, Tuple, Union

__version__: str

class MasqueError(Exception):
    """A masque failure: `code` is stable, `message` names a position, never a cell value."""

    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...

class Key:
    """The project key; its repr shows the fingerprint only. Not picklable."""

    @staticmethod
    def generate() -> Key: ...
    @staticmethod
    def from_passphrase(passphrase: str, store_key: bool = False) -> Key: ...
    @staticmethod
    def from_json(text: str, passphrase: Optional[str] = None) -> Key: ...
    @staticmethod
    def load(path: Union[str, PathLike[str]], passphrase: Optional[str] = None) -> Key: ...
    @property
    def fingerprint(self) -> str: ...
    def key_file_json(self) -> str: ...
    def save(self, path: Union[str, PathLike[str]], force: bool = False) -> None: ...

def inspect(source: Any, read: str) -> str: ...
def analyse(source: Any, read: str, options: str, population: Any = None) -> str: ...
def analyse_weighted(data: Any, weight: str, options: str) -> str: ...
def apply(
    source: Any,
    read: str,
    policy: str,
    base: Optional[str] = None,
    key: Optional[Key] = None,
    utf8: bool = False,
    correspondence: bool = False,
    threads: int = 0,
) -> Tuple[Any, str, Any]: ...
def anonymise(
    source: Any,
    read: str,
    config: str,
    base: Optional[str] = None,
    time_limit: Optional[float] = None,
    utf8: bool = False,
    population: Any = None,
) -> Tuple[Any, str]: ...
def clean_table(
    source: Any,
    read: str,
    policy: str,
    base: Optional[str] = None,
    key: Optional[Key] = None,
    utf8: bool = False,
    population: Any = None,
) -> Tuple[Any, str]: ...
def resolve_policy(policy: str, base: Optional[str] = None) -> Tuple[str, Optional[Tuple[str, str]]]: ...
def anonymise_weighted(
    data: Any, weight: str, config: str, base: Optional[str] = None, time_limit: Optional[float] = None
) -> Tuple[Any, str]: ...
