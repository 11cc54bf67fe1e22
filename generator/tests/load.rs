//! 1,000 calls from many tasks through one `Client`, against a server on loopback: all succeed,
//! none is sent twice, connections are pooled and memory stays flat. Correctness only; the
//! throughput figures are `cargo bench -p openapi-gen --bench load`.

mod support;

use std::collections::HashSet;
use std::sync::Arc;

use stripe_api::identity::verification_sessions::{self, RedactParams};
use stripe_api::Client;
use support::server::{Reply, TestServer};

const CALLS: usize = 1_000;
const TASKS: usize = 32;

/// Resident memory of this process in KiB, from /proc (Linux only; `None` elsewhere).
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

async fn run(client: &Client, calls: usize) {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..TASKS {
        let client = client.clone();
        let next = Arc::clone(&next);
        tasks.spawn(async move {
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < calls {
                let session =
                    verification_sessions::redact(&client, "vs_load", &RedactParams::default())
                        .await
                        .expect("every call succeeds");
                assert_eq!(session.object.as_str(), "identity.verification_session");
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("no task panicked");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_share_connections_and_memory_stays_flat() {
    let body = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/verification_session.json"
    ))
    .unwrap();
    let server = TestServer::start_repeating(Reply::json(200, &body)).await;
    let client = Client::builder("sk_test_load")
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .unwrap();

    // Warm up, so that the pool fills and the allocator settles, then run the rest in batches,
    // reading resident memory after each. The server forgets each batch's requests once they
    // are checked, so what is measured is the client's memory.
    let batches = 5;
    let batch = CALLS / batches;
    // Keys as numbers in a set sized up front, so the test's own bookkeeping does not grow.
    let mut keys: HashSet<u128> = HashSet::with_capacity(CALLS);
    let mut seen = 0;
    let mut rss = Vec::new();
    for _ in 0..batches {
        run(&client, batch).await;
        let requests = server.take_requests();
        seen += requests.len();
        for r in &requests {
            let key = r
                .header("idempotency-key")
                .expect("a POST carries a key")
                .replace('-', "");
            keys.insert(u128::from_str_radix(&key, 16).expect("the key is a UUID"));
        }
        drop(requests);
        rss.push(rss_kib());
    }
    assert_eq!(seen, CALLS, "each call sent exactly once");
    assert_eq!(
        keys.len(),
        CALLS,
        "no idempotency key repeats, so no request was duplicated"
    );
    let connections = server.connections();
    // About one per task; a few more when a task asks before its last connection is back in
    // the pool (hyper returns it asynchronously). Without reuse it would be one per call.
    assert!(
        connections <= 2 * TASKS,
        "{connections} connections for {TASKS} tasks: the pool is not reused"
    );
    eprintln!("{CALLS} calls from {TASKS} tasks: {connections} TCP connections opened");
    // After the warm-up batch, memory must not grow with the number of calls.
    if let (Some(Some(first)), Some(Some(last))) = (rss.get(1), rss.last()) {
        eprintln!("resident memory after each batch of {batch} calls (KiB): {rss:?}");
        let grown = last.saturating_sub(*first);
        assert!(
            grown < 1024,
            "memory grew by {grown} KiB over {} calls: {rss:?}",
            CALLS - 2 * batch
        );
    }
}
