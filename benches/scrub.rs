//! Free-text scrubbing benchmark, natively.
//!
//! `cargo bench --bench scrub [-- COHORT.csv]`
//!
//! Builds a deterministic corpus of ~64 MB of French clinical notes (accents,
//! numbers, doses, and in some notes a NIR, a phone number, an e-mail, a date and
//! the row's own names), then times, median of 5 runs:
//! - `scrub, row names`: per cell, a `RowContext` with the row's surname and first
//!   name is rebuilt and the cell is scrubbed into a reused `String` (what the
//!   policy engine does);
//! - `scrub, row names and a 10,000-name set`: the same, also looking for
//!   every name of the file in every cell (`Source::everywhere`);
//! - `scan only, no names`: the detectors alone, counting matches;
//! - `scan only, forms of real notes`: the same on a corpus where the
//!   identifiers are also written as clinical notes do (a NIR over two lines,
//!   `(0)6 ...`, `+33 (0)6 ...`, `jean.dupont(at)...`, `[at] ... [dot]`);
//! - `scan only, adversarial text`: cells made to make a scanner backtrack (long
//!   dotted runs, bracketed words without an address, digit groups over many
//!   lines, `(0)` everywhere): the time must stay linear in the text;
//! - with a cohort file (`gen_cohort.py --quirks`), its `commentaire` column
//!   scrubbed with each row's `nom` and `prenom`, and the time to suggest a
//!   role for every column (what `inspect` adds).
//!
//! MB/s counts the bytes of text scanned (1 MB = 10^6 bytes).

use std::time::Instant;

use masque::ident::scrub::{scan, scrub, scrub_with, Found, NameSet, RowContext, ScrubOptions};
use masque::table::{read_table, ReadOptions};

/// A small deterministic generator (xorshift64*), so runs compare.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FRAGMENTS: &[&str] = &[
    "Patient admis pour douleur thoracique, ECG sans particularité.",
    "Antécédents : HTA, diabète de type 2 traité par metformine 1000 mg x2/j.",
    "Évolution favorable sous amoxicilline, apyrexie depuis 48 h.",
    "Sortie à domicile le lendemain, contrôle biologique à J7.",
    "Allergie à la pénicilline signalée par la famille.",
    "Poids 72,5 kg, taille 1,68 m, IMC 25,7 ; TA 13/8, FC 82/min.",
    "Créatininémie 98 µmol/L, Hb 12,4 g/dL, plaquettes 245 G/L.",
    "Échographie : vésicule lithiasique sans signe de cholécystite.",
    "Revu en consultation dans 3 mois avec le bilan lipidique.",
    "Chambre 214, lit 2 ; régime sans sel ; kinésithérapie quotidienne.",
    "Pas de récidive à l’interrogatoire, examen neurologique normal.",
    "Traitement de sortie : bisoprolol 2,5 mg, atorvastatine 40 mg, aspirine 75 mg.",
];

const SURNAMES: &[&str] = &["DUPONT", "LE GALL", "FRANÇOIS", "N'DIAYE", "LEFÈVRE", "MARTIN", "GÉRARD", "DA SILVA"];
const FIRST: &[&str] = &["Jean", "Hélène", "Marie", "Jérôme", "Élodie", "François", "Zoé", "Maël"];

fn nir(rng: &mut Rng) -> String {
    loop {
        let body = format!(
            "{}{:02}{:02}{:02}{:03}{:03}",
            1 + rng.below(2),
            rng.below(100),
            1 + rng.below(12),
            1 + rng.below(95),
            1 + rng.below(999),
            1 + rng.below(999)
        );
        let n: u64 = body.parse().unwrap_or(0);
        let key = 97 - n % 97;
        let s = format!("{body}{key:02}");
        if &s[5..7] != "20" {
            return format!(
                "{} {} {} {} {} {} {}",
                &s[0..1],
                &s[1..3],
                &s[3..5],
                &s[5..7],
                &s[7..10],
                &s[10..13],
                &s[13..]
            );
        }
    }
}

fn phone(rng: &mut Rng) -> String {
    format!(
        "0{} {:02} {:02} {:02} {:02}",
        1 + rng.below(7),
        rng.below(100),
        rng.below(100),
        rng.below(100),
        rng.below(100)
    )
}

