//! Inline SVG charts for the HTML report: self-contained, labelled for screen readers
//! (`role="img"` with a title and description; the same figures are in a table beside
//! each chart), colours from a colour-blind-safe palette set by the stylesheet, and
//! lines told apart by dash pattern as well as colour.

use std::fmt::Write;

use super::escape::html;
use super::model::{Bar, TrendSeries};

fn open(out: &mut String, id: &str, width: u32, height: u32, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" role="img" aria-labelledby="{id}-t {id}-d"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        html(title),
        html(desc)
    );
}

/// Horizontal bars, one per label (values 0..=100).
pub fn hbars(id: &str, title: &str, bars: &[Bar]) -> String {
    let (label_w, bar_w, row) = (170u32, 380u32, 22u32);
    let height = row * bars.len().max(1) as u32 + 10;
    let desc = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.text))
        .collect::<Vec<_>>()
        .join("; ");
    // Room after the longest bar for the longest text (about 7 px a character).
    let text_w = bars
        .iter()
        .map(|b| 7 * b.text.chars().count() as u32 + 12)
        .max()
        .unwrap_or(0)
        .max(80);
    let mut s = String::new();
    open(&mut s, id, label_w + bar_w + text_w, height, title, &desc);
    for (i, b) in bars.iter().enumerate() {
        let y = 5 + row * i as u32;
        let w = (b.percent.clamp(0.0, 100.0) / 100.0 * f64::from(bar_w)).round();
        let label: String = b.label.chars().take(24).collect();
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text><rect class="b0" x="{label_w}" y="{}" width="{w}" height="{}"/><text x="{}" y="{}">{}</text>"#,
            label_w - 6,
            y + 15,
            html(&label),
            y + 3,
            row - 6,
            f64::from(label_w) + w + 6.0,
            y + 15,
            html(&b.text)
        );
    }
    s.push_str("</svg>");
    s
}

/// Vertical bars (a histogram), values 0..=100 of the tallest.
pub fn vbars(id: &str, title: &str, bars: &[Bar]) -> String {
    let (w, h, pad) = (560u32, 200u32, 30u32);
    let n = bars.len().max(1) as u32;
    let slot = (w - 2 * pad) / n;
    let desc = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.text))
        .collect::<Vec<_>>()
        .join("; ");
    let mut s = String::new();
    open(&mut s, id, w, h + 40, title, &desc);
    let _ = write!(
        s,
        r#"<line class="axis" x1="{pad}" y1="{h}" x2="{}" y2="{h}"/>"#,
        w - pad
    );
    for (i, b) in bars.iter().enumerate() {
        let x = pad + slot * i as u32;
        let bh = (b.percent.clamp(0.0, 100.0) / 100.0 * f64::from(h - 30)).round();
        let _ = write!(
            s,
            r#"<rect class="b0" x="{}" y="{}" width="{}" height="{bh}"/><text x="{}" y="{}" text-anchor="middle">{}</text><text x="{}" y="{}" text-anchor="middle">{}</text>"#,
            x + 4,
            f64::from(h) - bh,
            slot - 8,
            x + slot / 2,
            f64::from(h) - bh - 4.0,
            html(&b.text),
            x + slot / 2,
            h + 16,
            html(&b.label)
        );
    }
    s.push_str("</svg>");
    s
}

/// A target drawn on a trend chart: its track's series, the month it is due (`YYYY-MM`)
/// and the partners it asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetMark {
    /// The series' track.
    pub track: String,
    /// Due month, `YYYY-MM`.
    pub month: String,
    /// Partners to count.
    pub level: u64,
}

/// The month after `YYYY-MM`.
fn next_month(m: &str) -> Option<String> {
    let (y, mo) = m.split_once('-')?;
    let (y, mo): (i32, u32) = (y.parse().ok()?, mo.parse().ok()?);
    Some(if mo >= 12 {
        format!("{:04}-01", y + 1)
    } else {
        format!("{y:04}-{:02}", mo + 1)
    })
}

/// Lines over months, one per series.
pub fn lines(id: &str, title: &str, series: &[TrendSeries]) -> String {
    lines_with_targets(id, title, series, &[])
}

