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
    secure: Option<Secure>,
}

/// A server that wants TLS and a sign-in.
#[derive(Debug, Clone)]
pub struct Secure {
    /// `starttls` or `tls`.
    pub mode: &'static str,
    pub user: String,
    pub password: String,
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
        let mut server = SmtpServer { child: None, port: free_port(), dir, secure: None };
        server.resume();
        server
    }

    /// A server that speaks TLS (`mode` `starttls`, required, or `tls` from the first byte) with a
    /// certificate of its own for `localhost`, and takes mail only from `user` with `password`.
    pub fn start_secure(mode: &'static str, user: &str, password: &str) -> SmtpServer {
        let dir = tempfile::tempdir().expect("a mail directory");
        // An authority of the test's own, and the server's certificate for localhost signed by it
        // (TLS libraries refuse an authority's certificate used as the server's).
        let path = |name: &str| dir.path().join(name);
        std::fs::write(
            path("server.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .expect("the certificate's extensions");
        let openssl = |args: &[&str]| {
            let made = Command::new("openssl")
                .args(args)
                .current_dir(dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("openssl makes the certificates");
            assert!(made.success(), "openssl {args:?} failed");
        };
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=salkku test authority",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ]);
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "key.pem",
            "-out",
            "server.csr",
        ]);
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            "cert.pem",
            "-extfile",
            "server.ext",
        ]);
        let secure = Secure { mode, user: user.to_owned(), password: password.to_owned() };
        let mut server = SmtpServer { child: None, port: free_port(), dir, secure: Some(secure) };
        server.resume();
        server
    }

    /// The authority that signed the server's certificate (PEM): the root a client must trust.
    pub fn certificate(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("ca.pem")).unwrap_or_default()
    }

    /// Starts (again) on the same port and Maildir.
    pub fn resume(&mut self) {
        let mut command = Command::new(PYTHON);
        match &self.secure {
            None => {
                command
                    .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{}", self.port)])
                    .args(["-c", "aiosmtpd.handlers.Mailbox"])
                    .arg(self.dir.path().join("mail"));
            }
            Some(secure) => {
                let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("support").join("smtp_server.py");
                command
                    .arg(script)
                    .arg(self.port.to_string())
                    .arg(self.dir.path().join("mail"))
                    .arg(self.dir.path().join("cert.pem"))
                    .arg(self.dir.path().join("key.pem"))
                    .args([secure.mode, secure.user.as_str(), secure.password.as_str()]);
            }
        }
        let child = command
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
