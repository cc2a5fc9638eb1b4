/*!
The rows of a region page's long tables — partners, engagements, pairs, first customer
implementations and gaps — written straight from the model, escaped with the same
functions the templates use.

The templates own everything else on the page, these tables' captions and headers
included; they place the rows with `{{{rows.partners}}}`, `{{{rows.pairs}}}` and
`{{{rows.gaps}}}` (pre-escaped, hence the triple braces) and test `{{#if rows.pairs}}`
for an empty table. Why not `{{#each}}`: handlebars resolves every `{{this.x}}` from the
context's root with a handful of allocations, and the page context is JSON built from
the model first; on the L benchmark dataset (50,000 partners) those rows were about
two thirds of the render stage's CPU time. See `benches/RESULTS.md`.
*/

use super::escape;
use super::model::{EngagementRow, GapRow, ImplementationRow, PairRow, PartnerRow};

/// One cell: its text (escaped when written) and how the HTML cell is marked up.
#[derive(Clone, Copy)]
enum Field<'a> {
    /// `<td>`.
    Text(&'a str),
    /// `<td class="num">`.
    Num(&'a str),
    /// `<td class="date">`: a date, kept on one line.
    Date(&'a str),
    /// `<td class="sev-…">`, the class named after the text.
    Severity(&'a str),
    /// `<td class="num">` holding `a / b` (digits and a slash: nothing to escape).
    Ratio(usize, u32),
    /// The unit a row belongs to, rows grouped by unit: on a group's first row (with the
    /// group's number of rows) a `<th scope="rowgroup">` spanning the group, which starts
    /// a `<tbody>` of its own; on the others nothing in HTML, an empty cell in Markdown.
    Unit(&'a str, Option<usize>),
}

/// An output format's row syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// `<tr><td>…</td></tr>` lines.
    Html,
    /// GitHub-flavoured Markdown `| … |` lines.
    Markdown,
}

/// The rows of one page's long tables in one format, each row a line (empty when the
/// table has no rows).
#[derive(Debug, Default, serde::Serialize)]
pub struct Rows {
    /// The partner table.
    pub partners: String,
    /// The recommended pairs.
    pub pairs: String,
    /// The engagements in effect.
    pub engagements: String,
    /// The gaps and actions.
    pub gaps: String,
    /// The planned first customer implementations.
    pub implementations: String,
}

impl Rows {
    /// Writes the long tables' rows in `format`.
    pub fn new(
        format: Markup,
        partners: &[PartnerRow],
        engagements: &[EngagementRow],
        pairs: &[PairRow],
        gaps: &[GapRow],
        implementations: &[ImplementationRow],
    ) -> Rows {
        Rows {
            implementations: table(format, implementations, 200, |i| {
                [
                    Field::Unit(&i.unit, i.group),
                    Field::Text(&i.customer),
                    Field::Text(&i.vendor),
                    Field::Num(&i.seats),
                    Field::Text(&i.relationship),
                ]
            }),
            engagements: table(format, engagements, 200, |g| {
                [
                    Field::Text(&g.left),
                    Field::Text(&g.right),
                    Field::Date(&g.since),
                    Field::Num(&g.implementations),
                    Field::Num(&g.score),
                    Field::Text(&g.vendors),
                    Field::Text(&g.at_risk),
                ]
            }),
            partners: table(format, partners, 160, |p| {
                [
                    Field::Text(&p.id),
                    Field::Text(&p.name),
                    Field::Text(&p.track),
                    Field::Text(&p.status),
                    Field::Num(&p.score),
                    Field::Text(&p.band),
                    Field::Num(&p.components[0]),
                    Field::Num(&p.components[1]),
                    Field::Num(&p.components[2]),
                    Field::Text(&p.vendors),
                    Field::Ratio(p.pairs, p.capacity),
                ]
            }),
            pairs: table(format, pairs, 160, |p| {
                [
                    Field::Text(&p.left),
                    Field::Text(&p.right),
                    Field::Num(&p.score),
                    Field::Num(&p.skill),
                    Field::Num(&p.vendor),
                    Field::Text(&p.vendors),
                    Field::Text(p.origin),
                ]
            }),
            gaps: table(format, gaps, 200, |g| {
                [
                    Field::Severity(g.severity),
                    Field::Text(g.kind),
                    Field::Text(&g.subject),
                    Field::Text(&g.detail),
                ]
            }),
        }
    }
}

/// The rows of `items` in `format`, one per item with the cells `cells` gives it;
/// `guess` is a row's typical length, for sizing.
fn table<'a, T, const N: usize>(
    format: Markup,
    items: &'a [T],
    guess: usize,
    cells: impl Fn(&'a T) -> [Field<'a>; N],
) -> String {
    let mut out = String::with_capacity(items.len() * guess);
    for item in items {
        write_row(&mut out, format, &cells(item));
    }
    out
}

fn write_row(out: &mut String, format: Markup, cells: &[Field<'_>]) {
    let escape = match format {
        Markup::Html => escape::html_into,
        Markup::Markdown => escape::markdown_into,
    };
    if format == Markup::Html {
        if let Some(Field::Unit(_, Some(_))) = cells.first() {
            if !out.is_empty() {
                out.push_str("</tbody>\n");
            }
            out.push_str("<tbody>");
        }
        out.push_str("<tr>");
    }
    for &cell in cells {
        if let (Markup::Html, Field::Unit(_, None)) = (format, cell) {
            continue;
        }
        match (format, cell) {
            (Markup::Html, Field::Text(_)) => out.push_str("<td>"),
            (Markup::Html, Field::Num(_) | Field::Ratio(..)) => out.push_str("<td class=\"num\">"),
            (Markup::Html, Field::Date(_)) => out.push_str("<td class=\"date\">"),
            (Markup::Html, Field::Severity(t)) => {
                out.push_str("<td class=\"sev-");
                escape(out, t);
                out.push_str("\">");
            }
            (Markup::Html, Field::Unit(_, rows)) => {
                use std::fmt::Write;
                let _ = write!(
                    out,
                    "<th scope=\"rowgroup\" rowspan=\"{}\" class=\"unit\">",
                    rows.unwrap_or(1)
                );
            }
            (Markup::Markdown, _) => out.push_str("| "),
        }
        match cell {
            Field::Text(t)
            | Field::Num(t)
            | Field::Date(t)
            | Field::Severity(t)
            | Field::Unit(t, Some(_)) => escape(out, t),
            Field::Unit(_, None) => {}
            Field::Ratio(a, b) => {
                use std::fmt::Write;
                let _ = write!(out, "{a} / {b}");
            }
        }
        out.push_str(match (format, cell) {
            (Markup::Html, Field::Unit(..)) => "</th>",
            (Markup::Html, _) => "</td>",
            (Markup::Markdown, _) => " ",
        });
    }
    out.push_str(match format {
        Markup::Html => "</tr>\n",
        Markup::Markdown => "|\n",
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partner(name: &str) -> PartnerRow {
        PartnerRow {
            id: "P-1".into(),
            name: name.into(),
            track: "voice".into(),
            status: "active".into(),
            score: "71.5".into(),
            band: "ready".into(),
            components: ["80.0".into(), "50.0".into(), "12.0".into()],
            vendors: "avaya, cisco".into(),
            pairs: 2,
            capacity: 3,
        }
    }

    #[test]
    fn rows_are_escaped_for_each_format() {
        let gap = GapRow {
            kind: "uncovered_vendor",
            severity: "high",
            subject: "a|b".into(),
            detail: "<b>x</b>".into(),
        };
        let html = Rows::new(
            Markup::Html,
            &[partner("<script>'x' & \"y\"</script>")],
            &[],
            &[],
            std::slice::from_ref(&gap),
            &[],
        );
        assert_eq!(
            html.partners,
            "<tr><td>P-1</td><td>&lt;script&gt;&#x27;x&#x27; &amp; &quot;y&quot;&lt;/script&gt;</td>\
             <td>voice</td><td>active</td><td class=\"num\">71.5</td><td>ready</td>\
             <td class=\"num\">80.0</td><td class=\"num\">50.0</td><td class=\"num\">12.0</td>\
             <td>avaya, cisco</td><td class=\"num\">2 / 3</td></tr>\n"
        );
        assert_eq!(
            html.pairs, "",
            "no rows, no text: the template's {{#if}} is false"
        );
        assert_eq!(
            html.gaps,
            "<tr><td class=\"sev-high\">high</td><td>uncovered_vendor</td><td>a|b</td>\
             <td>&lt;b&gt;x&lt;/b&gt;</td></tr>\n"
        );
        let md = Rows::new(
            Markup::Markdown,
            &[partner("*A*|[x](y)\nz")],
            &[],
            &[],
            &[gap],
            &[],
        );
        assert_eq!(
            md.partners,
            "| P-1 | \\*A\\*\\|\\[x\\](y) z | voice | active | 71.5 | ready | 80.0 | 50.0 | 12.0 \
             | avaya, cisco | 2 / 3 |\n"
        );
        assert_eq!(
            md.gaps,
            "| high | uncovered\\_vendor | a\\|b | &lt;b&gt;x&lt;/b&gt; |\n"
        );
    }
}
