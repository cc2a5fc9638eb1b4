//! NDJSON: one `serde_json` object per physical line, parsed in parallel; blank lines
//! skipped but counted; duplicate keys refused.

use std::fmt;
use std::path::Path;

use rayon::prelude::*;

use super::{Body, FatalError, Source, check_utf8};

/// A JSON object's key/value pairs in order, duplicates kept (so they can be refused).
struct Pairs(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Pairs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Pairs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Pairs, A::Error> {
                let mut v = Vec::new();
                while let Some(kv) = m.next_entry()? {
                    v.push(kv);
                }
                Ok(Pairs(v))
            }
        }
        d.deserialize_map(V)
    }
}

pub(super) fn parse_ndjson<'a>(path: &Path, bytes: &'a [u8]) -> Result<Source<'a>, FatalError> {
    let text = check_utf8(path, bytes)?;
    let lines: Vec<(u64, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let parsed: Vec<(u64, Vec<(String, serde_json::Value)>)> = lines
        .par_iter()
        .map(|&(line, l)| {
            let Pairs(pairs) = serde_json::from_str(l).map_err(|e| {
                FatalError::new(path, format!("not a JSON object: {e}"))
                    .at(line, Some(e.column().to_string()))
            })?;
            for (i, (k, _)) in pairs.iter().enumerate() {
                if pairs[..i].iter().any(|(k2, _)| k2 == k) {
                    return Err(FatalError::new(path, format!("duplicate key `{k}`"))
                        .at(line, Some(k.clone())));
                }
            }
            Ok((line, pairs))
        })
        .collect::<Result<_, _>>()?;
    // Columns: every key of any row, in order of first appearance.
    let mut columns: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (_, pairs) in &parsed {
        for (k, _) in pairs {
            if !seen.contains(k.as_str()) {
                seen.insert(k.clone());
                columns.push(k.clone());
            }
        }
    }
    Ok(Source {
        columns,
        body: Body::Json(parsed),
    })
}
