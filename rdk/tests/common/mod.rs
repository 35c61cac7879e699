//! Shared by the test files that talk to moto server: it is started on a free port from
//! the test command's virtualenv (`.venv/bin/moto_server`) or PATH, and stopped on drop.
//! A missing moto is a failure naming the command that installs it, never a skip.

use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running moto server.
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts moto server and waits until it listens.
pub fn moto() -> Moto {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let bin = [root.join(".venv/bin/moto_server")]
        .into_iter()
        .chain(
            std::env::var_os("PATH")
                .map(|p| {
                    std::env::split_paths(&p)
                        .map(|d| d.join("moto_server"))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
        )
        .find(|p| p.exists())
        .expect(
            "moto_server is not installed: run the test command (bash tests/run-all.sh), which \
             installs tests/requirements.txt into .venv",
        );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect_timeout(
        &SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_millis(200),
    )
    .is_err()
    {
        assert!(
            Instant::now() < deadline,
            "moto_server did not listen within 60 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Moto {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}
