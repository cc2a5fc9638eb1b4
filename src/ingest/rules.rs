/*!
The row rules of the data contract (docs/data-contract.md), one function per table.

Each table's columns are checked in contract order and the first failing rule is the
row's one entry in `rejected.csv`. A rule outcome is either the typed row (perhaps with a
`cleared` note) or a note that drops it (`rejected`, or `ignored` for an assessment dated
after the as-of date).
*/

use std::borrow::Cow;
use std::path::Path;

use chrono::{Months, NaiveDate};
use rustc_hash::FxHashMap;

use super::cell::Cell;
use super::dataset::{
    Action, Assessment, CertificationRow, Engagement, EngagementStatus, Partner, PartnerId,
    RegionId, RejectedRow, Table, Target,
};
use super::lookup::{Catalog, PartnerIndex};
use super::source::{FatalError, Row, Source};
use crate::config::{Config, Status, VendorId};

/// A column of the data contract.
pub(crate) struct Column {
    pub(crate) name: &'static str,
    /// Whether the file must have the column (its value is required, at least sometimes).
    pub(crate) required: bool,
}

const fn col(name: &'static str, required: bool) -> Column {
    Column { name, required }
}

/// Declares a table's columns once: its schema (names and whether the file must have
/// them), and a module of named positions the rules read cells by.
macro_rules! columns {
    (@at $n:expr;) => {};
    (@at $n:expr; $first:ident $($rest:ident)*) => {
        pub(crate) const $first: usize = $n;
        columns!(@at $n + 1; $($rest)*);
    };
    ($schema:ident, $module:ident: $($pos:ident = $name:literal $required:literal),* $(,)?) => {
        const $schema: &[Column] = &[$(col($name, $required)),*];
        #[doc = concat!("Positions of the `", stringify!($module), "` columns, in contract order.")]
        #[allow(missing_docs)]
        pub(crate) mod $module {
            columns!(@at 0; $($pos)*);
        }
    };
}

columns!(PARTNERS, partners:
    ID = "partner_id" true,
    NAME = "name" true,
    REGION = "region" true,
    COUNTRY = "country" false,
    TRACK = "track" true,
    STATUS = "status" true,
    JOINED_ON = "joined_on" true,
    CAPACITY = "capacity" false,
);
columns!(SKILLS, skills:
    PARTNER = "partner_id" true,
    SKILL = "skill" true,
    LEVEL = "level" true,
    STAFF = "staff" false,
    ASSESSED_ON = "assessed_on" true,
);
columns!(CERTIFICATIONS, certifications:
    PARTNER = "partner_id" true,
    CERTIFICATION = "certification" true,
    HOLDERS = "holders" true,
    EARNED_ON = "earned_on" true,
    EXPIRES_ON = "expires_on" false,
);
columns!(INSTALLS, installs:
    ID = "install_id" true,
    CUSTOMER = "customer" true,
    REGION = "region" true,
    VENDOR = "vendor" true,
    PRODUCT = "product" false,
    SEATS = "seats" true,
    PARTNER = "partner_id" false,
    INSTALLED_ON = "installed_on" false,
);
columns!(TARGETS, targets:
    REGION = "region" true,
    TRACK = "track" true,
    DUE_ON = "due_on" true,
    PARTNERS = "partners" true,
    PAIRS = "pairs" false,
);
columns!(ENGAGEMENTS, engagements:
    LEFT = "left_partner_id" true,
    RIGHT = "right_partner_id" true,
    STATUS = "status" true,
    STARTED_ON = "started_on" true,
    ENDED_ON = "ended_on" false,
    IMPLEMENTATIONS = "implementations" false,
);

/// The contract's columns of each table, in order.
pub(crate) fn schema(table: Table) -> &'static [Column] {
    match table {
        Table::Partners => PARTNERS,
        Table::Skills => SKILLS,
        Table::Certifications => CERTIFICATIONS,
        Table::Installs => INSTALLS,
        Table::Targets => TARGETS,
        Table::Engagements => ENGAGEMENTS,
    }
}

/// Where each contract column sits in a file, plus the warnings for extra columns.
pub(crate) struct ColumnMap {
    index: Vec<Option<usize>>,
    width: usize,
    pub(crate) warnings: Vec<String>,
}

