//! `[sweep]`: a scenario grid. Each key is a name as `--set` takes it (a parameter or a
//! scenario key, quoted because it holds dots), each value the list of values it takes;
//! the variants are the cartesian product, in the order written (the last key varies
//! fastest):
//!
//! ```toml
//! [sweep]
//! "arm[rt_65plus].intervention[resistance_training].uptake" = [0.2, 0.4, 0.6]
//! "arm[rt_65plus].intervention[resistance_training].sessions_per_week" = [1, 2, 3]
//! ```
//!
//! Every value is checked as `--set NAME=VALUE` would be, its problems reported at its
//! line in `[sweep]`.

use super::locate::KeyPath;
use super::problem::Problem;
use super::set::Setting;
use serde::Serialize;
use std::collections::BTreeMap;

/// Most values one key may take, and most variants a grid may have.
pub const MAX_VALUES: usize = 100;
pub const MAX_VARIANTS: usize = 1_000;

/// One key of the grid and its values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Axis {
    pub name: String,
    pub values: Vec<toml::Value>,
}

/// One point of the grid: its label (a file-safe directory name) and its settings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Variant {
    pub label: String,
    pub settings: Vec<String>,
    #[serde(skip)]
    pub parsed: Vec<Setting>,
}

/// The axes of a raw `[sweep]` table, in file order (`order` gives the keys as written);
/// the shape problems (names, lists, sizes) are pushed.
pub fn check_axes(
    raw: &BTreeMap<String, toml::Value>,
    order: &[String],
    problems: &mut Vec<Problem>,
) -> Vec<Axis> {
    let top = KeyPath::root().key("sweep");
    let mut axes = Vec::new();
    let keys = order.iter().filter(|k| raw.contains_key(*k));
    for name in keys {
        let path = top.key(name);
        if let Err(m) = Setting::new(name, toml::Value::Integer(0)) {
            problems.push(Problem::new(path, m));
            continue;
        }
        if name == "sweep" || name.starts_with("sweep.") || name.starts_with("sweep[") {
            problems.push(Problem::new(path, "a sweep cannot sweep itself"));
            continue;
        }
        match &raw[name] {
            toml::Value::Array(v) if v.is_empty() => {
                problems.push(Problem::new(path, "an empty list: give at least one value"))
            }
            toml::Value::Array(v) if v.len() > MAX_VALUES => problems.push(Problem::new(
                path,
                format!("{} values; at most {MAX_VALUES}", v.len()),
            )),
            toml::Value::Array(v) => axes.push(Axis {
                name: name.clone(),
                values: v.clone(),
            }),
            other => problems.push(
                Problem::new(path, format!("`{other}` is not a list of values"))
                    .hint("write the values as a list, e.g. [0.2, 0.4, 0.6]"),
            ),
        }
    }
    let variants = axes
        .iter()
        .try_fold(1usize, |n, a| n.checked_mul(a.values.len()));
    if variants.is_none_or(|n| n > MAX_VARIANTS) {
        problems.push(Problem::new(
            top,
            format!("more than {MAX_VARIANTS} variants: sweep fewer keys or fewer values"),
        ));
        return Vec::new();
    }
    axes
}

/// Checks each value of each axis on the document as `--set` would (the other keys at the
/// file's values); a problem is reported at the value in `[sweep]`.
pub fn check_values(
    doc: &toml::Table,
    axes: &[Axis],
    check: &mut dyn FnMut(toml::Table) -> Vec<Problem>,
    problems: &mut Vec<Problem>,
) {
    for axis in axes {
        for (j, value) in axis.values.iter().enumerate() {
            let at = KeyPath::root().key("sweep").key(&axis.name).index(j);
            let setting = Setting::new(&axis.name, value.clone()).expect("checked name");
            let mut d = doc.clone();
            let found = match setting.apply(&mut d) {
                Err(p) => vec![p],
                Ok(_) => check(d),
            };
            problems.extend(found.into_iter().map(|p| {
                let mut q = Problem::new(at.clone(), format!("{value}: {}: {}", p.path, p.message));
                q.hint = p.hint;
                q
            }));
        }
    }
}

