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

use std::fmt;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::*;
use rayon::prelude::*;

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
pub(crate) enum Row<'r> {
    Csv(&'r csv::StringRecord),
    /// A record without quotes: its text and the end of each field in it.
    Plain(&'r str, &'r [usize]),
    Json(&'r [String], &'r [(String, serde_json::Value)]),
    Parquet(&'r ParquetTable, usize),
}

impl<'r> Row<'r> {
    /// The number of fields, for formats where a row can have the wrong number.
    pub(crate) fn field_count(&self) -> Option<usize> {
        match self {
            Row::Csv(r) => Some(r.len()),
            Row::Plain(_, ends) => Some(ends.len()),
            _ => None,
        }
    }

    /// The cell in the file's column `i`.
    #[inline(always)]
    pub(crate) fn get(&self, i: usize) -> Cell<'r> {
        match *self {
            Row::Csv(r) => match r.get(i) {
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

/// The records of CSV text that holds no quote, as the `csv` crate reads them: a record
/// ends at CR, LF or CRLF, empty records (blank lines) are skipped, fields are split at
/// every comma. `f` gets each record's line: the chunk's first line plus the LFs before it.
fn plain_records(text: &str, first_line: u64, skip_header: bool, mut f: impl FnMut(u64, Row<'_>)) {
    let bytes = text.as_bytes();
    let mut ends: Vec<usize> = Vec::with_capacity(16);
    let (mut at, mut line, mut header) = (0usize, first_line, skip_header);
    while at < bytes.len() {
        match bytes[at] {
            b'\n' => {
                line += 1;
                at += 1;
                continue;
            }
            b'\r' => {
                at += 1;
                continue;
            }
            _ => {}
        }
        let end = memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(bytes.len(), |k| at + k);
        // Both ends are ASCII bytes (or the text's end), so on character boundaries.
        let record = &text[at..end];
        at = end;
        if std::mem::take(&mut header) {
            continue;
        }
        ends.clear();
        ends.extend(memchr::memchr_iter(b',', record.as_bytes()));
        ends.push(record.len());
        f(line, Row::Plain(record, &ends));
    }
}

/// The records of CSV text through the `csv` crate (quoted fields, escaped quotes,
/// quoted newlines), with the same line numbers as [`plain_records`].
fn csv_records(text: &str, first_line: u64, skip_header: bool, mut f: impl FnMut(u64, Row<'_>)) {
    let chunk = text.as_bytes();
    let mut reader = csv_reader(chunk);
    // One UTF-8 check per record (the text is checked already, so it never fails), then
    // every field is a `&str`.
    let mut record = csv::StringRecord::new();
    let mut header = skip_header;
    // The crate's positions point at the end of the previous record (before any blank
    // lines) and its line count is unreliable with CRLF, so lines are counted here:
    // newlines before the record's first byte.
    let (mut line, mut counted) = (first_line, 0usize);
    while reader
        .read_record(&mut record)
        .expect("the text was checked: valid UTF-8, quotes closed")
    {
        if std::mem::take(&mut header) {
            continue;
        }
        let mut at = record.position().map_or(0, |p| p.byte() as usize);
        while matches!(chunk.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        // A plain loop: the stretch is one record long, too short for memchr's set-up to
        // pay.
        line += chunk[counted..at].iter().filter(|&&b| b == b'\n').count() as u64;
        counted = at;
        f(line, Row::Csv(&record));
    }
}

/// Rows per chunk of an NDJSON or Parquet source.
const ROWS_PER_CHUNK: usize = 1 << 16;
/// Bytes per chunk of a CSV source (chunks end at the first record boundary after it).
const CSV_CHUNK_BYTES: usize = 4 << 20;

fn csv_reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
}

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

/// Scans CSV bytes as RFC 4180 reads quotes — only a quote at the start of a field opens
/// one, `""` inside is an escaped quote — and returns where chunks of about
/// `chunk_bytes` start: (offset of a record start, its 1-based line). The first chunk
/// starts at 0, line 1. An unclosed quote is an error carrying the line where it opened.
///
/// Only quotes are looked at one by one (they are rare); a chunk ends at the first newline
/// outside quotes once it is `chunk_bytes` long, and lines are counted in bulk.
fn scan_csv(bytes: &[u8], chunk_bytes: usize) -> Result<Vec<(usize, u64)>, u64> {
    let mut starts = vec![(0usize, 1u64)];
    let (mut last, mut line) = (0usize, 1u64);
    // Cuts land in quote-free stretches [from, to).
    let mut cut = |from: usize, to: usize, last: &mut usize, line: &mut u64| loop {
        let want = last.saturating_add(chunk_bytes).saturating_sub(1).max(from);
        if want >= to {
            return;
        }
        match memchr::memchr(b'\n', &bytes[want..to]) {
            Some(k) if want + k + 1 < bytes.len() => {
                let at = want + k + 1;
                *line += memchr::memchr_iter(b'\n', &bytes[*last..at]).count() as u64;
                starts.push((at, *line));
                *last = at;
            }
            _ => return,
        }
    };
    let mut i = 0;
    let mut search = 0;
    while let Some(k) = memchr::memchr(b'"', &bytes[search..]) {
        let q = search + k;
        if q > 0 && !matches!(bytes[q - 1], b',' | b'\n') {
            search = q + 1; // a quote inside an unquoted field is literal text
            continue;
        }
        cut(i, q, &mut last, &mut line);
        let mut j = q + 1;
        loop {
            let Some(k) = memchr::memchr(b'"', &bytes[j..]) else {
                return Err(line + memchr::memchr_iter(b'\n', &bytes[last..q]).count() as u64);
            };
            if bytes.get(j + k + 1) == Some(&b'"') {
                j += k + 2; // an escaped quote
            } else {
                j += k + 1;
                break;
            }
        }
        (i, search) = (j, j);
    }
    cut(i, bytes.len(), &mut last, &mut line);
    Ok(starts)
}

fn parse_csv<'a>(path: &Path, bytes: &'a [u8]) -> Result<Source<'a>, FatalError> {
    parse_csv_in(path, bytes, CSV_CHUNK_BYTES)
}

fn parse_csv_in<'a>(
    path: &Path,
    bytes: &'a [u8],
    chunk_bytes: usize,
) -> Result<Source<'a>, FatalError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let scanned = scan_csv(bytes, chunk_bytes);
    // UTF-8, chunk by chunk in parallel (chunks start after a newline, so on a character
    // boundary); the first bad chunk is reported. An unclosed quote is only a cut-off
    // scan, so a text that is not UTF-8 is reported as such first.
    let chunks = scanned.as_ref().map_or_else(|_| vec![(0, 1)], Clone::clone);
    let texts: Vec<Result<&str, usize>> = chunks
        .par_iter()
        .enumerate()
        .map(|(c, &(start, _))| {
            let end = chunks.get(c + 1).map_or(bytes.len(), |s| s.0);
            std::str::from_utf8(&bytes[start..end]).map_err(|e| start + e.valid_up_to())
        })
        .collect();
    if let Some(pos) = texts.iter().filter_map(|t| t.err()).min() {
        return Err(not_utf8(path, bytes, pos));
    }
    let starts = scanned.map_err(|line| {
        FatalError::new(
            path,
            "unclosed quote: the quoted field opened here never ends",
        )
        .at(line, None)
    })?;
    let chunks = texts
        .into_iter()
        .zip(&starts)
        .map(|(text, &(_, line))| (text.expect("checked above"), line))
        .collect();
    let mut reader = csv_reader(bytes);
    let mut header = csv::StringRecord::new();
    let has_header = reader
        .read_record(&mut header)
        .map_err(|e| FatalError::new(path, format!("cannot read the header: {e}")).at(1, None))?;
    if !has_header {
        return Err(FatalError::new(path, "empty file: no header line"));
    }
    let columns = header.iter().map(str::to_string).collect();
    Ok(Source {
        columns,
        body: Body::Csv(chunks),
    })
}

/// A JSON object's key/value pairs in order, duplicates kept (so they can be refused).
struct Pairs(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Pairs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Pairs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Pairs, A::Error> {
                let mut v = Vec::new();
                while let Some(kv) = m.next_entry()? {
                    v.push(kv);
                }
                Ok(Pairs(v))
            }
        }
        d.deserialize_map(V)
    }
}