impl ColumnMap {
    /// The file's column of the contract's column `k`, when the file has it.
    pub(crate) fn file_column(&self, k: usize) -> Option<usize> {
        self.index[k]
    }

    pub(crate) fn new(path: &Path, table: Table, columns: &[String]) -> Result<Self, FatalError> {
        let schema = schema(table);
        for (i, c) in columns.iter().enumerate() {
            if columns[..i].contains(c) {
                return Err(
                    FatalError::new(path, format!("duplicate column `{c}` in the header"))
                        .at(1, Some(c.clone())),
                );
            }
        }
        let mut index = Vec::with_capacity(schema.len());
        for c in schema {
            let found = columns.iter().position(|h| h == c.name);
            if found.is_none() && c.required {
                return Err(FatalError::new(
                    path,
                    format!(
                        "missing required column `{}`{}",
                        c.name,
                        header_hint(columns, c.name)
                    ),
                ));
            }
            index.push(found);
        }
        let warnings = columns
            .iter()
            .filter(|h| !schema.iter().any(|c| c.name == h.as_str()))
            .map(|h| format!("{}: extra column `{h}` ignored", path.display()))
            .collect();
        Ok(ColumnMap {
            index,
            width: columns.len(),
            warnings,
        })
    }
}

/// Why a required column may be missing, as a user saving from a spreadsheet would need
/// to hear it: the header split by another separator, or a column that differs only in
/// case or surrounding spaces. Nothing is guessed or converted: the file stays refused.
fn header_hint(columns: &[String], name: &str) -> String {
    if columns.iter().any(|h| h.contains('\0')) {
        return ": the file looks like UTF-16 (NUL bytes between characters); save it as UTF-8"
            .to_string();
    }
    for (sep, what) in [
        (
            ';',
            "`;`-separated (a spreadsheet in a German or French locale saves CSV so)",
        ),
        ('\t', "tab-separated"),
        ('|', "`|`-separated"),
    ] {
        if columns
            .iter()
            .any(|h| h.contains(sep) && h.split(sep).any(|part| part.trim() == name))
        {
            return format!(": the header looks {what}; save the file with commas between columns");
        }
    }
    let loose = |h: &str| h.trim().to_lowercase().replace([' ', '-'], "_");
    if let Some(h) = columns.iter().find(|h| loose(h) == name) {
        return format!(
            ": column `{}` differs from it only in case or spaces (column names are exact); rename it `{name}`",
            h.escape_debug()
        );
    }
    " (column names are exact: case-sensitive and not trimmed)".to_string()
}

/// A problem with a row, before it is placed in its table and line.
pub(crate) struct Note {
    column: &'static str,
    value: String,
    reason: Cow<'static, str>,
    action: Action,
}

type Checked<T> = Result<T, Note>;

/// Reads cells of one row by contract column index.
pub(crate) struct RowCheck<'r> {
    row: &'r Row<'r>,
    map: &'r ColumnMap,
    schema: &'static [Column],
}

impl<'r> RowCheck<'r> {
    /// Where the row's record starts in `chunk` (CSV only).
    pub(crate) fn start_in(&self, chunk: &str) -> Option<usize> {
        self.row.start_in(chunk)
    }

