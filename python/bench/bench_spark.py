"""Times masque.spark against the single-process CLI on a generated cohort.

    python bench/bench_spark.py --rows 1000000 [--dir target/bench-spark] [--masque target/release/masque]

Generates the cohort once with the repository's tools/gen_cohort.py (UTF-8,
`,`), writes it as Parquet (every column a string), then times on Spark
`local[2]`: `masque.spark.apply` (the cohort policy, written as Parquet) and
`masque.spark.analyse` (6 quasi-identifiers, 2 sensitive columns) and
`masque.spark.anonymise` (bench/cohort_k11.json: k = 11, 6 quasi-identifiers),
and the CLI's `apply`, `analyse` and `anonymise` on the CSV. Prints one line per measure and the
peak memory of the Python driver process (the JVM is not counted).
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
POLICY = REPO / "tests" / "fixtures" / "policies" / "cohort.json"
CONFIG = Path(__file__).resolve().parent / "cohort_k11.json"
QI = ["sexe", "date_naissance", "code_postal", "mode_entree", "finess", "poids_kg"]
SENSITIVE = ["diag_principal", "libelle_diag"]


def timed(label, rows, action):
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    print(f"{label:<34} {seconds:9.2f} s   {rows / seconds:12,.0f} rows/s", flush=True)
    return result, seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dir", default=str(REPO / "target" / "bench-spark"))
    parser.add_argument("--masque", default=str(REPO / "target" / "release" / "masque"))
    parser.add_argument("--partitions", type=int, default=8)
    args = parser.parse_args()
    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / f"cohort_{args.rows}.csv"
    parquet = work / f"cohort_{args.rows}.parquet"
    if not csv_path.exists():
        print(f"generating {args.rows} rows", flush=True)
        subprocess.run(
            [sys.executable, str(REPO / "tools" / "gen_cohort.py"), "--rows", str(args.rows), "--seed", "1",
             "--encoding", "utf-8", "--sep", ",", "-o", str(csv_path)],
            check=True,
        )
    if not parquet.exists():
        import pyarrow as pa
        import pyarrow.csv as pcsv
        import pyarrow.parquet as pq

        with open(csv_path, encoding="utf-8") as f:
            header = f.readline().rstrip("\r\n").split(",")
        table = pcsv.read_csv(
            csv_path,
            convert_options=pcsv.ConvertOptions(column_types={c: pa.string() for c in header}),
        )
        pq.write_table(table, parquet, row_group_size=1 << 17)
    key = work / "bench.key.json"
    if not key.exists():
        subprocess.run([args.masque, "keygen", "-o", str(key)], check=True, capture_output=True)

    n = args.rows
    print(f"rows {n}, file {csv_path.stat().st_size / 2**20:.0f} MiB CSV, {parquet.stat().st_size / 2**20:.0f} MiB Parquet")
    out = work / "cli_applied.csv"
    timed("CLI apply", n, lambda: subprocess.run(
        [args.masque, "apply", str(csv_path), "--policy", str(POLICY), "--key", str(key), "-o", str(out)],
        check=True, capture_output=True))
    cli_report, _ = timed("CLI analyse", n, lambda: json.loads(subprocess.run(
        [args.masque, "analyse", str(csv_path), "--qi", ",".join(QI), "--sensitive", ",".join(SENSITIVE), "--json"],
        check=True, capture_output=True).stdout))

    anon = work / "cli_anon.csv"
    cli_result, _ = timed("CLI anonymise (k=11, 6 QIs)", n, lambda: subprocess.run(
        [args.masque, "anonymise", str(csv_path), "--config", str(CONFIG), "-o", str(anon), "--report", str(work / "cli_anon.json")],
        check=True, capture_output=True))
    cli_result = json.loads((work / "cli_anon.json").read_text())

    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    import masque.spark

    spark = (
        SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "4g").config("spark.sql.shuffle.partitions", str(args.partitions))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.read.parquet(str(parquet))
    applied = work / "spark_applied.parquet"
    shutil.rmtree(applied, ignore_errors=True)
    timed("spark.apply -> Parquet", n, lambda: masque.spark.apply(df, POLICY, key).write.parquet(str(applied)))
    report, _ = timed("spark.analyse", n, lambda: masque.spark.analyse(df, QI, SENSITIVE))
    print("spark.analyse == CLI analyse:", report == cli_report, f"({report['classes']} classes, k {report['k']})")
    anonymised = work / "spark_anon.parquet"
    shutil.rmtree(anonymised, ignore_errors=True)

    def spark_anonymise():
        out, result = masque.spark.anonymise(df, CONFIG)
        out.write.parquet(str(anonymised))
        return result

    result, _ = timed("spark.anonymise -> Parquet", n, spark_anonymise)
    same = all(result[k] == cli_result[k] for k in ("levels", "suppressed", "classes", "k", "metric"))
    print("spark.anonymise levels/suppressed/classes/k/metric == CLI:", same, result["levels"], result["suppressed"])
    spark.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the Python driver: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
