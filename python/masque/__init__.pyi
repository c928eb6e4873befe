"""masque: pseudonymise and k-anonymise clinical tables (the masque core in Python)."""

from os import PathLike
from typing import Any, Mapping, Optional, Sequence, Tuple, Union

import pyarrow

from ._masque import Key as Key
from ._masque import MasqueError as MasqueError

__version__: str

Path_ = Union[str, PathLike[str]]
# A path, the file's bytes, or Arrow data (pyarrow.Table / RecordBatch or any
# object with __arrow_c_stream__ / __arrow_c_array__).
Source = Union[Path_, bytes, bytearray, pyarrow.Table, pyarrow.RecordBatch, Any]
# The output: the file's bytes for a path or bytes, Arrow of the input's shape for Arrow.
Output = Union[bytes, pyarrow.Table, pyarrow.RecordBatch]
# A document: a dict, JSON text, or a path.
Document = Union[Mapping[str, Any], str, PathLike[str]]
SensitiveSpec = Union[str, Mapping[str, Any]]

def inspect(source: Source, *, read: Optional[Mapping[str, Any]] = None) -> dict: ...
def analyse(
    source: Source,
    qi: Sequence[str],
    sensitive: Sequence[SensitiveSpec] = (),
    *,
    thresholds: Optional[Sequence[float]] = None,
    l: Optional[int] = None,
    c: Optional[float] = None,
    t: Optional[float] = None,
    suppressed_marker: Optional[str] = None,
    population: Optional[int] = None,
    sampling_fraction: Optional[float] = None,
    read: Optional[Mapping[str, Any]] = None,
    population_table: Optional[Source] = None,
) -> dict: ...
def analysis_options(qi: Sequence[str], sensitive: Sequence[SensitiveSpec] = (), **options: Any) -> str: ...
def keygen(
    path: Optional[Path_] = None, *, passphrase: Optional[str] = None, store_key: bool = False, force: bool = False
) -> Key: ...
def load_key(source: Union[Key, Path_, Mapping[str, Any]], *, passphrase: Optional[str] = None) -> Key: ...
def apply(
    source: Source,
    policy: Document,
    key: Union[Key, Path_, Mapping[str, Any], None] = None,
    *,
    utf8: bool = False,
    correspondence: bool = False,
    read: Optional[Mapping[str, Any]] = None,
) -> Tuple[Output, dict, Optional[Output]]: ...
def anonymise(
    source: Source,
    config: Document,
    *,
    time_limit: Optional[float] = None,
    utf8: bool = False,
    read: Optional[Mapping[str, Any]] = None,
    population_table: Optional[Source] = None,
) -> Tuple[Output, dict]: ...
def clean(
    source: Source,
    policy: Document,
    key: Union[Key, Path_, Mapping[str, Any], None] = None,
    *,
    utf8: bool = False,
    read: Optional[Mapping[str, Any]] = None,
    population_table: Optional[Source] = None,
) -> Tuple[Output, dict]: ...
