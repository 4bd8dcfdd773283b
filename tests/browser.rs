//! The HTML report in a real browser: headless Chromium (Debian package `chromium`) opens the
//! report of worked example 6, its rendered DOM shows the verdicts and no script element, and a
//! screenshot is taken. Skipped, saying so, when Chromium is not installed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command as Cmd;

mod common;

/// Chromium on `PATH`, under the names Debian and others give it.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Runs headless Chromium on `page` with `extra` flags, ending it after two minutes; returns
/// its standard output.
fn run_chromium(browser: &Path, page: &Path, extra: &[String]) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        match child.try_wait().expect("wait") {
            Some(_) => break,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within two minutes");
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    reader.join().unwrap_or_default()
}

#[test]
fn chromium_shows_the_verdicts_of_the_report() {
    let Some(browser) = chromium() else {
        common::tool_missing("Chromium", "chromium");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    Cmd::cargo_bin("owngraph")
        .unwrap()
        .args(["report", "fixtures/example-06.json", "--target", "T", "--as-of", "2026-01-01", "--lang", "en", "-o"])
        .arg(&page)
        .assert()
        .success();

    let dom = run_chromium(&browser, &page, &["--dump-dom".to_string()]);
    assert!(dom.contains("Ownership and control of a rights holder"), "page rendered: {dom:.300}");
    assert!(dom.contains(">ELIGIBLE<"), "the p. 5 \"а\" verdict is shown");
    assert!(dom.contains(">NOT ELIGIBLE<"), "the p. 5¹ \"а\" verdict is shown");
    assert!(dom.contains("controlled by the foreign person F"));
    assert!(dom.contains("<svg"), "the diagram is inline");
    assert!(!dom.to_lowercase().contains("<script"));

    let shot = dir.path().join("report.png");
    run_chromium(&browser, &page, &[format!("--screenshot={}", shot.display()), "--window-size=1100,1600".into()]);
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(png.len() > 20_000, "a page with content, not a blank one ({} bytes)", png.len());
}
