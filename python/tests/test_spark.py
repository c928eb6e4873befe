"""masque.spark in local mode against the command line on the same rows."""

import json
import os
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import masque
import masque.spark
from conftest import FIXTURES, cli, cli_json, rows_of

pyspark = pytest.importorskip("pyspark")

SCRUB_POLICY = FIXTURES / "policies" / "cohort_scrub.json"


def row_scrub_policy(work):
    """cohort_scrub.json with the comments scrubbed of each row's own names only
    (`everywhere: false`), which works row by row."""
    policy = json.loads(SCRUB_POLICY.read_text())
    policy["columns"]["commentaire"] = {"action": "scrub", "everywhere": False}
    path = work / "row_scrub.json"
    path.write_text(json.dumps(policy))
    return path
QI = ["sexe", "date_naissance", "code_postal", "mode_entree"]


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # The workers run this interpreter (its venv has masque and pyarrow).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("masque-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "700")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def frame(spark, cohort, work):
    """The cohort as Parquet (strings, empty cells as ''), read by Spark in several partitions."""
    header, rows = rows_of(cohort.read_bytes())
    table = pa.table({name: pa.array([r[i] for r in rows], pa.string()) for i, name in enumerate(header)})
    path = work / "cohort.parquet"
    pq.write_table(table, path, row_group_size=500)
    return spark.read.parquet(str(path)).repartition(3)


def test_apply_gives_the_cli_pseudonyms_and_date_shifts(frame, cohort, key_path, work):
    out = work / "spark_applied.csv"
    policy = row_scrub_policy(work)
    cli("apply", cohort, "--policy", policy, "--key", key_path, "-o", out)
    header, expected = rows_of(out.read_bytes())
    result = masque.spark.apply(frame, policy, key_path)
    assert result.columns == header
    got = [[v if v is not None else "" for v in row] for row in result.collect()]
    assert len(got) == len(expected) == 3000
    # Rows are per-row transforms of the input: the same multiset of rows.
    assert sorted(map(tuple, got)) == sorted(map(tuple, expected))
    # The shifted dates moved (the comparison above would pass on no-ops too, were the CLI wrong alike).
    entree = header.index("date_entree")
    original = {tuple(r) for r in rows_of(cohort.read_bytes())[1]}
    assert any(r[entree] not in {o[12] for o in original} for r in got[:50])


def test_apply_refuses_a_policy_that_needs_the_whole_column(frame, key_path):
    # A scrub looks for every name of the file in every row by default.
    with pytest.raises(masque.MasqueError) as e:
        masque.spark.apply(frame, SCRUB_POLICY, key_path)
    assert e.value.code == "whole_column" and "`commentaire`" in e.value.message


def test_analyse_is_the_cli_json(frame, cohort):
    expected = cli_json(
        "analyse", cohort, "--qi", ",".join(QI), "--sensitive", "diag_principal,poids_kg",
        "--l", "2", "--t", "0.3", "--population", "250000", "--json",
    )
    got = masque.spark.analyse(frame, QI, ["diag_principal", "poids_kg"], population=250000, l=2, t=0.3)
    assert got == expected
    assert json.dumps(got) == json.dumps(expected)
    plain = masque.spark.analyse(frame, ["sexe", "code_postal"])
    assert plain == cli_json("analyse", cohort, "--qi", "sexe,code_postal", "--json")


def test_analyse_names_an_unknown_column(frame):
    with pytest.raises(masque.MasqueError) as e:
        masque.spark.analyse(frame, ["sexe", "age"])
    assert e.value.code == "unknown_column" and "`age`" in e.value.message


CONFIG = FIXTURES / "anonymise" / "cohort_builders.json"


def same_result(got, expected):
    """The result of `masque anonymise`: every field equal, except the NCP and
    utility figures, means over rows summed in row order (the CLI's file order,
    Spark's aggregate order), which may differ in the last bits only."""
    approximate = {"ncp", "utility"}
    assert {k: v for k, v in got.items() if k not in approximate} == {
        k: v for k, v in expected.items() if k not in approximate
    }
    for name in approximate:
        assert_close(got[name], expected[name])


def assert_close(a, b):
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            assert_close(a[k], b[k])
    elif isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12)
    else:
        assert a == b


def test_anonymise_is_the_cli_result_and_rows(frame, cohort, work):
    out = work / "spark_anon.csv"
    report = work / "spark_anon.json"
    cli("anonymise", cohort, "--config", CONFIG, "-o", out, "--report", report)
    header, expected = rows_of(out.read_bytes())
    result_df, result = masque.spark.anonymise(frame, CONFIG)
    same_result(result, json.loads(report.read_text()))
    for exact in ("levels", "suppressed", "classes", "k", "metric", "optimal", "nodes_checked"):
        assert result[exact] == json.loads(report.read_text())[exact]
    assert result["suppressed"] > 0 and result["k"] >= 5
    assert result_df.columns == header
    got = [[v if v is not None else "" for v in row] for row in result_df.collect()]
    assert sorted(map(tuple, got)) == sorted(map(tuple, expected))


def test_anonymise_masks_when_told_and_refuses_local_recoding(frame, cohort, work, monkeypatch):
    # The shuffle join, as for a mapping too large to broadcast.
    monkeypatch.setattr(masque.spark, "_BROADCAST_ROWS", 0)
    config = json.loads(CONFIG.read_text())
    config["suppressed_rows"] = "mask"
    path = work / "mask.json"
    path.write_text(json.dumps(config))
    out = work / "spark_mask.csv"
    report = work / "spark_mask.json"
    cli("anonymise", cohort, "--config", path, "-o", out, "--report", report)
    _, expected = rows_of(out.read_bytes())
    result_df, result = masque.spark.anonymise(frame, config)
    same_result(result, json.loads(report.read_text()))
    got = [[v if v is not None else "" for v in row] for row in result_df.collect()]
    assert len(got) == 3000 and sorted(map(tuple, got)) == sorted(map(tuple, expected))
    config["recoding"] = "local"
    with pytest.raises(masque.MasqueError) as e:
        masque.spark.anonymise(frame, config)
    assert e.value.code == "local_recoding"