    #[inline(always)]
    fn cell(&self, k: usize) -> Cell<'r> {
        match self.map.index[k] {
            Some(i) => self.row.get(i),
            None => Cell::Missing,
        }
    }

    fn reject(&self, k: usize, cell: Cell<'_>, reason: impl Into<Cow<'static, str>>) -> Note {
        self.note(k, cell, reason, Action::Rejected)
    }

    fn note(
        &self,
        k: usize,
        cell: Cell<'_>,
        reason: impl Into<Cow<'static, str>>,
        action: Action,
    ) -> Note {
        Note {
            column: self.schema[k].name,
            value: cell.display().into_owned(),
            reason: reason.into(),
            action,
        }
    }

    #[inline(always)]
    fn opt_text(&self, k: usize) -> Checked<Option<Cow<'r, str>>> {
        let c = self.cell(k);
        c.as_text().map_err(|e| self.reject(k, c, e))
    }

    #[inline(always)]
    pub(crate) fn text(&self, k: usize) -> Checked<Cow<'r, str>> {
        self.opt_text(k)?
            .ok_or_else(|| self.reject(k, Cell::Missing, "missing value"))
    }

    #[inline(always)]
    fn opt_int(&self, k: usize, min: i64, max: i64) -> Checked<Option<i64>> {
        let c = self.cell(k);
        let v = c.as_int().map_err(|e| self.reject(k, c, e))?;
        match v {
            Some(i) if i < min => Err(self.reject(k, c, format!("must be >= {min}"))),
            Some(i) if i > max => Err(self.reject(k, c, format!("must be <= {max}"))),
            v => Ok(v),
        }
    }

    #[inline(always)]
    fn int(&self, k: usize, min: i64, max: i64) -> Checked<i64> {
        self.opt_int(k, min, max)?
            .ok_or_else(|| self.reject(k, Cell::Missing, "missing value"))
    }

    #[inline(always)]
    fn opt_date(&self, k: usize) -> Checked<Option<NaiveDate>> {
        let c = self.cell(k);
        c.as_date().map_err(|e| self.reject(k, c, e))
    }

    #[inline(always)]
    fn date(&self, k: usize) -> Checked<NaiveDate> {
        self.opt_date(k)?
            .ok_or_else(|| self.reject(k, Cell::Missing, "missing value"))
    }

    /// A required value that must be one of the config's ids.
    #[inline(always)]
    fn id<T>(
        &self,
        k: usize,
        kind: &'static str,
        lookup: impl Fn(&str) -> Option<T>,
    ) -> Checked<T> {
        let v = self.text(k)?;
        lookup(&v).ok_or_else(|| self.reject(k, self.cell(k), kind))
    }
}

const U32_MAX: i64 = u32::MAX as i64;

