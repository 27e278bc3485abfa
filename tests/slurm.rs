//! sarcosim as a Slurm job array on a real cluster.
//!
//! Needs a running Slurm, normally the local single-node one from
//! `scripts/slurm/local-cluster.sh install && scripts/slurm/local-cluster.sh start`
//! (CI's .ci/run does that first). When `local-cluster.sh status` does not report the cluster
//! up, the test prints `SKIPPED: ...` to stderr and returns; with `SARCOSIM_REQUIRE_SLURM=1`
//! it fails instead.
//!
//! The test submits a 4-task array (`sbatch --wait --array=0-3`) whose tasks run
//! `sarcosim run SCEN --out A --quiet` without `--shard`, so each task takes its shard from
//! SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT / SLURM_ARRAY_TASK_MIN. It then checks that
//! `sarcosim report A` prints exactly what `sarcosim report B` prints for the same scenario
//! run unsharded into B, and that A/summary holds one file per shard.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const TEST_NAME: &str = "slurm_job_array_matches_unsharded_run";

const SCENARIO: &str = r#"name = "slurm-smoke"
seed = 7
population = 400
horizon = "5y"
step = "1m"
record_every = "1y"

[output]
trajectories = "none"

[[cohort]]
name = "60-69"
share = 1.0
female = 0.5
age = { uniform = [60, 70] }

[[arm]]
name = "baseline"
"#;

/// Environment variables through which a process learns its shard. The unsharded reference
/// run must not see them (e.g. when this test itself runs inside a Slurm or Kubernetes job).
const SHARD_ENV: &[&str] = &[
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_STEP",
    "SLURM_ARRAY_JOB_ID",
    "JOB_COMPLETION_INDEX",
];

fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sarcosim_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_sarcosim"))
}

/// Quote for a POSIX shell (sbatch --wrap runs its string with /bin/sh).
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

/// Runs `cmd` to completion, killing it after `limit`. Err carries a description on timeout
/// or when the program cannot be started.
fn run_bounded(cmd: &mut Command, limit: Duration) -> Result<Output, String> {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {what}: {e}"))?;
    // Drain both pipes in threads so a chatty child never blocks on a full pipe.
    let mut out_pipe = child.stdout.take().expect("piped stdout");
    let mut err_pipe = child.stderr.take().expect("piped stderr");
    let out_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out_pipe.read_to_end(&mut buf);
        buf
    });
    let err_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err_pipe.read_to_end(&mut buf);
        buf
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                // The readers are not joined: a grandchild may still hold the pipes.
                return Err(format!("timed out after {limit:?}: {what}"));
            }
            Ok(None) => thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(format!("waiting for {what}: {e}")),
        }
    };
    Ok(Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    })
}

fn describe(out: &Output) -> String {
    format!(
        "exit: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The job logs that Slurm wrote into `dir` (slurm-*.out), for failure messages.
fn job_logs(dir: &Path) -> String {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("slurm-") && n.ends_with(".out"))
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut s = String::new();
    for p in names {
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| format!("<unreadable: {e}>"));
        s.push_str(&format!("==> {} <==\n{}\n", p.display(), text));
    }
    if s.is_empty() {
        s.push_str("<no job logs>");
    }
    s
}

/// Not up: skip loudly, or fail when SARCOSIM_REQUIRE_SLURM=1.
fn not_up(reason: &str) {
    if std::env::var("SARCOSIM_REQUIRE_SLURM").is_ok_and(|v| v == "1") {
        panic!("SARCOSIM_REQUIRE_SLURM=1 but Slurm is not usable: {reason}");
    }
    // Straight to the stderr handle: eprintln! would be captured by the test harness and
    // never shown for a passing test.
    let _ = writeln!(std::io::stderr(), "SKIPPED: {TEST_NAME}: {reason}");
}

/// The SLURM_CONF path when `local-cluster.sh status` reports the cluster up, else why not.
fn cluster_conf() -> Result<PathBuf, String> {
    let script = repo_dir().join("scripts/slurm/local-cluster.sh");
    if !script.is_file() {
        return Err(format!("{} not found", script.display()));
    }
    let out = run_bounded(
        Command::new("bash").arg(&script).arg("status"),
        Duration::from_secs(60),
    )?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || !stdout.lines().any(|l| l.trim() == "cluster: up") {
        return Err(format!(
            "local Slurm cluster is not up (start it with `scripts/slurm/local-cluster.sh install \
             && scripts/slurm/local-cluster.sh start`); `local-cluster.sh status` said:\n{}",
            stdout.trim_end()
        ));
    }
    let conf = stdout
        .lines()
        .find_map(|l| l.strip_prefix("SLURM_CONF="))
        .map(|s| PathBuf::from(s.trim()))
        .ok_or_else(|| format!("no SLURM_CONF= line in status output:\n{stdout}"))?;
    if !conf.is_file() {
        return Err(format!("{} does not exist", conf.display()));
    }
    Ok(conf)
}

