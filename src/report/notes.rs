//! Narrative notes (`--notes FILE.md`): Markdown rendered with pulldown-cmark, raw HTML
//! turned into visible text, then the HTML sanitised with ammonia (which also drops
//! `javascript:` and other unsafe links). The Markdown report gets the notes back as
//! Markdown with every HTML tag and unsafe link scheme neutralised.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

/// Every pulldown-cmark option the reports use, in one place.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// The one sanitiser: only http, https and mailto links (and relative ones) survive.
fn sanitiser() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"));
    b
}

/// Whether the sanitiser keeps a link to `dest`: asked of the sanitiser itself, on the
/// link as pulldown-cmark writes it, so the two can never disagree.
fn href_survives(dest: &str) -> bool {
    let link = [
        Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url: CowStr::Borrowed(dest),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        }),
        Event::Text(CowStr::Borrowed("x")),
        Event::End(TagEnd::Link),
    ];
    let mut raw = String::new();
    html::push_html(&mut raw, link.into_iter());
    sanitiser().clean(&raw).to_string().contains(" href=")
}

/// (sanitised HTML, neutralised Markdown) of the notes.
///
/// A link the sanitiser would strip of its address (`javascript:`, `data:`, …) becomes
/// its text: left to the sanitiser it would stay an `<a>` with `rel` and no `href`,
/// which is invalid HTML. An image becomes a link to it (kept on the same terms), so
/// the page fetches nothing.
pub fn render(markdown: &str) -> (String, String) {
    // Per open link or image: whether its start was kept.
    let mut open: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options()).filter_map(|e| match e {
        // Raw HTML is shown as text, never interpreted.
        Event::Html(s) | Event::InlineHtml(s) => Some(Event::Text(s)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        })
        | Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let keep = href_survives(&dest_url);
            open.push(keep);
            keep.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link | TagEnd::Image) => open
            .pop()
            .unwrap_or(false)
            .then_some(Event::End(TagEnd::Link)),
        e => Some(e),
    });
    let mut raw = String::new();
    html::push_html(&mut raw, events);
    let clean = sanitiser().clean(&raw).to_string();
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

    /// Issue 12: a link whose address the sanitiser strips left `<a rel=…>` without
    /// `href` (invalid HTML); an image fetched from the network on opening the page.
    #[test]
    fn every_link_keeps_its_address_or_becomes_text_and_images_are_links() {
        let (h, _) = render(
            "[a](javascript:alert(1)) [b](JaVaScRiPt:x) [c](data:text/html,x) [d](vbscript:x) \
             [e](file:///etc/passwd) [f](https://example.com/?q=1&r=2) [g](mailto:x@example.com) \
             [h](relative/page.html) [i](java\tscript:x) [j](  https://ok.example ) \
             ![k](https://example.com/pixel.png) ![l](javascript:x) [*m*](ftp://x)",
        );
        assert_eq!(
            h.matches("<a ").count(),
            h.matches("<a href=").count(),
            "{h}"
        );
        for dropped in [
            "javascript",
            "JaVaScRiPt",
            "data:",
            "vbscript",
            "file:",
            "ftp:",
            "<img",
        ] {
            assert!(!h.contains(dropped), "{dropped}: {h}");
        }
        for text in ["a ", "b ", "c ", "d ", "e ", " l ", "<em>m</em>"] {
            assert!(h.contains(text), "{text:?}: {h}");
        }
        assert!(
            h.contains(
                r#"<a href="https://example.com/pixel.png" rel="noopener noreferrer">k</a>"#
            ),
            "{h}"
        );
        assert_eq!(h.matches("<a href=").count(), 5, "{h}");
    }
}