/// Calls `f(line, row)` on every row of `src` in file order and places the notes it
/// returns; a row with the wrong number of fields is rejected before `f` sees it.
pub(crate) fn each_row(
    src: &Source<'_>,
    table: Table,
    map: &ColumnMap,
    mut f: impl FnMut(u64, &RowCheck<'_>) -> Option<Note>,
) -> Vec<RejectedRow> {
    let mut problems = Vec::new();
    for c in 0..src.chunks() {
        problems.extend(each_row_in(src, c, table, map, &mut f));
    }
    problems
}

/// [`each_row`] over chunk `c` of `src` only.
pub(crate) fn each_row_in(
    src: &Source<'_>,
    c: usize,
    table: Table,
    map: &ColumnMap,
    mut f: impl FnMut(u64, &RowCheck<'_>) -> Option<Note>,
) -> Vec<RejectedRow> {
    let schema = schema(table);
    let mut problems = Vec::new();
    src.for_each_in(c, |line, row| {
        if let Some(n) = row.field_count().filter(|&n| n != map.width) {
            problems.push(RejectedRow {
                table,
                line,
                column: "*",
                value: format!("{n} fields"),
                reason: format!("wrong number of fields (the header has {})", map.width),
                action: Action::Rejected,
            });
            return;
        }
        let rc = RowCheck {
            row: &row,
            map,
            schema,
        };
        if let Some(n) = f(line, &rc) {
            problems.push(RejectedRow {
                table,
                line,
                column: n.column,
                value: n.value,
                reason: n.reason.into_owned(),
                action: n.action,
            });
        }
    });
    problems
}

/// Runs `check(line, row)` on every row of `src` in file order, collecting kept rows and
/// notes.
pub(crate) fn run<T>(
    src: &Source<'_>,
    table: Table,
    map: &ColumnMap,
    mut check: impl FnMut(u64, &RowCheck<'_>) -> Checked<(T, Option<Note>)>,
) -> (Vec<T>, Vec<RejectedRow>) {
    let mut kept = Vec::with_capacity(src.size_hint());
    let problems = each_row(src, table, map, |line, r| match check(line, r) {
        Ok((t, note)) => {
            kept.push(t);
            note
        }
        Err(note) => Some(note),
    });
    (kept, problems)
}

/// Region names as one table's rows meet them, numbered in that order; the dataset's
/// region ids (names sorted) replace these numbers once every table is read.
#[derive(Debug, Default)]
pub(crate) struct RegionNames {
    /// Names by local number.
    pub(crate) names: Vec<String>,
    index: FxHashMap<String, RegionId>,
}

impl RegionNames {
    /// The local number of region `name`.
    pub(crate) fn id(&mut self, name: &str) -> RegionId {
        if let Some(&r) = self.index.get(name) {
            return r;
        }
        let r = self.names.len() as RegionId;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), r);
        r
    }
}

/// Checks partners; the first occurrence of an id claims it, later ones are duplicates.
/// Returns the partners in file order (their regions numbered in `regions`), the
/// problems, and the ids of rejected rows, sorted (for messages such as `explain`'s).
pub(crate) fn partners(
    src: &Source<'_>,
    map: &ColumnMap,
    config: &Config,
    regions: &mut RegionNames,
) -> (Vec<Partner>, Vec<RejectedRow>, Vec<String>) {
    use self::partners::*;
    let mut seen = rustc_hash::FxHashSet::default();
    let mut ids: Vec<String> = Vec::new();
    let (kept, problems) = run(src, Table::Partners, map, |line, r| {
        let id = r.text(ID)?;
        ids.push(id.clone().into_owned());
        if !seen.insert(id.clone().into_owned()) {
            return Err(r.reject(ID, r.cell(ID), "duplicate partner_id"));
        }
        let name = r.text(NAME)?;
        let region = r.text(REGION)?;
        let country = r.opt_text(COUNTRY)?;
        let track = r.id(TRACK, "unknown track", |t| config.track_id(t))?;
        let status = r.id(STATUS, "invalid status", Status::parse)?;
        let joined_on = r.opt_date(JOINED_ON)?;
        if joined_on.is_none() && status != Status::Prospect {
            return Err(r.reject(
                JOINED_ON,
                Cell::Missing,
                "missing value (required unless status is prospect)",
            ));
        }
        let capacity = r.opt_int(CAPACITY, 0, U32_MAX)?.map(|c| c as u32);
        Ok((
            Partner {
                id: id.into_owned(),
                name: name.into_owned(),
                region: regions.id(&region),
                country: country.map(Cow::into_owned),
                track,
                status,
                joined_on,
                capacity,
                line,
            },
            None,
        ))
    });
    let kept_ids: std::collections::HashSet<&str> = kept.iter().map(|p| p.id.as_str()).collect();
    let mut rejected_ids: Vec<String> = ids
        .into_iter()
        .filter(|i| !kept_ids.contains(i.as_str()))
        .collect();
    rejected_ids.sort();
    rejected_ids.dedup();
    (kept, problems, rejected_ids)
}

/// Checks skills: assessments in effect on `as_of` (a later one is ignored).
pub(crate) fn skills(
    src: &Source<'_>,
    map: &ColumnMap,
    catalog: &Catalog,
    partners: &PartnerIndex,
    as_of: NaiveDate,
) -> (Vec<Assessment>, Vec<RejectedRow>) {
    use self::skills::*;
    run(src, Table::Skills, map, |line, r| {
        let partner = r.id(PARTNER, "unknown partner", |p| partners.get(p))?;
        let skill = r.id(SKILL, "unknown skill", |s| catalog.skills.get(s))?;
        let level = r.int(LEVEL, 0, 4)? as u8;
        let staff = r.opt_int(STAFF, 0, U32_MAX)?.map(|s| s as u32);
        let assessed_on = r.date(ASSESSED_ON)?;
        if assessed_on > as_of {
            return Err(r.note(
                ASSESSED_ON,
                r.cell(ASSESSED_ON),
                "assessed after the as-of date (not yet in effect)",
                Action::Ignored,
            ));
        }
        Ok((
            Assessment {
                partner,
                skill,
                level,
                staff,
                assessed_on,
                line,
            },
            None,
        ))
    })
}

/// Checks certifications; a missing expiry is `earned_on` plus the validity in calendar
/// months, clamped to the month's end.
pub(crate) fn certifications(
    src: &Source<'_>,
    map: &ColumnMap,
    config: &Config,
    catalog: &Catalog,
    partners: &PartnerIndex,
) -> (Vec<CertificationRow>, Vec<RejectedRow>) {
    use self::certifications::*;
    run(src, Table::Certifications, map, |line, r| {
        let partner = r.id(PARTNER, "unknown partner", |p| partners.get(p))?;
        let certification = r.id(CERTIFICATION, "unknown certification", |c| {
            catalog.certifications.get(c)
        })?;
        let holders = r.int(HOLDERS, 1, U32_MAX)? as u32;
        let earned_on = r.date(EARNED_ON)?;
        let given = r.opt_date(EXPIRES_ON)?;
        let expires_on = match given {
            Some(e) if e <= earned_on => {
                return Err(r.reject(EXPIRES_ON, r.cell(EXPIRES_ON), "must be after earned_on"));
            }
            Some(e) => e,
            None => {
                let months = config.certifications[certification as usize].validity_months;
                earned_on
                    .checked_add_months(Months::new(months))
                    .ok_or_else(|| {
                        r.reject(
                            EARNED_ON,
                            r.cell(EARNED_ON),
                            "expiry out of the calendar's range",
                        )
                    })?
            }
        };
        Ok((
            CertificationRow {
                partner,
                certification,
                holders,
                earned_on,
                expires_on,
                expiry_given: given.is_some(),
                line,
            },
            None,
        ))
    })
}

/// An installs row, region not yet interned, servicing partner not yet looked up.
pub(crate) struct InstallRow<'s> {
    pub(crate) id: Cow<'s, str>,
    pub(crate) customer: Cow<'s, str>,
    pub(crate) region: Cow<'s, str>,
    pub(crate) vendor: VendorId,
    pub(crate) seats: u64,
    /// The servicing partner's id, as given.
    pub(crate) partner: Option<Cow<'s, str>>,
}

