//! The check of an `.xls` workbook (BIFF in an OLE compound file) before
//! calamine opens it.
//!
//! calamine (0.38, `xls.rs`) parses every sheet when it opens the file: each
//! sheet's cells into a dense range (`Range::from_sparse`, about 56 bytes per
//! cell of the box with its formula range), after reserving the cells the
//! sheet's DIMENSIONS record declares. Measured on a 5.6 KB file with a cell
//! at A1 and one at IV65536: 1.0 GB peak per sheet (4.7 GB for 8 such
//! sheets), and the sheet count, like the sheets' offsets (two may point at
//! the same records), is the file's to choose. A DIMENSIONS record can also
//! declare 2^32 rows (its BIFF8 row fields are 32 bits): a reservation that
//! aborts the process.
//!
//! This check reads the `Workbook` (or `Book`) stream as calamine's own
//! compound-file reader does (sector chains bounded: a loop is refused, where
//! calamine would grow without end), walks the BIFF records (2-byte type,
//! 2-byte length; CONTINUE records joined to the one before, as calamine
//! does), and for every sheet calamine will parse bounds:
//! - the DIMENSIONS it declares (within the xls grid, and as the box of
//!   cells below);
//! - the box of its cell records (the rule of [`sheet`]: past
//!   [`FREE_CELLS`], at most [`MAX_EMPTY_RATIO`] cells of the box per cell
//!   record), `workbook_too_sparse` naming the sheet;
//! - the whole workbook's estimated memory against the file's size
//!   ([`FREE_BYTES`], [`MAX_RATIO`]): `workbook_too_large`. The estimate
//!   counts the shared strings (SST) and, for each LABELSST cell, the copy
//!   calamine makes of the string it names: a 14-byte record can cost 96 KiB.
//!
//! Records calamine would index out of bounds on (a cell record too short for
//! its position, a MULRK whose last column is before its first, a sheet
//! offset past the stream, a shared string cut inside its header or at an
//! empty CONTINUE) are `workbook` errors here.
//!
//! [`sheet`]: super::sheet

use super::guard::{FREE_BYTES, MAX_RATIO};
use super::ods::CELL_BYTES;
use super::sheet::{FREE_CELLS, MAX_EMPTY_RATIO};
use crate::table::{ReadError, ReadErrorKind};

const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
/// BIFF8's grid: 65536 rows by 256 columns.
const XLS_ROWS: u64 = 65_536;
const XLS_COLUMNS: u64 = 256;
/// What calamine holds per cell record before the dense range: a
/// `Cell<Data>`.
const RECORD_BYTES: u64 = 40;

fn damaged(sheet: Option<&str>, reason: &str) -> ReadError {
    match sheet {
        None => ReadError::new(ReadErrorKind::Workbook { reason: reason.to_string() }),
        Some(sheet) => ReadError::new(ReadErrorKind::WorkbookSheet {
            sheet: Some(sheet.to_string()),
            cell: None,
            reason: reason.to_string(),
        }),
    }
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

/// Sectors as calamine reads them: sector `id` after the header; a sector
/// past the end of the file is cut short (or empty).
struct Sectors<'a> {
    data: &'a [u8],
    size: usize,
    maxid: u64,
}

impl<'a> Sectors<'a> {
    fn get(&self, id: u32) -> Result<&'a [u8], ReadError> {
        if u64::from(id) > self.maxid {
            return Err(damaged(None, "a sector is past the end of the file"));
        }
        let start = (id as usize).saturating_mul(self.size).min(self.data.len());
        let end = start.saturating_add(self.size).min(self.data.len());
        Ok(&self.data[start..end])
    }

    /// The chain from `id`, up to `len` bytes; a chain longer than the
    /// sectors there are loops (calamine would follow it without end).
    fn chain(&self, mut id: u32, fats: &[u32], len: u64) -> Result<Vec<u8>, ReadError> {
        let mut out = Vec::new();
        let mut steps = 0u64;
        while id != ENDOFCHAIN {
            steps += 1;
            if steps > self.maxid.saturating_add(2) {
                return Err(damaged(None, "a sector chain loops"));
            }
            let sector = self.get(id)?;
            let remaining = len.saturating_sub(out.len() as u64);
            let take = (sector.len() as u64).min(remaining) as usize;
            out.extend_from_slice(&sector[..take]);
            if out.len() as u64 >= len {
                break;
            }
            id = *fats.get(id as usize).ok_or_else(|| damaged(None, "a sector chain points past the table"))?;
        }
        Ok(out)
    }
}

