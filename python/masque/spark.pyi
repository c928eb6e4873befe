"""masque on Apache Spark."""

from typing import Any, List, Mapping, Optional, Sequence, Tuple, Union

import pyarrow

def apply(df: Any, policy: Any, key: Any = None) -> Any: ...
def analyse(
    df: Any,
    qi: Sequence[str],
    sensitive: Sequence[Union[str, Mapping[str, Any]]] = (),
    population: Optional[int] = None,
    **options: Any,
) -> dict: ...
def output_columns(df: Any, policy: Any, key: Any = None) -> List[str]: ...
def aggregate(df: Any, columns: Sequence[str]) -> pyarrow.Table: ...
def anonymise(df: Any, config: Any, time_limit: Optional[float] = None) -> Tuple[Any, dict]: ...