/// Checks one installs row, all but two rules that the caller applies to many rows at
/// once: the duplicate-id rule (which needs the whole file in order) and the servicing
/// partner's existence (whose lookups go faster together): a kept row whose partner names
/// no valid partner has it cleared ([`unknown_servicing_partner`]). `product` and
/// `installed_on` are checked, not returned.
pub(crate) fn install<'r>(r: &RowCheck<'r>, catalog: &Catalog) -> Checked<InstallRow<'r>> {
    use self::installs::*;
    let id = r.text(ID)?;
    let customer = r.text(CUSTOMER)?;
    let region = r.text(REGION)?;
    let vendor = r.id(VENDOR, "unknown vendor", |v| catalog.vendors.get(v))?;
    r.opt_text(PRODUCT)?;
    let seats = r.int(SEATS, 0, i64::MAX)? as u64;
    let partner = r.opt_text(PARTNER)?;
    r.opt_date(INSTALLED_ON)?;
    Ok(InstallRow {
        id,
        customer,
        region,
        vendor,
        seats,
        partner,
    })
}

/// The note on the kept installs row at `line` whose servicing partner `id` names no
/// valid partner: the partner is cleared.
pub(crate) fn unknown_servicing_partner(line: u64, id: &str) -> RejectedRow {
    RejectedRow {
        table: Table::Installs,
        line,
        column: INSTALLS[installs::PARTNER].name,
        value: id.to_string(),
        reason: "unknown partner".to_string(),
        action: Action::Cleared,
    }
}

/// Checks targets; `track` is a configured track or `all`. Their regions are numbered in
/// `regions`.
pub(crate) fn targets(
    src: &Source<'_>,
    map: &ColumnMap,
    config: &Config,
    regions: &mut RegionNames,
) -> (Vec<Target>, Vec<RejectedRow>) {
    use self::targets::*;
    run(src, Table::Targets, map, |line, r| {
        let region = r.text(REGION)?;
        let track = r.id(TRACK, "unknown track (a configured track or `all`)", |t| {
            if t == "all" {
                Some(None)
            } else {
                config.track_id(t).map(Some)
            }
        })?;
        let due_on = r.date(DUE_ON)?;
        let partners = r.int(PARTNERS, 0, U32_MAX)? as u32;
        let pairs = r.opt_int(PAIRS, 0, U32_MAX)?.map(|p| p as u32);
        Ok((
            Target {
                region: regions.id(&region),
                track,
                due_on,
                partners,
                pairs,
                line,
            },
            None,
        ))
    })
}