fn to_u32(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// The workbook stream, as calamine's compound-file reader finds it.
fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, ReadError> {
    let bad = || damaged(None, "invalid xls content");
    let header = bytes.get(..512).ok_or_else(bad)?;
    let version = u16_at(header, 26).ok_or_else(bad)?;
    let size = match u16_at(header, 30) {
        Some(9) => 512usize,
        Some(12) => 4096,
        _ => return Err(bad()),
    };
    if bytes.len() < size {
        return Err(bad());
    }
    let sectors = Sectors { data: &bytes[size..], size, maxid: (bytes.len() / size) as u64 };
    let dir_start = u32_at(header, 48).ok_or_else(bad)?;
    let mini_fat_start = u32_at(header, 60).ok_or_else(bad)?;
    let mini_fat_len = u32_at(header, 64).ok_or_else(bad)?;
    let mut difat: Vec<u32> = to_u32(&header[76..512]).collect();
    let mut id = u32_at(header, 68).ok_or_else(bad)?;
    let mut difat_sectors = 0u64;
    while id < RESERVED_SECTORS {
        difat_sectors += 1;
        if difat_sectors > sectors.maxid.saturating_add(1) {
            return Err(damaged(None, "a sector chain loops"));
        }
        difat.extend(to_u32(sectors.get(id)?));
        id = difat.pop().ok_or_else(bad)?;
    }
    let mut fats = Vec::new();
    for id in difat.into_iter().filter(|&id| id < DIFSECT) {
        fats.extend(to_u32(sectors.get(id)?));
    }
    let dirs = sectors.chain(dir_start, &fats, u64::MAX)?;
    let large = size == 4096;
    let entries: Vec<(String, u32, u64)> = dirs
        .chunks_exact(128)
        .map(|c| {
            let units: Vec<u16> = c[..64].chunks_exact(2).map(|u| u16::from_le_bytes([u[0], u[1]])).collect();
            let mut name = String::from_utf16_lossy(&units);
            if let Some(l) = name.as_bytes().iter().position(|&b| b == 0) {
                name.truncate(l);
            }
            let start = u32_at(c, 116).unwrap_or(ENDOFCHAIN);
            let len = if large { u64_at(c, 120).unwrap_or(0) } else { u64::from(u32_at(c, 120).unwrap_or(0)) };
            (name, start, len)
        })
        .collect();
    let root = entries.first().ok_or_else(bad)?;
    if version != 3 && root.1 == ENDOFCHAIN {
        return Err(bad());
    }
    let entry = entries
        .iter()
        .find(|e| e.0.eq_ignore_ascii_case("Workbook"))
        .or_else(|| entries.iter().find(|e| e.0.eq_ignore_ascii_case("Book")))
        .ok_or_else(|| damaged(None, "the workbook stream is missing"))?;
    if entry.2 >= 4096 {
        return sectors.chain(entry.1, &fats, entry.2);
    }
    if mini_fat_len == 0 {
        return Err(bad());
    }
    let ministream = sectors.chain(root.1, &fats, root.2)?;
    let minifat: Vec<u32> =
        to_u32(&sectors.chain(mini_fat_start, &fats, u64::from(mini_fat_len).saturating_mul(size as u64))?).collect();
    // calamine reads mini sectors past the mini stream from the file itself;
    // refused here (no writer does that).
    let minis = Sectors { data: &ministream, size: 64, maxid: (ministream.len() / 64) as u64 };
    if minis.maxid == 0 {
        return Err(bad());
    }
    let minis = Sectors { maxid: minis.maxid - 1, ..minis };
    minis.chain(entry.1, &minifat, entry.2)
}

/// BIFF records as calamine's `RecordIter` reads them: (type, data, the
/// CONTINUE records after it, headers included: see [`Continued`]).
fn records(mut stream: &[u8]) -> impl Iterator<Item = Result<(u16, &[u8], &[u8]), ()>> {
    std::iter::from_fn(move || {
        if stream.is_empty() {
            return None;
        }
        let (Some(typ), Some(len)) = (u16_at(stream, 0), u16_at(stream, 2)) else {
            stream = &[];
            return Some(Err(()));
        };
        let Some(data) = stream.get(4..4 + len as usize) else {
            stream = &[];
            return Some(Err(()));
        };
        stream = &stream[4 + len as usize..];
        let continues = stream;
        while stream.len() > 4 && u16_at(stream, 0) == Some(0x003C) {
            let len = u16_at(stream, 2).unwrap_or(0) as usize;
            if stream.len() < len + 4 {
                stream = &[];
                return Some(Err(()));
            }
            stream = &stream[len + 4..];
        }
        let continues = &continues[..continues.len() - stream.len()];
        Some(Ok((typ, data, continues)))
    })
}

/// A record's data as calamine's `Record` walks it: the current piece, then
/// each CONTINUE record's data in turn (their lengths already checked by
/// [`records`]).
struct Continued<'a> {
    data: &'a [u8],
    continues: &'a [u8],
}

