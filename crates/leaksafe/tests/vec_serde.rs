//! Feature `serde`: `Vec` round-trips through serde_json exactly as std's
//! `Vec` (same text both ways), deserializes in place, and caps its
//! preallocation against a lying length hint. Run with
//! `cargo test -p leaksafe --features serde --test vec_serde`.
#![cfg(feature = "serde")]

use std::collections::BTreeMap;

use leaksafe::vec;
use leaksafe::vec::Vec;
use serde::de::value::{Error as ValueError, SeqDeserializer};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Doc {
    name: String,
    tags: Vec<String>,
    grid: Vec<Vec<i64>>,
    by_key: BTreeMap<String, Vec<u8>>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct StdDoc {
    name: String,
    tags: std::vec::Vec<String>,
    grid: std::vec::Vec<std::vec::Vec<i64>>,
    by_key: BTreeMap<String, std::vec::Vec<u8>>,
}

#[test]
fn json_round_trip_is_std_compatible() {
    let doc = Doc {
        name: "d".into(),
        tags: vec!["a".into(), "b".into()],
        grid: vec![vec![1, -2], vec![], vec![3]],
        by_key: [("k".to_string(), vec![0u8, 255])].into_iter().collect(),
    };
    let text = serde_json::to_string(&doc).unwrap();
    assert_eq!(
        text,
        r#"{"name":"d","tags":["a","b"],"grid":[[1,-2],[],[3]],"by_key":{"k":[0,255]}}"#
    );
    let back: Doc = serde_json::from_str(&text).unwrap();
    assert_eq!(back, doc);
    // The same text from and into std's `Vec`.
    let std_doc: StdDoc = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&std_doc).unwrap(), text);
    let pretty = serde_json::to_string_pretty(&doc).unwrap();
    assert_eq!(pretty, serde_json::to_string_pretty(&std_doc).unwrap());
    let empty: Vec<()> = serde_json::from_str("[null,null]").unwrap();
    assert_eq!(empty.len(), 2);
}

#[test]
fn errors_as_std() {
    let ours = serde_json::from_str::<Vec<u8>>("[1,256]").unwrap_err();
    let theirs = serde_json::from_str::<std::vec::Vec<u8>>("[1,256]").unwrap_err();
    assert_eq!(ours.to_string(), theirs.to_string());
    let ours = serde_json::from_str::<Vec<u8>>("{}").unwrap_err();
    let theirs = serde_json::from_str::<std::vec::Vec<u8>>("{}").unwrap_err();
    assert_eq!(ours.to_string(), theirs.to_string());
}

#[test]
fn deserialize_in_place_reuses_and_resizes() {
    for (old, text) in [(3, "[7,8]"), (1, "[7,8,9]"), (2, "[]"), (0, "[5]")] {
        let mut v: Vec<String> = (0..old).map(|i| format!("old{i}")).collect();
        let mut s: std::vec::Vec<String> = (0..old).map(|i| format!("old{i}")).collect();
        let text = text.replace(|c: char| c.is_ascii_digit(), "\"$0\"");
        let mut de = serde_json::Deserializer::from_str(&text);
        Vec::deserialize_in_place(&mut de, &mut v).unwrap();
        let mut de = serde_json::Deserializer::from_str(&text);
        std::vec::Vec::deserialize_in_place(&mut de, &mut s).unwrap();
        assert_eq!(v, s);
    }
}

/// An iterator that claims to hold `usize::MAX` items but yields two.
struct Liar(u8);

impl Iterator for Liar {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        (self.0 < 2).then(|| {
            self.0 += 1;
            u64::from(self.0)
        })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::MAX, Some(usize::MAX))
    }
}

#[test]
fn lying_size_hint_preallocates_at_most_one_mib() {
    let de = SeqDeserializer::<_, ValueError>::new(Liar(0));
    let v = Vec::<u64>::deserialize(de).unwrap();
    assert_eq!(v, [1, 2]);
    assert!(v.capacity() <= 1024 * 1024 / 8, "capacity {}", v.capacity());
    let mut w: Vec<u64> = vec![9; 3];
    let de = SeqDeserializer::<_, ValueError>::new(Liar(0));
    Vec::deserialize_in_place(de, &mut w).unwrap();
    assert_eq!(w, [1, 2]);
    assert!(w.capacity() <= 1024 * 1024 / 8, "capacity {}", w.capacity());
}
