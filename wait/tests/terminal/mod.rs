//! The program in a pseudo-terminal, its screen read by a terminal emulator: what a person
//! sees.

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const COLUMNS: u16 = 160;
const ROWS: u16 = 30;

/// The program running on a terminal of 30 rows of 160 columns.
pub struct Terminal {
    child: Box<dyn Child + Send + Sync>,
    /// Kept open while the program runs.
    _master: Box<dyn MasterPty + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote, as written.
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Terminal {
    /// Starts `program` with `args` and a token, as on an xterm.
    pub fn start(program: &str, args: &[String]) -> Terminal {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLUMNS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut command = CommandBuilder::new(program);
        command.args(args);
        command.env("GOOGLE_OAUTH_ACCESS_TOKEN", "test-token");
        command.env("TERM", "xterm-256color");
        let child = pty.slave.spawn_command(command).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLUMNS, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (feed, record) = (Arc::clone(&screen), Arc::clone(&raw));
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().unwrap().process(&buf[..n]);
                record.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Terminal {
            child,
            _master: pty.master,
            screen,
            raw,
        }
    }

    /// The screen, row by row, without trailing blanks (indicatif pads its lines to the
    /// width, so the emulator's `contents` would join them).
    pub fn text(&self) -> String {
        let parser = self.screen.lock().unwrap();
        let rows: Vec<String> = parser
            .screen()
            .rows(0, COLUMNS)
            .map(|row| row.trim_end().to_owned())
            .collect();
        rows.join("\n").trim_end().to_owned()
    }

    /// Whether the screen comes to satisfy `what` within 30 s.
    pub fn shows(&self, what: impl Fn(&str) -> bool) -> bool {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if what(&self.text()) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Whether the program exited with 0, once it has.
    ///
    /// Panics if the program ever wrote a sequence that sets the title, clears the screen,
    /// rings the bell or makes text blink: its bars only move the cursor, clear lines and
    /// colour, so any of these is text from a server that reached the terminal raw.
    pub fn success(&mut self) -> bool {
        let success = self.child.wait().unwrap().success();
        // The reader may still hold the last bytes.
        std::thread::sleep(Duration::from_millis(100));
        let raw = self.raw.lock().unwrap();
        for sequence in [
            &b"\x1b]"[..],
            b"\x1b[2J",
            b"\x07",
            b"\x1b[5m",
            b"\x1b[31;5m",
        ] {
            assert!(
                !raw.windows(sequence.len()).any(|w| w == sequence),
                "{:?} reached the terminal",
                String::from_utf8_lossy(sequence)
            );
        }
        success
    }
}
