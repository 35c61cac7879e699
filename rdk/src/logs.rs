//! `rdk logs RULE`: a rule function's log events, formatted for people.
//!
//! Events come from the function's log group (`/aws/lambda/<NamePrefix><rule>`, as the
//! rules template names it) through FilterLogEvents, every page; `--follow` polls it
//! again every two seconds for events newer than the last one shown (by event id, so an
//! event is shown once however the pages fall) until Ctrl-C. The functions log JSON
//! (`level`, `message`, `span.request_id`, fields): each line is shown as
//! `time LEVEL [request] message key=value ...`; a metrics line (embedded metric format)
//! as its figures; anything else (Lambda's own START/END/REPORT lines) as it is.

use std::collections::{HashSet, VecDeque};
use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::commands::CliError;

/// What to show.
#[derive(Debug, Clone)]
pub struct LogsOptions {
    /// The catalog rule.
    pub rule: String,
    /// The functions' name prefix (the rules template's `NamePrefix`).
    pub name_prefix: String,
    /// How far back to start (`--since`).
    pub since: Duration,
    /// At most this many of the newest events (before following).
    pub number: usize,
    /// Keep polling for new events.
    pub follow: bool,
    /// Region.
    pub region: Option<String>,
    /// Profile.
    pub profile: Option<String>,
    /// Print the raw messages instead of the formatted lines.
    pub raw: bool,
}

/// How often `--follow` asks for new events.
pub const FOLLOW_EVERY: Duration = Duration::from_secs(2);

/// Reads `30s`, `15m`, `1h`, `2d` (a number and a unit).
pub fn parse_since(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("--since {text}: give a number and a unit, like 30m, 1h or 2d"))?;
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => {
            return Err(format!(
                "--since {text}: the unit must be s, m, h, d or w (like 30m, 1h or 2d)"
            ))
        }
    };
    n.checked_mul(secs)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("--since {text}: too far back"))
}

/// One log line for people.
pub fn format_event(timestamp_ms: i64, message: &str) -> String {
    let when = aws_sdk_cloudwatchlogs::primitives::DateTime::from_millis(timestamp_ms)
        .fmt(aws_sdk_cloudwatchlogs::primitives::DateTimeFormat::DateTime)
        .unwrap_or_else(|_| timestamp_ms.to_string());
    let text = message.trim_end();
    let Ok(Value::Object(m)) = serde_json::from_str::<Value>(text) else {
        return format!("{when} {text}");
    };
    if let Some(aws) = m.get("_aws") {
        // A metrics line: its figures, in the order it declares them.
        let mut s = format!("{when} METRICS");
        if let Some(id) = m.get("RequestId").and_then(Value::as_str) {
            let _ = write!(s, " [{}]", short_id(id));
        }
        let names = aws["CloudWatchMetrics"][0]["Metrics"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|d| d["Name"].as_str())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        for name in names {
            if let Some(v) = m.get(name) {
                let _ = write!(s, " {name}={}", number(v));
            }
        }
        return s;
    }
    let level = m.get("level").and_then(Value::as_str).unwrap_or("-");
    let message = m.get("message").and_then(Value::as_str).unwrap_or("");
    let mut s = format!("{when} {level:<5}");
    if let Some(id) = m
        .get("span")
        .and_then(|sp| sp.get("request_id"))
        .and_then(Value::as_str)
    {
        let _ = write!(s, " [{}]", short_id(id));
    }
    let _ = write!(s, " {message}");
    for (k, v) in &m {
        if matches!(
            k.as_str(),
            "level" | "message" | "span" | "timestamp" | "target"
        ) {
            continue;
        }
        match v {
            Value::String(t) => {
                let _ = write!(s, " {k}={t}");
            }
            other => {
                let _ = write!(s, " {k}={other}");
            }
        }
    }
    s
}

fn number(v: &Value) -> String {
    match v.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        Some(f) => format!("{f:.1}"),
        None => v.to_string(),
    }
}

