//! The architecture invariants of ARCHITECTURE.md, checked on the sources
//! (a tidy test): the core's layer order, its freedom from I/O, clocks,
//! randomness and JavaScript, and its dependencies.
//!
//! Each check reads files of the repository and names the line that breaks
//! the rule, so a change that breaks one fails here rather than in review.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The core's top-level modules, lowest layer first: a module may use only
/// the modules before it (ARCHITECTURE.md, "Architecture invariant").
const LAYERS: &[&str] =
    &["table", "ident", "pseudo", "privacy", "hierarchy", "search", "policy", "suggest", "clean", "inspect"];

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The lines of a file that are code: comments (`//`, `///`, `//!`) dropped.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.split("//").next().unwrap_or("")))
        .filter(|(_, l)| !l.trim().is_empty())
}

/// The module path of a core file: `core/src/table/xlsx/ods.rs` is
/// `["table", "xlsx", "ods"]`, `core/src/table/mod.rs` is `["table"]`.
fn module_path(file: &Path, src: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> =
        relative.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The core's top-level modules each line of `text` names, through
/// `crate::x` or enough `super::` to reach the crate root from `path`.
fn named_modules(text: &str, path: &[String]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in code_lines(text) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let before = &rest[..at];
            let after = &rest[at + "crate::".len()..];
            // `masque_core::` or another crate's `crate::` inside an identifier are not ours.
            if !before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                found.push((n, name));
            }
            rest = after;
        }
        let mut rest = line;
        while let Some(at) = rest.find("super::") {
            let chain = &rest[at..];
            let ups = chain.matches("super::").count().min(chain.split("super::").take_while(|s| s.is_empty()).count());
            // `super::` from a file at path depth d reaches the root after d
            // steps for `mod.rs`-less files (the file is itself a module).
            if path.len() == ups {
                let after = &chain["super::".len() * ups..];
                let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                found.push((n, name));
            }
            rest = &rest[at + "super::".len() * ups.max(1)..];
        }
    }
    found
}

#[test]
fn the_core_modules_use_only_lower_layers() {
    let src = Path::new(ROOT).join("core/src");
    let layer = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut modules: BTreeSet<String> = BTreeSet::new();
    let mut broken = Vec::new();
    for file in rust_files(&src) {
        let path = module_path(&file, &src);
        let Some(own) = path.first() else { continue };
        modules.insert(own.clone());
        let own_layer = layer(own).unwrap_or_else(|| panic!("{own} (from {}) is not in LAYERS", file.display()));
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, used) in named_modules(&text, &path) {
            let Some(used_layer) = layer(&used) else { continue };
            if used_layer > own_layer {
                broken.push(format!(
                    "{}:{line}: {own} uses {used}, a higher layer",
                    file.strip_prefix(ROOT).unwrap().display()
                ));
            }
        }
    }
    assert!(broken.is_empty(), "layer order {LAYERS:?} broken:\n{}", broken.join("\n"));
    let listed: BTreeSet<String> = LAYERS.iter().map(|s| s.to_string()).collect();
    assert_eq!(modules, listed, "LAYERS must list exactly the core's modules");
}

/// The layer check itself: `super::` chains and `crate::` paths resolve to
/// the right top-level module.
#[test]
fn named_modules_resolves_paths() {
    let path = |p: &str| p.split('/').map(str::to_string).collect::<Vec<_>>();
    let text = "use crate::policy::Policy;\nuse super::super::search;\n// crate::clean in a comment\nlet x = masque_core::table::Table;\nuse super::scan;";
    let found = named_modules(text, &path("table/xlsx/ods"));
    assert_eq!(found, vec![(1, "policy".to_string())]);
    let found = named_modules(text, &path("table/xlsx"));
    assert_eq!(found, vec![(1, "policy".to_string()), (2, "search".to_string())]);
}

/// What the core never does: files, network, processes, environment, clocks,
/// randomness, printing, JavaScript or a command line (the shells' part).
#[test]
fn the_core_does_no_io_and_reads_no_clock() {
    const FORBIDDEN: &[&str] = &[
        "std::fs",
        "std::net",
        "std::process",
        "std::env",
        "std::time",
        "Instant::",
        "SystemTime",
        "println!",
        "eprintln!",
        "print!(",
        "dbg!(",
        "getrandom",
        "wasm_bindgen",
        "js_sys",
        "clap::",
    ];
    let src = Path::new(ROOT).join("core/src");
    let mut found = Vec::new();
    for file in rust_files(&src) {
        let text = std::fs::read_to_string(&file).unwrap();
        // Unit tests may read fixtures; only the compiled core counts.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (line, l) in code_lines(code) {
            for f in FORBIDDEN {
                if l.contains(f) {
                    found.push(format!("{}:{line}: {f}", file.strip_prefix(ROOT).unwrap().display()));
                }
            }
        }
    }
    assert!(found.is_empty(), "the core must stay pure:\n{}", found.join("\n"));
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    assert!(lib.contains("#![forbid(unsafe_code)]"));
}

/// The packages each package of Cargo.lock depends on (names only).
fn lock_graph() -> BTreeMap<String, BTreeSet<String>> {
    let lock = std::fs::read_to_string(Path::new(ROOT).join("Cargo.lock")).unwrap();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for block in lock.split("[[package]]").skip(1) {
        let name = block.lines().find_map(|l| l.strip_prefix("name = \"")).unwrap().trim_end_matches('"').to_string();
        let deps = block
            .split("dependencies = [")
            .nth(1)
            .map(|d| d.split(']').next().unwrap_or(""))
            .unwrap_or("")
            .lines()
            .filter_map(|l| l.trim().strip_prefix('"'))
            .map(|l| l.split([' ', '"']).next().unwrap_or("").to_string());
        graph.entry(name).or_default().extend(deps);
    }
    graph
}

