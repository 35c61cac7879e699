//! Pulumi preview JSON (`pulumi preview --json`) → [`PlanResource`]s.
//!
//! Read from `steps[]`: `op`, `urn` and `newState` (`type`, `custom`, `inputs`,
//! `propertyDependencies`). Steps that leave a resource in place after the update are
//! judged (`create`, `update`, `same`, `replace`, `create-replacement`, `import`);
//! `delete`, `delete-replaced`, `discard`, `read` and `refresh` are not.
//!
//! Pulumi's AWS provider is bridged from Terraform's, so its inputs are Terraform's
//! attributes in camelCase, with three differences undone here: a few renamed
//! attributes (a Lambda function's `name` is Terraform's `function_name`), plural names
//! of repeated blocks (`rules`, `grants`, `loggings`), and blocks with at most one
//! instance written as an object rather than a list of one (the provider translation
//! reads both). Keys inside free-form maps (`tags`, environment `variables`) are left as
//! they are.
//!
//! A value known only after the update is the string
//! `04da6b54-80e4-46f7-96ec-b56ff0331ba9` in the preview; it becomes an unknown whose
//! origin names the input, and whose resource comes from `propertyDependencies`. A
//! secret (`{"4dabf18193072939515e22adb298388d": ..., "value": ...}`) is read as its
//! plaintext when the preview carries it, else (and when it is shown as `[secret]`) it
//! is unknown.

use std::collections::HashMap;

use super::{error, unknown, unknown_of_kind, PlanResource};
use crate::preventive::template::TemplateError;
use crate::preventive::yaml::{Node, NodeValue};

/// What `pulumi preview --json` writes for a value not known until the update.
pub const UNKNOWN_SENTINEL: &str = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/// The signature key of a secret value.
const SECRET_SIG: &str = "4dabf18193072939515e22adb298388d";