/// The variants of the grid: the cartesian product, the last axis varying fastest.
pub fn variants(axes: &[Axis]) -> Vec<Variant> {
    let mut points: Vec<Vec<(usize, &toml::Value)>> = vec![Vec::new()];
    for (i, axis) in axes.iter().enumerate() {
        points = points
            .into_iter()
            .flat_map(|p| {
                axis.values.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push((i, v));
                    q
                })
            })
            .collect();
    }
    let mut out: Vec<Variant> = points
        .iter()
        .map(|p| Variant {
            label: label(axes, p),
            settings: p
                .iter()
                .map(|(i, v)| format!("{}={v}", axes[*i].name))
                .collect(),
            parsed: p
                .iter()
                .map(|(i, v)| Setting::new(&axes[*i].name, (*v).clone()).expect("checked"))
                .collect(),
        })
        .collect();
    let unique = out.iter().enumerate().all(|(i, v)| {
        super::check::is_file_name_safe(&v.label) && out[..i].iter().all(|o| o.label != v.label)
    });
    if !unique {
        let width = out.len().to_string().len();
        for (i, v) in out.iter_mut().enumerate() {
            v.label = format!("v{:0width$}", i + 1);
        }
    }
    out
}

/// A readable label: each axis's last key part and value, e.g. `uptake-0.2_sessions_per_week-1`.
fn label(axes: &[Axis], point: &[(usize, &toml::Value)]) -> String {
    point
        .iter()
        .map(|(i, v)| {
            let name = &axes[*i].name;
            let last = name
                .rsplit(['.', '['])
                .next()
                .unwrap_or(name)
                .trim_end_matches(']');
            let value = match v {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!("{last}-{value}")
        })
        .collect::<Vec<_>>()
        .join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axes(text: &str) -> (Vec<Axis>, Vec<Problem>) {
        let t: toml::Table = toml::from_str(text).unwrap();
        let raw: BTreeMap<String, toml::Value> = t.into_iter().collect();
        let order: Vec<String> = text
            .lines()
            .filter_map(|l| l.split_once(" = "))
            .map(|(k, _)| k.trim_matches('"').to_string())
            .collect();
        let mut problems = Vec::new();
        (check_axes(&raw, &order, &mut problems), problems)
    }

    #[test]
    fn the_product_in_written_order_last_fastest() {
        let (a, p) = axes("\"b.uptake\" = [0.2, 0.4]\n\"a.sessions_per_week\" = [1, 2, 3]\n");
        assert!(p.is_empty());
        let v = variants(&a);
        let labels: Vec<&str> = v.iter().map(|v| v.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "uptake-0.2_sessions_per_week-1",
                "uptake-0.2_sessions_per_week-2",
                "uptake-0.2_sessions_per_week-3",
                "uptake-0.4_sessions_per_week-1",
                "uptake-0.4_sessions_per_week-2",
                "uptake-0.4_sessions_per_week-3"
            ]
        );
        assert_eq!(v[4].settings, ["b.uptake=0.4", "a.sessions_per_week=2"]);
    }

    #[test]
    fn labels_that_clash_become_numbers() {
        let (a, _) = axes("\"x[a].uptake\" = [0.2, 0.4]\n\"x[b].uptake\" = [0.2]\n");
        let v = variants(&a);
        assert_eq!(v[0].label, "uptake-0.2_uptake-0.2");
        let (a, _) = axes("\"x[a].f\" = [\"a b\", \"c\"]\n");
        let v = variants(&a);
        assert_eq!((v[0].label.as_str(), v[1].label.as_str()), ("v1", "v2"));
    }

    #[test]
    fn shape_problems() {
        let (_, p) = axes("\"a\" = []\n\"b\" = 3\n\"c..d\" = [1]\n");
        let m: Vec<String> = p
            .iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect();
        assert_eq!(m.len(), 3, "{m:?}");
        assert!(m[0].contains("sweep.a: an empty list"), "{m:?}");
        assert!(m[1].contains("sweep.b: `3` is not a list"), "{m:?}");
        assert!(m[2].contains("empty key"), "{m:?}");
        let many: String = (0..4)
            .map(|i| format!("\"k{i}\" = [{}]\n", ["1"; 10].join(",")))
            .collect();
        let (a, p) = axes(&many);
        assert!(a.is_empty() && p[0].message.contains("more than 1000 variants"));
    }
}