/// A phone number or a NIR written as clinical notes also write them.
fn note_form(rng: &mut Rng, prenom: &str, nom: &str) -> String {
    match rng.below(5) {
        0 => format!("Joignable au (0){}.", &phone(rng)[1..]),
        1 => format!("Tél. +33 (0){}.", &phone(rng)[1..]),
        2 => {
            let n = nir(rng);
            let cut = n.rfind(' ').unwrap_or(0);
            format!("NIR : {}\n{}.", &n[..cut], &n[cut + 1..])
        }
        3 => format!("Courriel : {}.{}(at)exemple.fr.", prenom.to_lowercase(), nom.to_lowercase().replace(' ', "")),
        _ => format!("Courriel : {} [at] chu-lyon [dot] fr.", prenom.to_lowercase()),
    }
}

/// The corpus of [`corpus`] with, in some notes, an identifier written as in [`note_form`].
fn note_forms_corpus(target_bytes: usize) -> Vec<String> {
    let mut rng = Rng(0x5EED_1DE7_0000_0006);
    corpus(target_bytes)
        .into_iter()
        .map(|(mut text, nom, prenom)| {
            if rng.below(2) == 0 {
                text.push(' ');
                text.push_str(&note_form(&mut rng, prenom, nom));
            }
            text
        })
        .collect()
}

/// Cells of about 1,000 bytes of pieces that start a detector and fail late.
fn adversarial(target_bytes: usize) -> Vec<String> {
    const PIECES: &[&str] = &[
        "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z ",
        "x [dot] y [dot] z [dot] w [dot] v (at) ",
        "a (at) b [dot] c [dot] d [dot] e [dot] f [dot] 1 ",
        "jean.dupont@exemple [dot] (at) [@] ",
        "1 2\n3 4\n5 6 7 8 9 ",
        "1 62 05 75\n123 456\n",
        "1 62 05 75 123 456 ",
        "(0)(0)(0)(0) (0)6 12 (0) ",
        "+33 (0)6 (0)6 (0)6 ",
        "0033 (0)1 2 3 4 5 ",
    ];
    let mut rng = Rng(0x5EED_1DE7_0000_0007);
    let mut cells = Vec::new();
    let mut total = 0;
    while total < target_bytes {
        let mut text = String::new();
        while text.len() < 1000 {
            text.push_str(rng.pick(PIECES));
        }
        total += text.len();
        cells.push(text);
    }
    cells
}

/// Cells of text with the row's surname and first name.
fn corpus(target_bytes: usize) -> Vec<(String, &'static str, &'static str)> {
    let mut rng = Rng(0x5EED_1DE7_0000_0005);
    let mut cells = Vec::new();
    let mut total = 0;
    while total < target_bytes {
        let nom = rng.pick(SURNAMES);
        let prenom = rng.pick(FIRST);
        let mut text = String::new();
        for k in 0..3 + rng.below(10) {
            if k > 0 {
                text.push(if rng.below(4) == 0 { '\n' } else { ' ' });
            }
            match rng.below(14) {
                0 => text.push_str(&format!("Rappeler Mme {} au {}.", nom, phone(&mut rng))),
                1 => text.push_str(&format!("NIR vérifié : {}.", nir(&mut rng))),
                2 => text.push_str(&format!(
                    "Courriel : {}.{}@{}.",
                    prenom.to_lowercase(),
                    rng.below(100),
                    rng.pick(&["gmail.com", "orange.fr", "free.fr"])
                )),
                3 => text.push_str(&format!(
                    "Vu le {:02}/{:02}/20{:02} par {} {}.",
                    1 + rng.below(28),
                    1 + rng.below(12),
                    rng.below(26),
                    prenom,
                    nom
                )),
                _ => text.push_str(rng.pick(FRAGMENTS)),
            }
        }
        total += text.len();
        cells.push((text, nom, prenom));
    }
    cells
}

fn median(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[0])
}

fn report(what: &str, bytes: usize, cells: usize, times: Vec<f64>, found: u64) {
    let (med, min) = median(times);
    let mb = bytes as f64 / 1e6;
    println!(
        "scrub bench (native): {what}: {mb:.1} MB in {cells} cells, {found} identifiers: median {:.0} ms = {:.0} MB/s (min {:.0} ms)",
        med * 1e3,
        mb / med,
        min * 1e3
    );
}

