//! Scripted HTTP/1.1 test server on 127.0.0.1 that records the exact bytes of
//! every request, so generated clients can be checked on the wire rather than
//! through another HTTP library's view of it.
//!
//! Hand-written on top of tokio's TCP types (no HTTP crate) so that nothing
//! normalises the request line or headers before they are recorded.

// Integration test crates include this via `mod support;` and not every test
// uses every item.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// Limits that keep a broken client from hanging or exhausting the test.
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 16 * 1024 * 1024;
const IO_TIMEOUT: Duration = Duration::from_secs(30);

const NO_REPLY_LEFT: &str =
    r#"{"error":{"type":"api_error","message":"test server: no scripted reply left"}}"#;

/// What the server does once a request has been read completely.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyAction {
    /// Send the response normally.
    Respond,
    /// Close the connection without writing a single byte.
    CloseWithoutResponse,
    /// Abort the connection with a TCP reset (RST) without writing a byte.
    Reset,
    /// Send the head with the full `Content-Length` but only the first half of
    /// the body, then close.
    TruncateBody,
}

/// One scripted response; replies are consumed in order, one per request.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    /// Sent in this order, names as given. `Content-Length` is added
    /// automatically unless one is listed here.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Waited after the request has been recorded and before acting.
    pub delay: Option<Duration>,
    pub action: ReplyAction,
}

impl Reply {
    /// A response with `Content-Type: application/json` and `body` verbatim.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".to_string(), "application/json".to_string())],
            body: body.as_bytes().to_vec(),
            delay: None,
            action: ReplyAction::Respond,
        }
    }

    /// Appends a header (it does not replace one of the same name, so
    /// repeated headers such as `Set-Cookie` can be scripted).
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn delayed(mut self, d: Duration) -> Reply {
        self.delay = Some(d);
        self
    }

    /// Closes the connection without responding (status is never sent).
    pub fn close() -> Reply {
        Reply {
            status: 0,
            headers: Vec::new(),
            body: Vec::new(),
            delay: None,
            action: ReplyAction::CloseWithoutResponse,
        }
    }

    /// Resets the connection (TCP RST, as a crashed peer or a middlebox
    /// would) without responding.
    pub fn reset() -> Reply {
        Reply {
            action: ReplyAction::Reset,
            ..Reply::close()
        }
    }

    /// Sends only half the body. With an empty body there is nothing to cut,
    /// so the response arrives complete.
    pub fn truncated(mut self) -> Reply {
        self.action = ReplyAction::TruncateBody;
        self
    }
}

/// A request as it arrived on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// Raw request-target exactly as sent, e.g. `/v1/x/a%2Fb/redact`.
    pub target: String,
    /// In order; names lowercased, values as sent (without surrounding
    /// whitespace, which HTTP does not treat as part of the value).
    pub headers: Vec<(String, String)>,
    /// Decoded body (chunked framing removed). If the body could not be read
    /// completely, whatever arrived before the failure.
    pub body: Vec<u8>,
    /// Index of the TCP connection it came on, counting from 0.
    pub connection: usize,
}

impl RecordedRequest {
    /// First value of the header, name matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// All values of the header, in the order sent.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as text, or `"<non-utf8>"` if it is not valid UTF-8.
    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or("<non-utf8>")
    }
}

#[derive(Default)]
struct State {
    replies: VecDeque<Reply>,
    /// Used once `replies` run out, if set.
    repeat: Option<Reply>,
    requests: Vec<RecordedRequest>,
    connections: usize,
}

type Shared = Arc<Mutex<State>>;

fn lock(state: &Shared) -> MutexGuard<'_, State> {
    // A poisoned lock only means some other thread panicked; the data is
    // still consistent because every update is a single push or pop.
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// Scripted server; dropping it stops accepting and ends every connection.
pub struct TestServer {
    addr: std::net::SocketAddr,
    state: Shared,
    task: JoinHandle<()>,
}