fn parse_ndjson<'a>(path: &Path, bytes: &'a [u8]) -> Result<Source<'a>, FatalError> {
    let text = check_utf8(path, bytes)?;
    let lines: Vec<(u64, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let parsed: Vec<(u64, Vec<(String, serde_json::Value)>)> = lines
        .par_iter()
        .map(|&(line, l)| {
            let Pairs(pairs) = serde_json::from_str(l).map_err(|e| {
                FatalError::new(path, format!("not a JSON object: {e}"))
                    .at(line, Some(e.column().to_string()))
            })?;
            for (i, (k, _)) in pairs.iter().enumerate() {
                if pairs[..i].iter().any(|(k2, _)| k2 == k) {
                    return Err(FatalError::new(path, format!("duplicate key `{k}`"))
                        .at(line, Some(k.clone())));
                }
            }
            Ok((line, pairs))
        })
        .collect::<Result<_, _>>()?;
    // Columns: every key of any row, in order of first appearance.
    let mut columns: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (_, pairs) in &parsed {
        for (k, _) in pairs {
            if !seen.contains(k.as_str()) {
                seen.insert(k.clone());
                columns.push(k.clone());
            }
        }
    }
    Ok(Source {
        columns,
        body: Body::Json(parsed),
    })
}

/// A Parquet file's columns, each converted once to the typed form rows read from.
pub(crate) struct ParquetTable {
    height: usize,
    cols: Vec<PqCol>,
}