fn main() {
    let cells = corpus(64_000_000);
    let bytes: usize = cells.iter().map(|c| c.0.len()).sum();
    let options = ScrubOptions::default();

    let mut times = Vec::new();
    let mut found = 0;
    let mut out = String::new();
    let mut ctx = RowContext::new();
    for _ in 0..5 {
        let start = Instant::now();
        let mut n = 0;
        for (text, nom, prenom) in &cells {
            ctx.clear();
            ctx.add(Found::Surname, nom, None);
            ctx.add(Found::FirstName, prenom, None);
            out.clear();
            n += scrub(text, &ctx, &options, &mut out).total();
        }
        times.push(start.elapsed().as_secs_f64());
        found = n;
    }
    report("scrub, row names", bytes, cells.len(), times, found);

    // the same, also looking for every name of a 10,000-name file in every cell
    let mut set = NameSet::new();
    for name in SURNAMES.iter().chain(FIRST) {
        set.add(Found::Surname, name);
    }
    for i in 0..10_000 {
        set.add(if i % 2 == 0 { Found::Surname } else { Found::FirstName }, &format!("Nomfictif{i}"));
    }
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let mut n = 0;
        for (text, nom, prenom) in &cells {
            ctx.clear();
            ctx.add(Found::Surname, nom, None);
            ctx.add(Found::FirstName, prenom, None);
            out.clear();
            n += scrub_with(text, &ctx, &set, &options, &mut out).total();
        }
        times.push(start.elapsed().as_secs_f64());
        found = n;
    }
    report("scrub, row names and a 10,000-name set", bytes, cells.len(), times, found);

    let empty = RowContext::new();
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let mut n = 0u64;
        for (text, _, _) in &cells {
            scan(text, &empty, &options, |_| n += 1);
        }
        times.push(start.elapsed().as_secs_f64());
        found = n;
    }
    report("scan only, no names", bytes, cells.len(), times, found);

    for (what, texts) in [
        ("scan only, forms of real notes", note_forms_corpus(64_000_000)),
        ("scan only, adversarial text", adversarial(16_000_000)),
    ] {
        let bytes: usize = texts.iter().map(String::len).sum();
        let mut times = Vec::new();
        for _ in 0..5 {
            let start = Instant::now();
            let mut n = 0u64;
            for text in &texts {
                scan(text, &empty, &options, |_| n += 1);
            }
            times.push(start.elapsed().as_secs_f64());
            found = n;
        }
        report(what, bytes, texts.len(), times, found);
    }

    if let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with("--")) {
        let data = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("scrub bench: {path}: {e}");
                std::process::exit(2);
            }
        };
        let t = match read_table(&data, &ReadOptions::default()) {
            Ok(t) => t.table,
            Err(e) => {
                eprintln!("scrub bench: {path}: {e}");
                std::process::exit(2);
            }
        };
        let (Some(text), Some(nom), Some(prenom)) = (t.column("commentaire"), t.column("nom"), t.column("prenom"))
        else {
            eprintln!("scrub bench: {path}: needs commentaire, nom and prenom columns");
            std::process::exit(2);
        };
        let bytes: usize = (0..t.rows).map(|r| text.get(r).len()).sum();
        let mut times = Vec::new();
        for _ in 0..5 {
            let start = Instant::now();
            let mut n = 0;
            for row in 0..t.rows {
                let v = text.get(row);
                if v.is_empty() {
                    continue;
                }
                ctx.clear();
                ctx.add(Found::Surname, nom.get(row), None);
                ctx.add(Found::FirstName, prenom.get(row), None);
                out.clear();
                n += scrub(v, &ctx, &options, &mut out).total();
            }
            times.push(start.elapsed().as_secs_f64());
            found = n;
        }
        report(&format!("{path} commentaire"), bytes, t.rows, times, found);

        // column suggestions (what `inspect` adds per column)
        let mut times = Vec::new();
        for _ in 0..5 {
            let start = Instant::now();
            let roles: Vec<_> = t.columns.iter().map(|c| masque::suggest::suggest(c).role).collect();
            times.push(start.elapsed().as_secs_f64());
            assert_eq!(roles.len(), t.columns.len());
        }
        let (med, min) = median(times);
        println!(
            "suggest bench (native): {path}: {} columns, {} rows: median {:.0} ms (min {:.0} ms)",
            t.columns.len(),
            t.rows,
            med * 1e3,
            min * 1e3
        );
    }
}
