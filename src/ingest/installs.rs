/*!
The installs table, read in parallel: the file is cut into record-aligned chunks, each
chunk's rows are checked on their own (regions numbered per chunk), the `install_id`
duplicate rule is applied across chunks by a pass sharded by id hash (each shard in file
order, so the first occurrence wins), and then each chunk's kept rows are counted per
region and vendor and per servicing partner and dropped. Only with [`Detail::Full`]
(`explain`) are the rows kept.
*/

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::Detail;
use super::dataset::{
    Action, InstallDetails, InstallRows, Installs, PartnerId, PlanInstall, PlanInstalls, RegionId,
    RejectedRow, Table,
};
use super::lookup::{self, Catalog, PartnerIndex};
use super::rules::{self, ColumnMap};
use super::source::{Contents, Source};
use crate::config::{Config, VendorId};

/// Installs checked from one chunk of the file, with chunk-local region numbers, and the
/// ids the chunk's rows claim (for the duplicate rule, applied after all chunks in file
/// order).
#[derive(Default)]
struct InstallChunk<'a> {
    out: ChunkRows,
    regions: Vec<String>,
    problems: Vec<RejectedRow>,
    /// Every id a row claims, in file order.
    claims: Claims<'a>,
}

/// The kept rows of one chunk, compactly (a chunk holds tens of thousands; memory touched
/// for the first time is much of ingest's cost): what the counts need, the line, and the
/// text columns only with [`Detail::Full`].
#[derive(Default)]
struct ChunkRows {
    region: Vec<u32>,
    vendor: Vec<VendorId>,
    seats: Vec<u64>,
    /// The servicing partner, or [`ChunkRows::NO_PARTNER`].
    partner: Vec<PartnerId>,
    /// Line, less `first_line`.
    line: Vec<u32>,
    /// Where the record starts in the chunk's text (CSV), or 0.
    start: Vec<u32>,
    /// The line of the chunk's first kept row.
    first_line: u64,
    details: InstallDetails,
}

impl ChunkRows {
    const NO_PARTNER: PartnerId = PartnerId::MAX;

    fn with_capacity(n: usize) -> ChunkRows {
        ChunkRows {
            region: Vec::with_capacity(n),
            vendor: Vec::with_capacity(n),
            seats: Vec::with_capacity(n),
            partner: Vec::with_capacity(n),
            line: Vec::with_capacity(n),
            start: Vec::with_capacity(n),
            first_line: 0,
            details: InstallDetails::default(),
        }
    }

    fn len(&self) -> usize {
        self.region.len()
    }

    fn partner(&self, i: usize) -> Option<PartnerId> {
        Some(self.partner[i]).filter(|&p| p != Self::NO_PARTNER)
    }

    fn line(&self, i: usize) -> u64 {
        self.first_line + u64::from(self.line[i])
    }

    /// Where row `i` is in the file (see [`PlanInstall::at`]): its byte for a CSV chunk
    /// that starts at byte `chunk_at`, else its line.
    fn at(&self, i: usize, chunk_at: Option<u64>) -> u64 {
        match chunk_at {
            Some(base) => base + u64::from(self.start[i]),
            None => self.line(i),
        }
    }
}

/// Texts read from one chunk, compactly. A text read from a quote-free CSV chunk is kept
/// as its place in the chunk's text (which outlives it); any other text is copied.
#[derive(Default)]
struct Texts<'a> {
    /// The chunk's text, when it is a CSV chunk.
    chunk: &'a str,
    /// Copied texts, end to end.
    copied: String,
    /// Where each text starts: in `chunk`, or in `copied` when its length has
    /// [`Texts::COPIED`] set.
    starts: Vec<u32>,
    /// Each text's length, with [`Texts::COPIED`] for a copied one.
    lens: Vec<u32>,
}

impl<'a> Texts<'a> {
    const COPIED: u32 = 1 << 31;

