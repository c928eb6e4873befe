"""masque: pseudonymise and k-anonymise clinical tables, with the same core as
the masque command line and web page (byte-identical results for the same
input, policy and key).

Every function takes a *source*: a path (``str`` or ``os.PathLike``), the
file's ``bytes``, or Arrow data (``pyarrow.Table``, ``pyarrow.RecordBatch``,
or any object with ``__arrow_c_stream__`` / ``__arrow_c_array__``: polars'
``df.to_arrow()``, ``pa.Table.from_pandas(df)``). A file's output is the
cleaned file's bytes in the input's dialect; Arrow's output is Arrow of the
same shape, every column a string column, empty cells null.

Documents (policies, anonymisation configurations, key files) are the CLI's
JSON documents, given as a ``dict``, JSON text, or a path; hierarchy files
they name are read relative to the document's folder (the working directory
for a dict or text). Results are the dicts of the CLI's JSON output.

Errors are :class:`MasqueError`, with a stable ``code`` and a ``message``
naming a position (line, row, column), never a cell value nor the key.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Tuple, Union

from . import _masque
from ._masque import Key, MasqueError

__all__ = [
    "Key",
    "MasqueError",
    "analyse",
    "anonymise",
    "apply",
    "clean",
    "inspect",
    "keygen",
    "load_key",
    "__version__",
]

__version__ = _masque.__version__

MasqueError.code = property(lambda self: self.args[0] if self.args else "")  # type: ignore[attr-defined]
MasqueError.message = property(lambda self: self.args[1] if len(self.args) > 1 else "")  # type: ignore[attr-defined]
MasqueError.__str__ = lambda self: f"{self.message} [{self.code}]"  # type: ignore[method-assign]

# The CLI's cap on documents (policies, configurations): 64 MiB.
_DOCUMENT_CAP = 64 << 20


def _read_options(read: Optional[Mapping[str, Any]]) -> str:
    return json.dumps(dict(read or {}))


def _text_of(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _document(document: Any, what: str) -> Tuple[str, Optional[str]]:
    """A document's JSON text and the folder its files are relative to."""
    if isinstance(document, Mapping):
        return json.dumps(document), None
    if isinstance(document, str) and document.lstrip().startswith("{"):
        return document, None
    if isinstance(document, (str, os.PathLike)):
        path = Path(document)
        try:
            if not path.is_file():
                raise MasqueError("io", f"{path}: cannot read: not a regular file ({what} is read only from a regular file)")
            with open(path, "rb") as f:
                data = f.read(_DOCUMENT_CAP + 1)
        except OSError as e:
            raise MasqueError("io", f"{path}: cannot read: {e.strerror or 'error'}") from None
        if len(data) > _DOCUMENT_CAP:
            raise MasqueError("io", f"{path}: cannot read: larger than 64 MiB (the most {what} may hold)")
        return _text_of(data), str(path.parent)
    raise TypeError(f"{what} must be a dict, JSON text or a path")


def inspect(source: Any, *, read: Optional[Mapping[str, Any]] = None) -> dict:
    """What ``masque inspect --json`` prints: dialect, rows, and per column the
    distinct and empty counts and a suggested role and action.

    ``read`` overrides detection: ``{"delimiter": ";", "encoding":
    "windows-1252", "sheet": "Feuil1"}``.
    """
    return json.loads(_masque.inspect(source, _read_options(read)))


def analyse(
    source: Any,
    qi: Sequence[str],
    sensitive: Sequence[Union[str, Mapping[str, Any]]] = (),
    *,
    thresholds: Optional[Sequence[float]] = None,
    l: Optional[int] = None,  # noqa: E741 (the criterion's name)
    c: Optional[float] = None,
    t: Optional[float] = None,
    suppressed_marker: Optional[str] = None,
    population: Optional[int] = None,
    sampling_fraction: Optional[float] = None,
    read: Optional[Mapping[str, Any]] = None,
    population_table: Any = None,
) -> dict:
    """What ``masque analyse --json`` prints: equivalence classes, k, sample
    uniques, class sizes, prosecutor risk, and per sensitive column
    l-diversity and t-closeness (with pass/fail checks for ``l``, ``c``,
    ``t``); with ``population`` or ``sampling_fraction``, population
    uniqueness, journalist and marketer risk; with ``population_table`` (a
    path, the file's bytes or Arrow data, read as the input with ``read``),
    the ``population_table`` object of ``masque analyse --population-table``
    (the fewest people of the table a class matches, the δ range).

    A sensitive column is a name or ``{"name": ..., "distance":
    "auto"|"equal"|"ordered", "order": [...]}``.
    """
    return json.loads(
        _masque.analyse(
            source,
            _read_options(read),
            analysis_options(
                qi,
                sensitive,
                thresholds=thresholds,
                l=l,
                c=c,
                t=t,
                suppressed_marker=suppressed_marker,
                population=population,
                sampling_fraction=sampling_fraction,
            ),
            population_table,
        )
    )


