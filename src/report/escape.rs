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

/// Text for HTML element content or a quoted attribute value.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    html_into(&mut out, s);
    out
}

/// [`html`], appended to `out`.
pub fn html_into(out: &mut String, s: &str) {
    escape_into(out, s, |b| match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#x27;"),
        b'`' => Some("&#x60;"),
        b'=' => Some("&#x3D;"),
        _ => None,
    });
}

/// Appends `s` to `out` with each ASCII byte that `replace` maps replaced: the runs in
/// between are copied whole (every byte of a multi-byte character is above 0x7F, so a
/// run never splits one).
#[inline]
fn escape_into(out: &mut String, s: &str, replace: impl Fn(u8) -> Option<&'static str>) {
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if let Some(r) = replace(b) {
            out.push_str(&s[start..i]);
            out.push_str(r);
            start = i + 1;
        }
    }
    out.push_str(&s[start..]);
}

/// Text for a GitHub-flavoured Markdown table cell or line: the punctuation that makes
/// emphasis, code, links, images, headings and strikethrough is escaped, and so is HTML;
/// a pipe cannot end a cell and line breaks become spaces. (Values only ever appear inside
/// a table cell or a line, never at a line start.)
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    markdown_into(&mut out, s);
    out
}

/// [`markdown`], appended to `out`.
pub fn markdown_into(out: &mut String, s: &str) {
    escape_into(out, s, |b| match b {
        b'\\' => Some("\\\\"),
        b'`' => Some("\\`"),
        b'*' => Some("\\*"),
        b'_' => Some("\\_"),
        b'[' => Some("\\["),
        b']' => Some("\\]"),
        b'#' => Some("\\#"),
        b'!' => Some("\\!"),
        b'|' => Some("\\|"),
        b'~' => Some("\\~"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'&' => Some("&amp;"),
        b'\r' => Some(""),
        b'\n' | b'\t' => Some(" "),
        _ => None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_and_markdown_escapes() {
        assert_eq!(
            html("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#x27;b&#x27;&lt;/script&gt;"
        );
        assert_eq!(markdown("a|b\nc"), "a\\|b c");
        assert_eq!(
            markdown("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
        assert_eq!(markdown("<b>**x**</b>"), "&lt;b&gt;\\*\\*x\\*\\*&lt;/b&gt;");
    }

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

    /// Character by character, as the escapes were first written: the byte-run version
    /// must give the same text for any input, multi-byte characters included.
    fn by_char(s: &str, markdown: bool) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match (markdown, c) {
                (false, '&') | (true, '&') => out.push_str("&amp;"),
                (false, '<') | (true, '<') => out.push_str("&lt;"),
                (false, '>') | (true, '>') => out.push_str("&gt;"),
                (false, '"') => out.push_str("&quot;"),
                (false, '\'') => out.push_str("&#x27;"),
                (false, '`') => out.push_str("&#x60;"),
                (false, '=') => out.push_str("&#x3D;"),
                (true, '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '!' | '|' | '~') => {
                    out.push('\\');
                    out.push(c);
                }
                (true, '\r') => {}
                (true, '\n' | '\t') => out.push(' '),
                (_, c) => out.push(c),
            }
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn escapes_equal_the_char_by_char_reference(
            s in "([<>&\"'`=\\\\*_#!|~\\[\\]\r\n\t a-zé€😀]|\\PC){0,40}"
        ) {
            proptest::prop_assert_eq!(html(&s), by_char(&s, false));
            proptest::prop_assert_eq!(markdown(&s), by_char(&s, true));
        }
    }
}
