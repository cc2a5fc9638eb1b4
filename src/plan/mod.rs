/*!
First customer implementations (docs/implementations.md): for every delivery unit of a
region — engagements in effect, recommended pairs, eligible standalone partners — the
installs it should start with.

A unit gets `implementations.per_unit` slots, less what its engagement has delivered;
it takes only installs of its region of a vendor it is qualified for; an install with a
servicing partner goes only to a unit holding that partner (no channel conflict); each
install goes to one unit at most. The plan maximises the relationships (installs serviced
by a partner of their unit), then the planned seats — exactly ([`solve`]). Regions are
planned in parallel; `install_id` and `customer` are read from the installs file only for
the installs planned.
*/

pub mod solve;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Config, VendorId};
use crate::coverage::{Coverage, RegionCoverage, Unit};
use crate::ingest::{Dataset, PartnerId, RegionId};
use crate::pair::{Pairing, RegionPairing};
use crate::score::VendorSet;
use solve::{Class, Planner, best};

/// One planned first customer implementation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Implementation {
    /// Index of its unit in the region's [`RegionCoverage::units`].
    pub unit: u32,
    /// The install's vendor.
    pub vendor: VendorId,
    /// Its seats.
    pub seats: u64,
    /// The partner of the unit that services the install already (a relationship), if any.
    pub serviced_by: Option<PartnerId>,
    /// `install_id`.
    pub install_id: String,
    /// `customer`.
    pub customer: String,
    /// Where the install is in its file (the order of ties).
    #[serde(skip)]
    pub at: u64,
}

/// One region's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionPlan {
    /// The region.
    pub region: RegionId,
    /// Slots of each unit, indexed as [`RegionCoverage::units`].
    pub slots: Vec<u32>,
    /// The implementations, by unit; within a unit relationships first, then by seats
    /// (descending) and file order.
    pub implementations: Vec<Implementation>,
}

impl RegionPlan {
    /// Seats of the planned implementations.
    pub fn seats(&self) -> u64 {
        self.implementations.iter().map(|i| i.seats).sum()
    }

    /// Planned implementations that are relationships.
    pub fn relationships(&self) -> usize {
        self.implementations
            .iter()
            .filter(|i| i.serviced_by.is_some())
            .count()
    }

    /// The implementations of unit `u`.
    pub fn of_unit(&self, u: u32) -> &[Implementation] {
        let from = self.implementations.partition_point(|i| i.unit < u);
        let to = self.implementations.partition_point(|i| i.unit <= u);
        &self.implementations[from..to]
    }
}

/// The plan of every region, in region order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Per region, as [`Coverage::regions`].
    pub regions: Vec<RegionPlan>,
}

/// Plans every region's first customer implementations.
pub fn plan(d: &Dataset, config: &Config, pairing: &Pairing, coverage: &Coverage) -> Plan {
    let mut regions: Vec<RegionPlan> = coverage
        .regions
        .par_iter()
        .zip(&pairing.regions)
        .map(|(rc, rp)| region(d, config, rp, rc))
        .collect();
    // The text of the planned installs (`fetch` reads them in file order).
    let wanted: Vec<(u64, usize, usize)> = regions
        .iter()
        .enumerate()
        .flat_map(|(r, p)| {
            p.implementations
                .iter()
                .enumerate()
                .map(move |(i, imp)| (imp.at, r, i))
        })
        .collect();
    let ats: Vec<u64> = wanted.iter().map(|w| w.0).collect();
    for ((_, r, i), (id, customer)) in wanted.into_iter().zip(d.installs.text.fetch(&ats)) {
        let imp = &mut regions[r].implementations[i];
        imp.install_id = id;
        imp.customer = customer;
    }
    Plan { regions }
}

