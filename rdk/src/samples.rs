//! `rdk sample-ci`: a real sample configuration item for a resource type, from the AWS
//! RDK's 80 published examples (bundled at build time).

use rules_lib::ConfigurationItem;
use serde_json::Value;

include!(concat!(env!("OUT_DIR"), "/example_ci.rs"));

/// One bundled example.
pub struct Sample {
    /// The published file.
    pub file: &'static str,
    /// Its resource type.
    pub resource_type: String,
    /// The item as pretty JSON.
    pub json: String,
    /// Set when the published file is malformed and was repaired (what was done).
    pub repaired: Option<String>,
}

/// Parses published text. Two files are malformed as published (one truncated, one
/// with a raw line break inside a string), so a failed parse is repaired: control
/// characters inside strings are escaped and unclosed brackets closed, and the repair
/// is reported.
fn parse(text: &str) -> Result<(Value, Option<String>), String> {
    let err = match serde_json::from_str::<Value>(text) {
        Ok(v) => return Ok((v, None)),
        Err(e) => e,
    };
    let mut fixed = String::with_capacity(text.len() + 8);
    let mut stack = Vec::new();
    let (mut in_str, mut escaped, mut escapes) = (false, false, 0);
    for c in text.chars() {
        if in_str {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => in_str = false,
                c if c.is_control() => {
                    fixed.push_str(&format!("\\u{:04x}", c as u32));
                    escapes += 1;
                    escaped = false;
                    continue;
                }
                _ => escaped = false,
            }
        } else {
            match c {
                '"' => in_str = true,
                '{' => stack.push('}'),
                '[' => stack.push(']'),
                '}' | ']' => {
                    stack.pop();
                }
                _ => {}
            }
        }
        fixed.push(c);
    }
    let closers: String = stack.iter().rev().collect();
    let fixed = format!("{}{closers}", fixed.trim_end().trim_end_matches(','));
    let mut what = Vec::new();
    if escapes > 0 {
        what.push(format!(
            "escaped {escapes} raw control character(s) inside strings"
        ));
    }
    if !closers.is_empty() {
        what.push(format!("closed the truncated end with `{closers}`"));
    }
    serde_json::from_str::<Value>(&fixed)
        .map(|v| {
            (
                v,
                Some(format!(
                    "malformed as published ({err}); {}",
                    what.join(" and ")
                )),
            )
        })
        .map_err(|e2| format!("malformed as published ({err}) and not repairable ({e2})"))
}

/// Every bundled sample, parsed.
pub fn all() -> Vec<Sample> {
    EXAMPLES
        .iter()
        .filter_map(|(file, text)| {
            let (v, repaired) = parse(text).ok()?;
            let first = match &v {
                Value::Array(a) => a.first()?.clone(),
                other => other.clone(),
            };
            let item = first.get("configurationItem").cloned().unwrap_or(first);
            let resource_type = ConfigurationItem::from_value(&item)
                .map(|i| i.resource_type)
                .ok()?;
            Some(Sample {
                file,
                resource_type,
                json: serde_json::to_string_pretty(&item).ok()?,
                repaired,
            })
        })
        .collect()
}

/// The samples of a resource type (several files can share one).
pub fn for_type(resource_type: &str) -> Vec<Sample> {
    all()
        .into_iter()
        .filter(|s| s.resource_type.eq_ignore_ascii_case(resource_type))
        .collect()
}

/// Every resource type with a sample, sorted.
pub fn types() -> Vec<String> {
    let mut t: Vec<String> = all().into_iter().map(|s| s.resource_type).collect();
    t.sort();
    t.dedup();
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_eighty_files_are_bundled_and_read() {
        assert_eq!(EXAMPLES.len(), 80);
        let all = all();
        assert_eq!(
            all.len(),
            80,
            "every sample reads (the two truncated ones repaired)"
        );
        let repaired: Vec<&str> = all
            .iter()
            .filter(|s| s.repaired.is_some())
            .map(|s| s.file)
            .collect();
        assert_eq!(
            repaired,
            [
                "AWS_EC2_NetworkInterface.json",
                "AWS_SSM_ManagedInstanceInventory_Linux.json"
            ]
        );
        assert!(for_type("AWS::EC2::NetworkInterface")[0]
            .json
            .contains("eni-"));
    }
}
