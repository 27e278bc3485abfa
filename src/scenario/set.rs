//! `--set NAME=VALUE`: a what-if on the command line, applied to the scenario file's
//! document before it is checked, so a setting passes exactly the checks a key written
//! in the file passes. `[sweep]` keys (see [`super::sweep`]) use the same names.
//!
//! NAME is one of:
//! - a model parameter by its name in the parameter table (`sarcosim params`):
//!   `mortality.sarcopenia_hr=1.8`, the same as writing it under `[parameters]`;
//! - a key of the scenario by its path, written as problems print it: `population=5000`,
//!   `economics.willingness_to_pay=30000`, `horizon=10y`. Entries of `[[cohort]]`,
//!   `[[arm]]` and `[[arm.intervention]]` are chosen by index (`arm[1]`), by name
//!   (`arm[rt_65plus]`; an intervention without a name is called by its kind) or `*` for
//!   every entry that has the rest of the path: `arm[*].intervention[resistance_training].uptake=0.5`.
//!   A name may also follow a dot: `arm.rt_65plus.intervention.resistance_training.uptake`.
//!
//! VALUE is a TOML value (`0.5`, `"10y"`, `[60, 70]`, `{ uniform = [60, 70] }`), or else
//! taken as text (`horizon=10y`, `sex=female`).

use super::locate::KeyPath;
use super::problem::Problem;
use crate::params;
use std::fmt;
use std::str::FromStr;

/// One step of a setting's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sel {
    /// A key of a table (in an array of tables: the entry of that name).
    Key(String),
    /// The entry of an array of tables with this `name` (or, without one, this `kind`).
    Entry(String),
    Index(usize),
    /// Every entry that has the rest of the path.
    All,
}

/// A parsed `NAME=VALUE`.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    /// The name as written.
    pub name: String,
    pub path: Vec<Sel>,
    pub value: toml::Value,
}

/// A `NAME=VALUE` that cannot be read at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("--set {text}: {message}")]
pub struct BadSetting {
    pub text: String,
    pub message: String,
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.value)
    }
}

impl FromStr for Setting {
    type Err = BadSetting;

    fn from_str(text: &str) -> Result<Self, BadSetting> {
        let bad = |m: &str| BadSetting {
            text: text.to_string(),
            message: m.to_string(),
        };
        let (name, value) = text
            .split_once('=')
            .ok_or_else(|| bad("expected NAME=VALUE, e.g. mortality.sarcopenia_hr=1.8"))?;
        let name = name.trim();
        let path = parse_name(name).map_err(|m| bad(&m))?;
        Ok(Setting {
            name: name.to_string(),
            path,
            value: parse_value(value.trim()).map_err(|m| bad(&m))?,
        })
    }
}

impl Setting {
    /// A setting of `name` (the same names as `--set`) to an already typed value.
    pub fn new(name: &str, value: toml::Value) -> Result<Self, String> {
        Ok(Setting {
            name: name.to_string(),
            path: parse_name(name)?,
            value,
        })
    }

    /// Writes the value into the scenario document; the key paths it wrote, or the
    /// problem of a name that leads nowhere (with the close names).
    pub fn apply(&self, doc: &mut toml::Table) -> Result<Vec<KeyPath>, Problem> {
        let mut hits = Vec::new();
        let mut root = toml::Value::Table(std::mem::take(doc));
        let result = write(
            &mut root,
            &self.path,
            KeyPath::root(),
            &self.value,
            &mut hits,
        );
        if let toml::Value::Table(t) = root {
            *doc = t;
        }
        match result {
            Ok(()) => Ok(hits),
            Err((at, message, hint)) => {
                let mut p = Problem::new(at, format!("--set {self}: {message}"));
                p.hint = hint;
                Err(p)
            }
        }
    }

    /// The parameter this setting sets, if it sets one.
    pub fn parameter(&self) -> Option<&str> {
        match self.path.as_slice() {
            [Sel::Key(p), Sel::Key(name)] if p == "parameters" => Some(name),
            _ => None,
        }
    }
}