/// Checks engagements against the valid `partners` (sorted by id, indexed by `index`).
/// The first row in file order with both ids present claims the pair, valid or not;
/// later rows for it are duplicates. A row that starts after `as_of` is ignored. The
/// engagements are returned sorted by (left, right).
pub(crate) fn engagements(
    src: &Source<'_>,
    map: &ColumnMap,
    config: &Config,
    partners: &[Partner],
    index: &PartnerIndex,
    as_of: NaiveDate,
) -> (Vec<Engagement>, Vec<RejectedRow>) {
    use self::engagements::*;
    let mut claimed: rustc_hash::FxHashSet<(String, String)> = Default::default();
    let (mut kept, problems) = run(src, Table::Engagements, map, |line, r| {
        let first = match (r.opt_text(LEFT), r.opt_text(RIGHT)) {
            (Ok(Some(a)), Ok(Some(b))) => claimed.insert((a.into_owned(), b.into_owned())),
            _ => true,
        };
        let member = |k: usize, track, wrong: &'static str| -> Checked<PartnerId> {
            let p = r.id(k, "unknown partner", |id| index.get(id))?;
            if partners[p as usize].track == track {
                Ok(p)
            } else {
                Err(r.reject(k, r.cell(k), wrong))
            }
        };
        let left = member(LEFT, config.pairing.left_track, "not a left-track partner")?;
        let right = member(
            RIGHT,
            config.pairing.right_track,
            "not a right-track partner",
        )?;
        if partners[left as usize].region != partners[right as usize].region {
            return Err(r.reject(RIGHT, r.cell(RIGHT), "partners in different regions"));
        }
        if !first {
            return Err(r.reject(RIGHT, r.cell(RIGHT), "duplicate engagement"));
        }
        let status = r.id(
            STATUS,
            "unknown status (one of proposed, active, ended)",
            EngagementStatus::parse,
        )?;
        let started_on = r.opt_date(STARTED_ON)?;
        match (status, started_on) {
            (EngagementStatus::Proposed, Some(_)) => {
                return Err(r.reject(
                    STARTED_ON,
                    r.cell(STARTED_ON),
                    "must be empty for a proposed engagement",
                ));
            }
            (EngagementStatus::Active | EngagementStatus::Ended, None) => {
                return Err(r.reject(
                    STARTED_ON,
                    Cell::Missing,
                    "missing value (required for active and ended engagements)",
                ));
            }
            _ => {}
        }
        let ended_on = r.opt_date(ENDED_ON)?;
        match (status, ended_on, started_on) {
            (EngagementStatus::Ended, None, _) => {
                return Err(r.reject(
                    ENDED_ON,
                    Cell::Missing,
                    "missing value (required for an ended engagement)",
                ));
            }
            (EngagementStatus::Ended, Some(end), Some(start)) if end <= start => {
                return Err(r.reject(ENDED_ON, r.cell(ENDED_ON), "must be after started_on"));
            }
            (EngagementStatus::Proposed | EngagementStatus::Active, Some(_), _) => {
                return Err(r.reject(
                    ENDED_ON,
                    r.cell(ENDED_ON),
                    "must be empty unless the engagement has ended",
                ));
            }
            _ => {}
        }
        let implementations = r.opt_int(IMPLEMENTATIONS, 0, U32_MAX)?.unwrap_or(0) as u32;
        if started_on.is_some_and(|d| d > as_of) {
            return Err(r.note(
                STARTED_ON,
                r.cell(STARTED_ON),
                "starts after the as-of date (not yet in effect)",
                Action::Ignored,
            ));
        }
        Ok((
            Engagement {
                left,
                right,
                status,
                started_on,
                ended_on,
                implementations,
                line,
            },
            None,
        ))
    });
    kept.sort_by_key(|e| (e.left, e.right));
    (kept, problems)
}