impl TestServer {
    /// Starts listening on 127.0.0.1:0 in a background tokio task. Replies are
    /// used in order, one per request; when they run out it answers 500 with
    /// body `{"error":{"type":"api_error","message":"test server: no scripted reply left"}}`.
    pub async fn start(replies: Vec<Reply>) -> TestServer {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("test server: bind 127.0.0.1:0");
        let addr = listener
            .local_addr()
            .expect("test server: local address of bound listener");
        let state: Shared = Arc::new(Mutex::new(State {
            replies: replies.into(),
            ..State::default()
        }));
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&state)));
        TestServer { addr, state, task }
    }

    /// Like [`TestServer::start`], but answers every request with `reply` (for load tests).
    pub async fn start_repeating(reply: Reply) -> TestServer {
        let server = TestServer::start(Vec::new()).await;
        lock(&server.state).repeat = Some(reply);
        server
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Snapshot of the requests recorded so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).requests.clone()
    }

    /// The requests recorded so far, which the server then forgets (so a long load test does
    /// not grow the server's memory).
    pub fn take_requests(&self) -> Vec<RecordedRequest> {
        std::mem::take(&mut lock(&self.state).requests)
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        lock(&self.state).connections
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // The connection tasks live in a JoinSet owned by this task, so
        // aborting it drops the set, which aborts them too.
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, state: Shared) {
    let mut conns = JoinSet::new();
    loop {
        // Reap finished connections so the set does not grow without bound.
        while conns.try_join_next().is_some() {}
        match listener.accept().await {
            Ok((stream, _)) => {
                let index = {
                    let mut s = lock(&state);
                    s.connections += 1;
                    s.connections - 1
                };
                let _ = stream.set_nodelay(true);
                conns.spawn(serve_connection(stream, index, Arc::clone(&state)));
            }
            // E.g. out of file descriptors: back off instead of spinning or
            // giving up on the whole test.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

/// Buffered reader over one connection; bytes read past the current request
/// stay in `buf` for the next one (pipelining).
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

fn invalid(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_string())
}

impl Conn {
    /// Reads more bytes into `buf`; Ok(0) means the peer closed.
    async fn fill(&mut self) -> io::Result<usize> {
        let mut chunk = [0u8; 16 * 1024];
        let n = tokio::time::timeout(IO_TIMEOUT, self.stream.read(&mut chunk))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "read timed out"))??;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n)
    }

    async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        // Bounded too: a client that never reads must not hang the test.
        tokio::time::timeout(IO_TIMEOUT, async {
            self.stream.write_all(bytes).await?;
            self.stream.flush().await
        })
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "write timed out"))?
    }

    /// Returns the request head without its terminating blank line, or None
    /// if the peer closed cleanly between requests.
    async fn read_head(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            // Blank lines before a request line are allowed (RFC 9112 §2.2).
            let lead = self
                .buf
                .iter()
                .take_while(|b| **b == b'\r' || **b == b'\n')
                .count();
            self.buf.drain(..lead);
            if let Some((head_len, total)) = find_head_end(&self.buf) {
                let head = self.buf[..head_len].to_vec();
                self.buf.drain(..total);
                return Ok(Some(head));
            }
            if self.buf.len() > MAX_HEAD {
                return Err(invalid("request head too large"));
            }
            if self.fill().await? == 0 {
                return if self.buf.is_empty() {
                    Ok(None)
                } else {
                    Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "eof inside request head",
                    ))
                };
            }
        }
    }

    /// Moves exactly `n` bytes into `out`; on EOF whatever arrived is kept.
    async fn read_exact_into(&mut self, mut n: usize, out: &mut Vec<u8>) -> io::Result<()> {
        loop {
            let take = n.min(self.buf.len());
            out.extend(self.buf.drain(..take));
            n -= take;
            if n == 0 {
                return Ok(());
            }
            if self.fill().await? == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "eof in body"));
            }
        }
    }

    /// One line without its CRLF/LF, bounded by `MAX_HEAD`.
    async fn read_line(&mut self) -> io::Result<Vec<u8>> {
        loop {
            if let Some(pos) = self.buf.iter().position(|b| *b == b'\n') {
                let mut line: Vec<u8> = self.buf.drain(..=pos).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
            if self.buf.len() > MAX_HEAD {
                return Err(invalid("line too long"));
            }
            if self.fill().await? == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "eof in line"));
            }
        }
    }

    async fn read_chunked(&mut self, out: &mut Vec<u8>) -> io::Result<()> {
        loop {
            let line = self.read_line().await?;
            let line = String::from_utf8_lossy(&line);
            // Chunk extensions (";name=value") carry nothing we record.
            let size_hex = line.split(';').next().unwrap_or("").trim();
            let size =
                usize::from_str_radix(size_hex, 16).map_err(|_| invalid("bad chunk size"))?;
            if size == 0 {
                // Trailer section: skip fields up to the blank line.
                let mut trailer_bytes = 0usize;
                loop {
                    let t = self.read_line().await?;
                    if t.is_empty() {
                        return Ok(());
                    }
                    trailer_bytes += t.len();
                    if trailer_bytes > MAX_HEAD {
                        return Err(invalid("trailers too large"));
                    }
                }
            }
            if size > MAX_BODY.saturating_sub(out.len()) {
                return Err(invalid("body too large"));
            }
            self.read_exact_into(size, out).await?;
            // Anything but an empty line here means we have lost the framing.
            if !self.read_line().await?.is_empty() {
                return Err(invalid("missing CRLF after chunk"));
            }
        }
    }
}

