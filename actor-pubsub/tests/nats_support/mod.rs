//! Helpers of the NATS tests: a `nats-server` of the test's own on a free loopback port, a raw
//! protocol client (what a non-Rust program would write), and deadline-bounded polling.
#![allow(dead_code)]

use actor_core::{Actor, Context, ReplyTo};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Far longer than anything here takes; reaching it fails the test.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// A `nats-server` process on 127.0.0.1, killed when dropped.
pub struct NatsServer {
    child: Option<Child>,
    pub port: u16,
    pub monitor_port: u16,
    /// JetStream's storage directory, removed when dropped; `None`: JetStream off.
    store: Option<PathBuf>,
}

/// The server binary: on `PATH`, or where Debian puts it.
fn server_binary() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    let candidates = on_path
        .into_iter()
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")])
        .map(|dir| dir.join("nats-server"));
    for candidate in candidates {
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!(
        "the NATS tests need the `nats-server` binary, found neither on PATH nor in /usr/sbin or \
         /usr/bin; install it with `apt-get install -y nats-server` (Debian/Ubuntu)"
    );
}

fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a loopback port");
    listener.local_addr().expect("local address").port()
}

impl NatsServer {
    /// Starts a server on a free loopback port and waits until it accepts clients.
    pub fn start() -> NatsServer {
        NatsServer::start_with(None)
    }

