//! Narrative notes (`--notes FILE.md`): Markdown rendered with pulldown-cmark, raw HTML
//! turned into visible text, then the HTML sanitised with ammonia (which also drops
//! `javascript:` and other unsafe links). The Markdown report gets the notes back as
//! Markdown with every HTML tag and unsafe link scheme neutralised.

use pulldown_cmark::{Event, Options, Parser, html};

/// Every pulldown-cmark option the reports use, in one place.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// (sanitised HTML, neutralised Markdown) of the notes.
pub fn render(markdown: &str) -> (String, String) {
    let events = Parser::new_ext(markdown, options()).map(|e| match e {
        // Raw HTML is shown as text, never interpreted.
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        e => e,
    });
    let mut raw = String::new();
    html::push_html(&mut raw, events);
    let clean = ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .clean(&raw)
        .to_string();
    (clean, neutralise_markdown(markdown))
}

/// Markdown with `<` and `>` escaped (no raw HTML) and unsafe URL schemes broken.
fn neutralise_markdown(md: &str) -> String {
    let mut out = md.replace('<', "&lt;").replace('>', "&gt;");
    for scheme in ["javascript:", "vbscript:", "data:", "file:"] {
        // Case-insensitive replace of the scheme.
        let lower = out.to_ascii_lowercase();
        let mut result = String::with_capacity(out.len());
        let mut last = 0;
        for (i, _) in lower.match_indices(scheme) {
            result.push_str(&out[last..i]);
            result.push_str(&scheme.replace(':', "&#58;"));
            last = i + scheme.len();
        }
        result.push_str(&out[last..]);
        out = result;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_and_javascript_links_are_inert() {
        let (h, m) = render(
            "# Q2\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) [ok](https://example.com) <img src=x onerror=alert(1)>",
        );
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("<img"), "{h}");
        assert!(!h.to_lowercase().contains("javascript:"), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
        assert!(h.contains("href=\"https://example.com\""), "{h}");
        assert!(
            !m.contains("<script") && !m.to_lowercase().contains("javascript:"),
            "{m}"
        );
        assert!(
            m.contains("JavaScript&#58;".to_lowercase().as_str()) || m.contains("javascript&#58;"),
            "{m}"
        );
    }
}
