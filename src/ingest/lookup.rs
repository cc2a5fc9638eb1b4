/*!
The lookup structures of the cross-table rules: valid partner ids ([`PartnerIndex`]) and
the config's vendor, skill and certification ids ([`Catalog`] of [`IdSet`]s), each built
once and probed once per row of the big tables.
*/

use rustc_hash::FxHashMap;

use super::dataset::PartnerId;
use crate::config::Config;

/// Valid partner ids, for the cross-table rules. Millions of lookups go to random places
/// in it, so an entry carries the id's full hash and, when the id is short (as ids are),
/// its bytes: a lookup touches the entry and nothing else.
#[derive(Default)]
pub(crate) struct PartnerIndex {
    /// Ids longer than [`INLINE`] bytes, end to end.
    long: String,
    table: hashbrown::HashTable<IndexEntry>,
}

/// Id bytes kept in the entry itself.
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

#[derive(Clone, Copy)]
struct IndexEntry {
    hash: u64,
    partner: PartnerId,
    len: u32,
    /// The id's bytes when it fits, else its offset in `long` (first 4 bytes).
    bytes: [u8; INLINE],
}

impl PartnerIndex {
    /// The index of `ids`, which are distinct; id `i` is partner `i`.
    pub(crate) fn new<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> PartnerIndex {
        let mut index = PartnerIndex {
            table: hashbrown::HashTable::with_capacity(ids.len()),
            ..PartnerIndex::default()
        };
        for (i, id) in ids.enumerate() {
            let mut bytes = [0u8; INLINE];
            if id.len() <= INLINE {
                bytes[..id.len()].copy_from_slice(id.as_bytes());
            } else {
                bytes[..4].copy_from_slice(&(index.long.len() as u32).to_le_bytes());
                index.long.push_str(id);
            }
            let entry = IndexEntry {
                hash: id_hash(id),
                partner: i as PartnerId,
                len: id.len() as u32,
                bytes,
            };
            index.table.insert_unique(entry.hash, entry, |e| e.hash);
        }
        index
    }

    /// Number of partners.
    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }

    fn id_of<'s>(&'s self, e: &'s IndexEntry) -> &'s [u8] {
        let len = e.len as usize;
        if len <= INLINE {
            &e.bytes[..len]
        } else {
            let start = u32::from_le_bytes([e.bytes[0], e.bytes[1], e.bytes[2], e.bytes[3]]);
            &self.long.as_bytes()[start as usize..start as usize + len]
        }
    }

    /// The partner whose id is `id`.
    pub(crate) fn get(&self, id: &str) -> Option<PartnerId> {
        let h = id_hash(id);
        self.table
            .find(h, |e| e.hash == h && self.id_of(e) == id.as_bytes())
            .map(|e| e.partner)
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
}
