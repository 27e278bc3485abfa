//! Key paths (`cohort[1].age.uniform`) and where they are in the file, so that every
//! problem names its line.

use std::fmt;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// One step of a key path: a table key or an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path from the top of the document to a value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    pub fn root() -> Self {
        Self(Vec::new())
    }

    pub fn key(&self, k: &str) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.to_string()));
        Self(v)
    }

    pub fn index(&self, i: usize) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        Self(v)
    }

    /// Reads serde_ignored's path structurally: a quoted key holding dots or digits stays
    /// one key.
    pub fn from_ignored(path: &serde_ignored::Path<'_>) -> Self {
        use serde_ignored::Path;
        match path {
            Path::Root => Self::root(),
            Path::Seq { parent, index } => Self::from_ignored(parent).index(*index),
            Path::Map { parent, key } => Self::from_ignored(parent).key(key),
            Path::Some { parent }
            | Path::NewtypeStruct { parent }
            | Path::NewtypeVariant { parent } => Self::from_ignored(parent),
        }
    }

    pub fn last_key(&self) -> Option<&str> {
        self.0.iter().rev().find_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(top level)");
        }
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Key(k) if k.contains('.') || k.is_empty() => {
                    write!(f, "{}\"{k}\"", if i == 0 { "" } else { "." })?
                }
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Line and column (1-based) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

/// Finds the line of a key path: the key itself where it exists, else the deepest
/// enclosing table that does (where a missing key would go).
pub struct Locator<'a> {
    text: &'a str,
    doc: Option<Spanned<DeTable<'a>>>,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            doc: DeTable::parse(text).ok(),
        }
    }

    pub fn locate(&self, path: &KeyPath) -> Option<(usize, usize)> {
        let doc = self.doc.as_ref()?;
        let mut best: Option<usize> = None;
        let mut table: Option<&DeTable<'_>> = Some(doc.get_ref());
        let mut array: Option<&[Spanned<DeValue<'_>>]> = None;
        for seg in &path.0 {
            let next: Option<&Spanned<DeValue<'_>>> = match seg {
                Seg::Key(k) => table.and_then(|t| {
                    t.iter()
                        .find(|(key, _)| key.get_ref().as_ref() == k.as_str())
                        .map(|(key, v)| {
                            best = Some(key.span().start);
                            v
                        })
                }),
                Seg::Index(i) => array.and_then(|a| a.get(*i)).inspect(|v| {
                    best = Some(v.span().start);
                }),
            };
            let Some(value) = next else { break };
            table = None;
            array = None;
            match value.get_ref() {
                DeValue::Table(t) => table = Some(t),
                DeValue::Array(a) => array = Some(a.as_ref()),
                _ => {}
            }
        }
        best.map(|o| line_col(self.text, o))
    }
}

impl Locator<'_> {
    /// The key path of the innermost value whose span holds byte `offset`.
    pub fn path_at(&self, offset: usize) -> KeyPath {
        fn walk(v: &DeValue<'_>, offset: usize, path: KeyPath) -> KeyPath {
            match v {
                // A table or array of tables under a `[header]` spans its header only: its
                // body is after it, so the last such container starting before `offset`
                // holds what no span contains.
                DeValue::Table(t) => {
                    for (k, val) in t.iter() {
                        let span = val.span();
                        if span.contains(&offset) || k.span().contains(&offset) {
                            return walk(val.get_ref(), offset, path.key(k.get_ref()));
                        }
                    }
                    let container = t
                        .iter()
                        .filter(|(_, v)| is_container(v.get_ref()) && v.span().start <= offset)
                        .max_by_key(|(_, v)| v.span().start);
                    match container {
                        Some((k, v)) => walk(v.get_ref(), offset, path.key(k.get_ref())),
                        None => path,
                    }
                }
                DeValue::Array(a) => {
                    for (i, val) in a.iter().enumerate() {
                        if val.span().contains(&offset) {
                            return walk(val.get_ref(), offset, path.index(i));
                        }
                    }
                    let container = a
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| is_container(v.get_ref()) && v.span().start <= offset)
                        .max_by_key(|(_, v)| v.span().start);
                    match container {
                        Some((i, v)) => walk(v.get_ref(), offset, path.index(i)),
                        None => path,
                    }
                }
                _ => path,
            }
        }
        fn is_container(v: &DeValue<'_>) -> bool {
            matches!(v, DeValue::Table(_) | DeValue::Array(_))
        }
        match &self.doc {
            Some(doc) => walk(
                &DeValue::Table(doc.get_ref().clone()),
                offset,
                KeyPath::root(),
            ),
            None => KeyPath::root(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "name = \"x\"\n\n[[cohort]]\nname = \"a\"\n\n[[cohort]]\nname = \"b\"\nage = { uniform = [60, 70] }\n";

    #[test]
    fn finds_keys_inside_arrays_of_tables() {
        let loc = Locator::new(DOC);
        let p = KeyPath::root()
            .key("cohort")
            .index(1)
            .key("age")
            .key("uniform");
        assert_eq!(loc.locate(&p).map(|l| l.0), Some(8));
        assert_eq!(p.to_string(), "cohort[1].age.uniform");
    }

    #[test]
    fn a_missing_key_points_at_its_table() {
        let loc = Locator::new(DOC);
        let p = KeyPath::root().key("cohort").index(0).key("age");
        assert_eq!(loc.locate(&p).map(|l| l.0), Some(3));
    }

    #[test]
    fn quoted_keys_with_dots_stay_one_key() {
        let p = KeyPath::root().key("a.b").key("c").index(2).key("d.e");
        assert_eq!(p.to_string(), "\"a.b\".c[2].\"d.e\"");
        let loc = Locator::new("x = 1\n\"a.b\" = { c = [1, 2, { \"d.e\" = 3 }] }\n");
        assert_eq!(loc.locate(&p), Some((2, 24)));
    }

    #[test]
    fn a_value_under_a_table_header_has_its_path() {
        let text = "[[arm]]\nname = \"b\"\n[[arm.intervention]]\nkind = \"x\"\nuptake = \"y\"\n[economics]\nutility = 2\n";
        let loc = Locator::new(text);
        let at = |s: &str| loc.path_at(text.find(s).unwrap()).to_string();
        assert_eq!(at("\"y\""), "arm[0].intervention[0].uptake");
        assert_eq!(at("2\n"), "economics.utility");
        assert_eq!(at("\"b\""), "arm[0].name");
    }
}
