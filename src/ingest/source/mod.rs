/*!
The three input formats behind one row interface.

- CSV: a byte scan of our own finds an unclosed quote (the `csv` crate accepts one
  silently) and cuts the file into record-aligned chunks, each checked for UTF-8 in
  parallel. A chunk with a quote is read by the `csv` crate (RFC 4180 quoting, CR, LF or
  CRLF); a chunk without one is split into lines and commas, which reads the same records
  several times faster (a property test holds the two paths to the same records, fields
  and lines). Line numbers are the physical line where a record starts, blank lines
  counted, quoted newlines included.
- NDJSON: one `serde_json` object per physical line, parsed in parallel; blank lines are
  skipped but counted. polars' NDJSON reader is not used: it drops blank lines (so line
  numbers drift), infers one type per column across rows (so one bad value fails the whole
  file without a location) and keeps duplicate keys silently.
- Parquet: polars' reader; a row's "line" is its 1-based row number.

A row hands out [`Cell`]s by the file's column index; the table rules map the contract's
columns to those indices once per file.
*/

mod csv;
mod ndjson;
mod parquet;

use std::fmt;
use std::path::{Path, PathBuf};

use self::csv::{csv_records, parse_csv, plain_records, record_at};
use self::ndjson::parse_ndjson;
use self::parquet::{ParquetTable, parse_parquet};
use super::cell::Cell;

/// A fatal input error: the file and, where it applies, the line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FatalError {
    /// The file concerned (or the data folder).
    pub path: PathBuf,
    /// 1-based line (CSV, NDJSON) or row (Parquet), when it applies.
    pub line: Option<u64>,
    /// Column name or 1-based character column, when it applies.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl FatalError {
    pub(crate) fn new(path: &Path, message: impl Into<String>) -> Self {
        FatalError {
            path: path.to_path_buf(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub(crate) fn at(mut self, line: u64, column: Option<String>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }
}

impl fmt::Display for FatalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = &self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// A file's bytes: memory-mapped — no copy, the kernel pages the file in as it is read
/// — or, for an empty file or one that cannot be mapped, read.
pub(crate) enum Contents {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl Contents {
    pub(crate) fn open(path: &Path) -> Result<Contents, FatalError> {
        let cannot = |e: std::io::Error| FatalError::new(path, format!("cannot read: {e}"));
        let mut file = std::fs::File::open(path).map_err(cannot)?;
        if file.metadata().map_err(cannot)?.len() > 0 {
            // SAFETY: the map is only ever read, and the data contract asks that input
            // files are not rewritten in place during a run (replace one by renaming a
            // new file over it). A file truncated under the map makes the process fault
            // instead of reading on: no figure is ever computed from torn data.
            if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
                return Ok(Contents::Mapped(map));
            }
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut bytes).map_err(cannot)?;
        Ok(Contents::Read(bytes))
    }
}

impl Contents {
    /// Lets the system drop a mapped file's pages from this process's memory; they are
    /// read back when touched again.
    pub(crate) fn release_pages(&self) {
        self.release_range(0, self.len());
    }

    /// [`Contents::release_pages`] for the pages of bytes `from..from + len`.
    pub(crate) fn release_range(&self, from: usize, len: usize) {
        if let Contents::Mapped(map) = self {
            // Whole pages only: the range is widened to the pages it touches.
            const PAGE: usize = 4096;
            let start = from / PAGE * PAGE;
            let end = from.saturating_add(len).min(map.len());
            if end <= start {
                return;
            }
            // SAFETY: the map is read-only: dropped pages are read back from the file
            // unchanged (the data contract asks that input files are not rewritten in place
            // during a run), never zero-filled.
            let _ = unsafe {
                map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, end - start)
            };
        }
    }
}

impl std::ops::Deref for Contents {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Contents::Mapped(m) => m,
            Contents::Read(v) => v,
        }
    }
}

/// The input file formats, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// `.csv`
    Csv,
    /// `.parquet`
    Parquet,
    /// `.ndjson` or `.jsonl`
    Ndjson,
}

impl Format {
    /// The format of a file name's extension, if it is an input format.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext {
            "csv" => Some(Format::Csv),
            "parquet" => Some(Format::Parquet),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            _ => None,
        }
    }
}

/// One parsed input file: its columns and its rows.
pub(crate) struct Source<'a> {
    pub(crate) columns: Vec<String>,
    body: Body<'a>,
}