    fn with_capacity(chunk: &'a str, n: usize) -> Texts<'a> {
        Texts {
            chunk,
            starts: Vec::with_capacity(n),
            lens: Vec::with_capacity(n),
            ..Texts::default()
        }
    }

    fn push(&mut self, text: &str) {
        let base = self.chunk.as_ptr() as usize;
        let at = (text.as_ptr() as usize).wrapping_sub(base);
        let in_chunk = at <= self.chunk.len() && text.len() <= self.chunk.len() - at;
        if in_chunk && text.len() < Self::COPIED as usize {
            self.starts.push(at as u32);
            self.lens.push(text.len() as u32);
        } else {
            self.starts.push(self.copied.len() as u32);
            self.lens.push(Self::COPIED | text.len() as u32);
            self.copied.push_str(text);
        }
    }

    fn get(&self, i: usize) -> &str {
        let (start, len) = (self.starts[i] as usize, self.lens[i]);
        if len & Self::COPIED == 0 {
            &self.chunk[start..start + len as usize]
        } else {
            &self.copied[start..start + (len & !Self::COPIED) as usize]
        }
    }
}

/// The ids rows of one chunk claim, compactly.
#[derive(Default)]
struct Claims<'a> {
    ids: Texts<'a>,
    /// The hash of each id.
    hashes: Vec<u64>,
    /// The kept row of each claim, or [`Claims::NOT_KEPT`].
    kept: Vec<u32>,
    /// (claim, line) of the claims whose row was not kept (their line is not in `out`).
    lines: Vec<(u32, u64)>,
}

impl<'a> Claims<'a> {
    const NOT_KEPT: u32 = u32::MAX;

    fn with_capacity(chunk: &'a str, n: usize) -> Claims<'a> {
        Claims {
            ids: Texts::with_capacity(chunk, n),
            hashes: Vec::with_capacity(n),
            kept: Vec::with_capacity(n),
            ..Claims::default()
        }
    }

    fn push(&mut self, id: &str, line: u64, kept: Option<u32>) {
        self.ids.push(id);
        self.hashes.push(lookup::id_hash(id));
        match kept {
            Some(row) => self.kept.push(row),
            None => {
                self.lines.push((self.kept.len() as u32, line));
                self.kept.push(Self::NOT_KEPT);
            }
        }
    }

    fn id(&self, i: usize) -> &str {
        self.ids.get(i)
    }

    /// The line of claim `i` of a chunk whose kept rows are `out`.
    fn line(&self, i: usize, out: &ChunkRows) -> u64 {
        match self.kept[i] {
            Self::NOT_KEPT => {
                let at = self
                    .lines
                    .binary_search_by_key(&(i as u32), |l| l.0)
                    .expect("a claim that was not kept has its line");
                self.lines[at].1
            }
            row => out.line(row as usize),
        }
    }
}

/// The servicing partners named by a chunk's kept rows, looked up together once the
/// chunk is read ([`PartnerIndex::get_all`]): one at a time, each lookup waited for its
/// own cache miss.
struct Servicing<'a> {
    ids: Texts<'a>,
    hashes: Vec<u64>,
    /// The kept row that names each.
    rows: Vec<u32>,
}