enum PqCol {
    Str(StringChunked),
    Int(Int64Chunked),
    Float(Float64Chunked),
    Bool(BooleanChunked),
    Date(Int32Chunked),
    Null,
}

const EPOCH_DAYS_CE: i32 = 719_163; // 1970-01-01 in days from 0001-01-01 (CE day 1)

impl ParquetTable {
    fn cell(&self, col: usize, row: usize) -> Cell<'_> {
        match &self.cols[col] {
            PqCol::Str(c) => c.get(row).map_or(Cell::Missing, Cell::typed_str),
            PqCol::Int(c) => c.get(row).map_or(Cell::Missing, Cell::Int),
            PqCol::Float(c) => c.get(row).map_or(Cell::Missing, Cell::Float),
            PqCol::Bool(c) => c.get(row).map_or(Cell::Missing, Cell::Bool),
            PqCol::Date(c) => c.get(row).map_or(Cell::Missing, |d| {
                NaiveDate::from_num_days_from_ce_opt(d.saturating_add(EPOCH_DAYS_CE))
                    .map_or(Cell::Other("date out of range"), Cell::Date)
            }),
            PqCol::Null => Cell::Missing,
        }
    }
}

fn parse_parquet<'a>(path: &Path, bytes: &'a [u8]) -> Result<Source<'a>, FatalError> {
    let bad = |e: PolarsError| FatalError::new(path, format!("not a readable Parquet file: {e}"));
    let df = ParquetReader::new(Cursor::new(bytes))
        .finish()
        .map_err(bad)?;
    let height = df.height();
    let mut columns = Vec::new();
    let mut cols = Vec::new();
    for c in df.columns() {
        columns.push(c.name().to_string());
        let s = c.as_materialized_series().rechunk();
        let col = match s.dtype() {
            DataType::Null => PqCol::Null,
            DataType::String => PqCol::Str(s.str().map_err(bad)?.clone()),
            DataType::Boolean => PqCol::Bool(s.bool().map_err(bad)?.clone()),
            DataType::Float32 | DataType::Float64 => PqCol::Float(
                s.cast(&DataType::Float64)
                    .map_err(bad)?
                    .f64()
                    .map_err(bad)?
                    .clone(),
            ),
            DataType::Date => PqCol::Date(s.date().map_err(bad)?.physical().clone()),
            dt if dt.is_integer() => PqCol::Int(
                s.strict_cast(&DataType::Int64)
                    .map_err(bad)?
                    .i64()
                    .map_err(bad)?
                    .clone(),
            ),
            dt => {
                return Err(FatalError::new(
                    path,
                    format!(
                        "column `{}` has type {dt}, which no column of the data contract takes",
                        c.name()
                    ),
                ));
            }
        };
        cols.push(col);
    }
    Ok(Source {
        columns,
        body: Body::Parquet(ParquetTable { height, cols }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_unclosed_quotes() {
        let unclosed = |b: &[u8]| scan_csv(b, usize::MAX).err();
        assert_eq!(unclosed(b"a,b\n1,\"x\"\n"), None);
        assert_eq!(unclosed(b"a,b\n1,\"x\"\"y\"\n"), None);
        assert_eq!(
            unclosed(b"a,b\n1,\"multi\nline\"\n2,\"open\n3,4\n"),
            Some(4)
        );
        assert_eq!(
            unclosed(b"a,b\n1,x\"y\n"),
            None,
            "a mid-field quote is literal"
        );
        assert_eq!(unclosed(b"\"a"), Some(1));
        assert_eq!(unclosed(b"a,\"\"\n"), None);
    }

    #[test]
    fn chunks_start_at_record_boundaries_outside_quotes() {
        let data = b"h\n\"x\ny\"\nab\n\ncd\n";
        // Cut after every newline outside quotes.
        assert_eq!(
            scan_csv(data, 1),
            Ok(vec![(0, 1), (2, 2), (8, 4), (11, 5), (12, 6)])
        );
        // Reading chunk by chunk gives the same rows and lines as one pass.
        let src = parse_csv_in(Path::new("t.csv"), data, 1).unwrap();
        let Body::Csv(chunks) = &src.body else {
            unreachable!()
        };
        assert_eq!(chunks.len(), 5);
        let mut seen = Vec::new();
        src.for_each(|line, row| seen.push((line, row.get(0).display().into_owned())));
        assert_eq!(
            seen,
            vec![
                (2, "x\ny".to_string()),
                (4, "ab".to_string()),
                (6, "cd".to_string())
            ]
        );
    }

    /// Every record of `text` as (line, fields), through the plain split or the `csv`
    /// crate.
    fn records(text: &str, plain: bool) -> Vec<(u64, Vec<String>)> {
        let mut out = Vec::new();
        let mut take = |line, row: Row<'_>| {
            let n = row.field_count().unwrap();
            let fields = (0..n)
                .map(|i| match row {
                    Row::Csv(r) => r[i].to_string(),
                    Row::Plain(t, ends) => plain_field(t, ends, i).unwrap().to_string(),
                    _ => unreachable!(),
                })
                .collect();
            out.push((line, fields));
        };
        if plain {
            plain_records(text, 7, true, &mut take);
        } else {
            csv_records(text, 7, true, &mut take);
        }
        out
    }

    #[test]
    fn plain_records_split_like_the_csv_crate() {
        let text = "h1,h2\r\n\r\na,b\rc,,\n\n ,\u{e9}x\r\n\n\nlast";
        let want = vec![
            (9, vec!["a".to_string(), "b".to_string()]),
            (9, vec!["c".to_string(), String::new(), String::new()]),
            (11, vec![" ".to_string(), "\u{e9}x".to_string()]),
            (14, vec!["last".to_string()]),
        ];
        assert_eq!(records(text, false), want);
        assert_eq!(records(text, true), want);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// On any quote-free text the plain split gives the `csv` crate's records, fields
        /// and lines.
        #[test]
        fn plain_records_equal_the_csv_crate(text in "[a\u{e9} ,\r\n\t]{0,60}") {
            proptest::prop_assert_eq!(records(&text, true), records(&text, false));
        }
    }

    #[test]
    fn csv_line_numbers_count_blank_lines_crlf_and_quoted_newlines() {
        let data = b"h1,h2\r\n\r\na,\"x\r\ny\"\r\n\r\n\r\nb,c\r\n";
        let src = Source::parse(Path::new("t.csv"), Format::Csv, data).unwrap();
        let mut seen = Vec::new();
        src.for_each(|line, row| seen.push((line, row.get(0).display().into_owned())));
        assert_eq!(seen, vec![(3, "a".to_string()), (7, "b".to_string())]);
    }

    #[test]
    fn invalid_utf8_is_located_in_any_chunk() {
        // Chunks of 4 bytes: the first bad byte is in the fourth record's chunk; a later
        // one does not hide it.
        let data = b"a,b\nx,1\ny,2\nz,\xff\nw,\xfe\n";
        for chunk in [1, 4, usize::MAX] {
            let err = parse_csv_in(Path::new("t.csv"), data, chunk).err().unwrap();
            assert_eq!(
                (err.line, err.column.as_deref()),
                (Some(4), Some("3")),
                "{chunk}"
            );
        }
        let quoted = b"a,b\nx,\"1\n\xff\"\n";
        let err = parse_csv_in(Path::new("t.csv"), quoted, 1).err().unwrap();
        assert_eq!(err.line, Some(3));
        assert!(
            err.message.starts_with("not valid UTF-8"),
            "{}",
            err.message
        );
    }

    #[test]
    fn invalid_utf8_is_located() {
        let err = Source::parse(Path::new("t.csv"), Format::Csv, b"a,b\nx,\xff\n")
            .err()
            .unwrap();
        assert_eq!((err.line, err.column.as_deref()), (Some(2), Some("3")));
    }
}