enum Body<'a> {
    /// The BOM-stripped, UTF-8-checked text in chunks that start at a record (the first
    /// at the header), each with the line it starts on.
    Csv(Vec<(&'a str, u64)>),
    /// (line, key/value pairs) per non-blank line.
    Json(Vec<(u64, Vec<(String, serde_json::Value)>)>),
    Parquet(ParquetTable),
}

/// One row of a [`Source`].
#[derive(Clone, Copy)]
pub(crate) enum Row<'r> {
    /// A record read by the `csv` crate and where it starts in its chunk.
    Csv(&'r ::csv::StringRecord, usize),
    /// A record without quotes: its text and the end of each field in it.
    Plain(&'r str, &'r [usize]),
    Json(&'r [String], &'r [(String, serde_json::Value)]),
    Parquet(&'r ParquetTable, usize),
}

impl<'r> Row<'r> {
    /// The number of fields, for formats where a row can have the wrong number.
    pub(crate) fn field_count(&self) -> Option<usize> {
        match self {
            Row::Csv(r, _) => Some(r.len()),
            Row::Plain(_, ends) => Some(ends.len()),
            _ => None,
        }
    }

    /// Where a CSV record starts in `chunk`, the text of the chunk it was read from.
    pub(crate) fn start_in(&self, chunk: &str) -> Option<usize> {
        match *self {
            Row::Csv(_, at) => Some(at),
            Row::Plain(text, _) => Some(text.as_ptr() as usize - chunk.as_ptr() as usize),
            _ => None,
        }
    }

    /// The cell in the file's column `i`.
    #[inline(always)]
    pub(crate) fn get(&self, i: usize) -> Cell<'r> {
        match *self {
            Row::Csv(r, _) => match r.get(i) {
                Some(s) => Cell::text(s),
                None => Cell::Missing,
            },
            Row::Plain(text, ends) => match plain_field(text, ends, i) {
                Some(s) => Cell::text(s),
                None => Cell::Missing,
            },
            Row::Json(columns, pairs) => {
                let name = &columns[i];
                match pairs.iter().find(|(k, _)| k == name) {
                    None => Cell::Missing,
                    Some((_, v)) => json_cell(v),
                }
            }
            Row::Parquet(t, row) => t.cell(i, row),
        }
    }
}

/// Field `i` of a quote-free record whose fields end at `ends`.
#[inline(always)]
fn plain_field<'r>(text: &'r str, ends: &[usize], i: usize) -> Option<&'r str> {
    let end = *ends.get(i)?;
    let start = if i == 0 { 0 } else { ends[i - 1] + 1 };
    Some(&text[start..end])
}

fn json_cell(v: &serde_json::Value) -> Cell<'_> {
    use serde_json::Value;
    match v {
        Value::Null => Cell::Missing,
        Value::Bool(b) => Cell::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Cell::Int(i),
            None => match n.as_f64() {
                Some(f) => Cell::Float(f),
                None => Cell::Other("number out of range"),
            },
        },
        Value::String(s) => Cell::typed_str(s),
        Value::Array(_) => Cell::Other("a JSON array"),
        Value::Object(_) => Cell::Other("a JSON object"),
    }
}

impl<'a> Source<'a> {
    /// Parses `bytes` (the whole file) in `format`.
    pub(crate) fn parse(path: &Path, format: Format, bytes: &'a [u8]) -> Result<Self, FatalError> {
        match format {
            Format::Csv => parse_csv(path, bytes),
            Format::Ndjson => parse_ndjson(path, bytes),
            Format::Parquet => parse_parquet(path, bytes),
        }
    }

    /// Number of data rows, where it is known before reading them.
    pub(crate) fn size_hint(&self) -> usize {
        match &self.body {
            Body::Csv(chunks) => chunks.iter().map(|c| c.0.len()).sum::<usize>() / 64,
            Body::Json(rows) => rows.len(),
            Body::Parquet(t) => t.height,
        }
    }

    /// At least the number of rows in chunk `c` (exact but for CSV, where it counts the
    /// chunk's lines).
    pub(crate) fn rows_hint(&self, c: usize) -> usize {
        match &self.body {
            Body::Csv(chunks) => memchr::memchr_iter(b'\n', chunks[c].0.as_bytes()).count() + 1,
            Body::Json(rows) => rows
                .len()
                .saturating_sub(c * ROWS_PER_CHUNK)
                .min(ROWS_PER_CHUNK),
            Body::Parquet(t) => t
                .height
                .saturating_sub(c * ROWS_PER_CHUNK)
                .min(ROWS_PER_CHUNK),
        }
    }

