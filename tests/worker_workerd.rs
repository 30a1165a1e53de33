//! The worker bundle under `workerd`, Cloudflare's Workers runtime, on
//! loopback: the engine built for wasm32, a bundle built by
//! `contentkit build --worker` from `examples/components/` (plus the reference
//! `hello` and `counter` in a subfolder, and a cached component), then the
//! HTTP cases the native server passes (`common::http_suite`).
//!
//! Needs the `wasm32-unknown-unknown` target and `workerd` from
//! `worker/node` (`npm ci` there). Without them the test prints what is
//! missing and passes, unless `CONTENTKIT_REQUIRE_WORKERD` is set, as
//! `.ci/run` sets it.
#![cfg(feature = "cli")]

mod common;

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::http_suite::{self, Target};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The body limit the bundle is built with: small, so a 413 costs little.
const BODY_LIMIT: usize = 64 * 1024;

const CACHED_CKX: &str = r#"export const cached = createComponent({
    componentId: 'cached',
    render: () => <block><text>cached</text></block>,
    cache: { maxAge: 60 },
});
"#;

/// Skips (with a notice) or fails, as `CONTENTKIT_REQUIRE_WORKERD` says.
fn missing(what: &str) {
    if std::env::var_os("CONTENTKIT_REQUIRE_WORKERD").is_some() {
        panic!("{what}, and CONTENTKIT_REQUIRE_WORKERD is set");
    }
    eprintln!("NOTICE: skipping the workerd tests: {what}");
}

fn has_wasm_target() -> bool {
    let sysroot = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    sysroot.is_some_and(|root| {
        Path::new(&root)
            .join("lib/rustlib/wasm32-unknown-unknown")
            .is_dir()
    })
}

/// The engine, built now (cargo does nothing when it is up to date).
fn build_engine() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(ROOT)
        .args([
            "build",
            "--quiet",
            "-p",
            "contentkit-worker",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "worker",
        ])
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building the worker engine failed");
    Path::new(ROOT).join("target/wasm32-unknown-unknown/worker/contentkit_worker.wasm")
}

fn workerd() -> PathBuf {
    Path::new(ROOT).join("worker/node/node_modules/.bin/workerd")
}

/// The components the suite needs: the examples, the reference `hello` and
/// `counter` in a subfolder (the examples' `colour-picker.ckx` declares the
/// reference `chooser`), and `cached`.
fn component_folder(dir: &Path) {
    let examples = Path::new(ROOT).join("examples/components");
    for entry in std::fs::read_dir(&examples).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let reference = dir.join("reference");
    std::fs::create_dir(&reference).unwrap();
    for name in ["hello.ckx", "counter.ckx"] {
        std::fs::copy(
            Path::new(ROOT).join("fixtures/reference").join(name),
            reference.join(name),
        )
        .unwrap();
    }
    std::fs::write(dir.join("cached.ckx"), CACHED_CKX).unwrap();
}

/// A `workerd serve` that is stopped when dropped.
struct Workerd(Child);

impl Drop for Workerd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_until_listening(addr: SocketAddr, server: &mut Workerd) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        if let Ok(Some(status)) = server.0.try_wait() {
            panic!("workerd exited before listening: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "workerd did not listen on {addr}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_worker_under_workerd_passes_the_native_servers_http_cases() {
    if !has_wasm_target() {
        return missing("the wasm32-unknown-unknown target is not installed (rustup target add wasm32-unknown-unknown)");
    }
    if !workerd().is_file() {
        return missing("workerd is not installed (npm ci in worker/node)");
    }
    let engine = build_engine();
    let work = tempfile::tempdir().unwrap();
    let (src, out) = (work.path().join("components"), work.path().join("bundle"));
    std::fs::create_dir(&src).unwrap();
    component_folder(&src);
    let port = free_port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let built = Command::new(env!("CARGO_BIN_EXE_contentkit"))
        .arg("build")
        .arg(&src)
        .arg("--worker")
        .arg("-o")
        .arg(&out)
        .args(["--addr", &addr.to_string()])
        .args(["--body-limit", &BODY_LIMIT.to_string()])
        .arg("--engine")
        .arg(&engine)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    for file in [
        "worker.mjs",
        "contentkit.wasm",
        "config.capnp",
        "wrangler.toml",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
    let config = std::fs::read_to_string(out.join("config.capnp")).unwrap();
    assert!(
        config.contains(&format!("address = \"{addr}\"")),
        "{config}"
    );

    let mut server = Workerd(
        Command::new(workerd())
            .current_dir(&out)
            .args(["serve", "config.capnp"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("workerd starts"),
    );
    wait_until_listening(addr, &mut server);

    let target = Target::new(format!("http://{addr}"), BODY_LIMIT);
    http_suite::run_all(&target);

    // The other example components answer too (the todo list from its fixture).
    let todo = common::http_suite::render_event("todo");
    let reply = target.event(&todo);
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json()["state"]["items"][0],
        "Read the ContentKit docs"
    );
}
