//! `Out`: a line sink shared by the threads of an example, printing or recording.

use std::fmt::Display;
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

/// Where an example writes its lines. Cheap to clone; every clone writes to the same place.
///
/// Lines are written whole, under a lock, so lines of different threads never mix.
///
/// ```
/// let out = examples::Out::capture();
/// out.line("Got: Hello");
/// assert_eq!(out.lines(), ["Got: Hello"]);
/// ```
#[derive(Clone, Debug)]
pub struct Out {
    sink: Arc<Mutex<Sink>>,
}

#[derive(Debug)]
enum Sink {
    Stdout,
    Capture(Vec<String>),
}

impl Out {
    /// Lines go to standard output as they are written.
    pub fn stdout() -> Out {
        Out {
            sink: Arc::new(Mutex::new(Sink::Stdout)),
        }
    }

    /// Lines are kept in memory; read them with [`Out::lines`].
    pub fn capture() -> Out {
        Out {
            sink: Arc::new(Mutex::new(Sink::Capture(Vec::new()))),
        }
    }

    /// Writes one line.
    pub fn line(&self, line: impl Display) {
        let mut sink = self.sink.lock().unwrap_or_else(PoisonError::into_inner);
        match &mut *sink {
            Sink::Stdout => {
                let mut stdout = std::io::stdout().lock();
                // A closed stdout (for example `| head`) must not panic an example's thread.
                let _ = writeln!(stdout, "{line}");
            }
            Sink::Capture(lines) => lines.push(line.to_string()),
        }
    }

    /// The lines written so far (empty for [`Out::stdout`]).
    pub fn lines(&self) -> Vec<String> {
        match &*self.sink.lock().unwrap_or_else(PoisonError::into_inner) {
            Sink::Stdout => Vec::new(),
            Sink::Capture(lines) => lines.clone(),
        }
    }
}
