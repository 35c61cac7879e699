//! Test harness: the repository's fixtures, the local Config endpoint, real function
//! binaries behind `cargo lambda watch`, and moto for STS.
//!
//! Tools come from the project's virtualenv (`.venv`, made by `tests/run-all.sh` from
//! `tests/requirements.txt`). A missing tool fails the test with the command that
//! installs it: nothing is skipped.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// A CloudFormation template from YAML text as JSON, with the short-form tags (`!Ref`,
/// `!GetAtt`, `!Sub` ...) turned into their long form (`{"Ref": ...}`, `{"Fn::GetAtt":
/// [...]}`).
pub fn template_json(text: &str) -> Result<Value, serde_yaml::Error> {
    serde_yaml::from_str(text).map(yaml_to_json)
}

fn yaml_to_json(v: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(n).expect("a YAML number is a JSON number"),
        Y::String(s) => Value::String(s),
        Y::Sequence(s) => Value::Array(s.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    (
                        k.as_str().map(str::to_string).unwrap_or_else(|| {
                            serde_yaml::to_string(&k)
                                .unwrap_or_default()
                                .trim()
                                .to_string()
                        }),
                        yaml_to_json(v),
                    )
                })
                .collect(),
        ),
        Y::Tagged(t) => {
            let tag = t.tag.to_string();
            let name = tag.trim_start_matches('!');
            let key = if name == "Ref" || name == "Condition" {
                name.to_string()
            } else {
                format!("Fn::{name}")
            };
            let mut inner = yaml_to_json(t.value);
            if name == "GetAtt" {
                if let Value::String(s) = &inner {
                    inner = json!(s.splitn(2, '.').collect::<Vec<_>>());
                }
            }
            json!({ key: inner })
        }
    }
}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// `cloudformation/<name>`: a committed template.
pub fn template_path(name: &str) -> PathBuf {
    root().join("cloudformation").join(name)
}

/// A committed template as JSON (YAML's short-form intrinsics read as their long form).
pub fn load_template(name: &str) -> Value {
    let path = template_path(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    template_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The resources of `t` of type `kind`, with their logical ids.
pub fn resources_of_type<'a>(t: &'a Value, kind: &str) -> Vec<(&'a String, &'a Value)> {
    t["Resources"]
        .as_object()
        .expect("the template has Resources")
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .collect()
}

/// A string or a list of strings (`Action`, `Resource`, `Principal.Service`).
pub fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

/// `tests/fixtures/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// A fixture's JSON.
pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Finds a tool in `.venv/bin` or on PATH, or fails with how to install it.
pub fn tool(name: &str) -> PathBuf {
    let venv = root().join(".venv/bin").join(name);
    if venv.exists() {
        return venv;
    }
    if let Some(p) = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.exists())
    }) {
        return p;
    }
    panic!(
        "`{name}` is not installed. Run the test command, `bash tests/run-all.sh`, which installs \
         tests/requirements.txt into .venv; or `python3 -m venv .venv && .venv/bin/pip install -r tests/requirements.txt`"
    )
}

/// PATH with the virtualenv first (cargo-lambda runs `cargo`, and `cargo lambda` needs
/// `cargo-lambda` on PATH).
pub fn path_with_venv() -> String {
    let mut dirs = vec![root().join(".venv/bin")];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs)
        .expect("PATH joins")
        .to_string_lossy()
        .into_owned()
}

/// `target/ferrule-tests`: event files and service logs.
pub fn scratch_dir() -> PathBuf {
    let dir = root().join("target/ferrule-tests");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn wait_for_port(port: u16, child: &mut Child, what: &str, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(
            &SocketAddr::from(([127, 0, 0, 1], port)),
            Duration::from_millis(200),
        )
        .is_ok()
        {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "{what} exited with {status} before listening; log:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "{what} did not listen on 127.0.0.1:{port} within 120 s; log:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

/// A child process (and its process group) killed on drop.
pub struct Service {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Its combined output.
    pub log: PathBuf,
}

impl Service {
    /// The service's log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        // cargo-lambda starts the function in a session of its own, so kill the whole
        // tree of descendants by pid (never a process group).
        let mut pids = descendants(self.child.id());
        pids.push(self.child.id());
        if !pids.is_empty() {
            let _ = Command::new("kill")
                .args(["-s", "KILL"])
                .args(pids.iter().map(u32::to_string))
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.wait();
    }
}

/// Every descendant of `pid`, from /proc.
fn descendants(pid: u32) -> Vec<u32> {
    let mut parent_of = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for e in entries.flatten() {
            let Some(p) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
                continue;
            };
            // The command name may hold spaces; fields after the last ')' are fixed.
            let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
                continue;
            };
            if let Some(ppid) = rest
                .split_whitespace()
                .nth(1)
                .and_then(|x| x.parse::<u32>().ok())
            {
                parent_of.push((p, ppid));
            }
        }
    }
    let mut out = Vec::new();
    let mut frontier = vec![pid];
    while let Some(parent) = frontier.pop() {
        for &(child, ppid) in &parent_of {
            if ppid == parent && !out.contains(&child) {
                out.push(child);
                frontier.push(child);
            }
        }
    }
    out
}

