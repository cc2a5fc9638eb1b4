//! CSV: a byte scan of our own finds an unclosed quote (the `csv` crate accepts one
//! silently) and cuts the file into record-aligned chunks, each checked for UTF-8 in
//! parallel; a chunk without a quote is split into lines and commas, any other is read by
//! the `csv` crate.

use std::path::Path;

use rayon::prelude::*;

use super::{Body, FatalError, Row, Source, not_utf8};

/// Bytes per chunk of a CSV source (chunks end at the first record boundary after it).
const CSV_CHUNK_BYTES: usize = 4 << 20;

fn csv_reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
}

/// The records of CSV text that holds no quote, as the `csv` crate reads them: a record
/// ends at CR, LF or CRLF, empty records (blank lines) are skipped, fields are split at
/// every comma. `f` gets each record's line: the chunk's first line plus the LFs before it.
pub(super) fn plain_records(
    text: &str,
    first_line: u64,
    skip_header: bool,
    mut f: impl FnMut(u64, Row<'_>),
) {
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

/// The record that starts at byte `at` of `bytes` (a place [`Row::start_in`] gave while
/// the file was read), handed to `f`.
pub(super) fn record_at(bytes: &[u8], at: usize, f: impl FnOnce(Row<'_>)) {
    let rest = &bytes[at..];
    let end = memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
    match (
        memchr::memchr(b'"', &rest[..end]),
        std::str::from_utf8(&rest[..end]),
    ) {
        // No quote before the line ends: the record is the line (a quoted field starts
        // with a quote), split as `plain_records` splits it.
        (None, Ok(record)) => {
            let mut ends: Vec<usize> = memchr::memchr_iter(b',', record.as_bytes()).collect();
            ends.push(record.len());
            f(Row::Plain(record, &ends));
        }
        _ => {
            let mut record = csv::StringRecord::new();
            csv_reader(rest)
                .read_record(&mut record)
                .expect("the record was read before: valid UTF-8, quotes closed");
            f(Row::Csv(&record, 0));
        }
    }
}

/// The records of CSV text through the `csv` crate (quoted fields, escaped quotes,
/// quoted newlines), with the same line numbers as [`plain_records`].
pub(super) fn csv_records(
    text: &str,
    first_line: u64,
    skip_header: bool,
    mut f: impl FnMut(u64, Row<'_>),
) {
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
        f(line, Row::Csv(&record, at));
    }
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

pub(super) fn parse_csv<'a>(path: &Path, bytes: &'a [u8]) -> Result<Source<'a>, FatalError> {
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

#[cfg(test)]
mod tests {
    use super::super::{Format, plain_field};
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
                    Row::Csv(r, _) => r[i].to_string(),
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
