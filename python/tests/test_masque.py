"""The Python module against the command line: same inputs, same bytes and JSON."""

import json
import os
import pickle
import stat

import pyarrow as pa
import pytest

import masque
from conftest import FIXTURES, cli, cli_json, rows_of

POLICY = FIXTURES / "policies" / "cohort.json"
CLEAN_POLICY = FIXTURES / "policies" / "cohort_clean.json"
CONFIG = FIXTURES / "anonymise" / "cohort_builders.json"
QI = ["sexe", "date_naissance", "code_postal"]


def arrow_of(path):
    """The cohort as an Arrow table of strings (read with Python's csv module)."""
    header, rows = rows_of(path.read_bytes())
    return pa.table({name: pa.array([r[i] for r in rows], pa.string()) for i, name in enumerate(header)})


def test_inspect_is_the_cli_json(cohort):
    expected = cli_json("inspect", cohort, "--json")
    assert masque.inspect(cohort) == expected
    assert masque.inspect(str(cohort)) == expected
    assert masque.inspect(cohort.read_bytes()) == expected
    assert masque.inspect(bytearray(cohort.read_bytes())) == expected
    assert expected["rows"] == 3000


def test_analyse_is_the_cli_json(cohort):
    expected = cli_json(
        "analyse", cohort, "--qi", ",".join(QI), "--sensitive", "diag_principal,poids_kg",
        "--l", "2", "--c", "3", "--t", "0.4", "--threshold", "0.2,0.05", "--population", "100000", "--json",
    )
    got = masque.analyse(
        cohort, QI, ["diag_principal", "poids_kg"], l=2, c=3, t=0.4, thresholds=[0.2, 0.05], population=100000
    )
    assert got == expected
    assert json.dumps(got, sort_keys=True) == json.dumps(expected, sort_keys=True)
    # The same figures from the Arrow table of the same cells.
    assert masque.analyse(arrow_of(cohort), QI, ["diag_principal", "poids_kg"], l=2, c=3, t=0.4,
                          thresholds=[0.2, 0.05], population=100000) == expected
    # Pinned against the CLI's own figures, not re-derived here.
    assert got["rows"] == 3000 and got["classes"] == expected["classes"] and got["k"] >= 1


def test_keys_are_the_cli_format_and_never_shown(work, key_path):
    key = masque.load_key(key_path)
    text = key_path.read_text()
    secret = json.loads(text)["key"]
    assert key.fingerprint == json.loads(text)["fingerprint"]
    assert secret not in repr(key) and secret not in str(key)
    assert repr(key) == f"Key(fingerprint='{key.fingerprint}')"
    with pytest.raises(TypeError):
        pickle.dumps(key)
    assert masque.load_key(json.loads(text)) == key
    assert masque.load_key(text) == key

    made = masque.keygen(work / "made.key.json")
    assert stat.S_IMODE(os.stat(work / "made.key.json").st_mode) == 0o600
    assert masque.load_key(work / "made.key.json") == made
    assert made != key
    with pytest.raises(masque.MasqueError) as e:
        masque.keygen(work / "made.key.json")
    assert e.value.code == "exists"

    phrase = masque.keygen(work / "phrase.key.json", passphrase="correct horse battery staple")
    with pytest.raises(masque.MasqueError) as e:
        masque.load_key(work / "phrase.key.json")
    assert e.value.code == "key" and "passphrase" in e.value.message
    assert masque.load_key(work / "phrase.key.json", passphrase="correct horse battery staple") == phrase
    with pytest.raises(masque.MasqueError) as e:
        masque.load_key(work / "phrase.key.json", passphrase="wrong")
    assert e.value.code == "key"