/// Finds the blank line ending the head: (head length, head + terminator
/// length). Accepts bare LF line endings, as lenient servers do.
fn find_head_end(buf: &[u8]) -> Option<(usize, usize)> {
    let limit = buf.len().min(MAX_HEAD + 4);
    let mut i = 0;
    while i < limit {
        if buf[i] == b'\n' {
            if buf.get(i + 1) == Some(&b'\n') {
                return Some((i + 1, i + 2));
            }
            if buf.get(i + 1) == Some(&b'\r') && buf.get(i + 2) == Some(&b'\n') {
                return Some((i + 1, i + 3));
            }
        }
        i += 1;
    }
    None
}

struct Head {
    method: String,
    target: String,
    version: String,
    headers: Vec<(String, String)>,
}

/// Parses leniently: nothing is rejected, odd lines are kept as best we can.
fn parse_head(raw: &[u8]) -> Head {
    let text = String::from_utf8_lossy(raw);
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.splitn(3, ' ');
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let version = parts.next().unwrap_or("").trim().to_string();
    let headers = lines
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once(':') {
            Some((n, v)) => (n.trim().to_ascii_lowercase(), v.trim().to_string()),
            // Not a header field; keep it visible rather than drop it.
            None => (l.trim().to_ascii_lowercase(), String::new()),
        })
        .collect();
    Head {
        method,
        target,
        version,
        headers,
    }
}

/// Comma-separated tokens of every header with this (lowercase) name.
fn tokens<'a>(headers: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = String> + 'a {
    headers
        .iter()
        .filter(move |(n, _)| n == name)
        .flat_map(|(_, v)| v.split(','))
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
}

enum Framing {
    None,
    Length(usize),
    Chunked,
    Unknown,
}

fn framing(headers: &[(String, String)]) -> Framing {
    // Transfer-Encoding wins over Content-Length (RFC 9112 §6.3).
    if let Some(last) = tokens(headers, "transfer-encoding").last() {
        return if last == "chunked" {
            Framing::Chunked
        } else {
            Framing::Unknown
        };
    }
    let lengths: Vec<String> = tokens(headers, "content-length").collect();
    match lengths.first() {
        None => Framing::None,
        Some(first) => match first.parse::<usize>() {
            Ok(n) if lengths.iter().all(|l| l == first) => Framing::Length(n),
            _ => Framing::Unknown,
        },
    }
}

async fn serve_connection(stream: TcpStream, index: usize, state: Shared) {
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
    };
    // Any error simply ends this connection; other connections and the
    // accept loop are unaffected.
    let _ = serve_requests(&mut conn, index, &state).await;
}