impl Continued<'_> {
    /// calamine's `continue_record`: moves to the next CONTINUE's data.
    fn next_piece(&mut self) -> bool {
        let Some(len) = u16_at(self.continues, 2) else { return false };
        let end = (4 + len as usize).min(self.continues.len());
        self.data = &self.continues[4.min(end)..end];
        self.continues = &self.continues[end..];
        true
    }

    /// calamine's `Record::skip`: `None` where calamine fails.
    fn skip(&mut self, mut len: usize) -> Option<()> {
        while len > 0 {
            if self.data.is_empty() && !self.next_piece() {
                return None;
            }
            let l = len.min(self.data.len());
            self.data = &self.data[l..];
            len -= l;
        }
        Some(())
    }
}

/// The most UTF-8 bytes a character of an xls string decodes to.
const CHAR_BYTES: u64 = 3;
/// What calamine holds per string besides its text: a `String`.
const STRING_BYTES: u64 = 24;

/// The shared strings' sizes once decoded, as calamine's `parse_sst` reads
/// them (`XLUnicodeRichExtendedString`s, their characters continued across
/// CONTINUE records each starting with a new flags byte): per string, at most
/// [`CHAR_BYTES`] per character. `Ok(None)` where calamine fails with an
/// error of its own; `Err` where it would index past the record's data.
fn shared_string_sizes(data: &[u8], continues: &[u8]) -> Result<Option<Vec<u32>>, ReadError> {
    let panics = || damaged(None, "a shared string is cut short");
    let Some(data) = data.get(8..) else { return Ok(None) };
    let mut r = Continued { data, continues };
    let mut sizes = Vec::new();
    while !r.data.is_empty() || r.next_piece() {
        if r.data.is_empty() {
            sizes.push(0);
            continue;
        }
        let (Some(cch), Some(&flags)) = (u16_at(r.data, 0), r.data.get(2)) else { return Ok(None) };
        r.data = &r.data[3..];
        let mut runs = 0usize;
        if flags & 0x8 != 0 {
            runs = u16_at(r.data, 0).ok_or_else(panics)? as usize;
            r.data = &r.data[2..];
        }
        let mut ext = 0usize;
        if flags & 0x4 != 0 {
            // calamine reads an i32 and skips it as a usize: a negative one fails.
            ext = i32::from_le_bytes(r.data.get(..4).ok_or_else(panics)?.try_into().unwrap_or_default()) as usize;
            r.data = &r.data[4..];
        }
        let (mut left, mut wide) = (cch as usize, flags & 0x1 != 0);
        while left > 0 {
            let width = if wide { 2 } else { 1 };
            let l = (r.data.len() / width).min(left);
            r.data = &r.data[l * width..];
            left -= l;
            if left > 0 {
                if !r.next_piece() {
                    return Ok(None);
                }
                let &flags = r.data.first().ok_or_else(panics)?;
                wide = flags & 0x1 != 0;
                r.data = &r.data[1..];
            }
        }
        if r.skip(runs.saturating_mul(4)).is_none() || r.skip(ext).is_none() {
            return Ok(None);
        }
        sizes.push((u64::from(cch) * CHAR_BYTES) as u32);
    }
    Ok(Some(sizes))
}

/// A BoundSheet8's name, for errors (Latin-1 or UTF-16 as flagged).
fn sheet_name(data: &[u8], biff8: bool) -> String {
    let Some(&cch) = data.get(6) else { return String::new() };
    let cch = cch as usize;
    let name = if biff8 {
        let high = data.get(7).is_some_and(|f| f & 1 == 1);
        let chars = data.get(8..).unwrap_or_default();
        if high {
            let units: Vec<u16> = chars.chunks_exact(2).take(cch).map(|u| u16::from_le_bytes([u[0], u[1]])).collect();
            String::from_utf16_lossy(&units)
        } else {
            chars.iter().take(cch).map(|&b| b as char).collect()
        }
    } else {
        data.get(7..).unwrap_or_default().iter().take(cch).map(|&b| b as char).collect()
    };
    name.replace('\0', "")
}

