//! One cell of an input row, whatever the file format, and its conversions to the
//! types of the data contract (docs/data-contract.md, "Columns": trimmed text, strict integers and dates).

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::config::parse_date;

/// A cell as the reader found it. Text is already trimmed; an empty or blank text is
/// [`Cell::Missing`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'a> {
    /// Absent, null, empty or whitespace-only.
    Missing,
    /// Text as CSV holds every value: an integer or a date is spelled in it.
    Text(&'a str),
    /// A value typed as a string (a JSON string, a Parquet string column): text, but
    /// never an integer, since the format could have said so.
    Str(&'a str),
    /// An integer-typed value (JSON, Parquet).
    Int(i64),
    /// A floating-point value (JSON, Parquet).
    Float(f64),
    /// A boolean (JSON, Parquet).
    Bool(bool),
    /// A date-typed value (Parquet).
    Date(NaiveDate),
    /// A value of a type no column accepts (a JSON array or object), by type name.
    Other(&'static str),
}

impl<'a> Cell<'a> {
    /// A text cell, trimmed; blank is missing.
    #[inline(always)]
    pub(crate) fn text(s: &'a str) -> Cell<'a> {
        // Most cells start and end with a visible ASCII character: nothing to trim (every
        // whitespace character is ASCII ≤ 0x20 or not ASCII).
        let visible = |b: u8| b > b' ' && b < 0x80;
        let t = match s.as_bytes() {
            [first, .., last] if visible(*first) && visible(*last) => s,
            [only] if visible(*only) => s,
            _ => s.trim(),
        };
        if t.is_empty() {
            Cell::Missing
        } else {
            Cell::Text(t)
        }
    }

    /// A typed string cell (JSON, Parquet), trimmed; blank is missing.
    #[inline(always)]
    pub(crate) fn typed_str(s: &'a str) -> Cell<'a> {
        match Cell::text(s) {
            Cell::Text(t) => Cell::Str(t),
            other => other,
        }
    }

    /// The value as it appears in messages and `rejected.csv`.
    #[inline(always)]
    pub(crate) fn display(&self) -> Cow<'a, str> {
        match *self {
            Cell::Missing => Cow::Borrowed(""),
            Cell::Text(s) | Cell::Str(s) => Cow::Borrowed(s),
            Cell::Int(i) => Cow::Owned(i.to_string()),
            Cell::Float(f) => Cow::Owned(f.to_string()),
            Cell::Bool(b) => Cow::Borrowed(if b { "true" } else { "false" }),
            Cell::Date(d) => Cow::Owned(d.format("%Y-%m-%d").to_string()),
            Cell::Other(t) => Cow::Borrowed(t),
        }
    }

    /// A string column's value: text as is; a number or boolean by its usual spelling
    /// (so that numeric ids in JSON or Parquet read as they would from CSV).
    #[inline(always)]
    pub(crate) fn as_text(&self) -> Result<Option<Cow<'a, str>>, &'static str> {
        match self {
            Cell::Missing => Ok(None),
            Cell::Other(_) => Err("not a text value"),
            Cell::Date(_) => Err("not a text value"),
            _ => Ok(Some(self.display())),
        }
    }

    /// An integer column's value: in text, an optional sign and digits; typed, an
    /// integer or a float with no fractional part.
    #[inline(always)]
    pub(crate) fn as_int(&self) -> Result<Option<i64>, &'static str> {
        match *self {
            Cell::Missing => Ok(None),
            Cell::Text(s) => parse_int(s).map(Some),
            Cell::Str(_) => Err("not an integer (a string, not a number)"),
            Cell::Int(i) => Ok(Some(i)),
            Cell::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
            _ => Err("not an integer"),
        }
    }

    /// A date column's value: strict zero-padded `YYYY-MM-DD` text, or a typed date.
    #[inline(always)]
    pub(crate) fn as_date(&self) -> Result<Option<NaiveDate>, &'static str> {
        match *self {
            Cell::Missing => Ok(None),
            Cell::Text(s) | Cell::Str(s) => {
                parse_date(s).map(Some).ok_or("not a date (YYYY-MM-DD)")
            }
            Cell::Date(d) => Ok(Some(d)),
            _ => Err("not a date (YYYY-MM-DD)"),
        }
    }
}

/// An optional sign and ASCII digits, nothing else.
fn parse_int(s: &str) -> Result<i64, &'static str> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("not an integer");
    }
    s.parse::<i64>().map_err(|_| "integer out of range")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_follow_the_contract() {
        assert_eq!(Cell::text(" 42 ").as_int(), Ok(Some(42)));
        assert_eq!(Cell::text("+7").as_int(), Ok(Some(7)));
        assert_eq!(Cell::text("-5").as_int(), Ok(Some(-5)));
        assert_eq!(Cell::text("   ").as_int(), Ok(None));
        for bad in ["1.0", "1e3", "0x10", "1 000", "--1", "+", "١٢"] {
            assert_eq!(Cell::text(bad).as_int(), Err("not an integer"), "{bad}");
        }
        assert_eq!(
            Cell::text("99999999999999999999").as_int(),
            Err("integer out of range")
        );
        assert_eq!(Cell::Float(3.0).as_int(), Ok(Some(3)));
        assert_eq!(Cell::Float(3.5).as_int(), Err("not an integer"));
        assert_eq!(Cell::Bool(true).as_int(), Err("not an integer"));
    }

    #[test]
    fn text_is_trimmed_of_any_whitespace() {
        for (raw, want) in [
            ("x", Cell::Text("x")),
            (" x", Cell::Text("x")),
            ("x\t", Cell::Text("x")),
            ("\u{a0}x y\u{2003}", Cell::Text("x y")),
            ("é", Cell::Text("é")),
            (" ", Cell::Missing),
            ("\u{a0}", Cell::Missing),
            ("", Cell::Missing),
        ] {
            assert_eq!(Cell::text(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn text_of_typed_values() {
        assert_eq!(Cell::Int(12).as_text().unwrap().as_deref(), Some("12"));
        assert_eq!(Cell::Missing.as_text().unwrap(), None);
        assert!(Cell::Other("array").as_text().is_err());
    }
}