    /// Starts a server with JetStream on, storing in a fresh directory of its own.
    pub fn start_jetstream() -> NatsServer {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let store =
            std::env::temp_dir().join(format!("actor-pubsub-jetstream-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&store);
        std::fs::create_dir_all(&store).expect("a JetStream storage directory");
        NatsServer::start_with(Some(store))
    }

    fn start_with(store: Option<PathBuf>) -> NatsServer {
        // A port found free may be taken before the server binds it: try a few.
        let mut last = String::new();
        for _ in 0..5 {
            let mut server = NatsServer {
                child: None,
                port: free_port(),
                monitor_port: free_port(),
                store: store.clone(),
            };
            match server.spawn() {
                Ok(()) => return server,
                Err(why) => last = why,
            }
        }
        panic!("nats-server did not start: {last}");
    }

    /// `nats://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Kills the server and waits for the process to end.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same ports and waits until it accepts clients.
    pub fn restart(&mut self) {
        self.stop();
        let deadline = Instant::now() + DEADLINE;
        loop {
            match self.spawn() {
                Ok(()) => return,
                // The old socket may linger for a moment.
                Err(why) if Instant::now() > deadline => {
                    panic!("nats-server did not restart: {why}")
                }
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }

    fn spawn(&mut self) -> Result<(), String> {
        let mut command = Command::new(server_binary());
        command
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-m", &self.monitor_port.to_string()]);
        if let Some(store) = &self.store {
            command.arg("-js").arg("-sd").arg(store);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|err| format!("could not run nats-server: {err}"))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("nats-server exited at start: {status}"));
            }
            if let Ok(stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
                let mut line = String::new();
                stream
                    .set_read_timeout(Some(Duration::from_secs(2)))
                    .expect("timeout");
                if BufReader::new(stream).read_line(&mut line).is_ok() && line.starts_with("INFO ")
                {
                    self.child = Some(child);
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err("it did not accept clients within 10 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A number from the server's `/varz` monitoring page, such as `in_msgs`.
    pub fn varz(&self, field: &str) -> u64 {
        let mut stream =
            TcpStream::connect((Ipv4Addr::LOCALHOST, self.monitor_port)).expect("monitor port");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        stream
            .write_all(b"GET /varz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            .expect("request");
        let mut page = String::new();
        stream.read_to_string(&mut page).expect("page");
        let key = format!("\"{field}\":");
        let at = page
            .find(&key)
            .unwrap_or_else(|| panic!("no {field} in {page}"))
            + key.len();
        page[at..]
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or_else(|_| panic!("{field} is not a number in {page}"))
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.stop();
        if let Some(store) = &self.store {
            let _ = std::fs::remove_dir_all(store);
        }
    }
}

/// Polls `check` until it returns `Some`, failing with `what` at [`DEADLINE`].
pub fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// One message a [`RawClient`] received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMessage {
    pub subject: String,
    pub reply: Option<String>,
    /// The header block as sent, if any (`NATS/1.0\r\nName: value\r\n\r\n`).
    pub headers: Option<String>,
    pub payload: Vec<u8>,
}

/// A client speaking the NATS text protocol over a bare socket, as a program in any language
/// could: what the bridge must interoperate with.
pub struct RawClient {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl RawClient {
    pub fn connect(server: &NatsServer) -> RawClient {
        let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, server.port)).expect("connect");
        stream.set_read_timeout(Some(DEADLINE)).expect("timeout");
        let writer = stream.try_clone().expect("clone");
        let mut client = RawClient {
            reader: BufReader::new(stream),
            writer,
        };
        let info = client.line();
        assert!(info.starts_with("INFO "), "{info}");
        client.send(
            b"CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true,\"no_responders\":true}\r\n",
        );
        client.ping();
        client
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("read a line");
        line.trim_end().to_string()
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write");
    }

    /// Sends a ping and waits for its pong: everything sent before has been processed.
    pub fn ping(&mut self) {
        self.send(b"PING\r\n");
        loop {
            let line = self.line();
            if line == "PONG" {
                return;
            }
            assert!(!line.starts_with("-ERR"), "server error: {line}");
        }
    }

    pub fn publish(&mut self, subject: &str, payload: &[u8]) {
        self.send(format!("PUB {subject} {}\r\n", payload.len()).as_bytes());
        self.send(payload);
        self.send(b"\r\n");
    }

    pub fn request(&mut self, subject: &str, reply: &str, payload: &[u8]) {
        self.send(format!("PUB {subject} {reply} {}\r\n", payload.len()).as_bytes());
        self.send(payload);
        self.send(b"\r\n");
    }

    pub fn subscribe(&mut self, subject: &str, sid: u32) {
        self.send(format!("SUB {subject} {sid}\r\n").as_bytes());
        self.ping();
    }

    /// The next message, answering the server's pings meanwhile.
    pub fn next_message(&mut self) -> RawMessage {
        loop {
            let line = self.line();
            let parts: Vec<&str> = line.split(' ').collect();
            match parts[0] {
                "PING" => self.send(b"PONG\r\n"),
                "MSG" => {
                    // MSG <subject> <sid> [reply] <bytes>
                    let size: usize = parts[parts.len() - 1].parse().expect("size");
                    let reply = (parts.len() == 5).then(|| parts[3].to_string());
                    let body = self.exact(size);
                    return RawMessage {
                        subject: parts[1].to_string(),
                        reply,
                        headers: None,
                        payload: body,
                    };
                }
                "HMSG" => {
                    // HMSG <subject> <sid> [reply] <header bytes> <total bytes>
                    let total: usize = parts[parts.len() - 1].parse().expect("size");
                    let header: usize = parts[parts.len() - 2].parse().expect("size");
                    let reply = (parts.len() == 6).then(|| parts[3].to_string());
                    let mut all = self.exact(total);
                    let payload = all.split_off(header);
                    return RawMessage {
                        subject: parts[1].to_string(),
                        reply,
                        headers: Some(String::from_utf8(all).expect("headers")),
                        payload,
                    };
                }
                _ => {}
            }
        }
    }

    fn exact(&mut self, size: usize) -> Vec<u8> {
        let mut body = vec![0; size + 2];
        self.reader.read_exact(&mut body).expect("payload");
        body.truncate(size);
        body
    }
}

/// A request to [`Counter`]: add N, reply with the running total.
pub struct Add(pub u64, pub ReplyTo<u64>);

/// The actor the serving tests put behind a subject: a running total.
pub struct Counter(pub u64);

impl Actor for Counter {
    type Msg = Add;
    fn handle(&mut self, Add(n, reply): Add, _ctx: &mut Context<Self>) {
        self.0 += n;
        let _ = reply.reply(self.0);
    }
}
