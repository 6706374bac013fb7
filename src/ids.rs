//! Provisional block ids: a short hash of each block's text, unique per document.
//! Replaced by the lock-file matcher.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

pub struct BlockKey<'a> {
    pub text: &'a str,
    pub explicit: Option<&'a str>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct DocLock {
    pub blocks: Vec<LockedBlock>,
    pub retired: Vec<Retired>,
}
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct LockedBlock {
    pub id: String,
    pub hash: String,
    pub text: String,
}
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Retired {
    pub id: String,
    pub to: String,
}
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Lock {
    pub documents: BTreeMap<String, DocLock>,
}
impl Lock {
    pub fn parse(text: &str) -> Result<Lock, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

pub fn assign(_previous: &DocLock, blocks: &[BlockKey]) -> (Vec<String>, DocLock) {
    let mut used: HashSet<String> = blocks
        .iter()
        .filter_map(|b| b.explicit.map(String::from))
        .collect();
    let mut ids = Vec::new();
    for b in blocks {
        if let Some(e) = b.explicit {
            ids.push(e.to_string());
            continue;
        }
        let mut h: u64 = 0xcbf29ce484222325;
        for byte in b.text.bytes() {
            h = (h ^ byte as u64).wrapping_mul(0x100000001b3);
        }
        let alphabet = b"abcdefghijklmnopqrstuvwxyz234567";
        let full: String = (0..12)
            .map(|i| alphabet[((h >> (i * 5)) & 31) as usize] as char)
            .collect();
        let mut len = 5;
        let mut id = format!("b{}", &full[..len - 1]);
        while used.contains(&id) {
            len += 1;
            id = if len <= 12 {
                format!("b{}", &full[..len - 1])
            } else {
                format!("{id}x")
            };
        }
        used.insert(id.clone());
        ids.push(id);
    }
    (ids, DocLock::default())
}