/// The box of one sheet's cell records.
#[derive(Default)]
struct SheetBox {
    cells: u64,
    rows: Option<(u32, u32)>,
    columns: (u32, u32),
}

impl SheetBox {
    fn add(&mut self, row: u32, first: u32, last: u32, count: u64) {
        self.cells = self.cells.saturating_add(count);
        match self.rows {
            None => {
                self.rows = Some((row, row));
                self.columns = (first, last);
            }
            Some((a, b)) => {
                self.rows = Some((a.min(row), b.max(row)));
                self.columns = (self.columns.0.min(first), self.columns.1.max(last));
            }
        }
    }

    fn size(&self) -> (u64, u64) {
        match self.rows {
            None => (0, 0),
            Some((a, b)) => (u64::from(b - a) + 1, u64::from(self.columns.1 - self.columns.0) + 1),
        }
    }
}

/// Checks an xls workbook before calamine opens it (see the module doc).
pub(super) fn check_xls(bytes: &[u8]) -> Result<(), ReadError> {
    let stream = workbook_stream(bytes)?;
    let bad = |sheet: Option<&str>| damaged(sheet, "invalid xls content");
    let mut sheets = Vec::new();
    let mut biff8 = true;
    // calamine keeps the last SST's strings, and copies one into every cell
    // that names it (LABELSST): a long string named by many small records.
    let mut strings = Vec::new();
    for record in records(&stream) {
        let (typ, data, continues) = record.map_err(|_| bad(None))?;
        match typ {
            0x0809 => biff8 = u16_at(data, 0) == Some(0x0600),
            0x0085 => {
                let pos = u32_at(data, 0).ok_or_else(|| bad(None))? as usize;
                sheets.push((pos, sheet_name(data, biff8)));
            }
            0x00FC => match shared_string_sizes(data, continues)? {
                Some(sizes) => strings = sizes,
                // calamine refuses the workbook itself.
                None => return Ok(()),
            },
            0x000A => break,
            _ => {}
        }
    }
    let mut estimate = strings.iter().map(|&n| u64::from(n) + STRING_BYTES).sum::<u64>();
    for (pos, name) in &sheets {
        let name = name.as_str();
        let part = stream.get(*pos..).ok_or_else(|| damaged(Some(name), "the sheet's offset is past the stream"))?;
        let mut cells = SheetBox::default();
        let mut declared = (0u64, 0u64);
        let mut formula_at = (0u32, 0u32);
        let (mut seen_bof, mut depth) = (false, 0u64);
        let mut copies = 0u64;
        for record in records(part) {
            let (typ, data, _) = record.map_err(|_| bad(Some(name)))?;
            if depth > 0 {
                match typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let short = || damaged(Some(name), "a cell record is too short");
            let at = |data: &[u8]| -> Result<(u32, u32), ReadError> {
                Ok((u32::from(u16_at(data, 0).ok_or_else(short)?), u32::from(u16_at(data, 2).ok_or_else(short)?)))
            };
            match typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x000A => break,
                0x0200 => {
                    let (rows, columns) = dimensions(data, name)?;
                    if rows.saturating_mul(columns) > declared.0.saturating_mul(declared.1) {
                        declared = (rows, columns);
                    }
                }
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => {
                    if data.len() < 6 {
                        return Err(short());
                    }
                    let (row, column) = at(data)?;
                    cells.add(row, column, column, 1);
                    if let (0x00FD, Some(i)) = (typ, u32_at(data, 6)) {
                        copies = copies.saturating_add(strings.get(i as usize).map_or(0, |&n| u64::from(n)));
                    }
                }
                0x0207 => cells.add(formula_at.0, formula_at.1, formula_at.1, 1),
                0x0006 => {
                    if data.len() < 20 {
                        return Err(short());
                    }
                    formula_at = at(data)?;
                    cells.add(formula_at.0, formula_at.1, formula_at.1, 1);
                }
                0x00BD => {
                    if data.len() < 6 {
                        return Err(short());
                    }
                    let (row, first) = at(data)?;
                    let last = u32::from(u16_at(data, data.len() - 2).ok_or_else(short)?);
                    if last < first {
                        return Err(damaged(Some(name), "a cell record's last column is before its first"));
                    }
                    cells.add(row, first, last, u64::from(last - first + 1));
                }
                _ => {}
            }
        }
        let (rows, columns) = cells.size();
        let area = rows.saturating_mul(columns);
        let allowed = cells.cells.saturating_mul(MAX_EMPTY_RATIO);
        let (declared_rows, declared_columns) = declared;
        let reserved = declared_rows.saturating_mul(declared_columns);
        for (area, rows, columns) in [(area, rows, columns), (reserved, declared_rows, declared_columns)] {
            if area > FREE_CELLS && area > allowed {
                return Err(ReadError::new(ReadErrorKind::WorkbookTooSparse {
                    sheet: name.to_string(),
                    rows,
                    columns,
                    cells: cells.cells,
                }));
            }
        }
        estimate = estimate
            .saturating_add(copies)
            .saturating_add(area.saturating_mul(CELL_BYTES))
            .saturating_add(cells.cells.max(reserved).saturating_mul(RECORD_BYTES));
        let file = bytes.len() as u64;
        if estimate > FREE_BYTES && estimate > file.saturating_mul(MAX_RATIO) {
            return Err(ReadError::new(ReadErrorKind::WorkbookTooLarge { expanded: estimate, compressed: file }));
        }
    }
    Ok(())
}