fn spawn(mut cmd: Command, port: u16, what: &str, log_name: &str) -> Service {
    let log = scratch_dir().join(format!("{log_name}-{port}.log"));
    let file = std::fs::File::create(&log).expect("log file");
    cmd.stdout(file.try_clone().expect("log file"))
        .stderr(file)
        .stdin(Stdio::null());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    wait_for_port(port, &mut child, what, &log);
    Service { child, port, log }
}

/// `cargo lambda watch` over the `functions` package, with `env` for the functions.
pub fn lambda_watch(env: &[(&str, String)]) -> Service {
    tool("cargo-lambda");
    let port = free_port();
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root().join("functions"))
        .env("PATH", path_with_venv())
        .args([
            "lambda",
            "watch",
            "--ignore-changes",
            "-A",
            "127.0.0.1",
            "-P",
            &port.to_string(),
        ]);
    let mut vars: Vec<String> = vec![
        "AWS_REGION=us-east-1".into(),
        "AWS_ACCESS_KEY_ID=ferrule-test-key".into(),
        "AWS_SECRET_ACCESS_KEY=ferrule-test-secret".into(),
        "FERRULE_RETRY_BASE_MS=5".into(),
        "RUST_LOG=debug".into(),
    ];
    vars.extend(env.iter().map(|(k, v)| format!("{k}={v}")));
    for v in vars {
        cmd.arg("--env-var").arg(v);
    }
    spawn(cmd, port, "cargo lambda watch", "lambda-watch")
}

/// moto's server on 127.0.0.1 (STS, IAM, ...).
pub fn moto_server() -> Service {
    let bin = tool("moto_server");
    let port = free_port();
    let mut cmd = Command::new(bin);
    cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
    spawn(cmd, port, "moto_server", "moto")
}

/// The result of `cargo lambda invoke`.
#[derive(Debug)]
pub struct Invocation {
    /// Exit success.
    pub ok: bool,
    /// The function's response (stdout).
    pub stdout: String,
    /// Errors (stderr).
    pub stderr: String,
}

/// Invokes `function` on the watch server with `payload`, as `cargo lambda invoke -A
/// 127.0.0.1 --data-file` does.
pub async fn invoke(watch: &Service, function: &str, payload: &Value) -> Invocation {
    let file = scratch_dir().join(format!("event-{function}-{}.json", free_port()));
    std::fs::write(&file, payload.to_string()).expect("event file");
    let out = tokio::process::Command::new("cargo")
        .env("PATH", path_with_venv())
        .args([
            "lambda",
            "invoke",
            function,
            "-A",
            "127.0.0.1",
            "-P",
            &watch.port.to_string(),
            "--data-file",
        ])
        .arg(&file)
        .output()
        .await
        .expect("cargo lambda invoke runs");
    Invocation {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A Lambda payload as AWS Config sends it: `invokingEvent` and `ruleParameters` as
/// JSON text.
pub fn payload(
    invoking_event: Value,
    rule_parameters: Value,
    config_rule_name: &str,
    result_token: &str,
) -> Value {
    json!({
        "invokingEvent": invoking_event.to_string(),
        "ruleParameters": rule_parameters.to_string(),
        "resultToken": result_token,
        "eventLeftScope": false,
        "executionRoleArn": "arn:aws:iam::123456789012:role/config-role",
        "configRuleArn": format!("arn:aws:config:us-east-1:123456789012:config-rule/config-rule-{config_rule_name}"),
        "configRuleName": config_rule_name,
        "configRuleId": format!("config-rule-{config_rule_name}"),
        "accountId": "123456789012",
        "version": "1.0"
    })
}

/// A change notification around an event-shape item.
pub fn change_event(item: &Value) -> Value {
    json!({
        "configurationItem": item,
        "notificationCreationTime": "2024-05-01T10:00:05.000Z",
        "messageType": "ConfigurationItemChangeNotification",
        "recordVersion": "1.3"
    })
}

/// An aws-sdk-config client for the local endpoint, as a test reads results with it.
pub async fn config_client(endpoint_url: &str) -> aws_sdk_config::Client {
    let conf = aws_sdk_config::Config::builder()
        .behavior_version(aws_sdk_config::config::BehaviorVersion::latest())
        .region(aws_sdk_config::config::Region::new("us-east-1"))
        .endpoint_url(endpoint_url)
        .credentials_provider(aws_sdk_config::config::Credentials::new(
            "reader", "reader", None, None, "tests",
        ))
        .build();
    aws_sdk_config::Client::from_conf(conf)
}