def analysis_options(
    qi: Sequence[str],
    sensitive: Sequence[Union[str, Mapping[str, Any]]] = (),
    **options: Any,
) -> str:
    """The core's analysis options (JSON text) from :func:`analyse`'s arguments."""
    if isinstance(qi, str) or isinstance(sensitive, str):
        raise TypeError("qi and sensitive are lists of column names")
    document: dict = {"qi": list(qi), "sensitive": [s if isinstance(s, str) else dict(s) for s in sensitive]}
    for name, value in options.items():
        if value is not None:
            document[name] = list(value) if name == "thresholds" else value
    return json.dumps(document)


def keygen(
    path: Union[str, os.PathLike, None] = None,
    *,
    passphrase: Optional[str] = None,
    store_key: bool = False,
    force: bool = False,
) -> Key:
    """A new project key (256 random bits, or Argon2id over ``passphrase`` with
    a new random salt), saved to ``path`` (readable by its owner only) if
    given, in ``masque keygen``'s format."""
    key = Key.generate() if passphrase is None else Key.from_passphrase(passphrase, store_key)
    if path is not None:
        key.save(os.fspath(path), force)
    return key


def load_key(source: Any, *, passphrase: Optional[str] = None) -> Key:
    """A key from a key file (``masque keygen``'s): a path, its JSON text, a
    dict, or a :class:`Key` (returned as it is)."""
    if isinstance(source, Key):
        return source
    if isinstance(source, Mapping):
        return Key.from_json(json.dumps(source), passphrase)
    if isinstance(source, str) and source.lstrip().startswith("{"):
        return Key.from_json(source, passphrase)
    if isinstance(source, (str, os.PathLike)):
        return Key.load(os.fspath(source), passphrase)
    raise TypeError("a key must be a Key, a key file's path, its JSON text or a dict")


def _key(key: Any) -> Optional[Key]:
    return None if key is None else load_key(key)


def apply(
    source: Any,
    policy: Any,
    key: Any = None,
    *,
    utf8: bool = False,
    correspondence: bool = False,
    read: Optional[Mapping[str, Any]] = None,
) -> Tuple[Any, dict, Any]:
    """``masque apply``: the policy's cell transforms. Returns ``(output,
    report, correspondence)``: the report is ``masque apply --report``'s,
    the correspondence (pseudonym -> original, only with ``correspondence``:
    it re-identifies everyone) is ``None`` otherwise."""
    text, base = _document(policy, "a policy")
    output, report, table = _masque.apply(source, _read_options(read), text, base, _key(key), utf8, correspondence)
    return output, json.loads(report), table


def anonymise(
    source: Any,
    config: Any,
    *,
    time_limit: Optional[float] = None,
    utf8: bool = False,
    read: Optional[Mapping[str, Any]] = None,
    population_table: Any = None,
) -> Tuple[Any, dict]:
    """``masque anonymise``: the least damaging generalisation (and record
    suppression) meeting the configuration (or a policy's ``anonymise``
    section). Returns ``(output, result)``, the result as ``masque anonymise
    --report`` writes it. ``time_limit`` (seconds) stops the search (the
    result then says ``optimal: false``).

    ``population_table`` (a path, the file's bytes or Arrow data, read as the
    input with ``read``) is the table the configuration's
    ``population_table`` names (k-map counted in it, δ-presence); without it,
    a configuration given as a path has that name read beside it, as
    ``masque anonymise`` does."""
    text, base = _document(config, "a configuration")
    output, result = _masque.anonymise(source, _read_options(read), text, base, time_limit, utf8, population_table)
    return output, json.loads(result)


def clean(
    source: Any,
    policy: Any,
    key: Any = None,
    *,
    utf8: bool = False,
    read: Optional[Mapping[str, Any]] = None,
    population_table: Any = None,
) -> Tuple[Any, dict]:
    """``masque clean``: the policy, then the anonymisation its ``anonymise``
    section configures, in one pass. Returns ``(output, report)``, the report
    as ``masque clean --report`` writes it (``{"report", "result",
    "output"}``).

    ``population_table`` (a path, the file's bytes or Arrow data, read as the
    input with ``read``) is the population table the ``anonymise`` section's
    ``population_table`` names (k-map counted in it, δ-presence); without it,
    a policy given as a path has that name read beside it, as ``masque clean``
    does. The table is not transformed by the policy: it holds the
    quasi-identifiers as the policy writes them. The report's
    ``result["population_table"]`` then has the k-map and δ figures."""
    text, base = _document(policy, "a policy")
    output, report = _masque.clean_table(source, _read_options(read), text, base, _key(key), utf8, population_table)
    return output, json.loads(report)
