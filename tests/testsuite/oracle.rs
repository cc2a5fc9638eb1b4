//! An independent oracle for the scoring, pairing and coverage rules (docs/scoring.md, docs/pairing.md, docs/coverage.md), run
//! against the binary on small random datasets.
//!
//! Deliberately plain and separate from `src/`: exact fractions instead of floating
//! point, loops over rows instead of columns, brute force over every subset of candidate
//! pairs instead of a flow solver, and no code shared with the library (only the
//! binary's CSV exports are read). Each generated dataset is written as CSV with its own
//! `readiness.toml`, reported with `--formats csv`, and compared:
//!
//! - `partner_scores.csv`: every partner's three components, score, band and qualified
//!   vendors, exactly;
//! - `pairs.csv`: a feasible pairing of candidate pairs whose listed scores are the
//!   oracle's, with the same total weight per region as the brute-force optimum;
//! - `coverage.csv`: per region and vendor, installs, seats and whether the binary's
//!   pairs and the standalone partners cover it.
//!
//! The generator reaches the branches no hand-made fixture does, and the last test checks
//! that it does: weights that do not sum to 1, pairing tracks that share a skill at
//! different levels, a region without install seats, capacity 0, `min_pair_score` on a
//! rounding boundary, a greedy pairing below the optimum, an expired certification row
//! with more holders than the valid one, a rejected install naming a partner.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

// ---------------------------------------------------------------------------------------
// Exact fractions.

