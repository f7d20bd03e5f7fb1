//! One connection object shared by two threads, each of which gets its own socket from
//! thread-local storage.
//!
//! Mirrors the recipe "Storing Thread-Specific State" of the seed (`LazyConnection`).
//! Run: `cargo run --example thread_local`. It talks only to a tiny server it starts itself on
//! 127.0.0.1, never to the internet.
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::time::Duration;

use examples::Out;

thread_local! {
    /// The recipe's `threading.local()`: this thread's open socket per `LazyConnection`.
    static SOCKETS: RefCell<HashMap<u64, TcpStream>> = RefCell::new(HashMap::new());
}

/// The recipe's `LazyConnection`: shareable by reference; each thread connects on its own.
struct LazyConnection {
    address: SocketAddr,
    id: u64,
}

/// This thread's open connection (`with conn as s:`); dropping it closes the socket (`__exit__`).
struct Session<'a>(&'a LazyConnection);

impl LazyConnection {
    fn new(address: SocketAddr) -> LazyConnection {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let id = NEXT.fetch_add(1, SeqCst);
        LazyConnection { address, id }
    }

    fn enter(&self) -> io::Result<Session<'_>> {
        if SOCKETS.with(|s| s.borrow().contains_key(&self.id)) {
            return Err(io::Error::other("Already connected"));
        }
        let sock = TcpStream::connect(self.address)?;
        sock.set_read_timeout(Some(Duration::from_secs(5)))?;
        SOCKETS.with(|s| s.borrow_mut().insert(self.id, sock));
        Ok(Session(self))
    }
}

impl Session<'_> {
    /// Sends `request` on this thread's socket and reads the answer until the server closes.
    fn request(&self, request: &[u8]) -> io::Result<Vec<u8>> {
        SOCKETS.with(|s| {
            let mut sockets = s.borrow_mut();
            let sock = sockets.get_mut(&self.0.id).expect("open until dropped");
            sock.write_all(request)?;
            let mut resp = Vec::new();
            sock.read_to_end(&mut resp).map(|_| resp)
        })
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        SOCKETS.with(|s| s.borrow_mut().remove(&self.0.id));
    }
}

/// The recipe's `test(conn)`: send a request, read the whole answer, report its size.
fn test(conn: &LazyConnection, out: &Out) -> io::Result<()> {
    let s = conn.enter()?;
    let resp = s.request(b"GET /index.html HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")?;
    out.line(format_args!("Got {} bytes", resp.len()));
    Ok(())
}

/// Answers each request with the same 400 bytes; a connection made after `stop` ends it.
fn serve(listener: TcpListener, stop: &AtomicBool) {
    let mut response = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n".to_vec();
    response.resize(400, b'.');
    for stream in listener.incoming().take_while(|_| !stop.load(SeqCst)) {
        let Ok(stream) = stream else { continue };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let (mut reader, mut line) = (BufReader::new(&stream), String::new());
        while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
            line.clear(); // up to the blank line that ends the request
        }
        let _ = (&stream).write_all(&response); // the socket closes when `stream` drops
    }
}

/// Runs the example, writing its lines to `out`.
pub fn run(out: &Out) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let address = listener.local_addr().expect("the bound address");
    let stop = AtomicBool::new(false);
    let conn = LazyConnection::new(address);
    std::thread::scope(|scope| {
        scope.spawn(|| serve(listener, &stop));
        let t1 = scope.spawn(|| test(&conn, out));
        let t2 = scope.spawn(|| test(&conn, out));
        for t in [t1, t2] {
            if let Err(e) = t.join().unwrap() {
                out.line(format_args!("error: {e}"));
            }
        }
        // Per thread, not per object: a second `enter` on this thread, while open, is refused.
        let first = conn.enter().expect("connect");
        if let Err(e) = conn.enter() {
            out.line(format_args!("second enter on one thread: {e}"));
        }
        drop(first);
        stop.store(true, SeqCst);
        let _ = TcpStream::connect(address); // wake the server so it sees `stop`
    });
}

fn main() {
    run(&Out::stdout());
}