fn install_chunk<'a>(
    src: &Source<'a>,
    c: usize,
    map: &ColumnMap,
    catalog: &Catalog,
    partners: &PartnerIndex,
    detail: Detail,
) -> InstallChunk<'a> {
    // Sized once for the chunk's rows, so that no column grows (and over-allocates).
    let rows = src.rows_hint(c);
    let mut k = InstallChunk {
        out: ChunkRows::with_capacity(rows),
        claims: Claims::with_capacity(src.chunk_text(c).unwrap_or_default(), rows),
        ..InstallChunk::default()
    };
    let mut regions: FxHashMap<String, u32> = FxHashMap::default();
    let mut first_line = None;
    let InstallChunk {
        out,
        regions: region_names,
        claims,
        ..
    } = &mut k;
    let chunk = src.chunk_text(c);
    let mut servicing = Servicing {
        ids: Texts::with_capacity(chunk.unwrap_or_default(), rows),
        hashes: Vec::with_capacity(rows),
        rows: Vec::with_capacity(rows),
    };
    let mut problems = rules::each_row_in(src, c, Table::Installs, map, |line, r| {
        let row = match rules::install(r, catalog) {
            Ok(kept) => kept,
            Err(note) => {
                // A rejected row still claims its id, when it has one.
                if let Ok(id) = r.text(0) {
                    claims.push(&id, line, None);
                }
                return Some(note);
            }
        };
        claims.push(&row.id, line, Some(out.len() as u32));
        let delta = line - *first_line.get_or_insert(line);
        let region = match regions.get(row.region.as_ref()) {
            Some(&i) => i,
            None => {
                let i = region_names.len() as u32;
                regions.insert(row.region.to_string(), i);
                region_names.push(row.region.to_string());
                i
            }
        };
        if let Some(p) = &row.partner {
            servicing.ids.push(p);
            servicing.hashes.push(lookup::id_hash(p));
            servicing.rows.push(out.len() as u32);
        }
        out.region.push(region);
        out.vendor.push(row.vendor);
        out.seats.push(row.seats);
        out.partner.push(ChunkRows::NO_PARTNER);
        out.line
            .push(u32::try_from(delta).expect("a chunk spans fewer than 2^32 lines"));
        let start = chunk.and_then(|chunk| r.start_in(chunk)).unwrap_or(0);
        out.start
            .push(u32::try_from(start).expect("a chunk is shorter than 4 GiB"));
        if detail == Detail::Full {
            out.details.id.push(&row.id);
            out.details.customer.push(&row.customer);
        }
        None
    });
    out.first_line = first_line.unwrap_or(0);
    // A servicing partner that names no valid partner is cleared, the row kept (its only
    // note: any other problem rejected it).
    let mut cleared = Vec::new();
    partners.get_all(
        &servicing.hashes,
        |i| servicing.ids.get(i),
        |i, found| {
            let row = servicing.rows[i] as usize;
            match found {
                Some(p) => out.partner[row] = p,
                None => cleared.push(rules::unknown_servicing_partner(
                    out.line(row),
                    servicing.ids.get(i),
                )),
            }
        },
    );
    if !cleared.is_empty() {
        problems.append(&mut cleared);
        problems.sort_by_key(|p| p.line);
    }
    k.problems = problems;
    k
}

/// The valid partners as the installs table refers to them.
pub(super) struct Partners<'p> {
    /// Their ids.
    pub(super) index: &'p PartnerIndex,
    /// `homes[p]` names partner `p`'s region (a serviced install elsewhere is not kept for
    /// a plan).
    pub(super) homes: &'p [&'p str],
}

