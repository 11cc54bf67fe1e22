//! Stripe's own mock server (stripe-mock, from `../shared/stripe-mock`), started on free
//! loopback ports for one test binary and stopped when the guard is dropped.
//!
//! Used by `generator/tests/stripe_mock.rs` and copied by `cargo xtask stripe-full` into its
//! whole-Stripe mock suite, so it depends on the standard library alone.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How many times to start over when another process took a port between choosing and binding.
const ATTEMPTS: u32 = 5;
/// How long the mock may take to answer (it loads the spec and builds 468 validators first).
const STARTUP: Duration = Duration::from_secs(30);

/// A running stripe-mock. Dropping it kills the process (also when a test panics).
pub struct StripeMock {
    child: Child,
    http: u16,
    log: PathBuf,
}

impl StripeMock {
    /// Starts `binary` listening on `127.0.0.1` only (HTTP and HTTPS both given: without
    /// `-https-addr` it would listen on every interface) and waits until it answers.
    ///
    /// Panics, saying what to do, when the binary is missing or the mock does not come up.
    pub fn start(binary: &Path) -> StripeMock {
        assert!(
            binary.is_file(),
            "stripe-mock not found at {}: these tests need ../shared beside the project (.ci/run runs them)",
            binary.display()
        );
        let mut last_log = String::new();
        for attempt in 1..=ATTEMPTS {
            let (http, https) = free_ports();
            let log =
                std::env::temp_dir().join(format!("stripe-mock-{}-{http}.log", std::process::id()));
            let out = File::create(&log)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
            let err = out
                .try_clone()
                .unwrap_or_else(|e| panic!("cannot share {}: {e}", log.display()));
            let child = Command::new(binary)
                .arg("-http-addr")
                .arg(format!("127.0.0.1:{http}"))
                .arg("-https-addr")
                .arg(format!("127.0.0.1:{https}"))
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
            // From here the guard owns the process: any panic below kills it.
            let mut mock = StripeMock { child, http, log };
            match mock.wait_ready(https) {
                Ok(()) => return mock,
                // The mock exited: most likely a port was taken after we chose it. Try again.
                Err(text) => last_log = format!("attempt {attempt}: {text}"),
            }
        }
        panic!("stripe-mock did not start in {ATTEMPTS} attempts; the last one:\n{last_log}");
    }

    /// `http://127.0.0.1:PORT`, for `ClientBuilder::base_url`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.http)
    }

    /// Waits until both ports accept connections and the HTTP one answers as stripe-mock does
    /// (so a stranger that grabbed the port is not taken for it). `Err` with the mock's output
    /// when it exited; panics when it is still silent after [`STARTUP`].
    fn wait_ready(&mut self, https: u16) -> Result<(), String> {
        let deadline = Instant::now() + STARTUP;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                let output = std::fs::read_to_string(&self.log).unwrap_or_default();
                return Err(format!("exited with {status}:\n{output}"));
            }
            if answers_as_mock(self.http) && accepts(https) {
                // Still ours after answering: a failed bind of the other port ends it at once.
                if matches!(self.child.try_wait(), Ok(None)) {
                    return Ok(());
                }
                continue;
            }
            assert!(
                Instant::now() < deadline,
                "stripe-mock did not answer on 127.0.0.1:{} within {STARTUP:?}; its output:\n{}",
                self.http,
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for StripeMock {
    fn drop(&mut self) {
        // SIGKILL: immediate (after SIGTERM the mock can take a second or two), and nothing of
        // its state matters.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// Two distinct free ports: bound to port 0 together (so the kernel gives different ones),
/// then released for the mock to take.
fn free_ports() -> (u16, u16) {
    let bind = || {
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .unwrap_or_else(|e| panic!("cannot bind a loopback port: {e}"))
    };
    let (a, b) = (bind(), bind());
    let port = |l: &TcpListener| l.local_addr().map(|a| a.port()).unwrap_or_default();
    (port(&a), port(&b))
}

fn accepts(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
}

/// Whether an HTTP request to `port` gets an answer carrying stripe-mock's version header.
fn answers_as_mock(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .to_ascii_lowercase()
        .contains("\r\nstripe-mock-version:")
}