/// Pulumi AWS type tokens → Terraform resource types, for the types the provider
/// translation reads.
static TYPES: &[(&str, &str)] = &[
    ("aws:s3/bucket:Bucket", "aws_s3_bucket"),
    ("aws:s3/bucketV2:BucketV2", "aws_s3_bucket"),
    ("aws:s3/bucketPolicy:BucketPolicy", "aws_s3_bucket_policy"),
    ("aws:s3/bucketAcl:BucketAcl", "aws_s3_bucket_acl"),
    ("aws:s3/bucketAclV2:BucketAclV2", "aws_s3_bucket_acl"),
    (
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws_s3_bucket_public_access_block",
    ),
    (
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws_s3_bucket_server_side_encryption_configuration",
    ),
    (
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
        "aws_s3_bucket_server_side_encryption_configuration",
    ),
    ("aws:s3/bucketVersioning:BucketVersioning", "aws_s3_bucket_versioning"),
    ("aws:s3/bucketVersioningV2:BucketVersioningV2", "aws_s3_bucket_versioning"),
    ("aws:s3/bucketLogging:BucketLogging", "aws_s3_bucket_logging"),
    ("aws:s3/bucketLoggingV2:BucketLoggingV2", "aws_s3_bucket_logging"),
    (
        "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
        "aws_s3_account_public_access_block",
    ),
    ("aws:ec2/securityGroup:SecurityGroup", "aws_security_group"),
    ("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws_default_security_group"),
    ("aws:ec2/securityGroupRule:SecurityGroupRule", "aws_security_group_rule"),
    (
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "aws_vpc_security_group_ingress_rule",
    ),
    (
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        "aws_vpc_security_group_egress_rule",
    ),
    ("aws:ebs/volume:Volume", "aws_ebs_volume"),
    ("aws:ec2/volumeAttachment:VolumeAttachment", "aws_volume_attachment"),
    ("aws:ec2/instance:Instance", "aws_instance"),
    ("aws:ec2/launchTemplate:LaunchTemplate", "aws_launch_template"),
    ("aws:ec2/subnet:Subnet", "aws_subnet"),
    ("aws:ec2/eip:Eip", "aws_eip"),
    ("aws:ec2/eipAssociation:EipAssociation", "aws_eip_association"),
    ("aws:lambda/function:Function", "aws_lambda_function"),
    ("aws:lambda/permission:Permission", "aws_lambda_permission"),
    ("aws:rds/instance:Instance", "aws_db_instance"),
    ("aws:rds/clusterInstance:ClusterInstance", "aws_rds_cluster_instance"),
    ("aws:iam/policy:Policy", "aws_iam_policy"),
    ("aws:dynamodb/table:Table", "aws_dynamodb_table"),
    ("aws:cloudtrail/trail:Trail", "aws_cloudtrail"),
    ("aws:sns/topic:Topic", "aws_sns_topic"),
    ("aws:sns/topicPolicy:TopicPolicy", "aws_sns_topic_policy"),
    ("aws:sqs/queue:Queue", "aws_sqs_queue"),
    ("aws:sqs/queuePolicy:QueuePolicy", "aws_sqs_queue_policy"),
    ("aws:kms/key:Key", "aws_kms_key"),
    ("aws:acm/certificate:Certificate", "aws_acm_certificate"),
    ("aws:codebuild/project:Project", "aws_codebuild_project"),
    ("aws:ec2/customerGateway:CustomerGateway", "aws_customer_gateway"),
    ("aws:ec2/internetGateway:InternetGateway", "aws_internet_gateway"),
    ("aws:ec2/networkAcl:NetworkAcl", "aws_network_acl"),
    ("aws:ec2/networkInterface:NetworkInterface", "aws_network_interface"),
    ("aws:ec2/routeTable:RouteTable", "aws_route_table"),
    ("aws:ec2/vpc:Vpc", "aws_vpc"),
    ("aws:ec2/vpnConnection:VpnConnection", "aws_vpn_connection"),
    ("aws:ec2/vpnGateway:VpnGateway", "aws_vpn_gateway"),
    ("aws:elb/loadBalancer:LoadBalancer", "aws_elb"),
    ("aws:lb/loadBalancer:LoadBalancer", "aws_lb"),
    ("aws:alb/loadBalancer:LoadBalancer", "aws_lb"),
    ("aws:rds/subnetGroup:SubnetGroup", "aws_db_subnet_group"),
    ("aws:rds/snapshot:Snapshot", "aws_db_snapshot"),
    ("aws:rds/eventSubscription:EventSubscription", "aws_db_event_subscription"),
    ("aws:redshift/cluster:Cluster", "aws_redshift_cluster"),
    ("aws:redshift/parameterGroup:ParameterGroup", "aws_redshift_parameter_group"),
    ("aws:redshift/subnetGroup:SubnetGroup", "aws_redshift_subnet_group"),
    ("aws:redshift/clusterSnapshot:ClusterSnapshot", "aws_redshift_cluster_snapshot"),
    ("aws:secretsmanager/secret:Secret", "aws_secretsmanager_secret"),
    ("aws:cloudformation/stack:Stack", "aws_cloudformation_stack"),
];

/// Inputs Pulumi names differently from Terraform, by Terraform type.
static RENAMES: &[(&str, &str, &str)] = &[
    ("aws_lambda_function", "name", "function_name"),
    ("aws_lambda_permission", "function", "function_name"),
];

/// Plural names of repeated blocks → Terraform's block names.
static PLURALS: &[(&str, &str)] = &[
    ("rules", "rule"),
    ("grants", "grant"),
    ("loggings", "logging"),
];

/// Maps whose keys are data, not attribute names.
static FREE_FORM: &[&str] = &["tags", "tags_all", "variables"];

/// The Terraform type of a Pulumi AWS type token.
pub fn terraform_type(token: &str) -> Option<&'static str> {
    TYPES.iter().find(|(t, _)| *t == token).map(|(_, tf)| *tf)
}

/// The resource name a URN ends with (`urn:pulumi:dev::app::aws:s3/bucketV2:BucketV2::logs`
/// → `logs`).
fn urn_name(urn: &str) -> &str {
    urn.rsplit("::").next().unwrap_or(urn)
}

/// The type token a URN names (`urn:pulumi:dev::app::parent$aws:s3/bucketV2:BucketV2::logs`
/// → `aws:s3/bucketV2:BucketV2`).
fn urn_type(urn: &str) -> &str {
    let t = urn.rsplit("::").nth(1).unwrap_or("");
    t.rsplit('$').next().unwrap_or(t)
}