/// The first block of a request id (enough to tell invocations apart on screen).
fn short_id(id: &str) -> &str {
    id.split('-').next().unwrap_or(id)
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Shows the events, and with `follow` keeps showing new ones until `stop` completes.
pub async fn logs(
    opts: &LogsOptions,
    out: &mut dyn std::io::Write,
    stop: impl std::future::Future<Output = ()>,
) -> Result<usize, CliError> {
    let sdk = crate::commands::sdk_config(opts.region.clone(), opts.profile.clone()).await?;
    let client = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let group = format!("/aws/lambda/{}{}", opts.name_prefix, opts.rule);
    let mut start = now_ms() - opts.since.as_millis() as i64;
    let mut seen: HashSet<String> = HashSet::new();
    let mut shown = 0usize;
    let mut first = true;
    tokio::pin!(stop);
    loop {
        let mut batch: VecDeque<(i64, String)> = VecDeque::new();
        let mut token = None;
        let mut newest = start;
        let mut ids_at_newest = Vec::new();
        loop {
            let out = client
                .filter_log_events()
                .log_group_name(&group)
                .start_time(start)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| fetch_failed(&group, e))?;
            for e in out.events() {
                let id = e.event_id().unwrap_or_default().to_string();
                if !seen.insert(id.clone()) {
                    continue;
                }
                let ts = e.timestamp().unwrap_or(0);
                if ts > newest {
                    newest = ts;
                    ids_at_newest.clear();
                }
                if ts == newest {
                    ids_at_newest.push(id);
                }
                batch.push_back((ts, e.message().unwrap_or_default().to_string()));
                // Before following, only the newest `number` are shown.
                if first && batch.len() > opts.number {
                    batch.pop_front();
                }
            }
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        let mut events: Vec<(i64, String)> = batch.into_iter().collect();
        events.sort_by_key(|(ts, _)| *ts);
        for (ts, message) in &events {
            let line = if opts.raw {
                message.trim_end().to_string()
            } else {
                format_event(*ts, message)
            };
            writeln!(out, "{line}").map_err(|e| CliError::failed(format!("cannot write: {e}")))?;
            shown += 1;
        }
        let _ = out.flush();
        if !opts.follow {
            return Ok(shown);
        }
        // Ask again from the newest event's time (events at that very millisecond may
        // still arrive); only their ids need remembering.
        if newest > start {
            start = newest;
            seen.clear();
            seen.extend(ids_at_newest);
        }
        first = false;
        tokio::select! {
            _ = &mut stop => return Ok(shown),
            _ = tokio::time::sleep(FOLLOW_EVERY) => {}
        }
    }
}

fn fetch_failed<E>(group: &str, e: aws_sdk_cloudwatchlogs::error::SdkError<E>) -> CliError
where
    E: aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    let code = e.as_service_error().and_then(|s| s.code()).unwrap_or("");
    if code == "ResourceNotFoundException" {
        return CliError::input(format!(
            "log group {group} does not exist: the rule's function is not deployed in this account and region, or was deployed with another NamePrefix (--name-prefix)"
        ));
    }
    let message = e
        .as_service_error()
        .and_then(|s| s.message())
        .map(str::to_string)
        .unwrap_or_else(|| aws_sdk_cloudwatchlogs::error::DisplayErrorContext(&e).to_string());
    CliError::failed(format!(
        "FilterLogEvents on {group} failed: {code} {message}; check the credentials, the region and the logs:FilterLogEvents permission"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_a_number_and_a_unit() {
        assert_eq!(parse_since("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_since("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_since("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_since("2d"), Ok(Duration::from_secs(172_800)));
        for bad in ["", "h", "1", "1y", "-1h", "99999999999999999999w"] {
            let e = parse_since(bad).unwrap_err();
            assert!(e.starts_with(&format!("--since {bad}")), "{e}");
        }
    }

    #[test]
    fn json_lines_metrics_lines_and_platform_lines_are_formatted_for_people() {
        let t = 1_700_000_000_000;
        let line = format_event(
            t,
            r#"{"level":"INFO","message":"NON_COMPLIANT","resource_id":"vol-1","span":{"request_id":"8f2a-11","name":"invocation"}}"#,
        );
        assert_eq!(
            line,
            "2023-11-14T22:13:20Z INFO  [8f2a] NON_COMPLIANT resource_id=vol-1"
        );
        let emf = crate::logs::format_event(
            t,
            &rules_lib::metrics::InvocationMetrics {
                non_compliant: 1,
                duration_ms: 12.5,
                ..rules_lib::metrics::InvocationMetrics::new("encrypted-volumes")
            }
            .emf_line("abcd-1", 0),
        );
        assert!(
            emf.starts_with("2023-11-14T22:13:20Z METRICS [abcd] Compliant=0 NonCompliant=1"),
            "{emf}"
        );
        assert!(emf.ends_with("Duration=12.5"), "{emf}");
        assert_eq!(
            format_event(t, "START RequestId: 1 Version: $LATEST\n"),
            "2023-11-14T22:13:20Z START RequestId: 1 Version: $LATEST"
        );
    }
}
