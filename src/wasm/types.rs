//! The TypeScript declarations of what the boundary itself takes and returns,
//! for `masque.d.ts`: the options objects that wrap the core's (with `read`,
//! `files`, `progress`...), the result objects built here (`output`,
//! `timings`...), the progress reports and the reading error's fields.
//!
//! The core's own types (`ReadOptions`, `Inspection`, `RiskReport`,
//! `Policy`, `AnonymiseConfig`, `KeyFile`, ...) are declared by the core's
//! feature `ts` (tsify derives, next to each type); the exported functions
//! name both with `unchecked_param_type` / `unchecked_return_type`. Options
//! still go through JSON (`options`), so unknown fields are errors at run
//! time too.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const BOUNDARY_TYPES: &str = r#"
/** A reading error: a JS `Error` whose `message` is the English text, with
 * fields a page can word itself (positions only, never a cell value). */
export interface MasqueReadError extends Error {
    code: "bad_option" | "binary" | "empty" | "field_count" | "header_only" | "invalid_utf16" | "invalid_utf8" | "io"
        | "sheet_not_found" | "too_large" | "unterminated_quote" | "workbook" | "workbook_too_large" | "workbook_too_sparse";
    line?: number;
    record?: number;
    expected?: number;
    found?: number;
    byte?: number;
    column?: number;
    option?: string;
    sheet?: string;
    cell?: string;
    expanded?: number;
    compressed?: number;
    rows?: number;
    columns?: number;
    cells?: number;
    /** Set when the error is in the population table (`population_table` of `clean`'s request, of
     * `anonymise`'s or `analyse`'s options), not the file. */
    file?: "population_table";
}

/** A population table, in `anonymise`'s and `analyse`'s options as in `clean`'s request. */
export interface PopulationTableOptions {
    /** A table of the population: the bytes of a CSV/TSV file or workbook whose columns include
     * every quasi-identifier. For `anonymise`, the one the configuration's `population_table`
     * names (k-map counted in it, δ-presence); for `analyse`, the classes' matches in it. */
    population_table?: Uint8Array | null;
    /** How to read `population_table` (default: sniffed, like the file). */
    population_read?: ReadOptions;
}

/** `analyse`'s options: the core's `AnalysisOptions` plus how to read the file and a population table. */
export type AnalyseOptions = AnalysisOptions & PopulationTableOptions & { read?: ReadOptions | null };

/** What `analyse` returns: the `RiskReport`, with a population table its matches in it
 * (as `masque analyse --population-table --json`). */
export type AnalyseReport = RiskReport & { population_table?: PopulationMatches };

/** The search's progress, at most every 100 ms; return `false` to stop at the best node so far. */
export interface SearchProgress {
    nodes_checked: number;
    lattice_size: number;
    best_metric: number | null;
    phase: Phase;
    elapsed_ms: number;
}

/** `anonymise`'s options (`read` and `utf8` do not apply to `AnonymiseTable`). */
export interface AnonymiseOptions extends PopulationTableOptions {
    read?: ReadOptions;
    utf8?: boolean;
    /** The texts of the `hierarchy_file`s the configuration names: `{path: text}`. */
    files?: Record<string, string>;
    progress?: ((progress: SearchProgress) => boolean | void) | null;
}

/** What `anonymise` returns. */
export interface AnonymiseOutput {
    /** The generalised file, in the input's dialect (or UTF-8 with `utf8`). */
    output: Uint8Array;
    result: AnonymiseResult;
    dialect: Dialect;
    timings: { read_ms: number; search_ms: number; write_ms: number };
}

/** `apply`'s options. */
export interface ApplyOptions {
    delimiter?: string | null;
    encoding?: Encoding | null;
    sheet?: string | null;
    utf8?: boolean;
    correspondence?: boolean;
    /** The passphrase of a key file that holds only a salt. */
    passphrase?: string | null;
    /** The texts of the `hierarchy_file`s the policy names: `{path: text}`. */
    files?: Record<string, string>;
}

/** What `apply` returns. */
export interface ApplyOutput {
    output: Uint8Array;
    report: ApplyReport;
    dialect: Dialect;
    /** The correspondence table, when asked for (secret: pseudonym -> value). */
    correspondence?: Uint8Array;
    timings: { read_ms: number; apply_ms: number; write_ms: number };
}

/** `clean`'s request. */
export interface CleanRequest {
    policy?: Policy | null;
    key?: KeyFile | null;
    passphrase?: string | null;
    /** The anonymisation configuration; `null` for pseudonymisation only. */
    anonymise?: AnonymiseConfig | null;
    read?: ReadOptions;
    utf8?: boolean;
    preview_rows?: number;
    /** The population table that `anonymise.population_table` names (k-map counted in it,
     * δ-presence): the bytes of a CSV/TSV file or workbook, holding the quasi-identifiers as the
     * policy writes them (it is not transformed by the policy). */
    population_table?: Uint8Array | null;
    /** How to read `population_table` (default: sniffed, like the file). */
    population_read?: ReadOptions;
}

/** `clean`'s progress: its stages, the search's counts, the bytes written. */
export interface CleanProgress {
    phase: "reading" | "pseudonymising" | "searching" | "writing";
    nodes_checked?: number;
    lattice_size?: number;
    best_metric?: number | null;
    elapsed_ms?: number;
    done?: number;
    total?: number;
}

/** A function told `clean`'s progress; `false` while searching stops the search. */
export type CleanProgressCallback = (progress: CleanProgress) => boolean | void;

/** What `clean` returns. */
export interface CleanOutput {
    /** The cleaned file, or `null` when it went to a sink by chunks. */
    output: Uint8Array | null;
    report: ApplyReport;
    result: AnonymiseResult | null;
    /** The file as written: rows read, set aside, suppressed and written; per column, after everything. */
    output_summary: OutputSummary;
    dialect: Dialect;
    header: string[];
    preview: string[][];
    timings: { read_ms: number; apply_ms: number; search_ms: number; write_ms: number };
}
"#;
