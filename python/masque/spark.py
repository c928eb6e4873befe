"""masque on Apache Spark: the same core, on a cluster.

- :func:`apply` runs a policy's cell transforms on every partition with
  ``DataFrame.mapInArrow``: the core runs on each Arrow batch in the
  executors, and pseudonyms and date shifts are those of the CLI and the web
  page for the same key.
- :func:`anonymise` has Spark count the rows of every distinct combination
  of quasi-identifiers and sensitive values, runs ``masque anonymise``'s
  search on the driver over those combinations, each counting its rows (the
  driver's memory and time go with the combinations, not the rows) and has
  Spark apply the chosen generalisation and suppression
  with a broadcast join: levels, suppressed rows, classes, metric and the
  whole result are those of ``masque anonymise`` on the same rows.
- :func:`analyse` has Spark count the rows of every distinct combination of
  quasi-identifiers and sensitive values (one ``groupBy``), brings that
  aggregate to the driver as Arrow and has the core compute every figure of
  ``masque analyse`` from it (``privacy::analyse_weighted``): the same JSON,
  bit for bit.

Cells are read as text: string columns as they are, other types through
Spark's cast to string (``2024-01-31`` for a date); null is the empty cell.
The outputs are string columns, the empty cell null.

Policies, keys and configurations are the CLI's JSON documents, as dicts,
JSON text or paths (hierarchy files are read on the driver and travel inside
the policy).
"""

from __future__ import annotations

import json
from typing import Any, Iterator, Mapping, Optional, Sequence, Union

from . import MasqueError, _document, _masque, analysis_options, load_key

__all__ = ["apply", "analyse", "anonymise", "output_columns"]

# The aggregate's count column (a name no table is expected to use).
_WEIGHT = "__masque_weight__"

# The most distinct rows whose mapping anonymise broadcasts (beyond, a shuffle join).
_BROADCAST_ROWS = 1_000_000


def _strings(df: Any, columns: Sequence[str]) -> Any:
    from pyspark.sql import functions as F

    known = set(df.columns)
    for name in columns:
        if name not in known:
            raise MasqueError("unknown_column", f"unknown column `{name}`: the DataFrame has no column of that name")
    return df.select([F.col(f"`{c}`").cast("string").alias(c) for c in columns])


def _spark_policy(policy: Any) -> str:
    """The policy's JSON, hierarchy files read; refused if a transform needs
    the whole column (it could not run partition by partition)."""
    text, base = _document(policy, "a policy")
    resolved, whole = _masque.resolve_policy(text, base)
    if whole is not None:
        column, why = whole
        raise MasqueError(
            "whole_column",
            f"column `{column}`: {why}; it needs the whole column and cannot run partition by partition on Spark "
            "(run it with masque.apply on the whole table, or change that column's action)",
        )
    return resolved


def output_columns(df: Any, policy: Any, key: Any = None) -> list:
    """The columns :func:`apply` writes, in order (the policy run on no row)."""
    import pyarrow as pa

    resolved = _spark_policy(policy)
    key = load_key(key) if key is not None else None
    empty = pa.table({name: pa.array([], pa.string()) for name in df.columns})
    out, _report, _ = _masque.apply(empty, "{}", resolved, None, key, False, False)
    return list(out.column_names)


def apply(df: Any, policy: Any, key: Any = None) -> Any:
    """The policy's cell transforms on every row of ``df``, partition by
    partition in the executors (``mapInArrow``). Returns a DataFrame of string
    columns: the columns the policy writes, in its order.

    The key travels to the executors inside the task (as its key file's
    text): as with any secret a Spark job uses, the cluster must be trusted
    with it. It never appears in an output, a report or a log.
    """
    from pyspark.sql.types import StringType, StructField, StructType

    resolved = _spark_policy(policy)
    key_text = load_key(key).key_file_json() if key is not None else None
    columns = output_columns(df, policy, key)
    schema = StructType([StructField(name, StringType(), True) for name in columns])

    def transform(batches: Iterator[Any]) -> Iterator[Any]:
        from masque import Key
        from masque import _masque as native

        key = Key.from_json(key_text) if key_text is not None else None
        for batch in batches:
            if batch.num_rows == 0:
                continue
            # One thread: each Spark task already has its core.
            out, _report, _ = native.apply(batch, "{}", resolved, None, key, False, False, 1)
            yield out

    return _strings(df, df.columns).mapInArrow(transform, schema)


def _to_arrow(df: Any) -> Any:
    """A (small) DataFrame on the driver as a ``pyarrow.Table``."""
    if hasattr(df, "toArrow"):
        return df.toArrow()
    import pyarrow as pa

    batches = df._collect_as_arrow()  # pyspark < 4
    return pa.Table.from_batches(batches) if batches else None