/// The slots of each unit of a region: `per_unit`, less what an engagement in effect has
/// delivered.
fn slots(d: &Dataset, config: &Config, rp: &RegionPairing, rc: &RegionCoverage) -> Vec<u32> {
    let per_unit = config.implementations.per_unit;
    rc.units
        .iter()
        .enumerate()
        .map(|(u, (unit, _))| {
            let engagement = rp.pairs.get(u).and_then(|p| {
                debug_assert_eq!(*unit, Unit::Pair(p.left, p.right));
                p.engagement
            });
            match engagement {
                Some(e) => per_unit.saturating_sub(d.engagements[e as usize].implementations),
                None => per_unit,
            }
        })
        .collect()
}

/// One region's plan, without the installs' text.
fn region(d: &Dataset, config: &Config, rp: &RegionPairing, rc: &RegionCoverage) -> RegionPlan {
    let slots = slots(d, config, rp, rc);
    let plan = &d.installs.plan;
    let nv = config.vendors.len();
    let mut planner = Planner::new(slots);
    // The servicing partner and vendor of each class (no partner: open installs).
    let mut servicing: Vec<Option<PartnerId>> = Vec::new();
    let mut vendor_of: Vec<VendorId> = Vec::new();

    // Serviced installs first: one class per (partner, vendor), the partner's units
    // qualified for the vendor.
    let mut partner_units: Vec<(PartnerId, u32)> = rc
        .units
        .iter()
        .enumerate()
        .flat_map(|(u, (unit, _))| unit.members().map(move |p| (p, u as u32)))
        .collect();
    partner_units.sort_unstable();
    for group in partner_units.chunk_by(|a, b| a.0 == b.0) {
        let p = group[0].0;
        let (installs, vendors) = plan.serviced_by(p);
        if installs.is_empty() {
            continue;
        }
        let mut seen = VendorSet::default();
        for &v in vendors {
            if seen.contains(v) {
                continue;
            }
            seen.insert(v);
            let units: Vec<u32> = group
                .iter()
                .map(|&(_, u)| u)
                .filter(|&u| rc.units[u as usize].1.contains(v))
                .collect();
            let room = planner.room(&units);
            if room == 0 {
                continue;
            }
            let mine = installs
                .iter()
                .zip(vendors)
                .filter(|&(_, &w)| w == v)
                .map(|(i, _)| *i)
                .collect();
            planner.add(Class {
                installs: best(mine, room),
                units,
                relationship: true,
            });
            servicing.push(Some(p));
            vendor_of.push(v);
        }
    }
    planner.relationships();

    // Then open installs: one class per vendor, the units qualified for it; no more of
    // them than the slots the relationships left.
    let free = planner.free() as usize;
    for v in 0..nv as VendorId {
        let cell = rp.region as usize * nv + v as usize;
        let Some(open) = plan.open.get(cell).filter(|o| !o.is_empty()) else {
            continue;
        };
        let units: Vec<u32> = (0..rc.units.len() as u32)
            .filter(|&u| rc.units[u as usize].1.contains(v))
            .collect();
        let keep = planner.room(&units).min(free);
        if keep == 0 {
            continue;
        }
        planner.add(Class {
            installs: best(open.clone(), keep),
            units,
            relationship: false,
        });
        servicing.push(None);
        vendor_of.push(v);
    }
    planner.others();

    let (problem, assignments) = planner.finish();
    let mut implementations: Vec<Implementation> = assignments
        .into_iter()
        .map(|a| {
            let install = problem.classes[a.class as usize].installs[a.install as usize];
            Implementation {
                unit: a.unit,
                vendor: vendor_of[a.class as usize],
                seats: install.seats,
                serviced_by: servicing[a.class as usize],
                install_id: String::new(),
                customer: String::new(),
                at: install.at,
            }
        })
        .collect();
    implementations.sort_unstable_by_key(|i| {
        (
            i.unit,
            i.serviced_by.is_none(),
            std::cmp::Reverse(i.seats),
            i.at,
        )
    });
    RegionPlan {
        region: rp.region,
        slots: problem.slots,
        implementations,
    }
}
