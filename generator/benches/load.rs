//! Throughput of the generated client next to a bare `reqwest` loop sending the same requests to
//! the same loopback server, in one run: `cargo bench -p openapi-gen --bench load`.
//!
//! Both sides send the redact POST (same headers, same empty form body, one connection pool,
//! the same number of concurrent tasks) and read the answer; the binding also decodes it into
//! `VerificationSession`, which is part of what it costs. Rounds alternate so that the machine's
//! load hits both alike; the figure to quote is the ratio of the medians.

#[path = "../tests/support/server.rs"]
mod server;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use server::{Reply, TestServer};
use stripe_api::identity::verification_sessions::{self, RedactParams};

const CALLS: usize = 4_000;
const TASKS: usize = 32;
const ROUNDS: usize = 5;
const KEY: &str = "sk_test_bench";

async fn binding(base_url: &str) -> Duration {
    let client = stripe_api::Client::builder(KEY)
        .base_url(base_url)
        .max_retries(0)
        .build()
        .unwrap();
    timed(move |_| {
        let client = client.clone();
        async move {
            verification_sessions::redact(&client, "vs_bench", &RedactParams::default())
                .await
                .unwrap();
        }
    })
    .await
}

async fn bare(base_url: &str, decode: bool) -> Duration {
    let http = reqwest::Client::builder()
        .user_agent("bare/0")
        .build()
        .unwrap();
    let url = format!("{base_url}/v1/identity/verification_sessions/vs_bench/redact");
    timed(move |i| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            let answer = http
                .post(url)
                .header("Authorization", format!("Bearer {KEY}"))
                .header("Stripe-Version", stripe_api::API_VERSION)
                .header("Idempotency-Key", format!("bench-{i}"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Content-Length", "0")
                .body("")
                .send()
                .await
                .unwrap();
            assert!(answer.status().is_success());
            let bytes = answer.bytes().await.unwrap();
            if decode {
                serde_json::from_slice::<stripe_api::types::VerificationSession>(&bytes).unwrap();
            }
        }
    })
    .await
}

/// Runs `CALLS` calls of `call` from `TASKS` tasks; returns the wall time.
async fn timed<F, Fut>(call: F) -> Duration
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..TASKS {
        let (next, call) = (Arc::clone(&next), call.clone());
        tasks.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= CALLS {
                    break;
                }
                call(i).await;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    started.elapsed()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run once, small.
    let quick = !std::env::args().any(|a| a == "--bench");
    let rounds = if quick { 1 } else { ROUNDS };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let body = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/verification_session.json")).unwrap();
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        println!("load average before: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
        let (mut ours, mut theirs, mut theirs_decoding) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            for side in ["binding", "bare", "bare+decode"] {
                let server = TestServer::start_repeating(Reply::json(200, &body)).await;
                let took = match side {
                    "binding" => binding(&server.base_url()).await,
                    "bare" => bare(&server.base_url(), false).await,
                    _ => bare(&server.base_url(), true).await,
                };
                let rate = CALLS as f64 / took.as_secs_f64();
                let seen = server.take_requests().len();
                assert_eq!(seen, CALLS, "{side}: every call arrived once");
                println!(
                    "round {round} {side:>11}: {CALLS} calls from {TASKS} tasks in {:>6.0} ms = {rate:>6.0} req/s over {} connections",
                    took.as_secs_f64() * 1e3,
                    server.connections()
                );
                match side {
                    "binding" => ours.push(rate),
                    "bare" => theirs.push(rate),
                    _ => theirs_decoding.push(rate),
                }
            }
        }
        let (ours, theirs, theirs_decoding) = (median(ours), median(theirs), median(theirs_decoding));
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        println!("load average after: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
        println!("median: binding {ours:.0} req/s, bare reqwest {theirs:.0} req/s, ratio {:.2}", ours / theirs);
        println!(
            "median: bare reqwest that also decodes the answer {theirs_decoding:.0} req/s, binding/that {:.2}",
            ours / theirs_decoding
        );
    });
}