/// The rows and columns a DIMENSIONS record makes calamine reserve, refused
/// past the xls grid or when its end is before its start.
fn dimensions(data: &[u8], sheet: &str) -> Result<(u64, u64), ReadError> {
    let bad = || damaged(Some(sheet), "the sheet's dimensions are malformed or past the xls grid");
    let (rf, rl, mut cf, cl) = match data.len() {
        10 => (
            u64::from(u16_at(data, 0).ok_or_else(bad)?),
            u64::from(u16_at(data, 2).ok_or_else(bad)?),
            u64::from(u16_at(data, 4).ok_or_else(bad)?),
            u64::from(u16_at(data, 6).ok_or_else(bad)?),
        ),
        14 | 16 => (
            u64::from(u32_at(data, 0).ok_or_else(bad)?),
            u64::from(u32_at(data, 4).ok_or_else(bad)?),
            u64::from(u16_at(data, 8).ok_or_else(bad)?),
            u64::from(u16_at(data, 10).ok_or_else(bad)?),
        ),
        // calamine refuses the record itself.
        _ => return Ok((0, 0)),
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    let (end_row, end_col) = if rl >= 1 && cl >= 1 { (rl - 1, cl - 1) } else { (rf, cf) };
    if end_row < rf || end_col < cf || rl > XLS_ROWS || cl > XLS_COLUMNS {
        return Err(bad());
    }
    Ok((end_row - rf + 1, end_col - cf + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CONTINUE record holding `data`.
    fn cont(data: &[u8]) -> Vec<u8> {
        [&[0x3C, 0x00][..], &(data.len() as u16).to_le_bytes(), data].concat()
    }

    const HEAD: [u8; 8] = [9, 0, 0, 0, 9, 0, 0, 0];

    #[test]
    fn shared_strings_are_sized_as_calamine_reads_them() {
        // "ab" narrow; a rich string of 5 wide characters, 3 here and 2 (narrow
        // now) after a CONTINUE's flags byte, then its 2 runs (8 bytes) split
        // over that CONTINUE and the next; a string with 3 bytes of ExtRst.
        let first = [&HEAD[..], &[2, 0, 0, b'a', b'b'], &[5, 0, 0x9, 2, 0], &[0x41, 0, 0x42, 0, 0x43, 0]].concat();
        let second = [&[0u8][..], b"de", &[1, 2, 3, 4, 5]].concat();
        let third = [&[6u8, 7, 8][..], &[1, 0, 0x4, 3, 0, 0, 0, b'z', 1, 2, 3]].concat();
        let continues = [cont(&second), cont(&third)].concat();
        assert_eq!(shared_string_sizes(&first, &continues).unwrap(), Some(vec![6, 15, 3]));
        // An empty CONTINUE where characters go on: calamine indexes past it.
        let cut = [&HEAD[..], &[5, 0, 0, b'a', b'b']].concat();
        let e = shared_string_sizes(&cut, &cont(&[])).unwrap_err();
        assert_eq!(e.code(), "workbook");
        // Rich flag and no cRun: calamine indexes past the data.
        assert!(shared_string_sizes(&[&HEAD[..], &[1, 0, 0x8]].concat(), &[]).is_err());
        // Characters missing at the end, or ExtRst skipped past it: calamine's own errors.
        assert_eq!(shared_string_sizes(&[&HEAD[..], &[5, 0, 0, b'a']].concat(), &[]).unwrap(), None);
        assert_eq!(shared_string_sizes(&[&HEAD[..], &[0, 0, 0x4, 9, 0, 0, 0]].concat(), &[]).unwrap(), None);
        assert_eq!(shared_string_sizes(&HEAD[..4], &[]).unwrap(), None);
    }
}