/// Reads a NAME: a parameter's name whole, else a key path.
fn parse_name(name: &str) -> Result<Vec<Sel>, String> {
    if name.is_empty() {
        return Err("the NAME before `=` is empty".into());
    }
    if params::spec(name).is_some() {
        return Ok(vec![Sel::Key("parameters".into()), Sel::Key(name.into())]);
    }
    let mut path = Vec::new();
    let mut chars = name.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '.' if at_start => return Err(format!("`{name}` has an empty key")),
            '.' => at_start = true,
            '[' => {
                let inner: String = chars.by_ref().take_while(|c| *c != ']').collect();
                let inner = inner.trim().trim_matches('"');
                path.push(match inner {
                    "" => return Err(format!("`{name}` has an empty [ ]")),
                    "*" => Sel::All,
                    _ => inner
                        .parse::<usize>()
                        .map_or_else(|_| Sel::Entry(inner.to_string()), Sel::Index),
                });
                at_start = false;
            }
            '"' => {
                let key: String = chars.by_ref().take_while(|c| *c != '"').collect();
                path.push(Sel::Key(key));
                at_start = false;
            }
            _ => {
                let mut key = c.to_string();
                while let Some(&n) = chars.peek().filter(|n| !matches!(n, '.' | '[')) {
                    key.push(n);
                    chars.next();
                }
                path.push(if key == "*" { Sel::All } else { Sel::Key(key) });
                at_start = false;
            }
        }
    }
    if at_start {
        return Err(format!("`{name}` ends with a dot"));
    }
    Ok(path)
}

/// Reads a VALUE: TOML if it parses as TOML, else the text itself.
fn parse_value(text: &str) -> Result<toml::Value, String> {
    if text.is_empty() {
        return Err("the VALUE after `=` is empty".into());
    }
    match toml::from_str::<toml::Table>(&format!("v = {text}")) {
        Ok(mut t) => Ok(t.remove("v").expect("parsed key")),
        Err(_) => Ok(toml::Value::String(text.to_string())),
    }
}

/// Where a name led nowhere: the deepest path reached, the message, a hint.
type Miss = (KeyPath, String, Option<String>);

fn write(
    v: &mut toml::Value,
    path: &[Sel],
    at: KeyPath,
    new: &toml::Value,
    hits: &mut Vec<KeyPath>,
) -> Result<(), Miss> {
    let Some((first, rest)) = path.split_first() else {
        *v = new.clone();
        hits.push(at);
        return Ok(());
    };
    match (v, first) {
        (toml::Value::Table(t), Sel::Key(k)) => {
            if !t.contains_key(k) {
                if at.0.is_empty() && !super::check::TOP_KEYS.contains(&k.as_str()) {
                    return Err(unknown_top(k, path));
                }
                match rest.first() {
                    None | Some(Sel::Key(_)) => {
                        t.insert(k.clone(), toml::Value::Table(Default::default()));
                    }
                    Some(_) => return Err((at.key(k), "no such list of entries".into(), None)),
                }
            }
            let next = t.get_mut(k).expect("present or inserted");
            write(next, rest, at.key(k), new, hits)
        }
        (toml::Value::Array(a), Sel::Key(name) | Sel::Entry(name)) => {
            let found = a.iter().position(|e| entry_name(e) == Some(name.as_str()));
            match found {
                Some(i) => write(&mut a[i], rest, at.index(i), new, hits),
                None => Err(no_entry(a, name, at)),
            }
        }
        (toml::Value::Array(a), Sel::Index(i)) => {
            let n = a.len();
            match a.get_mut(*i) {
                Some(e) => write(e, rest, at.index(*i), new, hits),
                None => Err((at, format!("has {n} entries, no [{i}]"), None)),
            }
        }
        (toml::Value::Array(a), Sel::All) => {
            // The miss that went deepest says most about what was meant.
            let mut deepest: Option<Miss> = None;
            for (i, e) in a.iter_mut().enumerate() {
                if let Err(m) = write(e, rest, at.index(i), new, hits) {
                    if deepest
                        .as_ref()
                        .is_none_or(|d| m.0 .0.len() >= d.0 .0.len())
                    {
                        deepest = Some(m);
                    }
                }
            }
            match deepest {
                Some(m) if hits.is_empty() => Err(m),
                _ => Ok(()),
            }
        }
        (toml::Value::Table(_), _) => Err((
            at,
            "is a table: choose its keys by name, not by [ ]".into(),
            None,
        )),
        (other, _) => Err((at, format!("is the value {other}, which has no keys"), None)),
    }
}

