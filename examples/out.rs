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

type Hook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync>;

/// Keeps the panics an example causes on purpose (their message contains a marker) out of
/// standard error while it lives; other panics are reported as usual. See [`expected_panics`].
#[must_use = "the panics are quiet only while the guard lives"]
pub struct QuietPanics {
    previous: Option<Arc<Hook>>,
}

/// Silences the standard report of panics whose message contains `marker` until the guard is
/// dropped: the examples that show supervision make actors panic on purpose, and the runtime
/// catches those panics; their reports would only bury the example's output.
pub fn expected_panics(marker: &'static str) -> QuietPanics {
    let previous: Arc<Hook> = Arc::new(std::panic::take_hook());
    let fallback = Arc::clone(&previous);
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if !message.contains(marker) {
            fallback(info);
        }
    }));
    QuietPanics {
        previous: Some(previous),
    }
}

impl std::fmt::Debug for QuietPanics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuietPanics").finish_non_exhaustive()
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            std::panic::set_hook(Box::new(move |info| previous(info)));
        }
    }
}