#[derive(Clone, Copy, Debug)]
struct Q {
    n: i128,
    d: i128,
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

impl Q {
    fn new(n: i128, d: i128) -> Q {
        assert!(d != 0);
        let g = gcd(n, d).max(1);
        let s = if d < 0 { -1 } else { 1 };
        Q {
            n: s * n / g,
            d: s * d / g,
        }
    }
    fn int(n: i128) -> Q {
        Q { n, d: 1 }
    }
    /// A decimal written with up to two places, from hundredths.
    fn hundredths(h: i128) -> Q {
        Q::new(h, 100)
    }
    fn add(self, o: Q) -> Q {
        Q::new(self.n * o.d + o.n * self.d, self.d * o.d)
    }
    fn mul(self, o: Q) -> Q {
        Q::new(self.n * o.n, self.d * o.d)
    }
    fn div(self, o: Q) -> Q {
        Q::new(self.n * o.d, self.d * o.n)
    }
    fn min(self, o: Q) -> Q {
        if self.le(o) { self } else { o }
    }
    fn le(self, o: Q) -> bool {
        self.n * o.d <= o.n * self.d
    }
    fn is_zero(self) -> bool {
        self.n == 0
    }
    fn floor(self) -> i128 {
        self.n.div_euclid(self.d)
    }
}

/// The contract's rounding, exactly: `floor(10·x + 1/2)` tenths.
fn tenths(x: Q) -> i128 {
    x.mul(Q::int(10)).add(Q::new(1, 2)).floor()
}

fn fmt_tenths(t: i128) -> String {
    format!("{}.{}", t.div_euclid(10), t.rem_euclid(10))
}

fn fmt_hundredths(h: i128) -> String {
    format!("{}.{:02}", h / 100, h % 100)
}

// ---------------------------------------------------------------------------------------
// Random datasets.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // SplitMix64.
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Days since 2000-01-01 as a date, by plain calendar arithmetic.
fn date(mut days: i64) -> (i64, i64, i64) {
    let mut y = 2000;
    loop {
        let len = if leap(y) { 366 } else { 365 };
        if days < len {
            break;
        }
        days -= len;
        y += 1;
    }
    let mut m = 1;
    while days >= month_len(y, m) {
        days -= month_len(y, m);
        m += 1;
    }
    (y, m, days + 1)
}

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn month_len(y: i64, m: i64) -> i64 {
    match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn show(d: (i64, i64, i64)) -> String {
    format!("{:04}-{:02}-{:02}", d.0, d.1, d.2)
}

/// `d` plus `months` calendar months, a day past the month's end clamped to its last day.
fn add_months(d: (i64, i64, i64), months: i64) -> (i64, i64, i64) {
    let total = d.0 * 12 + (d.1 - 1) + months;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    (y, m, d.2.min(month_len(y, m)))
}

/// 2008-04-10, the as-of date of every generated dataset, in days since 2000-01-01.
const AS_OF_DAYS: i64 = 3022;

struct Track {
    name: &'static str,
    skills: Vec<(usize, i128)>,
    cert_target: i128,
}

struct Cert {
    points: i128,
    validity: i64,
    tracks: Vec<&'static str>,
}

struct Vendor {
    skills: Vec<(usize, i128)>,
    certs: Vec<usize>,
}

struct Partner {
    id: String,
    region: usize,
    track: usize,
    status: &'static str,
    capacity: Option<i128>,
}

struct Data {
    skills: usize,
    tracks: Vec<Track>,
    certs: Vec<Cert>,
    vendors: Vec<Vendor>,
    regions: usize,
    /// Hundredths.
    weights: [i128; 3],
    pair_weights: [i128; 2],
    experience_target: i128,
    max_holders: i128,
    bands: Vec<(&'static str, i128)>,
    gate: bool,
    default_capacity: i128,
    /// Hundredths.
    min_pair: i128,
    partners: Vec<Partner>,
    /// (partner, skill, level, day)
    assessments: Vec<(usize, usize, i128, i64)>,
    /// (partner, cert, holders, earned day, expires day)
    certifications: Vec<(usize, usize, i128, i64, Option<i64>)>,
    /// (region, vendor, seats, servicing partner: a partner index, or `None`, or an
    /// unknown id)
    installs: Vec<(usize, usize, i128, Servicer)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Servicer {
    None,
    Partner(usize),
    Unknown,
}

const LEFT: usize = 0;
const RIGHT: usize = 1;
const SOLO: usize = 2;
const STATUSES: [&str; 5] = ["active", "active", "enabled", "recruited", "inactive"];

fn generate(seed: u64) -> Data {
    let mut g = Rng(seed);
    let skills = 4;
    // 1 to `most` distinct skills with required levels 1..=4.
    let pick_skills = |g: &mut Rng, most: u64| {
        let n = 1 + g.below(most) as usize;
        let mut v: Vec<(usize, i128)> = Vec::new();
        while v.len() < n {
            let s = g.below(skills as u64) as usize;
            if !v.iter().any(|x| x.0 == s) {
                v.push((s, g.range(1, 4) as i128));
            }
        }
        v.sort();
        v
    };
    let mut tracks = vec![
        Track {
            name: "left",
            skills: pick_skills(&mut g, 3),
            cert_target: g.range(1, 4) as i128,
        },
        Track {
            name: "right",
            skills: pick_skills(&mut g, 3),
            cert_target: g.range(1, 4) as i128,
        },
        Track {
            name: "solo",
            skills: pick_skills(&mut g, 2),
            cert_target: g.range(1, 3) as i128,
        },
    ];
    // Often the pairing tracks share a skill at different required levels.
    if g.chance(50) {
        let (s, r) = tracks[LEFT].skills[0];
        let other = if r == 4 { 1 } else { r + 1 };
        tracks[RIGHT].skills.retain(|x| x.0 != s);
        tracks[RIGHT].skills.push((s, other));
        tracks[RIGHT].skills.sort();
    }
    let certs = (0..3)
        .map(|_| {
            let mut tr: Vec<&'static str> = ["left", "right", "solo"]
                .into_iter()
                .filter(|_| g.chance(60))
                .collect();
            if tr.is_empty() {
                tr.push("right");
            }
            Cert {
                points: g.range(1, 3) as i128,
                validity: g.range(1, 36),
                tracks: tr,
            }
        })
        .collect();
    let vendors = (0..3)
        .map(|_| Vendor {
            skills: pick_skills(&mut g, 2)
                .into_iter()
                .map(|(s, r)| (s, r.min(3)))
                .collect(),
            certs: (0..3).filter(|_| g.chance(30)).collect(),
        })
        .collect();
    let regions = 1 + g.below(3) as usize;
    let mut partners = Vec::new();
    for region in 0..regions {
        for (track, most) in [(LEFT, 4), (RIGHT, 4), (SOLO, 2)] {
            for _ in 0..g.below(most + 1) {
                let status = if g.chance(10) {
                    "prospect"
                } else {
                    STATUSES[g.below(5) as usize]
                };
                let capacity = match g.below(6) {
                    0 => Some(0),
                    1 | 2 => None,
                    k => Some(k as i128 - 2),
                };
                partners.push(Partner {
                    id: format!("P{}", partners.len()),
                    region,
                    track,
                    status,
                    capacity,
                });
            }
        }
    }
    let n = partners.len();
    let mut assessments = Vec::new();
    for p in 0..n {
        for s in 0..skills {
            if g.chance(70) {
                let day = AS_OF_DAYS - g.range(-40, 900);
                assessments.push((p, s, g.range(0, 4) as i128, day));
                if g.chance(25) {
                    // A second assessment on the same day, or later (perhaps after D).
                    let later = if g.chance(50) {
                        day
                    } else {
                        day + g.range(1, 200)
                    };
                    assessments.push((p, s, g.range(0, 4) as i128, later));
                }
            }
        }
    }
    let mut certifications = Vec::new();
    for p in 0..n {
        for _ in 0..g.below(4) {
            let c = g.below(3) as usize;
            let earned = AS_OF_DAYS - g.range(-30, 1500);
            let expires = g.chance(50).then(|| earned + g.range(1, 1200));
            certifications.push((p, c, g.range(1, 5) as i128, earned, expires));
        }
        if g.chance(15) {
            // A valid row with one holder beside an expired row with many.
            let c = g.below(3) as usize;
            certifications.push((p, c, 1, AS_OF_DAYS - 10, None));
            certifications.push((p, c, 5, AS_OF_DAYS - 2000, Some(AS_OF_DAYS - 1000)));
        }
    }
    let mut installs = Vec::new();
    for region in 0..regions {
        match g.below(5) {
            0 => {} // no installs
            1 => {
                // installs without seats
                for _ in 0..1 + g.below(2) {
                    installs.push((region, g.below(3) as usize, 0, Servicer::None));
                }
            }
            _ => {
                for _ in 0..1 + g.below(6) {
                    let servicer = match g.below(6) {
                        0 | 1 if n > 0 => Servicer::Partner(g.below(n as u64) as usize),
                        2 => Servicer::Unknown,
                        _ => Servicer::None,
                    };
                    installs.push((
                        region,
                        g.below(3) as usize,
                        g.range(0, 500) as i128,
                        servicer,
                    ));
                }
            }
        }
    }
    if n > 0 && g.chance(30) {
        // A rejected install (negative seats) naming a partner: no experience for it.
        installs.push((0, 0, -5, Servicer::Partner(g.below(n as u64) as usize)));
    }
    let weights = [
        g.range(1, 150) as i128,
        g.range(0, 150) as i128,
        g.range(0, 150) as i128,
    ];
    let pair_weights = [g.range(1, 150) as i128, g.range(0, 150) as i128];
    Data {
        skills,
        tracks,
        certs,
        vendors,
        regions,
        weights,
        pair_weights,
        experience_target: g.range(1, 4) as i128,
        max_holders: g.range(1, 3) as i128,
        bands: vec![
            ("ready", 7000),
            ("nearly ready", 5000),
            ("developing", 3000),
            ("not ready", 0),
        ],
        gate: g.chance(30),
        default_capacity: g.range(1, 2) as i128,
        min_pair: 0, // set once the scores are known
        partners,
        assessments,
        certifications,
        installs,
    }
}

// ---------------------------------------------------------------------------------------
// The rules, plainly.

struct Oracle<'a> {
    d: &'a Data,
    /// level[p][s]
    level: Vec<Vec<i128>>,
    /// holders[p][c] of the partner's valid rows, if any.
    holders: Vec<Vec<Option<i128>>>,
    /// Valid installs serviced per partner.
    serviced: Vec<i128>,
}

impl<'a> Oracle<'a> {
    fn new(d: &'a Data) -> Oracle<'a> {
        let n = d.partners.len();
        let mut level = vec![vec![0; d.skills]; n];
        let mut latest: BTreeMap<(usize, usize), (i64, i128)> = BTreeMap::new();
        for &(p, s, l, day) in &d.assessments {
            if day > AS_OF_DAYS {
                continue; // not yet in effect
            }
            let e = latest.entry((p, s)).or_insert((day, l));
            if day > e.0 || (day == e.0 && l > e.1) {
                *e = (day, l);
            }
        }
        for ((p, s), (_, l)) in latest {
            level[p][s] = l;
        }
        let mut holders = vec![vec![None; d.certs.len()]; n];
        for &(p, c, h, earned, expires) in &d.certifications {
            let expires = match expires {
                Some(e) => date(e),
                None => add_months(date(earned), d.certs[c].validity),
            };
            let valid = show(date(earned)) <= show(date(AS_OF_DAYS))
                && show(date(AS_OF_DAYS)) < show(expires);
            if valid {
                let slot: &mut Option<i128> = &mut holders[p][c];
                *slot = Some(slot.map_or(h, |x: i128| x.max(h)));
            }
        }
        let mut serviced = vec![0; n];
        for &(_, _, seats, s) in &d.installs {
            if let Servicer::Partner(p) = s
                && seats >= 0
            {
                serviced[p] += 1;
            }
        }
        Oracle {
            d,
            level,
            holders,
            serviced,
        }
    }

    fn eligible(&self, p: usize) -> bool {
        matches!(
            self.d.partners[p].status,
            "active" | "enabled" | "recruited"
        )
    }

    fn capacity(&self, p: usize) -> i128 {
        self.d.partners[p]
            .capacity
            .unwrap_or(self.d.default_capacity)
    }

    /// (S, C, E) of partner `p`.
    fn components(&self, p: usize) -> (Q, Q, Q) {
        let t = &self.d.tracks[self.d.partners[p].track];
        let mut sum = Q::int(0);
        for &(s, r) in &t.skills {
            sum = sum.add(Q::new(self.level[p][s].min(r), r));
        }
        let skill = sum.div(Q::int(t.skills.len() as i128));
        let mut points = 0;
        for (c, cert) in self.d.certs.iter().enumerate() {
            if let Some(h) = self.holders[p][c]
                && cert.tracks.contains(&t.name)
            {
                points += cert.points * h.min(self.d.max_holders);
            }
        }
        let cert = Q::new(points, t.cert_target).min(Q::int(1));
        let exp = Q::new(self.serviced[p], self.d.experience_target).min(Q::int(1));
        (skill, cert, exp)
    }

    fn score(&self, p: usize) -> Q {
        let (s, c, e) = self.components(p);
        let w = self.d.weights.map(Q::hundredths);
        let num = w[0].mul(s).add(w[1].mul(c)).add(w[2].mul(e));
        Q::int(100).mul(num).div(w[0].add(w[1]).add(w[2]))
    }

    fn band(&self, p: usize) -> &'static str {
        let t = tenths(self.score(p));
        let mut band = self
            .d
            .bands
            .iter()
            .position(|&(_, min)| min <= t * 10) // min in hundredths, t in tenths
            .unwrap_or(self.d.bands.len() - 1);
        let (s, c, e) = self.components(p);
        let zero = [s, c, e]
            .iter()
            .zip(self.d.weights)
            .any(|(x, w)| w > 0 && x.is_zero());
        if self.d.gate && zero && band == 0 {
            band = 1;
        }
        self.d.bands[band].0
    }

    /// Whether the set `unit` qualifies for vendor `v`.
    fn qualified(&self, unit: &[usize], v: usize) -> bool {
        let vendor = &self.d.vendors[v];
        vendor
            .skills
            .iter()
            .all(|&(s, r)| unit.iter().any(|&p| self.level[p][s] >= r))
            && (vendor.certs.is_empty()
                || vendor
                    .certs
                    .iter()
                    .any(|&c| unit.iter().any(|&p| self.holders[p][c].is_some())))
    }

    fn vendors(&self, unit: &[usize]) -> String {
        (0..self.d.vendors.len())
            .filter(|&v| self.qualified(unit, v))
            .map(|v| format!("v{v}"))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Seats of the region's valid installs: per vendor, and in all.
    fn seats(&self, region: usize) -> (Vec<i128>, i128) {
        let mut per = vec![0; self.d.vendors.len()];
        for &(r, v, seats, _) in &self.d.installs {
            if r == region && seats >= 0 {
                per[v] += seats;
            }
        }
        let all = per.iter().sum();
        (per, all)
    }

    /// The pair's exact score.
    fn pair_score(&self, a: usize, b: usize) -> Q {
        let mut req: BTreeMap<usize, i128> = BTreeMap::new();
        for t in [LEFT, RIGHT] {
            for &(s, r) in &self.d.tracks[t].skills {
                let e = req.entry(s).or_insert(r);
                *e = (*e).max(r);
            }
        }
        let mut sum = Q::int(0);
        for (&s, &r) in &req {
            sum = sum.add(Q::new(self.level[a][s].max(self.level[b][s]).min(r), r));
        }
        let skill = sum.div(Q::int(req.len() as i128));
        let region = self.d.partners[a].region;
        let (per, all) = self.seats(region);
        if all == 0 {
            return Q::int(100).mul(skill);
        }
        let mut covered = 0;
        for (v, &s) in per.iter().enumerate() {
            if self.qualified(&[a, b], v) {
                covered += s;
            }
        }
        let vendor = Q::new(covered, all);
        let [ws, wv] = self.d.pair_weights.map(Q::hundredths);
        Q::int(100)
            .mul(ws.mul(skill).add(wv.mul(vendor)))
            .div(ws.add(wv))
    }

    /// Every pair of the region's eligible left and right partners with capacity, and its
    /// weight (threshold not applied).
    fn pairs(&self, region: usize) -> Vec<(usize, usize, i128)> {
        let side = |t: usize| -> Vec<usize> {
            (0..self.d.partners.len())
                .filter(|&p| {
                    let x = &self.d.partners[p];
                    x.region == region && x.track == t && self.eligible(p) && self.capacity(p) >= 1
                })
                .collect()
        };
        let mut out = Vec::new();
        for &a in &side(LEFT) {
            for &b in &side(RIGHT) {
                out.push((a, b, tenths(self.pair_score(a, b))));
            }
        }
        out
    }

    fn threshold(&self) -> i128 {
        // floor(10·min + 0.5), min in hundredths.
        (self.d.min_pair * 10 + 50).div_euclid(100)
    }

    fn candidates(&self, region: usize) -> Vec<(usize, usize, i128)> {
        let t = self.threshold();
        self.pairs(region)
            .into_iter()
            .filter(|p| p.2 >= t)
            .collect()
    }

    /// The largest total weight of a set of candidates within every capacity, by trying
    /// every subset.
    fn best(&self, cands: &[(usize, usize, i128)]) -> i128 {
        assert!(cands.len() <= 20);
        let mut best = 0;
        for mask in 0u32..(1 << cands.len()) {
            let mut used: BTreeMap<usize, i128> = BTreeMap::new();
            let mut total = 0;
            let mut ok = true;
            for (i, &(a, b, w)) in cands.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    for p in [a, b] {
                        let u = used.entry(p).or_insert(0);
                        *u += 1;
                        ok &= *u <= self.capacity(p);
                    }
                    total += w;
                }
            }
            if ok {
                best = best.max(total);
            }
        }
        best
    }

    /// The heaviest-first greedy pairing's weight (for the branch check only).
    fn greedy(&self, cands: &[(usize, usize, i128)]) -> i128 {
        let mut sorted = cands.to_vec();
        sorted.sort_by_key(|c| -c.2);
        let mut used: BTreeMap<usize, i128> = BTreeMap::new();
        let mut total = 0;
        for (a, b, w) in sorted {
            if [a, b]
                .iter()
                .all(|p| used.get(p).copied().unwrap_or(0) < self.capacity(*p))
            {
                for p in [a, b] {
                    *used.entry(p).or_insert(0) += 1;
                }
                total += w;
            }
        }
        total
    }
}

// ---------------------------------------------------------------------------------------
// Writing a dataset.

fn write(d: &Data, dir: &Path) {
    let mut toml = String::new();
    let w = |h: i128| fmt_hundredths(h);
    writeln!(
        toml,
        "[report]\ntitle = \"Oracle\"\nas_of = \"2008-04-10\"\n"
    )
    .unwrap();
    writeln!(
        toml,
        "[scoring]\nskill_weight = {}\ncertification_weight = {}\nexperience_weight = {}\n\
         experience_target_installs = {}\nmax_holders_counted = {}\ngate_every_component = {}\n\
         bands = [ {} ]\n",
        w(d.weights[0]),
        w(d.weights[1]),
        w(d.weights[2]),
        d.experience_target,
        d.max_holders,
        d.gate,
        d.bands
            .iter()
            .map(|(n, m)| format!("{{ name = \"{n}\", min = {} }}", w(*m)))
            .collect::<Vec<_>>()
            .join(", ")
    )
    .unwrap();
    for t in &d.tracks {
        let skills: Vec<String> = t
            .skills
            .iter()
            .map(|(s, r)| format!("s{s} = {r}"))
            .collect();
        writeln!(
            toml,
            "[tracks.{}]\nskills = {{ {} }}\ncertification_target = {}\n",
            t.name,
            skills.join(", "),
            t.cert_target
        )
        .unwrap();
    }
    for s in 0..d.skills {
        writeln!(toml, "[skills.s{s}]\nname = \"Skill {s}\"\n").unwrap();
    }
    for (i, c) in d.certs.iter().enumerate() {
        let tracks: Vec<String> = c.tracks.iter().map(|t| format!("\"{t}\"")).collect();
        writeln!(
            toml,
            "[certifications.c{i}]\nname = \"Cert {i}\"\nvendor = \"x\"\npoints = {}\n\
             validity_months = {}\ntracks = [{}]\n",
            c.points,
            c.validity,
            tracks.join(", ")
        )
        .unwrap();
    }
    for (i, v) in d.vendors.iter().enumerate() {
        let skills: Vec<String> = v
            .skills
            .iter()
            .map(|(s, r)| format!("s{s} = {r}"))
            .collect();
        let certs: Vec<String> = v.certs.iter().map(|c| format!("\"c{c}\"")).collect();
        writeln!(
            toml,
            "[vendors.v{i}]\nname = \"Vendor {i}\"\ninterop_skills = {{ {} }}\n\
             interop_certifications = [{}]\n",
            skills.join(", "),
            certs.join(", ")
        )
        .unwrap();
    }
    writeln!(
        toml,
        "[pairing]\nleft_track = \"left\"\nright_track = \"right\"\nstandalone_tracks = [\"solo\"]\n\
         eligible_status = [\"recruited\", \"enabled\", \"active\"]\ndefault_capacity = {}\n\
         skill_weight = {}\nvendor_weight = {}\nmin_pair_score = {}\n",
        d.default_capacity,
        w(d.pair_weights[0]),
        w(d.pair_weights[1]),
        w(d.min_pair)
    )
    .unwrap();
    std::fs::write(dir.join("readiness.toml"), toml).unwrap();

    let mut s = "partner_id,name,region,country,track,status,joined_on,capacity\n".to_string();
    for p in &d.partners {
        let joined = if p.status == "prospect" {
            ""
        } else {
            "2007-01-15"
        };
        let cap = p.capacity.map_or(String::new(), |c| c.to_string());
        let track = d.tracks[p.track].name;
        writeln!(
            s,
            "{},Name {},R{},,{track},{},{joined},{cap}",
            p.id, p.id, p.region, p.status
        )
        .unwrap();
    }
    std::fs::write(dir.join("partners.csv"), s).unwrap();
    let mut s = "partner_id,skill,level,staff,assessed_on\n".to_string();
    for &(p, sk, l, day) in &d.assessments {
        writeln!(s, "{},s{sk},{l},,{}", d.partners[p].id, show(date(day))).unwrap();
    }
    std::fs::write(dir.join("skills.csv"), s).unwrap();
    let mut s = "partner_id,certification,holders,earned_on,expires_on\n".to_string();
    for &(p, c, h, earned, expires) in &d.certifications {
        let exp = expires.map_or(String::new(), |e| show(date(e)));
        writeln!(
            s,
            "{},c{c},{h},{},{exp}",
            d.partners[p].id,
            show(date(earned))
        )
        .unwrap();
    }
    std::fs::write(dir.join("certifications.csv"), s).unwrap();
    let mut s =
        "install_id,customer,region,vendor,product,seats,partner_id,installed_on\n".to_string();
    for (i, &(r, v, seats, sv)) in d.installs.iter().enumerate() {
        let p = match sv {
            Servicer::None => String::new(),
            Servicer::Partner(p) => d.partners[p].id.clone(),
            Servicer::Unknown => "ZZ404".to_string(),
        };
        writeln!(s, "N{i},Customer {i},R{r},v{v},,{seats},{p},").unwrap();
    }
    std::fs::write(dir.join("installs.csv"), s).unwrap();
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The branches a generated case reached.
#[derive(Default, Debug, Clone, Copy)]
struct Reached {
    weights_not_one: bool,
    shared_skill: bool,
    no_seats_with_pairs: bool,
    capacity_zero: bool,
    min_pair_boundary: bool,
    greedy_below_optimum: bool,
    expired_holders: bool,
    rejected_install_partner: bool,
}

impl Reached {
    fn or(self, o: Reached) -> Reached {
        Reached {
            weights_not_one: self.weights_not_one || o.weights_not_one,
            shared_skill: self.shared_skill || o.shared_skill,
            no_seats_with_pairs: self.no_seats_with_pairs || o.no_seats_with_pairs,
            capacity_zero: self.capacity_zero || o.capacity_zero,
            min_pair_boundary: self.min_pair_boundary || o.min_pair_boundary,
            greedy_below_optimum: self.greedy_below_optimum || o.greedy_below_optimum,
            expired_holders: self.expired_holders || o.expired_holders,
            rejected_install_partner: self.rejected_install_partner || o.rejected_install_partner,
        }
    }
}

/// Generates case `seed`, runs the binary on it and compares; returns the branches it
/// reached.
#[allow(clippy::needless_range_loop)] // regions and partners by index, as the oracle is plain
fn check(seed: u64) -> Reached {
    let mut d = generate(seed);
    // min_pair_score: 0, a round value, or on the rounding boundary of a pair's score
    // (the lowest minimum it still passes, or just above it).
    {
        let o = Oracle::new(&d);
        let all: Vec<i128> = (0..d.regions)
            .flat_map(|r| o.pairs(r))
            .map(|p| p.2)
            .collect();
        let mut g = Rng(seed ^ 0xABCD);
        d.min_pair = match (g.below(4), all.first()) {
            (0, _) | (_, None) => 0,
            (1, _) => 5000,
            (2, Some(_)) => all[g.below(all.len() as u64) as usize] * 10 - 5, // w/10 − 0.05
            (_, Some(_)) => all[g.below(all.len() as u64) as usize] * 10 + 5, // w/10 + 0.05
        }
        .clamp(0, 10000);
    }
    let o = Oracle::new(&d);
    let dir = tempfile::tempdir().unwrap();
    write(&d, dir.path());
    let out = tempfile::tempdir().unwrap();
    crate::support::report(
        dir.path(),
        out.path(),
        &["--formats", "csv", "--threads", "2"],
    )
    .ok();
    let data = out.path().join("2008-04-10/data");
    let ctx = |what: &str| format!("seed {seed}: {what}");

    // §3: every partner's figures.
    let got = csv_rows(&data.join("partner_scores.csv"));
    let mut want = Vec::new();
    let mut order: Vec<usize> = (0..d.partners.len()).collect();
    order.sort_by(|a, b| d.partners[*a].id.cmp(&d.partners[*b].id));
    for p in order {
        let (s, c, e) = o.components(p);
        let x = &d.partners[p];
        want.push(vec![
            x.id.clone(),
            format!("Name {}", x.id),
            format!("R{}", x.region),
            d.tracks[x.track].name.to_string(),
            x.status.to_string(),
            fmt_tenths(tenths(Q::int(100).mul(s))),
            fmt_tenths(tenths(Q::int(100).mul(c))),
            fmt_tenths(tenths(Q::int(100).mul(e))),
            fmt_tenths(tenths(o.score(p))),
            o.band(p).to_string(),
            o.vendors(&[p]),
        ]);
    }
    if got != want {
        let first = got.iter().zip(&want).find(|(a, b)| a != b);
        panic!("seed {seed}: partner scores differ (binary, oracle): {first:?}");
    }

    // §4: a feasible pairing of candidates, at the optimum, per region.
    let pairs = csv_rows(&data.join("pairs.csv"));
    let index: BTreeMap<&str, usize> = d
        .partners
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let mut reached = Reached::default();
    let mut chosen: Vec<Vec<(usize, usize)>> = vec![Vec::new(); d.regions];
    for region in 0..d.regions {
        let cands = o.candidates(region);
        let mut used: BTreeMap<usize, i128> = BTreeMap::new();
        let mut total = 0;
        let mut seen = BTreeSet::new();
        for row in pairs.iter().filter(|r| r[0] == format!("R{region}")) {
            let (a, b) = (index[row[1].as_str()], index[row[2].as_str()]);
            let c = cands
                .iter()
                .find(|c| c.0 == a && c.1 == b)
                .unwrap_or_else(|| panic!("{}", ctx(&format!("{row:?} is not a candidate"))));
            assert_eq!(row[3], fmt_tenths(c.2), "{}", ctx("pair score"));
            assert_eq!(row[4], o.vendors(&[a, b]), "{}", ctx("pair vendors"));
            assert_eq!(row[5], "new", "{}", ctx("origin without a program"));
            assert!(seen.insert((a, b)), "{}", ctx("a pair twice"));
            for p in [a, b] {
                *used.entry(p).or_insert(0) += 1;
                assert!(used[&p] <= o.capacity(p), "{}", ctx("over capacity"));
            }
            total += c.2;
            chosen[region].push((a, b));
        }
        let best = o.best(&cands);
        assert_eq!(
            total,
            best,
            "{}",
            ctx(&format!("region R{region}: total weight"))
        );
        if o.greedy(&cands) < best {
            reached.greedy_below_optimum = true;
        }
        let t = o.threshold();
        reached.min_pair_boundary |=
            d.min_pair % 10 == 5 && o.pairs(region).iter().any(|p| p.2 == t || p.2 == t - 1);
        reached.no_seats_with_pairs |= o.seats(region).1 == 0 && !cands.is_empty();
        reached.shared_skill |= !cands.is_empty()
            && d.tracks[LEFT].skills.iter().any(|&(s, r)| {
                d.tracks[RIGHT]
                    .skills
                    .iter()
                    .any(|&(s2, r2)| s == s2 && r != r2)
            });
    }

    // §5: coverage per region and vendor with installs, from the binary's pairs.
    let mut want = Vec::new();
    for (region, pairs) in chosen.iter().enumerate() {
        let mut units: Vec<Vec<usize>> = pairs.iter().map(|&(a, b)| vec![a, b]).collect();
        for p in 0..d.partners.len() {
            if d.partners[p].region == region && d.partners[p].track == SOLO && o.eligible(p) {
                units.push(vec![p]);
            }
        }
        for v in 0..d.vendors.len() {
            let rows: Vec<i128> = d
                .installs
                .iter()
                .filter(|i| i.0 == region && i.1 == v && i.2 >= 0)
                .map(|i| i.2)
                .collect();
            if rows.is_empty() {
                continue;
            }
            let covered = units.iter().any(|u| o.qualified(u, v));
            // Now: without recommendations (no engagements here), the solo partners.
            let now = units.iter().any(|u| u.len() == 1 && o.qualified(u, v));
            want.push(vec![
                format!("R{region}"),
                format!("v{v}"),
                rows.len().to_string(),
                rows.iter().sum::<i128>().to_string(),
                covered.to_string(),
                now.to_string(),
            ]);
        }
    }
    assert_eq!(
        csv_rows(&data.join("coverage.csv")),
        want,
        "{}",
        ctx("coverage")
    );

    let w = d.weights.iter().sum::<i128>();
    reached.weights_not_one = w != 100 && d.pair_weights.iter().sum::<i128>() != 100;
    reached.capacity_zero = (0..d.partners.len())
        .any(|p| o.eligible(p) && d.partners[p].track != SOLO && d.partners[p].capacity == Some(0));
    reached.expired_holders = d.certifications.iter().any(|&(p, c, h, earned, exp)| {
        exp.is_some_and(|e| e <= AS_OF_DAYS)
            && earned <= AS_OF_DAYS
            && o.holders[p][c].is_some_and(|v| v < h)
    });
    reached.rejected_install_partner = d
        .installs
        .iter()
        .any(|i| i.2 < 0 && matches!(i.3, Servicer::Partner(_)));
    drop(dir);
    reached
}

/// The binary agrees with the oracle on 160 random datasets, and those datasets reach
/// every branch the generator is meant to reach.
#[test]
fn the_binary_agrees_with_an_independent_oracle_on_random_datasets() {
    let mut all = Reached::default();
    for seed in 0..160 {
        all = all.or(check(seed));
    }
    let Reached {
        weights_not_one,
        shared_skill,
        no_seats_with_pairs,
        capacity_zero,
        min_pair_boundary,
        greedy_below_optimum,
        expired_holders,
        rejected_install_partner,
    } = all;
    // Reproduce one case: `check(seed)` with the seed a failure names.
    assert!(
        weights_not_one
            && shared_skill
            && no_seats_with_pairs
            && capacity_zero
            && min_pair_boundary
            && greedy_below_optimum
            && expired_holders
            && rejected_install_partner,
        "a branch was never reached: {all:?}"
    );
}

#[test]
fn the_oracle_itself_reproduces_the_worked_examples_rounding() {
    // 100·(0.4·(2/3 + 1)/2 + 0.3·0.75 + 0.3·0.5) = 70.8333…: T2's score in the worked example.
    let s = Q::new(2, 3).add(Q::int(1)).div(Q::int(2));
    let x = Q::int(100).mul(
        Q::hundredths(40)
            .mul(s)
            .add(Q::hundredths(30).mul(Q::new(3, 4)))
            .add(Q::hundredths(30).mul(Q::new(1, 2))),
    );
    assert_eq!(fmt_tenths(tenths(x)), "70.8");
    assert_eq!(tenths(Q::new(5995, 100)), 600); // 59.95 rounds half up
    assert_eq!(show(add_months((2008, 1, 31), 1)), "2008-02-29");
    assert_eq!(show(date(AS_OF_DAYS)), "2008-04-10");
}