/// An entry's name: its `name`, else its `kind` (interventions are called by their kind).
fn entry_name(e: &toml::Value) -> Option<&str> {
    let t = e.as_table()?;
    t.get("name").or_else(|| t.get("kind"))?.as_str()
}

fn no_entry(a: &[toml::Value], name: &str, at: KeyPath) -> Miss {
    let names: Vec<&str> = a.iter().filter_map(entry_name).collect();
    let near = names
        .iter()
        .map(|n| (params::edit_distance(name, n), *n))
        .filter(|(d, _)| *d <= 4)
        .min()
        .map(|(_, n)| format!("did you mean `{n}`? "))
        .unwrap_or_default();
    let list = if names.is_empty() {
        "it has no named entries".to_string()
    } else {
        format!("entries: {}", names.join(", "))
    };
    (
        at,
        format!("no entry named `{name}`"),
        Some(format!("{near}{list} (or choose one by index, e.g. [0])")),
    )
}

/// The problem of a name that is neither a parameter nor a scenario key.
fn unknown_top(k: &str, path: &[Sel]) -> Miss {
    let whole = path
        .iter()
        .map(|s| match s {
            Sel::Key(k) | Sel::Entry(k) => k.clone(),
            Sel::Index(i) => i.to_string(),
            Sel::All => "*".into(),
        })
        .collect::<Vec<_>>()
        .join(".");
    let near = close_names(&whole);
    let hint = if near.is_empty() {
        "`sarcosim params` lists the parameters; scenario keys are those of the file (`population`, `economics.willingness_to_pay`, `arm[NAME].intervention[KIND].uptake`, …)".to_string()
    } else {
        format!("close names: {}", near.join(", "))
    };
    (
        KeyPath::root().key(k),
        format!("`{whole}` is neither a parameter nor a scenario key"),
        Some(hint),
    )
}

/// Up to three parameter or top-level names close to `name` (by spelling, or sharing its
/// last part).
pub fn close_names(name: &str) -> Vec<String> {
    let last = name.rsplit('.').next().unwrap_or(name);
    let mut scored: Vec<(usize, &str)> = params::TABLE
        .iter()
        .map(|p| p.name)
        .chain(super::check::TOP_KEYS.iter().copied())
        .map(|n| {
            let tail = n.rsplit('.').next().unwrap_or(n);
            let d = params::edit_distance(name, n).min(params::edit_distance(last, tail) + 1);
            (d, n)
        })
        .filter(|(d, n)| *d <= 3.max(n.len() / 4))
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, n)| format!("`{n}`"))
        .collect()
}

/// The central parameters with parameter-only settings applied, and the settings as
/// overrides (`validate --set` without a scenario): any other name, a value that is not a
/// number or one outside the parameter's domain is a problem.
pub fn parameters_only(
    settings: &[Setting],
) -> Result<(params::Params, std::collections::BTreeMap<String, f64>), super::ScenarioError> {
    let mut p = params::Params::central();
    let mut overrides = std::collections::BTreeMap::new();
    let mut problems = Vec::new();
    for s in settings {
        let value = s
            .value
            .as_float()
            .or(s.value.as_integer().map(|i| i as f64));
        let at = KeyPath::root().key(&s.name);
        match (s.parameter().and_then(params::spec), value) {
            (None, _) => {
                let near = close_names(&s.name);
                let mut problem = Problem::new(at, format!("--set {s}: not a parameter"));
                problem.hint = Some(if near.is_empty() {
                    "without a scenario, only parameters can be set (`sarcosim params` lists them)"
                        .into()
                } else {
                    format!("close names: {}", near.join(", "))
                });
                problems.push(problem);
            }
            (Some(_), None) => {
                problems.push(Problem::new(at, format!("--set {s}: not a number")));
            }
            (Some(spec), Some(v)) if !spec.domain.contains(v) => problems.push(Problem::new(
                at,
                format!("--set {s}: {v} is not {}", spec.domain.describe()),
            )),
            (Some(spec), Some(v)) => {
                p.set(spec.name, v);
                overrides.insert(spec.name.to_string(), v);
            }
        }
    }
    if problems.is_empty() {
        Ok((p, overrides))
    } else {
        Err(super::ScenarioError {
            file: "the command line".into(),
            problems,
        })
    }
}