def aggregate(df: Any, columns: Sequence[str]) -> Any:
    """The distinct combinations of ``columns`` (as text) with their row counts,
    on the driver as a ``pyarrow.Table`` (count column ``__masque_weight__``)."""
    from pyspark.sql import functions as F

    grouped = _strings(df, columns).groupBy([F.col(f"`{c}`") for c in columns]).agg(F.count(F.lit(1)).alias(_WEIGHT))
    return _to_arrow(grouped)


def analyse(
    df: Any,
    qi: Sequence[str],
    sensitive: Sequence[Union[str, Mapping[str, Any]]] = (),
    population: Optional[int] = None,
    **options: Any,
) -> dict:
    """What ``masque analyse --json`` prints for the rows of ``df``, computed
    from one Spark ``groupBy`` over the quasi-identifiers and sensitive
    columns: the aggregate (one row per distinct combination, with its count)
    is all that reaches the driver. ``options``: ``thresholds``, ``l``, ``c``,
    ``t``, ``suppressed_marker``, ``sampling_fraction``, as :func:`masque.analyse`.
    """
    document = analysis_options(qi, sensitive, population=population, **options)
    names = list(qi) + [s if isinstance(s, str) else s["name"] for s in sensitive]
    seen = set()
    columns = [n for n in names if not (n in seen or seen.add(n))]
    table = aggregate(df, columns)
    if table is None or table.num_rows == 0:
        raise MasqueError("empty_table", "the table has no row: nothing to analyse")
    return json.loads(_masque.analyse_weighted(table, _WEIGHT, document))


def _config_columns(config: Any) -> tuple:
    """The quasi-identifiers and sensitive columns a configuration names."""
    text, base = _document(config, "a configuration")
    document = json.loads(text)
    if "version" in document and "columns" in document:
        document = document.get("anonymise") or {}
    qi = list((document.get("quasi_identifiers") or {}).keys())
    sensitive = list((document.get("sensitive") or {}).keys())
    return text, base, qi, sensitive


def anonymise(df: Any, config: Any, time_limit: Optional[float] = None) -> tuple:
    """``masque anonymise`` on the rows of ``df``: returns ``(DataFrame,
    result)``, the DataFrame of string columns with the quasi-identifiers
    generalised and the suppressed rows masked or removed, the result as
    ``masque anonymise --report`` writes it.

    Spark aggregates the rows to their distinct combinations of
    quasi-identifiers and sensitive columns (with counts); the core searches on
    those, each counting its rows (the driver holds the combinations, not the
    rows); Spark then applies the chosen levels and suppression with a join of the
    distinct combinations to their output (broadcast up to a million of them). Local recoding is refused
    (its groups depend on the rows' order), as are cell suppression and
    microaggregation (they work row by row).
    """
    from pyspark.sql import functions as F

    text, base, qi, sensitive = _config_columns(config)
    seen: set = set()
    keys = [c for c in qi + sensitive if not (c in seen or seen.add(c))]
    table = aggregate(df, keys)
    if table is None or table.num_rows == 0:
        raise MasqueError("empty_table", "the table has no row: nothing to anonymise")
    mapping, result = _masque.anonymise_weighted(table, _WEIGHT, text, base, time_limit)
    session = df.sparkSession
    try:
        mapped = session.createDataFrame(mapping)
    except (TypeError, ValueError):  # pyspark < 4 takes pandas, not Arrow
        mapped = session.createDataFrame(mapping.to_pandas())
    mapped = mapped.select([F.col(f"`{c}`").alias(f"__masque_in__{c}") for c in keys]
                           + [F.col(f"`__masque_out__{c}`") for c in qi] + [F.col("__masque_kept__")])
    rows = _strings(df, df.columns)
    # The empty cell is null on both sides (the mapping writes it so).
    condition = None
    for c in keys:
        value = F.when(F.col(f"`{c}`") == "", F.lit(None)).otherwise(F.col(f"`{c}`"))
        test = value.eqNullSafe(F.col(f"`__masque_in__{c}`"))
        condition = test if condition is None else condition & test
    # A small mapping goes to every executor; a large one is joined by a shuffle
    # (a broadcast is built in the driver's memory).
    if mapping.num_rows <= _BROADCAST_ROWS:
        mapped = F.broadcast(mapped)
    joined = rows.join(mapped, condition, "inner").where(F.col("__masque_kept__").isNotNull())
    out = joined.select(
        [(F.col(f"`__masque_out__{c}`") if c in qi else F.col(f"`{c}`")).alias(c) for c in df.columns]
    )
    return out, json.loads(result)