    /// The text of chunk `c`, for a CSV file (rows of a quote-free chunk borrow their
    /// fields from it).
    pub(crate) fn chunk_text(&self, c: usize) -> Option<&'a str> {
        match &self.body {
            Body::Csv(chunks) => Some(chunks[c].0),
            _ => None,
        }
    }

    /// Number of chunks the rows come in (see [`Source::for_each_in`]).
    pub(crate) fn chunks(&self) -> usize {
        match &self.body {
            Body::Csv(chunks) => chunks.len(),
            Body::Json(rows) => rows.len().div_ceil(ROWS_PER_CHUNK).max(1),
            Body::Parquet(t) => t.height.div_ceil(ROWS_PER_CHUNK).max(1),
        }
    }

    /// Calls `f(line, row)` for every data row in file order.
    #[cfg(test)]
    pub(crate) fn for_each(&self, mut f: impl FnMut(u64, Row<'_>)) {
        for c in 0..self.chunks() {
            self.for_each_in(c, &mut f);
        }
    }

    /// Calls `f(line, row)` for every data row of chunk `c`, in file order. Chunks can be
    /// read in parallel.
    pub(crate) fn for_each_in(&self, c: usize, mut f: impl FnMut(u64, Row<'_>)) {
        match &self.body {
            Body::Csv(chunks) => {
                let (text, first_line) = chunks[c];
                // Most chunks hold no quote at all: their records are lines and their
                // fields the text between commas, which a plain split finds several times
                // faster than a general CSV parser. Any quote sends the chunk through the
                // `csv` crate.
                if memchr::memchr(b'"', text.as_bytes()).is_none() {
                    plain_records(text, first_line, c == 0, f);
                } else {
                    csv_records(text, first_line, c == 0, f);
                }
            }
            Body::Json(rows) => {
                let end = ((c + 1) * ROWS_PER_CHUNK).min(rows.len());
                for (line, pairs) in &rows[(c * ROWS_PER_CHUNK).min(end)..end] {
                    f(*line, Row::Json(&self.columns, pairs));
                }
            }
            Body::Parquet(t) => {
                let end = ((c + 1) * ROWS_PER_CHUNK).min(t.height);
                for i in (c * ROWS_PER_CHUNK).min(end)..end {
                    f(i as u64 + 1, Row::Parquet(t, i));
                }
            }
        }
    }
}

/// Hands `f` the rows of a file read before, by where they are: for CSV each `at` is the
/// byte where a record starts ([`Row::start_in`] plus its chunk's place in the file), for
/// NDJSON and Parquet it is the row's line (the file is parsed again, every row read once).
/// `f` gets the index into `ats` with the row.
pub(crate) fn rows_at(
    path: &Path,
    format: Format,
    bytes: &[u8],
    ats: &[u64],
    mut f: impl FnMut(usize, Row<'_>),
) {
    if format == Format::Csv {
        for (i, &at) in ats.iter().enumerate() {
            record_at(bytes, at as usize, |row| f(i, row));
        }
        return;
    }
    let src = Source::parse(path, format, bytes).expect("the file was parsed before");
    let mut wanted: Vec<(u64, usize)> = ats.iter().enumerate().map(|(i, &l)| (l, i)).collect();
    wanted.sort_unstable();
    for c in 0..src.chunks() {
        src.for_each_in(c, |line, row| {
            let from = wanted.partition_point(|w| w.0 < line);
            for &(_, i) in wanted[from..].iter().take_while(|w| w.0 == line) {
                f(i, row);
            }
        });
    }
}

/// Rows per chunk of an NDJSON or Parquet source.
const ROWS_PER_CHUNK: usize = 1 << 16;

/// 1-based line and character column of byte offset `pos`.
fn line_col(bytes: &[u8], pos: usize) -> (u64, usize) {
    let before = &bytes[..pos];
    let line = memchr::memchr_iter(b'\n', before).count() as u64 + 1;
    let start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, col)
}

fn check_utf8<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, FatalError> {
    std::str::from_utf8(bytes).map_err(|e| not_utf8(path, bytes, e.valid_up_to()))
}

/// "not valid UTF-8" at byte `pos`, with the likely cause and the fix: a UTF-16 file (by
/// its byte-order mark, or NUL bytes between ASCII characters) or a legacy 8-bit encoding.
fn not_utf8(path: &Path, bytes: &[u8], pos: usize) -> FatalError {
    let (line, col) = line_col(bytes, pos);
    let head = &bytes[..bytes.len().min(64)];
    let hint = if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        "the file starts with a UTF-16 byte-order mark; save it as UTF-8 (a spreadsheet's \
         \"CSV UTF-8\")"
    } else if head.len() >= 4 && head.iter().filter(|&&b| b == 0).count() * 3 >= head.len() {
        "the file looks like UTF-16 (NUL bytes between characters); save it as UTF-8"
    } else {
        "it may be in a legacy encoding such as Windows-1252 or Latin-1; save it as UTF-8"
    };
    FatalError::new(path, format!("not valid UTF-8: {hint}")).at(line, Some(col.to_string()))
}
