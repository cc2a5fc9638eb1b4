//! Escaping of data values for each output format. Renderers call these; the model
//! never holds escaped text.

use std::borrow::Cow;

/// Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection),
/// with their full-width forms.
fn starts_formula(c: char) -> bool {
    matches!(
        c,
        '=' | '+'
            | '-'
            | '@'
            | '\t'
            | '\r'
            | '\n'
            | '\u{FF1D}'
            | '\u{FF0B}'
            | '\u{FF0D}'
            | '\u{FF20}'
    )
}

/// A CSV text cell that a spreadsheet will not run: a value starting with a formula
/// character gets a leading `'`, unless it parses as a number (`-5` stays `-5`).
pub fn csv_text(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some(c) if starts_formula(c) && s.parse::<f64>().is_err() => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_numbers_left_alone() {
        for (input, want) in [
            ("=1+2", "'=1+2"),
            ("+SUM(A1)", "'+SUM(A1)"),
            ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
            ("@SUM(1)", "'@SUM(1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("\n=1", "'\n=1"),
            ("\u{FF1D}1+1", "'\u{FF1D}1+1"),
            ("\u{FF0B}1", "'\u{FF0B}1"),
            ("\u{FF0D}1", "'\u{FF0D}1"),
            ("\u{FF20}x", "'\u{FF20}x"),
            ("-5", "-5"),
            ("+3.5", "+3.5"),
            ("Contoso", "Contoso"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(csv_text(input), want, "{input:?}");
        }
    }
}