/// Checks the installs table into columns, chunks in parallel. Regions are numbered in
/// order of first appearance (returned alongside, remapped to sorted order by the
/// caller). `file` is the file's bytes, which CSV chunks are places in.
pub(super) fn read_installs(
    (src, map): (&Source<'_>, &ColumnMap),
    config: &Config,
    catalog: &Catalog,
    partners: Partners<'_>,
    file: &Contents,
    detail: Detail,
) -> (Installs, Vec<String>, Vec<RejectedRow>) {
    let Partners {
        index: partners,
        homes,
    } = partners;
    let mut chunks: Vec<InstallChunk<'_>> = (0..src.chunks())
        .into_par_iter()
        .map(|c| install_chunk(src, c, map, catalog, partners, detail))
        .collect();

    // The duplicate rule, in file order: the first row with an id claims it.
    let duplicates = duplicate_claims(&chunks);
    let mut dropped: Vec<Vec<bool>> = chunks.iter().map(|k| vec![false; k.out.len()]).collect();
    for ((k, drop), dups) in chunks.iter_mut().zip(&mut dropped).zip(duplicates) {
        let mut dup_rows = Vec::with_capacity(dups.len());
        for i in dups {
            let i = i as usize;
            if k.claims.kept[i] != Claims::NOT_KEPT {
                drop[k.claims.kept[i] as usize] = true;
            }
            dup_rows.push(RejectedRow {
                table: Table::Installs,
                line: k.claims.line(i, &k.out),
                column: "install_id",
                value: k.claims.id(i).to_string(),
                reason: "duplicate install_id".to_string(),
                action: Action::Rejected,
            });
        }
        if !dup_rows.is_empty() {
            // One entry per row: the duplicate replaces whatever else the row had.
            let lines: Vec<u64> = dup_rows.iter().map(|r| r.line).collect();
            k.problems.retain(|p| lines.binary_search(&p.line).is_err());
            k.problems.append(&mut dup_rows);
            k.problems.sort_by_key(|p| p.line);
        }
    }

    // Global region numbers by first appearance.
    let mut region_ids: FxHashMap<String, RegionId> = FxHashMap::default();
    let mut region_names: Vec<String> = Vec::new();
    for k in &chunks {
        for r in &k.regions {
            if !region_ids.contains_key(r) {
                region_ids.insert(r.clone(), region_names.len() as RegionId);
                region_names.push(r.clone());
            }
        }
    }
    let global: Vec<Vec<RegionId>> = chunks
        .iter()
        .map(|k| k.regions.iter().map(|r| region_ids[r.as_str()]).collect())
        .collect();
    // The claims have served (the duplicate rule): freed before the counts.
    let mut problems = Vec::new();
    for k in &mut chunks {
        k.claims = Claims::default();
        problems.append(&mut k.problems);
    }
    // The file's text has been read (what follows reads numbers): its pages are handed
    // back before the lists below are filled (the text of the installs a plan names is
    // read again).
    file.release_pages();

    // The counts, chunks in parallel: one set of counters per worker's run of chunks (not
    // per chunk: the per-partner counters alone are 4 bytes a partner), summed. Beside
    // them, what sizes the plan's lists: open installs per cell, and per partner the
    // installs of its own region it services.
    let nv = config.vendors.len();
    let per_worker = chunks.len().div_ceil(rayon::current_num_threads()).max(1);
    let cells = region_names.len() * nv;
    let home: Vec<RegionId> = homes
        .iter()
        .map(|h| region_ids.get(*h).copied().unwrap_or(RegionId::MAX))
        .collect();
    let empty = || Counts {
        installs: Installs {
            per_vendor: vec![0; cells],
            seats: vec![0; cells],
            serviced: vec![0; partners.len()],
            ..Installs::default()
        },
        open: vec![0; cells],
        serviced_home: vec![0; partners.len()],
    };
    let counts = chunks
        .par_iter()
        .zip(&dropped)
        .zip(&global)
        .with_min_len(per_worker)
        .fold(empty, |mut t, ((k, drop), global)| {
            let rows = &k.out;
            for i in (0..rows.len()).filter(|&i| !drop[i]) {
                let region = global[rows.region[i] as usize];
                let cell = region as usize * nv + rows.vendor[i] as usize;
                t.installs.count += 1;
                t.installs.per_vendor[cell] += 1;
                t.installs.seats[cell] += rows.seats[i];
                match rows.partner(i) {
                    Some(p) => {
                        t.installs.serviced[p as usize] += 1;
                        if home[p as usize] == region {
                            t.serviced_home[p as usize] += 1;
                        }
                    }
                    None => t.open[cell] += 1,
                }
            }
            t
        })
        .reduce(empty, |mut a, b| {
            a.installs.count += b.installs.count;
            let add =
                |x: &mut Vec<u64>, y: Vec<u64>| x.iter_mut().zip(y).for_each(|(x, y)| *x += y);
            add(&mut a.installs.per_vendor, b.installs.per_vendor);
            add(&mut a.installs.seats, b.installs.seats);
            let add =
                |x: &mut Vec<u32>, y: Vec<u32>| x.iter_mut().zip(y).for_each(|(x, y)| *x += y);
            add(&mut a.installs.serviced, b.installs.serviced);
            add(&mut a.open, b.open);
            add(&mut a.serviced_home, b.serviced_home);
            a
        });
    let mut installs = counts.installs;
    // The rows themselves, when asked for: kept rows in file order, global regions.
    if detail == Detail::Full {
        let mut all = InstallRows::default();
        for ((k, drop), global) in chunks.iter().zip(&dropped).zip(&global) {
            let rows = &k.out;
            for i in (0..rows.len()).filter(|&i| !drop[i]) {
                all.region.push(global[rows.region[i] as usize]);
                all.vendor.push(rows.vendor[i]);
                all.seats.push(rows.seats[i]);
                all.partner.push(rows.partner(i));
                all.line.push(rows.line(i));
                all.details.id.push(rows.details.id.get(i));
                all.details.customer.push(rows.details.customer.get(i));
            }
        }
        installs.rows = Some(all);
    }
    let chunk_at: Vec<Option<u64>> = (0..chunks.len())
        .map(|c| {
            src.chunk_text(c)
                .map(|t| (t.as_ptr() as usize - file.as_ptr() as usize) as u64)
        })
        .collect();
    installs.plan = plan_installs(
        chunks,
        &dropped,
        &global,
        &home,
        nv,
        (&counts.open, &counts.serviced_home),
        &chunk_at,
    );
    (installs, region_names, problems)
}

/// The counters of a run of chunks.
struct Counts {
    installs: Installs,
    /// Open installs per region and vendor.
    open: Vec<u32>,
    /// Per partner, the installs of its own region it services.
    serviced_home: Vec<u32>,
}

/// The plan's lists ([`PlanInstalls`]) in file order, sized by `sizes` (open installs per
/// cell, installs per partner of its region it services). Each chunk's plannable rows are
/// picked out in parallel (its rows then freed); then they are dealt, in file order, to
/// their cell or partner.
fn plan_installs(
    chunks: Vec<InstallChunk<'_>>,
    dropped: &[Vec<bool>],
    global: &[Vec<RegionId>],
    home: &[RegionId],
    nv: usize,
    sizes: (&[u32], &[u32]),
    chunk_at: &[Option<u64>],
) -> PlanInstalls {
    /// A plannable row: its cell (open) or partner (serviced), its vendor, the install.
    type Picked = (u32, VendorId, PlanInstall);
    let picked: Vec<(Vec<Picked>, Vec<Picked>)> = chunks
        .into_par_iter()
        .enumerate()
        .map(|(c, k)| {
            let (rows, drop, global) = (&k.out, &dropped[c], &global[c]);
            // Sized first: lists grown by doubling touch up to twice the memory.
            let open_rows = (0..rows.len())
                .filter(|&i| !drop[i] && rows.partner(i).is_none())
                .count();
            let (mut open, mut serviced) = (
                Vec::with_capacity(open_rows),
                Vec::with_capacity(rows.len() - open_rows),
            );
            for i in (0..rows.len()).filter(|&i| !drop[i]) {
                let region = global[rows.region[i] as usize];
                let (vendor, install) = (
                    rows.vendor[i],
                    PlanInstall {
                        seats: rows.seats[i],
                        at: rows.at(i, chunk_at[c]),
                    },
                );
                match rows.partner(i) {
                    None => {
                        let cell = region as usize * nv + vendor as usize;
                        open.push((cell as u32, vendor, install));
                    }
                    Some(p) if home[p as usize] == region => serviced.push((p, vendor, install)),
                    Some(_) => {}
                }
            }
            (open, serviced)
        })
        .collect();

    let mut serviced_at = Vec::with_capacity(sizes.1.len() + 1);
    serviced_at.push(0usize);
    for &n in sizes.1 {
        serviced_at.push(serviced_at.last().copied().unwrap_or(0) + n as usize);
    }
    let total = serviced_at.last().copied().unwrap_or(0);
    let (opens, serviceds): (Vec<Vec<Picked>>, Vec<Vec<Picked>>) = picked.into_iter().unzip();
    // Each chunk's lists are freed once dealt.
    let (open, (serviced, serviced_vendor)) = rayon::join(
        || {
            let mut open: Vec<Vec<PlanInstall>> = sizes
                .0
                .iter()
                .map(|&n| Vec::with_capacity(n as usize))
                .collect();
            for list in opens {
                for (cell, _, install) in list {
                    open[cell as usize].push(install);
                }
            }
            open
        },
        || {
            let mut serviced = vec![PlanInstall { seats: 0, at: 0 }; total];
            let mut serviced_vendor: Vec<VendorId> = vec![0; total];
            let mut next = serviced_at.clone();
            for list in serviceds {
                for (p, vendor, install) in list {
                    let slot = &mut next[p as usize];
                    serviced[*slot] = install;
                    serviced_vendor[*slot] = vendor;
                    *slot += 1;
                }
            }
            (serviced, serviced_vendor)
        },
    );
    if total == 0 {
        serviced_at.clear();
    }
    PlanInstalls {
        open,
        serviced_at,
        serviced,
        serviced_vendor,
    }
}

/// Renumbers the regions of `installs` (numbered by first appearance in the file) to the
/// dataset's: region `r` becomes `remap[r]`, of `regions` in all.
pub(super) fn remap_regions(
    installs: &mut Installs,
    remap: &[RegionId],
    regions: usize,
    vendors: usize,
) {
    let renumber = |by_first: &[u64]| {
        let mut out = vec![0; regions * vendors];
        for (r, cells) in by_first.chunks(vendors.max(1)).enumerate() {
            let to = remap[r] as usize * vendors;
            out[to..to + cells.len()].copy_from_slice(cells);
        }
        out
    };
    installs.per_vendor = renumber(&installs.per_vendor);
    installs.seats = renumber(&installs.seats);
    let mut open = vec![Vec::new(); regions * vendors];
    for (cell, list) in std::mem::take(&mut installs.plan.open)
        .into_iter()
        .enumerate()
    {
        open[remap[cell / vendors.max(1)] as usize * vendors + cell % vendors.max(1)] = list;
    }
    installs.plan.open = open;
    if let Some(rows) = &mut installs.rows {
        for r in &mut rows.region {
            *r = remap[*r as usize];
        }
    }
}

/// The claims that repeat an id claimed earlier in file order, per chunk (claim indices,
/// ascending). Ids are spread over shards by hash and the shards checked in parallel,
/// each in file order, so the first claim of an id always wins.
fn duplicate_claims(chunks: &[InstallChunk]) -> Vec<Vec<u32>> {
    const SHARDS: usize = 64;
    // Bits 32.. pick the shard; the low 32 bits stand for the hash within it. A list entry
    // and a table entry are both (low bits, claim number across chunks): building the
    // lists reads the hashes in order, and a probe compares in the entry itself, reaching
    // for a claim's id only when the bits match (for a duplicate, or once in about 2^32
    // pairs otherwise) — never for a candidate's hash in its chunk, a cache miss apiece.
    let shard = |h: u64| ((h >> 32) as usize) & (SHARDS - 1);
    // The table's own hash of the low bits: multiplied, so its top bits (hashbrown's tags)
    // depend on all of them.
    let spread = |b: u32| u64::from(b).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let firsts: Vec<u32> = chunks
        .iter()
        .scan(0u32, |n, k| {
            let first = *n;
            *n = u32::try_from(k.claims.hashes.len())
                .ok()
                .and_then(|len| n.checked_add(len))
                .expect("fewer than 2^32 install rows");
            Some(first)
        })
        .collect();
    let claim_of = |n: u32| {
        let c = firsts.partition_point(|&f| f <= n) - 1;
        (c, (n - firsts[c]) as usize)
    };
    let id = |n: u32| {
        let (c, i) = claim_of(n);
        chunks[c].claims.id(i)
    };
    // Sized by a counting pass first: lists of millions of entries grown by doubling touch
    // up to twice the memory, and memory touched for the first time is what costs here.
    let mut sizes = [0usize; SHARDS];
    for k in chunks {
        for &h in &k.claims.hashes {
            sizes[shard(h)] += 1;
        }
    }
    let mut lists: Vec<Vec<(u32, u32)>> = sizes.iter().map(|&n| Vec::with_capacity(n)).collect();
    for (k, first) in chunks.iter().zip(&firsts) {
        for (i, &h) in k.claims.hashes.iter().enumerate() {
            lists[shard(h)].push((h as u32, first + i as u32));
        }
    }
    let found: Vec<Vec<u32>> = lists
        .par_iter()
        .map(|list| {
            let mut seen: hashbrown::HashTable<(u32, u32)> =
                hashbrown::HashTable::with_capacity(list.len());
            let mut dups = Vec::new();
            for &(b, n) in list {
                if seen
                    .find(spread(b), |&(ob, other)| ob == b && id(other) == id(n))
                    .is_some()
                {
                    dups.push(n);
                } else {
                    seen.insert_unique(spread(b), (b, n), |&(ob, _)| spread(ob));
                }
            }
            dups
        })
        .collect();
    let mut per_chunk = vec![Vec::new(); chunks.len()];
    for n in found.into_iter().flatten() {
        let (c, i) = claim_of(n);
        per_chunk[c].push(i as u32);
    }
    for d in &mut per_chunk {
        d.sort_unstable();
    }
    per_chunk
}
