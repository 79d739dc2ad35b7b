//! A real SMTP server on loopback for the reminder tests: Debian's aiosmtpd (package
//! python3-aiosmtpd, which `.ci/run` installs) storing what it receives in a Maildir that the
//! tests read back, parsed by `mailparse`.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Python that has aiosmtpd: Debian's own, whatever `python3` is first on the path.
const PYTHON: &str = "/usr/bin/python3";

/// A running mail server; stopped when dropped.
pub struct SmtpServer {
    child: Option<Child>,
    pub port: u16,
    dir: tempfile::TempDir,
}

/// One message as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: String,
    pub subject: String,
    pub message_id: String,
    /// The text part.
    pub body: String,
    /// The attached calendar, if any.
    pub calendar: Option<String>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let dir = tempfile::tempdir().expect("a mail directory");
        let mut server = SmtpServer { child: None, port: free_port(), dir };
        server.resume();
        server
    }

    /// Starts (again) on the same port and Maildir.
    pub fn resume(&mut self) {
        let child = Command::new(PYTHON)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{}", self.port),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(self.dir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd (Debian package python3-aiosmtpd; .ci/run installs it)");
        self.child = Some(child);
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "aiosmtpd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops it, as a mail server that goes away.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        let mut out = Vec::new();
        for part in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.dir.path().join("mail").join(part)) else { continue };
            let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            files.sort();
            for file in files {
                let bytes = std::fs::read(&file).expect("a received message");
                out.push(parse(&bytes));
            }
        }
        out
    }

    /// Waits until at least `n` messages have arrived (or `within` has passed), and gives them.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let received = self.received();
            if received.len() >= n || started.elapsed() > within {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn parse(bytes: &[u8]) -> Received {
    use mailparse::MailHeaderMap;
    let mail = mailparse::parse_mail(bytes).expect("a message in RFC 5322 form");
    let header = |name: &str| mail.headers.get_first_value(name).unwrap_or_default();
    let mut body = String::new();
    let mut calendar = None;
    for part in mail.parts() {
        let kind = part.ctype.mimetype.as_str();
        if kind == "text/plain" {
            body = part.get_body().unwrap_or_default();
        } else if kind == "text/calendar" {
            calendar = part.get_body().ok();
        }
    }
    Received { to: header("To"), subject: header("Subject"), message_id: header("Message-ID"), body, calendar }
}