/// Reads a preview's resources.
pub fn read(root: &Node) -> Result<Vec<PlanResource>, TemplateError> {
    let Some(NodeValue::Seq(steps)) = root.get("steps").map(|s| &s.value) else {
        return Ok(Vec::new());
    };
    let judged: Vec<&Node> = steps
        .iter()
        .filter(|s| {
            matches!(
                s.get("op").and_then(Node::as_str),
                Some("create" | "update" | "same" | "replace" | "create-replacement" | "import")
            )
        })
        .filter(|s| s.get("newState").is_some())
        .collect();
    // Resource names, made unique by their Terraform type where two judged resources
    // share one (a function and its permission are often both `handler`).
    let mut name_counts: HashMap<&str, usize> = HashMap::new();
    for u in judged
        .iter()
        .filter_map(|s| s.get("urn").and_then(Node::as_str))
        .filter(|u| terraform_type(urn_type(u)).is_some())
    {
        *name_counts.entry(urn_name(u)).or_default() += 1;
    }
    let address_of = |urn: &str| -> String {
        let name = urn_name(urn);
        match terraform_type(urn_type(urn)) {
            Some(tf) if name_counts.get(name).copied().unwrap_or(0) > 1 => {
                format!("{tf}.{name}")
            }
            _ => name.to_string(),
        }
    };

    let mut out = Vec::new();
    for step in judged {
        let state = step.get("newState").expect("filtered");
        let Some(urn) = step
            .get("urn")
            .or_else(|| state.get("urn"))
            .and_then(Node::as_str)
        else {
            return Err(error(
                step.pos,
                "a preview step without a urn: is this the output of `pulumi preview --json`?",
            ));
        };
        if state.get("custom").and_then(|c| match c.value {
            NodeValue::Bool(b) => Some(b),
            _ => None,
        }) == Some(false)
        {
            continue; // a component resource: its children are steps of their own
        }
        let token = state
            .get("type")
            .and_then(Node::as_str)
            .unwrap_or_else(|| urn_type(urn));
        let Some(tf_type) = terraform_type(token) else {
            out.push(PlanResource {
                address: address_of(urn),
                provider_type: token.to_string(),
                attrs: Node {
                    pos: state.pos,
                    value: NodeValue::Map(Vec::new()),
                },
                pos: step.key_pos("urn").unwrap_or(step.pos),
            });
            continue;
        };
        let address = address_of(urn);
        let deps = state.get("propertyDependencies");
        let empty = Node {
            pos: state.pos,
            value: NodeValue::Map(Vec::new()),
        };
        let inputs = state.get("inputs").unwrap_or(&empty);
        let mut attrs = Vec::new();
        for (k, kpos, v) in inputs.entries() {
            if k.starts_with("__") {
                continue; // __defaults and other engine bookkeeping
            }
            let mut name = snake(k);
            if let Some((_, _, tf)) = RENAMES
                .iter()
                .find(|(t, from, _)| *t == tf_type && *from == name)
            {
                name = tf.to_string();
            }
            let dep_urns: Vec<&str> = match deps.and_then(|d| d.get(k)).map(|l| &l.value) {
                Some(NodeValue::Seq(l)) => l.iter().filter_map(Node::as_str).collect(),
                _ => Vec::new(),
            };
            let refers_to = dep_urns.first().map(|u| address_of(u));
            // One dependency: the value is that resource's output; several (or none
            // known): an expression over them, which may come out empty.
            let kind = if dep_urns.len() == 1 {
                ""
            } else {
                "maybe-null"
            };
            let origin = format!("{address}.{k}");
            let value = convert(v, &name, &origin, refers_to.as_deref(), kind);
            attrs.push((name, *kpos, value));
        }
        out.push(PlanResource {
            address,
            provider_type: tf_type.to_string(),
            attrs: Node {
                pos: inputs.pos,
                value: NodeValue::Map(attrs),
            },
            pos: step.key_pos("urn").unwrap_or(step.pos),
        });
    }
    Ok(out)
}