def test_apply_gives_the_cli_bytes(work, cohort, key_path):
    out = work / "applied.csv"
    report = work / "applied.json"
    cli("apply", cohort, "--policy", POLICY, "--key", key_path, "-o", out, "--report", report)
    output, got, correspondence = masque.apply(cohort, POLICY, key_path)
    assert output == out.read_bytes()
    assert got == json.loads(report.read_text())
    assert correspondence is None
    # From bytes, with the policy as a dict and the key as an object.
    output, got, _ = masque.apply(cohort.read_bytes(), json.loads(POLICY.read_text()), masque.load_key(key_path))
    assert output == out.read_bytes()
    # From Arrow: the same cells, empty cells null.
    header, rows = rows_of(out.read_bytes())
    table, _, _ = masque.apply(arrow_of(cohort), POLICY, key_path)
    assert isinstance(table, pa.Table) and table.column_names == header
    assert [[v if v is not None else "" for v in r.values()] for r in table.to_pylist()] == rows
    batch, _, _ = masque.apply(arrow_of(cohort).to_batches()[0], POLICY, key_path)
    assert isinstance(batch, pa.RecordBatch) and batch.num_rows == 3000
    # The key never reaches the output or the report.
    secret = json.loads(key_path.read_text())["key"]
    assert secret.encode() not in output and secret not in json.dumps(got)


def test_anonymise_gives_the_cli_bytes(work, cohort):
    out = work / "anon.csv"
    report = work / "anon.json"
    cli("anonymise", cohort, "--config", CONFIG, "-o", out, "--report", report)
    output, result = masque.anonymise(cohort, CONFIG)
    assert output == out.read_bytes()
    assert result == json.loads(report.read_text())
    assert result["k"] >= 5


def test_clean_gives_the_cli_bytes(work, cohort, key_path):
    out = work / "clean.csv"
    report = work / "clean.json"
    cli("clean", cohort, "--policy", CLEAN_POLICY, "--key", key_path, "-o", out, "--report", report, "--utf8")
    output, got = masque.clean(cohort, CLEAN_POLICY, key_path, utf8=True)
    assert output == out.read_bytes()
    assert got == json.loads(report.read_text())
    assert got["result"] is not None


def test_errors_carry_a_code_and_a_position_never_a_value(work, cohort, key_path):
    with pytest.raises(masque.MasqueError) as e:
        masque.analyse(cohort, ["sexe", "nope"])
    assert e.value.code == "unknown_column" and "`nope`" in e.value.message

    bad = work / "bad.csv"
    bad.write_bytes(b"a;b\n1;2\n3;\"SECRET-VALUE;4\n5;6\n")
    with pytest.raises(masque.MasqueError) as e:
        masque.inspect(bad)
    assert e.value.code == "unterminated_quote" and "line 3" in e.value.message
    assert "SECRET" not in str(e.value)
    expected = cli("inspect", bad, check=False)
    assert expected.returncode == 2 and e.value.message in expected.stderr.decode()

    strict = {"version": 1, "columns": {"nir": {"action": "pseudonymise", "kind": "nir", "on_invalid": "error"}}}
    table = pa.table({"nir": ["239013818584194", "SECRET-NIR-VALUE"]})
    with pytest.raises(masque.MasqueError) as e:
        masque.apply(table, strict, key_path)
    assert e.value.code == "invalid" and "row 2" in e.value.message and "SECRET" not in str(e.value)

    with pytest.raises(masque.MasqueError) as e:
        masque.apply(cohort, POLICY)
    assert e.value.code == "key_required"
    with pytest.raises(masque.MasqueError) as e:
        masque.apply(cohort, {"version": 1, "columns": {"nir": "hash"}}, key_path)
    assert e.value.code == "policy"
    with pytest.raises(masque.MasqueError) as e:
        masque.analyse(cohort, QI, population=10)
    assert e.value.code == "population_too_small"