/// Whether a problem's key path lies under one of `written`.
pub fn under(problem: &KeyPath, written: &[KeyPath]) -> bool {
    written.iter().any(|w| problem.0.starts_with(&w.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> toml::Table {
        toml::from_str(
            r#"
population = 10
[[arm]]
name = "baseline"
[[arm]]
name = "rt"
[[arm.intervention]]
kind = "resistance_training"
uptake = 0.4
[[arm]]
name = "both"
[[arm.intervention]]
kind = "protein"
uptake = 0.8
[[arm.intervention]]
kind = "resistance_training"
uptake = 0.4
"#,
        )
        .unwrap()
    }

    fn set(text: &str) -> (toml::Table, Result<Vec<KeyPath>, Problem>) {
        let mut d = doc();
        let r = text.parse::<Setting>().unwrap().apply(&mut d);
        (d, r)
    }

    #[test]
    fn a_parameter_name_goes_under_parameters() {
        let s: Setting = "mortality.sarcopenia_hr=1.8".parse().unwrap();
        assert_eq!(s.parameter(), Some("mortality.sarcopenia_hr"));
        let (d, r) = set("mortality.sarcopenia_hr=1.8");
        assert_eq!(
            r.unwrap()[0].to_string(),
            "parameters.\"mortality.sarcopenia_hr\""
        );
        assert_eq!(
            d["parameters"]["mortality.sarcopenia_hr"].as_float(),
            Some(1.8)
        );
    }

    #[test]
    fn entries_by_name_index_dot_and_star() {
        for name in [
            "arm[rt].intervention[resistance_training].uptake",
            "arm.rt.intervention.resistance_training.uptake",
            "arm[1].intervention[0].uptake",
        ] {
            let (d, r) = set(&format!("{name}=0.6"));
            assert_eq!(r.unwrap().len(), 1, "{name}");
            assert_eq!(
                d["arm"][1]["intervention"][0]["uptake"].as_float(),
                Some(0.6)
            );
            assert_eq!(
                d["arm"][2]["intervention"][1]["uptake"].as_float(),
                Some(0.4)
            );
        }
        let (d, r) = set("arm[*].intervention[resistance_training].uptake=0.6");
        let hits: Vec<String> = r.unwrap().iter().map(ToString::to_string).collect();
        assert_eq!(
            hits,
            [
                "arm[1].intervention[0].uptake",
                "arm[2].intervention[1].uptake"
            ]
        );
        assert_eq!(
            d["arm"][2]["intervention"][0]["uptake"].as_float(),
            Some(0.8)
        );
    }

    #[test]
    fn values_are_toml_or_text() {
        let s: Setting = "horizon=10y".parse().unwrap();
        assert_eq!(s.value, toml::Value::String("10y".into()));
        let s: Setting = "population=5_000".parse().unwrap();
        assert_eq!(s.value, toml::Value::Integer(5000));
        assert!("population".parse::<Setting>().is_err());
        assert!("=3".parse::<Setting>().is_err());
        assert!("a..b=3".parse::<Setting>().is_err());
    }

    #[test]
    fn names_leading_nowhere_list_close_names() {
        let (_, r) = set("arm[rtt].intervention[protein].uptake=0.5");
        let p = r.unwrap_err();
        assert!(p.message.contains("no entry named `rtt`"), "{}", p.message);
        assert!(p.hint.unwrap().contains("did you mean `rt`?"));
        let (_, r) = set("sarcopenia_hr=2");
        let p = r.unwrap_err();
        assert!(p.hint.unwrap().contains("`mortality.sarcopenia_hr`"));
        let (_, r) = set("arm[9].name=x");
        assert!(r.unwrap_err().message.contains("has 3 entries"));
        let (_, r) = set("arm[*].intervention[screening].uptake=0.5");
        assert!(r
            .unwrap_err()
            .message
            .contains("no entry named `screening`"));
    }
}