/// camelCase → snake_case (`kmsMasterKeyId` → `kms_master_key_id`), then a plural
/// block name back to Terraform's.
fn snake(k: &str) -> String {
    let mut s = String::with_capacity(k.len() + 4);
    for c in k.chars() {
        if c.is_ascii_uppercase() {
            s.push('_');
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    PLURALS
        .iter()
        .find(|(p, _)| *p == s)
        .map_or(s, |(_, single)| single.to_string())
}

/// An input value in Terraform's names: unknowns and secrets handled, keys of nested
/// objects converted unless the object is free-form (`name` is its attribute name).
fn convert(v: &Node, name: &str, origin: &str, refers_to: Option<&str>, kind: &str) -> Node {
    match &v.value {
        NodeValue::Str(s) if s == UNKNOWN_SENTINEL => unknown_of_kind(
            &format!("{origin} (known after the update)"),
            refers_to,
            kind,
            v.pos,
        ),
        NodeValue::Str(s) if s == "[secret]" => {
            unknown(&format!("{origin} (a secret)"), refers_to, v.pos)
        }
        NodeValue::Map(m) if m.iter().any(|(k, _, _)| k == SECRET_SIG) => match v.get("value") {
            Some(plain) => convert(plain, name, origin, refers_to, kind),
            None => unknown(&format!("{origin} (a secret)"), refers_to, v.pos),
        },
        NodeValue::Map(m) => Node {
            pos: v.pos,
            value: NodeValue::Map(
                m.iter()
                    .map(|(k, p, x)| {
                        let key = if FREE_FORM.contains(&name) {
                            k.clone()
                        } else {
                            snake(k)
                        };
                        let child = convert(x, &key, &format!("{origin}.{k}"), refers_to, kind);
                        (key, *p, child)
                    })
                    .collect(),
            ),
        },
        NodeValue::Seq(l) => Node {
            pos: v.pos,
            value: NodeValue::Seq(
                l.iter()
                    .enumerate()
                    .map(|(i, x)| convert(x, name, &format!("{origin}[{i}]"), refers_to, kind))
                    .collect(),
            ),
        },
        _ => v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preventive::plan::{is_unknown, unknown_refers_to};
    use crate::preventive::yaml;

    #[test]
    fn camel_case_inputs_become_terraform_attributes_but_tag_keys_stay() {
        assert_eq!(snake("kmsMasterKeyId"), "kms_master_key_id");
        assert_eq!(snake("ipv6CidrBlocks"), "ipv6_cidr_blocks");
        assert_eq!(snake("rules"), "rule");
        let r = read(
            &yaml::parse(
                r#"{"steps":[{"op":"create","urn":"urn:pulumi:dev::app::aws:lambda/function:Function::fn",
                 "newState":{"type":"aws:lambda/function:Function","custom":true,
                   "inputs":{"name":"fn","tags":{"CostCenter":"42"},"environment":{"variables":{"DB_PASSWORD":"x"}}}}}],
                 "changeSummary":{"create":1}}"#,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(r[0].provider_type, "aws_lambda_function");
        assert_eq!(r[0].address, "fn");
        assert_eq!(
            r[0].attrs.get("function_name").unwrap().as_str(),
            Some("fn")
        );
        assert!(r[0].attrs.get("tags").unwrap().get("CostCenter").is_some());
        let env = r[0].attrs.get("environment").unwrap();
        assert!(env.get("variables").unwrap().get("DB_PASSWORD").is_some());
    }

    #[test]
    fn the_unknown_sentinel_becomes_an_unknown_of_the_resource_it_depends_on() {
        let r = read(
            &yaml::parse(
                r#"{"steps":[
                  {"op":"create","urn":"urn:pulumi:dev::app::aws:s3/bucketV2:BucketV2::logs","newState":{"type":"aws:s3/bucketV2:BucketV2","custom":true,"inputs":{}}},
                  {"op":"create","urn":"urn:pulumi:dev::app::aws:s3/bucketPolicy:BucketPolicy::p","newState":{"type":"aws:s3/bucketPolicy:BucketPolicy","custom":true,
                    "inputs":{"bucket":"04da6b54-80e4-46f7-96ec-b56ff0331ba9","policy":"{}"},
                    "propertyDependencies":{"bucket":["urn:pulumi:dev::app::aws:s3/bucketV2:BucketV2::logs"]}}},
                  {"op":"delete","urn":"urn:pulumi:dev::app::aws:s3/bucketV2:BucketV2::old","oldState":{}}],
                 "changeSummary":{"create":2,"delete":1}}"#,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(r.len(), 2, "the deleted bucket is not judged");
        let bucket = r[1].attrs.get("bucket").unwrap();
        assert!(is_unknown(bucket));
        assert_eq!(unknown_refers_to(bucket), Some("logs"));
    }
}
