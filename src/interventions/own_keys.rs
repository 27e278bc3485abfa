//! The own keys of one `[[arm.intervention]]` entry (those beyond the common keys), read
//! by its kind's check with typed getters that note whatever is wrong. The scenario
//! checker turns the notes into problems with their key path and line.

use crate::time::offset_years;
use std::collections::BTreeMap;

/// Something wrong with one own key.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub key: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

impl Note {
    pub fn hint(&mut self, hint: impl Into<String>) {
        self.hint = Some(hint.into());
    }
}

/// An entry of the arm, as a referral sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct ArmEntry {
    /// The entry's `name`, or its kind.
    pub name: String,
    pub kind: Option<String>,
}

pub struct OwnKeys<'a> {
    values: &'a BTreeMap<String, toml::Value>,
    /// Every entry of the arm and the index of this one (for `refer_to`).
    arm: &'a [ArmEntry],
    index: usize,
    /// Entries this one refers its positives to.
    pub referred: Vec<usize>,
    pub notes: Vec<Note>,
}

impl<'a> OwnKeys<'a> {
    pub fn new(
        values: &'a BTreeMap<String, toml::Value>,
        arm: &'a [ArmEntry],
        index: usize,
    ) -> Self {
        Self {
            values,
            arm,
            index,
            referred: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    /// Notes a problem of `key`; returns it so that a hint can be added.
    pub fn note(&mut self, key: &'static str, message: impl Into<String>) -> &mut Note {
        self.notes.push(Note {
            key,
            message: message.into(),
            hint: None,
        });
        self.notes.last_mut().expect("just pushed")
    }

    /// A value of the wrong type is noted and read as absent.
    fn typed<T>(
        &mut self,
        key: &'static str,
        what: &str,
        read: fn(&toml::Value) -> Option<T>,
    ) -> Option<T> {
        let v = self.values.get(key)?;
        let out = read(v);
        if out.is_none() {
            self.note(key, format!("`{v}` is not {what}"));
        }
        out
    }

    pub fn number(&mut self, key: &'static str) -> Option<f64> {
        self.typed(key, "a number", |v| match v {
            toml::Value::Integer(i) => Some(*i as f64),
            toml::Value::Float(f) => Some(*f),
            _ => None,
        })
    }

    pub fn integer(&mut self, key: &'static str) -> Option<i64> {
        self.typed(key, "a whole number", toml::Value::as_integer)
    }

    pub fn text(&mut self, key: &'static str) -> Option<String> {
        self.typed(key, "a string", |v| v.as_str().map(str::to_string))
    }

    /// A probability or share in [0, 1].
    pub fn fraction(&mut self, key: &'static str, default: f64) -> f64 {
        let v = self.number(key).unwrap_or(default);
        if !(0.0..=1.0).contains(&v) {
            self.note(key, format!("{v} is outside [0, 1]"))
                .hint("a probability or share: a number from 0 to 1");
        }
        v
    }

    pub fn non_negative(&mut self, key: &'static str, default: f64) -> f64 {
        let v = self.number(key).unwrap_or(default);
        if !(v.is_finite() && v >= 0.0) {
            self.note(key, format!("must be ≥ 0, not {v}"));
        }
        v
    }

    /// A duration or a zero offset, in years.
    pub fn offset_years(&mut self, key: &'static str) -> Option<f64> {
        let text = self.text(key)?;
        offset_years(&text)
            .map_err(|e| {
                self.note(key, e.to_string())
                    .hint("durations look like \"10d\", \"20w\", \"6m\", \"30y\"")
            })
            .ok()
    }

    /// The index of the entry of this arm named by `key` (not a screening, not itself).
    pub fn referral(&mut self, key: &'static str) -> usize {
        let Some(target) = self.text(key) else {
            if !self.has(key) {
                self.note(key, "missing")
                    .hint("the name (or kind) of the intervention positives are referred to");
            }
            return 0;
        };
        match self.arm.iter().position(|e| e.name == target) {
            Some(j) if j != self.index && self.arm[j].kind.as_deref() != Some("screening") => {
                self.referred.push(j);
                j
            }
            Some(_) => {
                self.note(
                    key,
                    format!("`{target}` cannot be referred to: it is a screening"),
                );
                0
            }
            None => {
                let names: Vec<&str> = self
                    .arm
                    .iter()
                    .map(|e| e.name.as_str())
                    .filter(|n| !n.is_empty())
                    .collect();
                self.note(
                    key,
                    format!("no intervention `{target}` in this arm to refer to"),
                )
                .hint(format!("the arm has: {}", names.join(", ")));
                0
            }
        }
    }
}