fn report(bin: &Path, dir: &Path) -> Vec<u8> {
    let mut cmd = Command::new(bin);
    cmd.arg("report").arg(dir);
    for v in SHARD_ENV {
        cmd.env_remove(v);
    }
    let out = run_bounded(&mut cmd, Duration::from_secs(120)).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "sarcosim report {} failed\n{}",
        dir.display(),
        describe(&out)
    );
    out.stdout
}

#[test]
fn slurm_job_array_matches_unsharded_run() {
    let conf = match cluster_conf() {
        Ok(conf) => conf,
        Err(reason) => return not_up(&reason),
    };

    let bin = sarcosim_bin();
    let tmp = tempfile::Builder::new()
        .prefix("sarcosim-slurm-test-")
        .tempdir()
        .expect("temp dir");
    let tmp_path = tmp.path();
    let scen = tmp_path.join("scenario.toml");
    std::fs::write(&scen, SCENARIO).expect("write scenario");
    let dir_a = tmp_path.join("sharded");
    let dir_b = tmp_path.join("unsharded");

    // 1. Four array tasks, no --shard: the shard comes from Slurm's environment.
    let job_name = format!("sarcosim-test-{}", std::process::id());
    let wrap = format!(
        "exec {} run {} --out {} --quiet",
        sh_quote(path_str(&bin)),
        sh_quote(path_str(&scen)),
        sh_quote(path_str(&dir_a)),
    );
    let mut sbatch = Command::new("sbatch");
    sbatch
        .env("SLURM_CONF", &conf)
        .current_dir(tmp_path)
        .args([
            "--wait",
            "--array=0-3",
            "--cpus-per-task=1",
            "--mem=1G",
            "--time=10",
        ])
        .arg(format!("--job-name={job_name}"))
        .arg(format!("--chdir={}", path_str(tmp_path)))
        .arg(format!("--output={}/slurm-%A_%a.out", path_str(tmp_path)))
        .arg("--wrap")
        .arg(&wrap);
    for v in SHARD_ENV {
        sbatch.env_remove(v);
    }
    let started = Instant::now();
    let out = match run_bounded(&mut sbatch, Duration::from_secs(600)) {
        Ok(out) => out,
        Err(e) => {
            // Do not leave the array behind in the queue.
            let _ = run_bounded(
                Command::new("scancel")
                    .env("SLURM_CONF", &conf)
                    .arg(format!("--name={job_name}")),
                Duration::from_secs(30),
            );
            panic!("{e}\njob logs:\n{}", job_logs(tmp_path));
        }
    };
    assert!(
        out.status.success(),
        "sbatch --wait --array=0-3 failed\n{}\njob logs:\n{}",
        describe(&out),
        job_logs(tmp_path)
    );
    eprintln!(
        "{TEST_NAME}: job array finished in {:.1?}: {}",
        started.elapsed(),
        String::from_utf8_lossy(&out.stdout).trim()
    );

    // 2. One shard per array task, named shard-KKKK-of-NNNN.
    let mut names: Vec<String> = std::fs::read_dir(dir_a.join("summary/draws-0000-0000"))
        .unwrap_or_else(|e| {
            panic!(
                "{}/summary/draws-0000-0000: {e}\njob logs:\n{}",
                dir_a.display(),
                job_logs(tmp_path)
            )
        })
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    let expected: Vec<String> = (0..4)
        .map(|k| format!("shard-{k:04}-of-0004.parquet"))
        .collect();
    assert_eq!(
        names,
        expected,
        "files in {}/summary/draws-0000-0000\njob logs:\n{}",
        dir_a.display(),
        job_logs(tmp_path)
    );
    assert!(
        dir_a.join("manifest.json").is_file(),
        "{}/manifest.json is missing",
        dir_a.display()
    );

    // 3. The same scenario unsharded.
    let mut run_b = Command::new(&bin);
    run_b
        .arg("run")
        .arg(&scen)
        .arg("--out")
        .arg(&dir_b)
        .arg("--quiet");
    for v in SHARD_ENV {
        run_b.env_remove(v);
    }
    let out = run_bounded(&mut run_b, Duration::from_secs(300)).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "unsharded run failed\n{}",
        describe(&out)
    );

    // 4. Same report, byte for byte.
    let report_a = report(&bin, &dir_a);
    let report_b = report(&bin, &dir_b);
    assert!(!report_b.is_empty(), "sarcosim report printed nothing");
    assert!(
        report_a == report_b,
        "report of the 4-shard Slurm run differs from the unsharded run\n\
         --- sharded ({}) ---\n{}\n--- unsharded ({}) ---\n{}",
        dir_a.display(),
        String::from_utf8_lossy(&report_a),
        dir_b.display(),
        String::from_utf8_lossy(&report_b)
    );
}
