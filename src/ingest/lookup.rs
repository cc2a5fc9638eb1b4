/*!
The lookup structures of the cross-table rules: valid partner ids ([`PartnerIndex`]) and
the config's vendor, skill and certification ids ([`Catalog`] of [`IdSet`]s), each built
once and probed once per row of the big tables.
*/

use rustc_hash::FxHashMap;

use super::dataset::PartnerId;
use crate::config::Config;

/// Valid partner ids, for the cross-table rules. Millions of lookups go to random places
/// in it, so it is one array of slots, probed linearly from the id's hash and at most half
/// full: a slot carries the id's full hash and, when the id is short (as ids are), its
/// bytes, so a lookup touches one slot (one cache line) and nothing else — and a caller
/// with many ids to look up can have that line fetched ahead ([`PartnerIndex::get_all`]).
pub(crate) struct PartnerIndex {
    /// Ids longer than [`INLINE`] bytes, end to end.
    long: String,
    /// A power of two of slots, at least twice the ids: a probe always meets an empty one.
    slots: Vec<Slot>,
    len: usize,
}

/// Id bytes kept in the slot itself.
const INLINE: usize = 16;

/// The hash of an id for the tables of ids: FxHash, whose low bits are weak for ids that
/// differ only in their last characters (`UCP-00001`, `UCP-00002`, ...), with a
/// finishing mix so that every bit depends on every byte.
pub(crate) fn id_hash(id: &str) -> u64 {
    use std::hash::BuildHasher;
    let mut h = rustc_hash::FxBuildHasher.hash_one(id);
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

/// One slot of the index: 32 bytes, aligned so that it never straddles two cache lines.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    hash: u64,
    /// The partner, or [`Slot::EMPTY`].
    partner: PartnerId,
    len: u32,
    /// The id's bytes when it fits, else its offset in `long` (first 4 bytes).
    bytes: [u8; INLINE],
}

impl Slot {
    const EMPTY: PartnerId = PartnerId::MAX;
}

/// How many lookups ahead [`PartnerIndex::get_all`] has a slot fetched: enough to cover a
/// memory access with the work of the lookups between.
const AHEAD: usize = 16;

impl PartnerIndex {
    /// The index of `ids`, which are distinct; id `i` is partner `i`.
    pub(crate) fn new<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> PartnerIndex {
        let empty = Slot {
            hash: 0,
            partner: Slot::EMPTY,
            len: 0,
            bytes: [0; INLINE],
        };
        let mut index = PartnerIndex {
            long: String::new(),
            slots: vec![empty; (2 * ids.len()).next_power_of_two().max(8)],
            len: ids.len(),
        };
        let mask = index.slots.len() - 1;
        for (i, id) in ids.enumerate() {
            let mut bytes = [0u8; INLINE];
            if id.len() <= INLINE {
                bytes[..id.len()].copy_from_slice(id.as_bytes());
            } else {
                bytes[..4].copy_from_slice(&(index.long.len() as u32).to_le_bytes());
                index.long.push_str(id);
            }
            let hash = id_hash(id);
            let mut at = hash as usize & mask;
            while index.slots[at].partner != Slot::EMPTY {
                at = (at + 1) & mask;
            }
            index.slots[at] = Slot {
                hash,
                partner: i as PartnerId,
                len: id.len() as u32,
                bytes,
            };
        }
        index
    }

    /// Number of partners.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn id_of<'s>(&'s self, s: &'s Slot) -> &'s [u8] {
        let len = s.len as usize;
        if len <= INLINE {
            &s.bytes[..len]
        } else {
            let start = u32::from_le_bytes([s.bytes[0], s.bytes[1], s.bytes[2], s.bytes[3]]);
            &self.long.as_bytes()[start as usize..start as usize + len]
        }
    }

    /// The partner whose id is `id`, whose [`id_hash`] is `hash`.
    #[inline]
    fn find(&self, hash: u64, id: &str) -> Option<PartnerId> {
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            let s = &self.slots[at];
            if s.partner == Slot::EMPTY {
                return None;
            }
            if s.hash == hash && self.id_of(s) == id.as_bytes() {
                return Some(s.partner);
            }
            at = (at + 1) & mask;
        }
    }

    /// Has the slot where a probe for `hash` starts fetched into the cache.
    #[inline(always)]
    fn prefetch(&self, hash: u64) {
        let slot: *const Slot = &self.slots[hash as usize & (self.slots.len() - 1)];
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a prefetch is a hint: it reads nothing the program sees and never
        // faults; the address is a live slot besides.
        unsafe {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            _mm_prefetch::<_MM_HINT_T0>(slot.cast());
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = slot;
    }

    /// The partner whose id is `id`.
    pub(crate) fn get(&self, id: &str) -> Option<PartnerId> {
        self.find(id_hash(id), id)
    }

    /// Looks up many ids: id `i` is `id(i)` with [`id_hash`] `hashes[i]`, and `found(i,
    /// partner)` is called for each in order. The slot of each lookup a few ahead is
    /// fetched while this one is compared, so that the memory accesses overlap: in a table
    /// far larger than the cache, one at a time, each would wait for its own.
    pub(crate) fn get_all<'i>(
        &self,
        hashes: &[u64],
        id: impl Fn(usize) -> &'i str,
        mut found: impl FnMut(usize, Option<PartnerId>),
    ) {
        for &h in hashes.iter().take(AHEAD) {
            self.prefetch(h);
        }
        for (i, &h) in hashes.iter().enumerate() {
            if let Some(&ahead) = hashes.get(i + AHEAD) {
                self.prefetch(ahead);
            }
            found(i, self.find(h, id(i)));
        }
    }
}

