// Scanning bytes for the identifiers of an input file: the values are taken
// from the input's own columns (read by Python's csv module, independently of
// masque) and searched as whole tokens (not inside a longer run of letters or
// digits, where a base32 pseudonym could hold them by chance), exactly as
// written, in Windows-1252 and UTF-8, plus the compact form of NIRs and phones.

import { execFileSync } from 'node:child_process';

const READER = `
import csv, io, json, sys
path = sys.argv[1]
raw = open(path, 'rb').read()
try:
    text = raw.decode('utf-8-sig')
except UnicodeDecodeError:
    text = raw.decode('cp1252')
sample = text[:4096]
sep = max(';,\\t|', key=sample.count)
rows = list(csv.DictReader(io.StringIO(text, newline=''), delimiter=sep))
cols = ['nir', 'nom', 'prenom', 'email', 'telephone']
print(json.dumps({c: sorted({r[c] for r in rows if r.get(c)}) for c in cols}))
`;

/** The distinct NIRs, surnames, first names, e-mails and phones of a CSV file. */
export function identifiersOf(file) {
  return JSON.parse(execFileSync('python3', ['-c', READER, file], { encoding: 'utf8', maxBuffer: 256 << 20 }));
}

const isWord = (byte) => (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte >= 0x80;

function encodings(value) {
  const forms = new Set([value]);
  if (/^[\d\s.A-Ba-b-]+$/.test(value)) forms.add(value.replace(/[\s.-]/g, ''));
  const out = [];
  for (const v of forms) {
    if (v.length < 2) continue;
    out.push(Buffer.from(v, 'utf8'));
    if (/[^\x00-\x7f]/.test(v)) out.push(Buffer.from(v, 'latin1'));
  }
  return out;
}

/** Every identifier of `ids` found as a whole token in `bytes`: [{column, value, at}]. */
export function leaks(bytes, ids) {
  const found = [];
  for (const [column, values] of Object.entries(ids)) {
    for (const value of values) {
      for (const needle of encodings(value)) {
        let at = bytes.indexOf(needle);
        while (at >= 0) {
          const before = at > 0 ? bytes[at - 1] : 0x20;
          const after = at + needle.length < bytes.length ? bytes[at + needle.length] : 0x20;
          if (!isWord(before) && !isWord(after)) {
            found.push({ column, value, at });
            break;
          }
          at = bytes.indexOf(needle, at + 1);
        }
      }
    }
  }
  return found;
}