/// The sections of a Cargo manifest: each `[header]` with its lines.
fn manifest_sections(manifest: &str) -> Vec<(String, Vec<String>)> {
    let mut sections: Vec<(String, Vec<String>)> = vec![(String::new(), Vec::new())];
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            sections.push((line.to_string(), Vec::new()));
        } else if !line.is_empty() && !line.starts_with('#') {
            sections.last_mut().unwrap().1.push(line.to_string());
        }
    }
    sections
}

/// The core's optional dependencies, each allowed by name: they make the
/// TypeScript declarations of the wasm package (tsify derives, which expand
/// to wasm-bindgen items), behind the core's feature `ts`, which only the
/// wasm shell turns on. Their trees may hold JavaScript bindings, never a
/// command-line parser or randomness.
const TS_ONLY: &[&str] = &["tsify", "wasm-bindgen"];
const TS_FEATURE: &str = "ts";

/// The core's dependency tree holds no command-line parser, no JavaScript
/// binding and no randomness, except where calamine's `zip` brings
/// `getrandom` (zip 9 uses it to write encrypted archives; masque only reads
/// them), and through it, on wasm32, `js-sys` and `wasm-bindgen`; and except
/// the optional dependencies of [`TS_ONLY`], which only the wasm shell
/// enables (checked here on both manifests).
#[test]
fn the_core_depends_on_no_shell_crate() {
    const FORBIDDEN: &[&str] = &["clap", "getrandom", "wasm-bindgen", "js-sys", "serde-wasm-bindgen", "rand"];
    const FORBIDDEN_EVEN_FOR_TS: &[&str] = &["clap", "getrandom", "rand"];
    const ALLOWED_EDGES: &[(&str, &str)] = &[("zip", "getrandom")];
    let manifest = std::fs::read_to_string(Path::new(ROOT).join("core/Cargo.toml")).unwrap();
    let sections = manifest_sections(&manifest);
    let section = |name: &str| sections.iter().find(|(h, _)| h == name).map(|(_, l)| l.clone()).unwrap_or_default();
    let name_of = |l: &str| l.split('=').next().unwrap().trim().to_string();
    let dependencies = section("[dependencies]");
    let (optional, roots): (Vec<&String>, Vec<&String>) =
        dependencies.iter().filter(|l| l.contains('=')).partition(|l| l.replace(' ', "").contains("optional=true"));
    let roots: Vec<String> = roots.into_iter().map(|l| name_of(l)).collect();
    let optional: Vec<String> = optional.into_iter().map(|l| name_of(l)).collect();
    assert!(roots.contains(&"calamine".to_string()), "{roots:?}");
    // Optional dependencies: only those named, only through the feature `ts`, never by default.
    for name in &optional {
        assert!(TS_ONLY.contains(&name.as_str()), "masque-core's optional dependency {name} is not allowed (TS_ONLY)");
    }
    let features = section("[features]");
    let feature = |f: &str| features.iter().find(|l| name_of(l) == f).cloned().unwrap_or_default();
    for line in &features {
        let (name, enables) = (name_of(line), line.split_once('=').map(|x| x.1).unwrap_or(""));
        for dep in &optional {
            if enables.contains(&format!("\"dep:{dep}\"")) || enables.contains(&format!("\"{dep}/")) {
                assert_eq!(name, TS_FEATURE, "masque-core's feature {name} enables {dep}");
            }
        }
    }
    assert!(!feature("default").contains(&format!("\"{TS_FEATURE}\"")), "the core's default features include `ts`");
    // The top-level package turns `ts` on for wasm32 only.
    let shell = std::fs::read_to_string(Path::new(ROOT).join("Cargo.toml")).unwrap();
    let wasm32 = "[target.'cfg(target_arch = \"wasm32\")'.dependencies]";
    let mut enabled_for_wasm = false;
    for (header, lines) in manifest_sections(&shell) {
        for line in lines.iter().filter(|l| name_of(l) == "masque-core") {
            // Features on the core are set for wasm32 alone (`ts` among them).
            assert!(
                !line.contains("features") || header == wasm32,
                "{header} `{line}`: the core's `ts` is for wasm32 only"
            );
            enabled_for_wasm |= header == wasm32 && line.contains(&format!("\"{TS_FEATURE}\""));
        }
    }
    assert!(enabled_for_wasm, "the wasm shell enables the core's `ts` (masque.d.ts names its types)");

    let graph = lock_graph();
    let walk = |roots: &[String], forbidden: &[&str]| {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<(String, String)> = roots.iter().map(|r| ("masque-core".to_string(), r.clone())).collect();
        let mut broken = Vec::new();
        while let Some((from, name)) = stack.pop() {
            if ALLOWED_EDGES.contains(&(from.as_str(), name.as_str())) || !seen.insert(name.clone()) {
                continue;
            }
            if forbidden.contains(&name.as_str()) {
                broken.push(format!("{from} -> {name}"));
            }
            for next in graph.get(&name).into_iter().flatten() {
                stack.push((name.clone(), next.clone()));
            }
        }
        broken
    };
    let broken = walk(&roots, FORBIDDEN);
    assert!(broken.is_empty(), "the core's dependencies reach shell crates: {broken:?}");
    let broken = walk(&optional, FORBIDDEN_EVEN_FOR_TS);
    assert!(broken.is_empty(), "the core's `ts` dependencies reach shell crates: {broken:?}");
    // The shells hold what the core must not.
    let shells = graph.get("masque").unwrap();
    for c in ["masque-core", "clap", "getrandom", "wasm-bindgen", "js-sys"] {
        assert!(shells.contains(c), "the package masque depends on {c}");
    }
}
