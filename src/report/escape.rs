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
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '`' => out.push_str("&#x60;"),
            '=' => out.push_str("&#x3D;"),
            c => out.push(c),
        }
    }
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
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '!' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {}
            '\n' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
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
}