/// [`lines`], with each target of a drawn track as a dashed level in its series' colour
/// and style and a marker at its due month (the axis runs on to the latest due month).
pub fn lines_with_targets(
    id: &str,
    title: &str,
    series: &[TrendSeries],
    targets: &[TargetMark],
) -> String {
    let (w, h, left, bottom) = (660u32, 220u32, 50u32, 30u32);
    let drawn: Vec<(usize, &TargetMark)> = targets
        .iter()
        .filter_map(|t| Some((series.iter().position(|s| s.track == t.track)?, t)))
        .collect();
    // The months on the axis: the series' months, then on to the latest due month.
    let mut axis: Vec<String> = series
        .first()
        .map(|s| s.points.iter().map(|p| p.month.clone()).collect())
        .unwrap_or_default();
    if let Some(latest) = drawn.iter().map(|(_, t)| t.month.as_str()).max() {
        while axis.last().is_some_and(|m| m.as_str() < latest) {
            match axis.last().and_then(|m| next_month(m)) {
                Some(m) => axis.push(m),
                None => break,
            }
        }
    }
    let months = axis.len();
    let max = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.count))
        .chain(drawn.iter().map(|(_, t)| t.level))
        .max()
        .unwrap_or(0)
        .max(1);
    let desc = series
        .iter()
        .map(|TrendSeries { track, points }| {
            let last = points.last().map_or(0, |p| p.count);
            let first = points.first().map_or(String::new(), |p| p.month.clone());
            format!("{track}: {last} counted partners by the last month (series from {first})")
        })
        .chain(
            drawn
                .iter()
                .map(|(_, t)| format!("{} target: {} partners by {}", t.track, t.level, t.month)),
        )
        .collect::<Vec<_>>()
        .join("; ");
    let mut s = String::new();
    open(&mut s, id, w, h + 40, title, &desc);
    let plot_w = f64::from(w - left - 150);
    let plot_h = f64::from(h - bottom);
    let x = |i: usize| {
        f64::from(left)
            + if months > 1 {
                plot_w * i as f64 / (months - 1) as f64
            } else {
                0.0
            }
    };
    let y = |v: u64| plot_h - plot_h * v as f64 / max as f64 + 10.0;
    let _ = write!(
        s,
        r#"<line class="axis" x1="{left}" y1="{}" x2="{}" y2="{}"/><text x="{}" y="{}" text-anchor="end">{max}</text><text x="{}" y="{}" text-anchor="end">0</text>"#,
        plot_h + 10.0,
        f64::from(left) + plot_w,
        plot_h + 10.0,
        left - 4,
        y(max) + 4.0,
        left - 4,
        plot_h + 14.0
    );
    if let (Some(first), Some(last)) = (axis.first(), axis.last()) {
        let _ = write!(
            s,
            r#"<text x="{left}" y="{}">{}</text><text x="{}" y="{}" text-anchor="end">{}</text>"#,
            plot_h + 28.0,
            html(first),
            f64::from(left) + plot_w,
            plot_h + 28.0,
            html(last)
        );
    }
    let dashes = ["", "6 3", "2 3"];
    // Each target a dashed level over the months since the track's previous target (from
    // the axis' start for its first), a diamond at its due month; only a track's latest
    // target is labelled, the labels kept apart.
    let mut drawn = drawn;
    drawn.sort_by(|a, b| (a.0, &a.1.month).cmp(&(b.0, &b.1.month)));
    let mut labels: Vec<(f64, f64, String)> = Vec::new();
    for (n, &(k, t)) in drawn.iter().enumerate() {
        let Some(i) = axis.iter().position(|m| *m == t.month) else {
            continue;
        };
        let from = match n.checked_sub(1).map(|p| drawn[p]) {
            Some((pk, pt)) if pk == k => axis
                .iter()
                .position(|m| *m == pt.month)
                .map_or(f64::from(left), x),
            _ => f64::from(left),
        };
        let (tx, ty) = (x(i), y(t.level));
        let _ = write!(
            s,
            r#"<line class="l{c}" x1="{from:.1}" y1="{ty:.1}" x2="{tx:.1}" y2="{ty:.1}" stroke-width="1" stroke-dasharray="3 3"/><path class="d{c}" d="M{tx:.1},{:.1} l5,5 l-5,5 l-5,-5 z"/>"#,
            ty - 5.0,
            c = k % 3,
        );
        if drawn.get(n + 1).is_none_or(|next| next.0 != k) {
            labels.push((
                tx - 7.0,
                ty - 7.0,
                format!("{} {} by {}", t.track, t.level, t.month),
            ));
        }
    }
    labels.sort_by(|a, b| a.1.total_cmp(&b.1));
    for i in 1..labels.len() {
        labels[i].1 = labels[i].1.max(labels[i - 1].1 + 12.0);
    }
    // Written after the lines, each over a copy stroked in the background colour (a halo)
    // that keeps it legible where it crosses a line.
    let mut on_top = String::new();
    for (lx, ly, text) in labels {
        let _ = write!(
            on_top,
            r#"<text class="halo" x="{lx:.1}" y="{ly:.1}" text-anchor="end" aria-hidden="true">{t}</text><text x="{lx:.1}" y="{ly:.1}" text-anchor="end">{t}</text>"#,
            t = html(&text)
        );
    }
    for (k, TrendSeries { track, points }) in series.iter().enumerate() {
        let path: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.count)))
            .collect();
        let _ = write!(
            s,
            r#"<polyline class="l{}" fill="none" stroke-width="2.5" stroke-dasharray="{}" points="{}"/>"#,
            k % 3,
            dashes[k % 3],
            path.join(" ")
        );
        let ly = 20 + 20 * k as u32;
        let lx = f64::from(left) + plot_w + 12.0;
        let _ = write!(
            s,
            r#"<line class="l{}" x1="{lx}" y1="{ly}" x2="{}" y2="{ly}" stroke-width="2.5" stroke-dasharray="{}"/><text x="{}" y="{}">{}</text>"#,
            k % 3,
            lx + 24.0,
            dashes[k % 3],
            lx + 30.0,
            ly + 4,
            html(track)
        );
    }
    s.push_str(&on_top);
    s.push_str("</svg>");
    s
}