/// The config's vendor, skill and certification ids, looked up once per row of the big
/// tables (see [`IdSet`]).
pub(crate) struct Catalog {
    pub(crate) vendors: IdSet,
    pub(crate) skills: IdSet,
    pub(crate) certifications: IdSet,
}

impl Catalog {
    pub(crate) fn new(config: &Config) -> Catalog {
        Catalog {
            vendors: IdSet::new(config.vendors.iter().map(|v| v.id.as_str())),
            skills: IdSet::new(config.skills.iter().map(|s| s.id.as_str())),
            certifications: IdSet::new(config.certifications.iter().map(|c| c.id.as_str())),
        }
    }
}

/// A few ids, each found by its position: an id of up to 15 bytes is keyed as one 128-bit
/// number (its bytes and its length), so a lookup hashes and compares integers rather than
/// binary-searching strings — on millions of rows that was most of a vendor lookup's cost.
/// Longer ids are found by text.
#[derive(Default)]
pub(crate) struct IdSet {
    short: hashbrown::HashTable<(u128, u16)>,
    long: FxHashMap<String, u16>,
}

impl IdSet {
    /// The set of `ids`, which are distinct; id `i` is found as `i`.
    pub(crate) fn new<'a>(ids: impl Iterator<Item = &'a str>) -> IdSet {
        let mut set = IdSet::default();
        for (i, id) in ids.enumerate() {
            match Self::key(id) {
                Some(k) => {
                    set.short
                        .insert_unique(Self::hash(k), (k, i as u16), |e| Self::hash(e.0));
                }
                None => {
                    set.long.insert(id.to_string(), i as u16);
                }
            }
        }
        set
    }

    fn key(id: &str) -> Option<u128> {
        let bytes = id.as_bytes();
        (bytes.len() < 16).then(|| {
            let mut k = [0u8; 16];
            k[..bytes.len()].copy_from_slice(bytes);
            k[15] = bytes.len() as u8;
            u128::from_le_bytes(k)
        })
    }

    fn hash(k: u128) -> u64 {
        let h =
            (k as u64 ^ (k >> 64) as u64 ^ (k >> 96) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^ (h >> 29)
    }

    /// The position of `id`.
    pub(crate) fn get(&self, id: &str) -> Option<u16> {
        match Self::key(id) {
            Some(k) => self.short.find(Self::hash(k), |e| e.0 == k).map(|e| e.1),
            None => self.long.get(id).copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_set_finds_each_id_by_position_and_nothing_else() {
        let ids = [
            "avaya",
            "",
            "fifteen-bytes-x",
            "sixteen-bytes-xx",
            "an id well over sixteen bytes",
            "ünï",
            "a\0",
        ];
        let set = IdSet::new(ids.iter().copied());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(set.get(id), Some(i as u16), "{id:?}");
        }
        for other in [
            "avay",
            "avayaa",
            "Avaya",
            "a",
            "\0",
            "fifteen-bytes-",
            "sixteen-bytes-x",
            "sixteen-bytes-xxx",
            "an id well over sixteen byte",
            "ün",
        ] {
            assert_eq!(set.get(other), None, "{other:?}");
        }
        // The built-in catalog: the same answers as the config's own lookups.
        let config = Config::default_config();
        let catalog = Catalog::new(&config);
        for v in &config.vendors {
            assert_eq!(catalog.vendors.get(&v.id), config.vendor_id(&v.id));
        }
        for s in &config.skills {
            assert_eq!(catalog.skills.get(&s.id), config.skill_id(&s.id));
        }
        for c in &config.certifications {
            assert_eq!(
                catalog.certifications.get(&c.id),
                config.certification_id(&c.id)
            );
        }
    }

    #[test]
    fn the_partner_index_finds_short_and_long_ids_and_nothing_else() {
        let long = "a partner id much longer than sixteen bytes";
        let ids = ["UCP-00001", "", long, "UCP-00002", "ünïcode-id"];
        let index = PartnerIndex::new(ids.iter().copied());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(index.get(id), Some(i as PartnerId), "{id}");
        }
        for other in [
            "UCP-0000",
            "UCP-000011",
            "a partner id much longer than sixteen",
            "x",
        ] {
            assert_eq!(index.get(other), None, "{other}");
        }
    }

    #[test]
    fn looking_up_many_at_once_answers_as_one_at_a_time() {
        // Enough ids for long probe runs in a half-full table, some too long to inline.
        let ids: Vec<String> = (0..5000)
            .map(|i| match i % 7 {
                0 => format!("a partner id longer than sixteen bytes {i}"),
                _ => format!("UCP-{i:05}"),
            })
            .collect();
        let index = PartnerIndex::new(ids.iter().map(String::as_str));
        let asked: Vec<String> = (0..12_000)
            .map(|i| match i % 3 {
                0 => format!("UCP-{:05}", (i * 7919) % 6000),
                1 => ids[(i * 31) % ids.len()].clone(),
                _ => format!("a partner id longer than sixteen bytes {}", i % 6000),
            })
            .collect();
        let hashes: Vec<u64> = asked.iter().map(|a| id_hash(a)).collect();
        let mut answers = Vec::new();
        index.get_all(&hashes, |i| &asked[i], |i, p| answers.push((i, p)));
        let expected: Vec<(usize, Option<PartnerId>)> = asked
            .iter()
            .enumerate()
            .map(|(i, a)| (i, ids.iter().position(|id| id == a).map(|p| p as PartnerId)))
            .collect();
        assert_eq!(answers, expected);
        assert!(answers.iter().any(|a| a.1.is_none()) && answers.iter().any(|a| a.1.is_some()));
    }
}
