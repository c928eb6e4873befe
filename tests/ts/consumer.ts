// A small TypeScript consumer of the wasm package, as an npm user writes one.
// It is type-checked, never run (./dev test: run_ts_consumer_check, after the
// wasm build): `tsc --noEmit -p tests/ts/tsconfig.json`.
//
// Results are left to inference (never annotated), so a function returning
// `any` fails the lines that misuse its result. Each `// @ts-expect-error` line is a mistake the declarations must catch (a
// misspelt option, a wrong value, a field a result does not have): if a type
// fell back to `any`, the line would compile, the directive would be unused,
// and the check would fail.

import init, {
  analyse,
  AnalysisTable,
  anonymise,
  AnonymiseTable,
  apply,
  clean,
  inspect,
  key_from_passphrase,
  keygen,
  PreviewTable,
  version,
} from "../../www/pkg/masque.js";
import type {
  Action,
  AnalyseOptions,
  AnonymiseConfig,
  AnonymiseOutput,
  ApplyOutput,
  CleanOutput,
  CleanProgress,
  CleanRequest,
  Inspection,
  KeyFile,
  MasqueReadError,
  Policy,
  ReadOptions,
  RiskReport,
  SearchProgress,
} from "../../www/pkg/masque.js";

export async function run(bytes: Uint8Array): Promise<string[]> {
  await init();
  const lines: string[] = [`masque ${version()}`];

  // inspect: ReadOptions in, Inspection out.
  const read: ReadOptions = { delimiter: ";", encoding: "windows-1252" };
  const inspection = inspect(bytes, read);
  inspect(bytes, undefined);
  lines.push(`${inspection.rows} rows, delimiter ${inspection.dialect.delimiter}, ${inspection.dialect.encoding}`);
  for (const column of inspection.columns) {
    const suggestion = column.suggestion;
    if (suggestion && suggestion.role === "direct_identifier" && suggestion.confidence > 0.9) {
      const entry: Action = suggestion.action;
      lines.push(`${column.name}: ${typeof entry === "string" ? entry : entry.action}`);
    }
    // @ts-expect-error: a role that does not exist
    if (suggestion?.role === "identifier") lines.push(column.name);
  }
  for (const warning of inspection.warnings) {
    if (warning.kind === "duplicate_header") lines.push(`column ${warning.column} renamed ${warning.renamed_to}`);
  }
  // @ts-expect-error: a misspelt read option
  inspect(bytes, { delimeter: ";" });
  // @ts-expect-error: an encoding masque does not read
  inspect(bytes, { encoding: "latin1" });
  // @ts-expect-error: Inspection has `columns`, not `colums`
  lines.push(String(inspection.colums));

  // A reading error carries its code and position.
  try {
    inspect(new Uint8Array([0, 1, 2]), null);
  } catch (e) {
    const error = e as MasqueReadError;
    if (error.code === "binary") lines.push(`binary at byte ${error.byte}`);
    // @ts-expect-error: not a reading error's code
    if (error.code === "bad_delimiter") lines.push("never");
  }

  // analyse: AnalyseOptions in, RiskReport out.
  const analysis: AnalyseOptions = {
    qi: ["age", "sexe"],
    sensitive: ["diagnostic", { name: "poids", distance: "ordered" }],
    thresholds: [0.2, 0.1],
    l: 2,
    read: { delimiter: ";" },
  };
  const report = analyse(bytes, analysis);
  lines.push(`k = ${report.k}, highest risk ${report.prosecutor.highest.toFixed(3)}`);
  for (const [name, sensitive] of Object.entries(report.sensitive)) {
    lines.push(`${name}: l = ${sensitive.l_distinct}, t = ${sensitive.t_closeness}`);
  }
  // @ts-expect-error: a misspelt analysis option
  analyse(bytes, { qi: ["age"], tresholds: [0.2] });
  // @ts-expect-error: RiskReport has `k`, not `k_anonymity`
  lines.push(String(report.k_anonymity));

  const kept = new AnalysisTable(bytes, read);
  lines.push(`${kept.rows} rows: ${kept.columns.join(", ")}; k = ${kept.analyse({ qi: ["age"] }).k}`);
  // @ts-expect-error: the kept table's analyse takes no `read`
  kept.analyse({ qi: ["age"], read: { delimiter: ";" } });
  // A population table: the classes' matches in it (k-map, δ-presence), as `masque analyse --population-table`.
  const matched = kept.analyse({ qi: ["age"], population_table: bytes, population_read: { delimiter: ";" } });
  lines.push(`k-map ${matched.population_table?.k_map}, ${matched.population_table?.unmatched_classes} unmatched`);
  // @ts-expect-error: the population table is bytes, not a path
  analyse(bytes, { ...analysis, population_table: "population.csv" });
  // @ts-expect-error: the matches have `k_map`, not `k`
  lines.push(String(analyse(bytes, { ...analysis, population_table: bytes }).population_table?.k));
  kept.free();

  // apply: a Policy and a KeyFile in, ApplyOutput out.
  const policy: Policy = {
    version: 1,
    default: "drop",
    columns: {
      nir: { action: "pseudonymise", kind: "nir", length: 20 },
      nom: "drop",
      naissance: { action: "generalise", to: "year" },
      age: { action: "generalise", to: "interval", width: 10 },
      ville: { action: "mask", keep_start: 2, char: "#" },
      notes: { action: "scrub", names: false },
      admission: { action: "date_shift", subject: "nir", max_days: 30 },
    },
  };
  const key = keygen();
  lines.push(`key ${key.fingerprint}${key.key === undefined ? "" : " (with its secret)"}`);
  const applied = apply(bytes, policy, key, { utf8: true, delimiter: ";" });
  lines.push(`${applied.report.rows_in} -> ${applied.report.rows_out} rows, ${applied.output.length} bytes`);
  for (const column of applied.report.columns) lines.push(`${column.name}: ${column.action} (${column.invalid})`);
  const policyMistakes: Policy[] = [
    // @ts-expect-error: not a pseudonym kind
    { version: 1, columns: { nir: { action: "pseudonymise", kind: "ssn" } } },
    // @ts-expect-error: not a generalisation
    { version: 1, columns: { naissance: { action: "generalise", to: "decade" } } },
    // @ts-expect-error: `default` is keep or drop
    { version: 1, default: "remove" },
  ];
  lines.push(String(policyMistakes.length));
  // @ts-expect-error: a key file's field is `fingerprint`
  lines.push(key.fingerprnt);
  // @ts-expect-error: the apply report counts `rows_in` and `rows_out`
  lines.push(String(applied.report.rows));
  // @ts-expect-error: a misspelt apply option
  apply(bytes, policy, key, { correspondance: true });

  const passphraseKey = key_from_passphrase("correct horse battery staple", undefined);
  lines.push(`salt ${passphraseKey.salt}, ${passphraseKey.kdf?.algorithm}`);
  key_from_passphrase("correct horse battery staple", passphraseKey);

  // anonymise: an AnonymiseConfig in, AnonymiseOutput out.
  const config: AnonymiseConfig = {
    quasi_identifiers: {
      age: { builder: { intervals: { widths: [5, 10, 20] } } },
      code_postal: { builder: { mask: { levels: 5 } } },
      sexe: {},
    },
    sensitive: { diagnostic: { l_distinct: 2 } },
    k: 5,
    suppression_limit: 0.04,
    metric: "loss",
    time_limit_ms: 10_000,
  };
  const onSearch = (progress: SearchProgress) => progress.nodes_checked < 1000;
  const anonymised = anonymise(bytes, config, { progress: onSearch, read: { sheet: "data" } });
  lines.push(`levels ${JSON.stringify(anonymised.result.levels)}, k = ${anonymised.result.k}`);
  lines.push(`metric ${anonymised.result.metric.name} = ${anonymised.result.metric.value}`);
  lines.push(`after: ${anonymised.result.risk_after?.prosecutor.highest ?? "no risk report"}`);
  anonymise(bytes, JSON.stringify(config), null);
  // @ts-expect-error: k is a number
  anonymise(bytes, { quasi_identifiers: { age: {} }, k: "5" }, null);
  // @ts-expect-error: a misspelt configuration field
  anonymise(bytes, { quasi_identifiers: { age: {} }, suppresion_limit: 0.1 }, null);
  // @ts-expect-error: a builder masque does not have
  anonymise(bytes, { quasi_identifiers: { age: { builder: { bands: {} } } } }, null);
  // @ts-expect-error: the result names `levels`, not `level`
  lines.push(String(anonymised.result.level));

  const searchable = new AnonymiseTable(bytes, null);
  const choice = searchable.search(config, undefined);
  lines.push(`${choice.search}: ${choice.nodes_checked} of ${choice.lattice_size} nodes, optimal ${choice.optimal}`);
  // @ts-expect-error: the search is optimal or heuristic
  if (choice.search === "exhaustive") lines.push("never");
  // A population table the configuration names: its bytes in the options, as in clean's request.
  const mapped = searchable.anonymise(config, { population_table: bytes, population_read: { delimiter: ";" } });
  lines.push(`k-map ${mapped.result.population_table?.k_map}`);
  // @ts-expect-error: the population table is bytes, not a path
  anonymise(bytes, config, { population_table: "population.csv" });
  searchable.free();

  // clean: a CleanRequest in, CleanOutput out, with progress.
  const request: CleanRequest = { policy, key, anonymise: config, utf8: true, preview_rows: 10 };
  const phases: CleanProgress["phase"][] = [];
  const cleaned = clean(bytes, request, (progress) => {
    phases.push(progress.phase);
    // @ts-expect-error: not one of clean's phases
    if (progress.phase === "done") return false;
    return true;
  });
  lines.push(`${cleaned.header.join(";")}: ${cleaned.preview.length} rows previewed, ${phases.length} reports`);
  lines.push(`${cleaned.report.columns_out} columns, optimal ${cleaned.result?.optimal}`);
  // @ts-expect-error: a misspelt request field
  clean(bytes, { polcy: policy }, null);
  // A population table (k-map counted in it, δ-presence): the file's bytes, read as told.
  const withPopulation: CleanRequest = { ...request, population_table: bytes, population_read: { delimiter: ";" } };
  const counted = clean(bytes, withPopulation, null);
  lines.push(`k-map ${counted.result?.population_table?.k_map}, δ up to ${counted.result?.population_table?.delta_max}`);
  // @ts-expect-error: the population table is bytes, not a path
  clean(bytes, { ...request, population_table: "population.csv" }, null);
  // @ts-expect-error: clean's timings have no total
  lines.push(String(cleaned.timings.total_ms));

  // PreviewTable: a file kept in wasm memory.
  const table = new PreviewTable(bytes, read);
  const preview = table.slice(0, 20);
  lines.push(`${table.rows} rows, first cell ${preview[0]?.[0]}, ${table.inspection().columns.length} columns`);
  lines.push(`k = ${table.analyse({ qi: ["age"] }).k}`);
  const chunks: Uint8Array[] = [];
  const streamed = table.clean(request, null, (chunk) => chunks.push(chunk));
  lines.push(`${streamed.output === null ? chunks.length : 0} chunks`);
  // @ts-expect-error: a cell is a string
  lines.push(preview[0][0].toFixed(2));
  // @ts-expect-error: a misspelt read option
  new PreviewTable(bytes, { sheet: "data", encodng: "utf-8" });
  const last = table.cleanOnce(request, undefined, undefined);
  lines.push(`${last.dialect.line_ending} ${last.timings.write_ms}`);

  const fromFile = PreviewTable.fromReader(bytes.length, (offset, length) => bytes.subarray(offset, offset + length), null);
  lines.push(`${fromFile.rows} rows`);
  fromFile.free();
  return lines;
}

/** The results name the declared types (a renamed or dropped type fails here). */
export type Results = [Inspection, RiskReport, KeyFile, ApplyOutput, AnonymiseOutput, CleanOutput];