def test_clean_with_a_population_table(work):
    # The policy of tests/cli_clean_population.rs: its figures, and the CLI's bytes and report.
    population = FIXTURES / "population"
    policy, sample = population / "clean_policy.json", population / "sample.csv"
    out, report = work / "clean_population.csv", work / "clean_population.json"
    cli("clean", sample, "--policy", policy, "-o", out, "--report", report)
    # The table the policy names, read beside it; or given, as a path, bytes or Arrow.
    pop_csv = population / "population.csv"
    header, rows = rows_of(pop_csv.read_bytes(), "utf-8", ",")
    arrow = pa.table({name: [row[i] for row in rows] for i, name in enumerate(header)})
    for given in (None, str(pop_csv), pop_csv.read_bytes(), arrow):
        output, got = masque.clean(sample, policy, population_table=given)
        assert output == out.read_bytes()
        assert got == json.loads(report.read_text())
    figures = got["result"]["population_table"]
    assert (figures["rows"], figures["k_map"], figures["delta_max"]) == (30, 7, 0.5)
    # A policy given as a dict names a table that only population_table= can give.
    section = json.loads(policy.read_text())
    section["anonymise"]["quasi_identifiers"] = {
        qi: {"hierarchy": (population / f"hierarchy_{qi}.csv").read_text()} for qi in ("age", "sex")
    }
    with pytest.raises(masque.MasqueError) as e:
        masque.clean(sample, section)
    assert e.value.code == "bad_config" and "population_table" in e.value.message
    _, got = masque.clean(sample, section, population_table=pop_csv)
    assert got["result"]["population_table"]["rows"] == 30


def test_anonymise_with_a_population_table(work):
    # The configurations of tests/cli_population_table.rs: the CLI's bytes and report, and its figures.
    population = FIXTURES / "population"
    sample, pop_csv = population / "sample.csv", population / "population.csv"
    header, rows = rows_of(pop_csv.read_bytes(), "utf-8", ",")
    arrow = pa.table({name: [row[i] for row in rows] for i, name in enumerate(header)})
    figures = {"k_map.json": (7, 1 / 7, 0.5, True), "delta.json": (15, 1 / 3, 1 / 3, False)}
    for name, (k_map, delta_min, delta_max, monotone) in figures.items():
        config = population / name
        out, report = work / f"anonymise_{name}.csv", work / f"anonymise_{name}.json"
        cli("anonymise", sample, "--config", config, "-o", out, "--report", report)
        # The table the configuration names, read beside it; or given, as a path, bytes or Arrow.
        for given in (None, str(pop_csv), pop_csv.read_bytes(), arrow):
            output, got = masque.anonymise(sample, config, population_table=given)
            assert output == out.read_bytes()
            assert got == json.loads(report.read_text())
        p = got["population_table"]
        assert (p["rows"], p["k_map"], p["delta_min"], p["delta_max"], p["monotone"]) == (
            30, k_map, pytest.approx(delta_min), pytest.approx(delta_max), monotone
        )
    # An empty table is refused; a configuration given as a dict names a table only population_table= can give.
    with pytest.raises(masque.MasqueError) as e:
        masque.anonymise(sample, config, population_table=b"")
    assert e.value.code == "empty"
    inline = json.loads(config.read_text())
    inline["quasi_identifiers"] = {
        qi: {"hierarchy": (population / f"hierarchy_{qi}.csv").read_text()} for qi in ("age", "sex")
    }
    with pytest.raises(masque.MasqueError) as e:
        masque.anonymise(sample, inline)
    assert e.value.code == "bad_config" and "population_table" in e.value.message


def test_analyse_with_a_population_table():
    # `masque analyse --population-table --json`: the same report, its population_table included.
    population = FIXTURES / "population"
    sample, pop_csv = population / "sample.csv", population / "population.csv"
    expected = cli_json("analyse", sample, "--qi", "age,sex", "--population-table", pop_csv, "--json")
    for given in (str(pop_csv), pop_csv.read_bytes()):
        assert masque.analyse(sample, ["age", "sex"], population_table=given) == expected
    p = expected["population_table"]
    assert (p["rows"], p["classes"], p["k_map"], p["unmatched_classes"]) == (30, 8, 1, 0)
    assert (p["delta_min"], p["delta_max"]) == (pytest.approx(1 / 3), 1.0)
    assert "population_table" not in masque.analyse(sample, ["age", "sex"])
    with pytest.raises(masque.MasqueError) as e:
        masque.analyse(sample, ["age", "sex"], population_table=b"age\n21\n22\n")
    assert "no column `sex`" in e.value.message