async fn serve_requests(conn: &mut Conn, index: usize, state: &Shared) -> io::Result<()> {
    while let Some(raw) = conn.read_head().await? {
        let head = parse_head(&raw);
        let mut body = Vec::new();
        let read = read_body(conn, &head, &mut body).await;
        let recorded = RecordedRequest {
            method: head.method,
            target: head.target,
            headers: head.headers,
            body,
            connection: index,
        };
        if let Err(e) = read {
            // Keep what came so a test can see it, but without a complete
            // request there is nothing to answer and no reply is consumed.
            lock(state).requests.push(recorded);
            return Err(e);
        }

        let client_close = tokens(&recorded.headers, "connection").any(|t| t == "close");
        let keep_alive_10 = tokens(&recorded.headers, "connection").any(|t| t == "keep-alive");
        let is_head = recorded.method == "HEAD";
        let http10 = head.version == "HTTP/1.0";
        let reply = {
            let mut s = lock(state);
            s.requests.push(recorded);
            let next = s.replies.pop_front().or_else(|| s.repeat.clone());
            next.unwrap_or_else(|| Reply::json(500, NO_REPLY_LEFT))
        };

        if let Some(d) = reply.delay {
            tokio::time::sleep(d).await;
        }
        let reply_close = reply
            .headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close"));
        let close = client_close || reply_close || (http10 && !keep_alive_10);

        match reply.action {
            ReplyAction::CloseWithoutResponse => return Ok(()),
            ReplyAction::Reset => {
                // Linger zero makes the close an RST instead of a FIN.
                #[allow(deprecated)]
                let _ = conn.stream.set_linger(Some(Duration::ZERO));
                return Ok(());
            }
            ReplyAction::TruncateBody => {
                let bytes = encode_response(&reply, is_head, false, reply.body.len() / 2);
                conn.write_all(&bytes).await?;
                let _ = conn.stream.shutdown().await;
                return Ok(());
            }
            ReplyAction::Respond => {
                let bytes = encode_response(&reply, is_head, close, reply.body.len());
                conn.write_all(&bytes).await?;
                if close {
                    let _ = conn.stream.shutdown().await;
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

async fn read_body(conn: &mut Conn, head: &Head, body: &mut Vec<u8>) -> io::Result<()> {
    let framing = framing(&head.headers);
    let has_body = match framing {
        Framing::None => false,
        Framing::Length(n) => n > 0,
        Framing::Chunked | Framing::Unknown => true,
    };
    // Otherwise curl-like clients stall about a second before sending.
    let expects_continue = tokens(&head.headers, "expect").any(|t| t == "100-continue");
    if has_body && expects_continue && head.version == "HTTP/1.1" {
        conn.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    match framing {
        Framing::None => Ok(()),
        Framing::Length(n) if n > MAX_BODY => Err(invalid("body too large")),
        Framing::Length(n) => conn.read_exact_into(n, body).await,
        Framing::Chunked => conn.read_chunked(body).await,
        // Length cannot be determined (bad Content-Length or an unknown
        // transfer coding), so the connection cannot continue.
        Framing::Unknown => Err(invalid("undeterminable body length")),
    }
}

/// Serialises the response, sending only `body_len` bytes of the body.
fn encode_response(reply: &Reply, is_head: bool, close: bool, body_len: usize) -> Vec<u8> {
    // These statuses never carry a body (RFC 9110 §6.4.1), and a
    // Content-Length on them is wrong or misleading.
    let bodyless = reply.status < 200 || reply.status == 204 || reply.status == 304;
    let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status)).into_bytes();
    let has = |name: &str| {
        reply
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    if !bodyless && !has("content-length") {
        out.extend_from_slice(format!("Content-Length: {}\r\n", reply.body.len()).as_bytes());
    }
    for (name, value) in &reply.headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if close && !has("connection") {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if !bodyless && !is_head {
        out.extend_from_slice(&reply.body[..body_len.min(reply.body.len())]);
    }
    out
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        529 => "Overloaded",
        // The reason phrase is informational only (RFC 9112 §4).
        _ => "Status",
    }
}
