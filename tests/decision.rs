//! The decision analysis of a real run: the PSA table `parameters.parquet` (written with
//! the comparison, checked by `report`, rewritten by `--resume`, grown with `--draws`).

mod common;
use common::*;
use sarcosim::sinks::parameters::{PsaTable, FILE, SCHEMA, SCHEMA_KEY};

fn small(dir: &std::path::Path, draws: u32) -> std::path::PathBuf {
    let text = SMALL
        .replace("population = 300", "population = 60")
        .replace(
            "horizon = \"6y\"",
            &format!("horizon = \"2y\"\ndraws = {draws}"),
        );
    write(dir, "s.toml", &text)
}

#[test]
fn the_psa_table_is_written_checked_repaired_and_grown() {
    let t = tempfile::tempdir().unwrap();
    let s = small(t.path(), 3);
    let out = t.path().join("out");
    run_ok(&s, &out, &[]);
    let path = out.join(FILE);
    let table = PsaTable::read(&path).unwrap();
    assert_eq!(table.draws, vec![0, 1, 2, 3]);
    let hr = table.column("mortality.sarcopenia_hr").unwrap();
    let central = sarcosim::params::spec("mortality.sarcopenia_hr")
        .unwrap()
        .value;
    assert_eq!(hr[0], central, "draw 0 is central");
    assert!(hr[1..].iter().all(|v| *v != central), "later draws sampled");
    assert!(table.column("economics.utility").is_some());
    let mut reader = polars::prelude::ParquetReader::new(std::fs::File::open(&path).unwrap());
    use polars::prelude::SerReader;
    let kv = reader.get_metadata().unwrap().key_value_metadata().clone();
    let kv = kv.unwrap();
    let schema = kv.iter().find(|k| k.key == SCHEMA_KEY).unwrap();
    assert_eq!(schema.value.as_deref(), Some(SCHEMA));
    assert!(kv.iter().any(|k| k.key == "sarcosim.run"));

    // A changed table is refused by report and rewritten by --resume.
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 10]).unwrap();
    let o = report(&out);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("parameters.parquet holds"),
        "{}",
        stderr(&o)
    );
    let o = run_args(&s, &out, &["--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert!(report(&out).status.success());

    // More draws: the table grows, the old draws keep their values.
    run_ok(&s, &out, &["--draws", "5"]);
    let grown = PsaTable::read(&path).unwrap();
    assert_eq!(grown.draws, vec![0, 1, 2, 3, 4, 5]);
    assert_eq!(
        &grown.column("mortality.sarcopenia_hr").unwrap()[..4],
        hr,
        "keyed by (seed, draw)"
    );
}
