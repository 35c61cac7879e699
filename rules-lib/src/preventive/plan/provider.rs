//! The AWS provider's resources (Terraform's schema, which Pulumi's AWS provider shares)
//! → the CloudFormation resources the rest of the preventive path translates into
//! configuration items.
//!
//! One entry of [`TABLE`] per provider type. The provider splits what CloudFormation
//! and AWS Config keep on one resource, and this is where it comes back together:
//! - resources CloudFormation also keeps apart become those CloudFormation resources,
//!   and fold in through the same relations: `aws_s3_bucket_policy` →
//!   `AWS::S3::BucketPolicy`, `aws_security_group_rule` and
//!   `aws_vpc_security_group_ingress_rule`/`egress_rule` → `SecurityGroupIngress`/`Egress`,
//!   `aws_volume_attachment`, `aws_lambda_permission`, `aws_sns_topic_policy`,
//!   `aws_sqs_queue_policy`, `aws_launch_template`, `aws_subnet`, `aws_eip`;
//! - the S3 bucket's split configuration (`aws_s3_bucket_acl`,
//!   `aws_s3_bucket_public_access_block`, `aws_s3_bucket_server_side_encryption_configuration`,
//!   `aws_s3_bucket_versioning`, `aws_s3_bucket_logging`) is merged into the bucket's
//!   properties, found by the reference or the bucket name it gives. Split configuration
//!   of a bucket that is not in the plan is not judged (a warning says so), as a
//!   CloudFormation bucket policy for a bucket outside the template is not.
//!
//! Types not in the table are not judged. Inline IAM policies (`aws_iam_role_policy`
//! and the like) are not customer-managed policies, which is all
//! `iam-policy-no-statements-with-admin-access` judges, as the managed rule does.
//! Resource tags: `tags_all` (with the provider's `default_tags`) when the plan knows it,
//! else `tags`.

use serde_json::{json, Value};

use super::{is_unknown, typed, unknown, unknown_refers_to, PlanResource};
use crate::preventive::template::{Resource, Template};
use crate::preventive::yaml::{Node, NodeValue, Pos};

/// What converting a plan's resources produced.
pub struct Converted {
    /// The CloudFormation resources, as a template.
    pub template: Template,
    /// Things worth a warning, with their position in the plan.
    pub warnings: Vec<(Pos, String)>,
    /// Plan resources whose type is not judged by any rule, by provider type.
    pub skipped: usize,
}

/// Properties to merge into another resource (the bucket an S3 split resource names).
struct Merge {
    from: String,
    pos: Pos,
    /// The provider attribute that names the target.
    target: Node,
    target_type: &'static str,
    name_key: &'static str,
    props: Vec<(String, Pos, Node)>,
}

#[derive(Default)]
struct Out {
    resources: Vec<Resource>,
    merges: Vec<Merge>,
}

/// How one provider type becomes CloudFormation.
pub struct Mapping {
    /// The provider's type (`aws_s3_bucket`).
    pub provider_type: &'static str,
    convert: fn(&PlanResource, &mut Out),
}

macro_rules! mappings {
    ($($t:literal => $f:expr),* $(,)?) => {
        /// The conversions, by provider type.
        pub static TABLE: &[Mapping] = &[$(Mapping { provider_type: $t, convert: $f }),*];
    };
}

mappings! {
    "aws_s3_bucket" => s3_bucket,
    "aws_s3_bucket_acl" => s3_bucket_acl,
    "aws_s3_bucket_public_access_block" => s3_public_access_block,
    "aws_s3_bucket_server_side_encryption_configuration" => s3_encryption,
    "aws_s3_bucket_versioning" => s3_versioning,
    "aws_s3_bucket_logging" => s3_logging,
    "aws_s3_bucket_policy" => |r, o| policy_resource(r, o, "AWS::S3::BucketPolicy", "Bucket", "bucket", None),
    "aws_s3_account_public_access_block" => s3_account_public_access_block,
    "aws_security_group" => security_group,
    "aws_default_security_group" => default_security_group,
    "aws_security_group_rule" => security_group_rule,
    "aws_vpc_security_group_ingress_rule" => |r, o| vpc_security_group_rule(r, o, "AWS::EC2::SecurityGroupIngress"),
    "aws_vpc_security_group_egress_rule" => |r, o| vpc_security_group_rule(r, o, "AWS::EC2::SecurityGroupEgress"),
    "aws_ebs_volume" => ebs_volume,
    "aws_volume_attachment" => volume_attachment,
    "aws_instance" => instance,
    "aws_launch_template" => launch_template,
    "aws_subnet" => subnet,
    "aws_eip" => |r, o| simple(r, o, "AWS::EC2::EIP", &[("InstanceId", "instance")]),
    "aws_eip_association" => |r, o| simple(r, o, "AWS::EC2::EIPAssociation", &[("InstanceId", "instance_id"), ("AllocationId", "allocation_id")]),
    "aws_lambda_function" => lambda_function,
    "aws_lambda_permission" => lambda_permission,
    "aws_db_instance" => db_instance,
    "aws_rds_cluster_instance" => db_instance,
    "aws_iam_policy" => |r, o| simple(r, o, "AWS::IAM::ManagedPolicy", &[("ManagedPolicyName", "name"), ("Path", "path"), ("PolicyDocument", "policy")]),
    "aws_dynamodb_table" => dynamodb_table,
    "aws_cloudtrail" => |r, o| simple(r, o, "AWS::CloudTrail::Trail", &[
        ("TrailName", "name"), ("KMSKeyId", "kms_key_id"), ("IsMultiRegionTrail", "is_multi_region_trail"),
        ("EnableLogFileValidation", "enable_log_file_validation"), ("S3BucketName", "s3_bucket_name"),
        ("CloudWatchLogsLogGroupArn", "cloud_watch_logs_group_arn")]),
    "aws_sns_topic" => sns_topic,
    "aws_sns_topic_policy" => |r, o| policy_resource(r, o, "AWS::SNS::TopicPolicy", "Topics", "arn", Some(':')),
    "aws_sqs_queue" => sqs_queue,
    "aws_sqs_queue_policy" => |r, o| policy_resource(r, o, "AWS::SQS::QueuePolicy", "Queues", "queue_url", Some('/')),
    "aws_kms_key" => |r, o| simple(r, o, "AWS::KMS::Key", &[
        ("EnableKeyRotation", "enable_key_rotation"), ("Enabled", "is_enabled"),
        ("KeySpec", "customer_master_key_spec"), ("KeyPolicy", "policy")]),
    // Tagged resources `required-tags` judges, and nothing else reads.
    "aws_acm_certificate" => |r, o| tagged(r, o, "AWS::ACM::Certificate"),
    "aws_codebuild_project" => |r, o| tagged(r, o, "AWS::CodeBuild::Project"),
    "aws_customer_gateway" => |r, o| tagged(r, o, "AWS::EC2::CustomerGateway"),
    "aws_internet_gateway" => |r, o| tagged(r, o, "AWS::EC2::InternetGateway"),
    "aws_network_acl" => |r, o| tagged(r, o, "AWS::EC2::NetworkAcl"),
    "aws_network_interface" => |r, o| tagged(r, o, "AWS::EC2::NetworkInterface"),
    "aws_route_table" => |r, o| tagged(r, o, "AWS::EC2::RouteTable"),
    "aws_vpc" => |r, o| tagged(r, o, "AWS::EC2::VPC"),
    "aws_vpn_connection" => |r, o| tagged(r, o, "AWS::EC2::VPNConnection"),
    "aws_vpn_gateway" => |r, o| tagged(r, o, "AWS::EC2::VPNGateway"),
    "aws_elb" => |r, o| tagged(r, o, "AWS::ElasticLoadBalancing::LoadBalancer"),
    "aws_lb" => |r, o| tagged(r, o, "AWS::ElasticLoadBalancingV2::LoadBalancer"),
    "aws_alb" => |r, o| tagged(r, o, "AWS::ElasticLoadBalancingV2::LoadBalancer"),
    "aws_db_subnet_group" => |r, o| tagged(r, o, "AWS::RDS::DBSubnetGroup"),
    "aws_db_snapshot" => |r, o| tagged(r, o, "AWS::RDS::DBSnapshot"),
    "aws_db_event_subscription" => |r, o| tagged(r, o, "AWS::RDS::EventSubscription"),
    "aws_redshift_cluster" => |r, o| tagged(r, o, "AWS::Redshift::Cluster"),
    "aws_redshift_parameter_group" => |r, o| tagged(r, o, "AWS::Redshift::ClusterParameterGroup"),
    "aws_redshift_subnet_group" => |r, o| tagged(r, o, "AWS::Redshift::ClusterSubnetGroup"),
    "aws_redshift_cluster_snapshot" => |r, o| tagged(r, o, "AWS::Redshift::ClusterSnapshot"),
    "aws_secretsmanager_secret" => |r, o| tagged(r, o, "AWS::SecretsManager::Secret"),
    "aws_cloudformation_stack" => |r, o| tagged(r, o, "AWS::CloudFormation::Stack"),
}

/// Whether a provider type is converted.
pub fn is_mapped(provider_type: &str) -> bool {
    TABLE.iter().any(|m| m.provider_type == provider_type)
}

/// Converts plan resources into a template of CloudFormation resources.
pub fn to_template(resources: &[PlanResource]) -> Converted {
    let mut out = Out::default();
    let mut skipped = 0;
    for r in resources {
        match TABLE.iter().find(|m| m.provider_type == r.provider_type) {
            Some(m) => (m.convert)(r, &mut out),
            None => skipped += 1,
        }
    }
    let mut warnings = Vec::new();
    for m in out.merges {
        let by_ref = unknown_refers_to(&m.target).map(str::to_string);
        let name = m.target.as_str().map(str::to_string);
        let target = out.resources.iter_mut().find(|t| {
            t.type_name == m.target_type
                && match (&by_ref, &name) {
                    (Some(a), _) => *a == t.logical_id,
                    (None, Some(n)) => {
                        t.properties
                            .as_ref()
                            .and_then(|p| p.get(m.name_key))
                            .and_then(Node::as_str)
                            == Some(n.as_str())
                    }
                    _ => false,
                }
        });
        match target {
            Some(t) => {
                let props = t.properties.get_or_insert_with(|| empty_map(t.pos));
                if let NodeValue::Map(entries) = &mut props.value {
                    for (k, p, v) in m.props {
                        entries.retain(|(e, _, _)| *e != k);
                        entries.push((k, p, v));
                    }
                }
            }
            None => warnings.push((
                m.pos,
                format!(
                    "{}: the {} it configures is not in this plan, so it is not judged",
                    m.from, m.target_type
                ),
            )),
        }
    }
    Converted {
        template: Template {
            parameters: Vec::new(),
            mappings: None,
            conditions: Vec::new(),
            resources: out.resources,
            transforms: Vec::new(),
            globals: None,
        },
        warnings,
        skipped,
    }
}

// ---- reading provider attributes ----

fn empty_map(pos: Pos) -> Node {
    Node {
        pos,
        value: NodeValue::Map(Vec::new()),
    }
}

fn attr<'n>(r: &'n Node, k: &str) -> Option<&'n Node> {
    r.get(k).filter(|n| !matches!(n.value, NodeValue::Null))
}

/// A nested block with at most one instance: Terraform writes a list of one object,
/// Pulumi the object itself; an unknown block is itself.
fn block<'n>(r: &'n Node, k: &str) -> Option<&'n Node> {
    let n = attr(r, k)?;
    match &n.value {
        _ if is_unknown(n) => Some(n),
        NodeValue::Seq(l) => l.first(),
        NodeValue::Map(_) => Some(n),
        _ => None,
    }
}

/// Every instance of a repeated block.
fn blocks<'n>(r: &'n Node, k: &str) -> Vec<&'n Node> {
    match attr(r, k) {
        None => Vec::new(),
        Some(n) => match &n.value {
            _ if is_unknown(n) => vec![n],
            NodeValue::Seq(l) => l.iter().collect(),
            NodeValue::Map(_) => vec![n],
            _ => Vec::new(),
        },
    }
}

/// A field of a block; every field of an unknown block is unknown.
fn field(b: &Node, k: &str) -> Option<Node> {
    if is_unknown(b) {
        Some(b.clone())
    } else {
        attr(b, k).cloned()
    }
}

fn text(pos: Pos, s: &str) -> Node {
    Node {
        pos,
        value: NodeValue::Str(s.to_string()),
    }
}

/// A known text value rewritten by `f`; anything else unchanged.
fn map_text(n: Node, f: impl Fn(&str) -> Option<String>) -> Node {
    match &n.value {
        NodeValue::Str(s) => match f(s) {
            Some(t) => text(n.pos, &t),
            None => n,
        },
        _ => n,
    }
}

/// The last part of an ARN or URL (`arn:aws:sns:r:a:topic` → `topic`), which is the
/// name CloudFormation's relations match on.
fn last_part(n: Node, sep: char) -> Node {
    map_text(n, |s| {
        (s.starts_with("arn:") || s.starts_with("https://"))
            .then(|| s.rsplit(sep).next().unwrap_or(s).to_string())
    })
}

/// The values an unknown property can take, by its CloudFormation name: a boolean is
/// `false` or `true`, an ACL one of the canned ACLs, a CIDR open or private, a principal
/// everyone or one account, a policy none, all or a deny, environment variables none or
/// a password. Other unknowns are free text (an identifier, a name), which
/// the judge also tries with the rule's own parameter values.
fn candidates(key: &str) -> Option<Vec<Value>> {
    Some(match key {
        "Encrypted"
        | "StorageEncrypted"
        | "MultiAZ"
        | "PubliclyAccessible"
        | "PointInTimeRecoveryEnabled"
        | "BlockPublicAcls"
        | "BlockPublicPolicy"
        | "IgnorePublicAcls"
        | "RestrictPublicBuckets"
        | "blockPublicAcls"
        | "blockPublicPolicy"
        | "ignorePublicAcls"
        | "restrictPublicBuckets"
        | "AssociatePublicIpAddress"
        | "EnableKeyRotation"
        | "Enabled"
        | "IsMultiRegionTrail"
        | "EnableLogFileValidation"
        | "BucketKeyEnabled"
        | "MapPublicIpOnLaunch"
        | "SqsManagedSseEnabled" => vec![json!(false), json!(true)],
        "BackupRetentionPeriod" => vec![json!(0), json!(1), json!(7), json!(35)],
        "AccessControl" => vec![
            json!("Private"),
            json!("PublicRead"),
            json!("PublicReadWrite"),
            json!("AuthenticatedRead"),
        ],
        "Status" => vec![json!("Enabled"), json!("Suspended")],
        "HttpTokens" => vec![json!("optional"), json!("required")],
        "SSEAlgorithm" => vec![json!("AES256"), json!("aws:kms")],
        "CidrIp" => vec![json!("0.0.0.0/0"), json!("10.0.0.0/8")],
        "CidrIpv6" => vec![json!("::/0"), json!("fd00::/8")],
        "Principal" => vec![json!("*"), json!("111122223333")],
        // A policy known only after apply may grant nothing, grant everything to
        // everyone, or deny plain HTTP.
        "PolicyDocument" | "KeyPolicy" => vec![
            json!(r#"{"Version":"2012-10-17","Statement":[]}"#),
            json!(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#
            ),
            json!(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#
            ),
        ],
        // Environment variables known only after apply may or may not hold a secret.
        "Variables" => vec![json!({}), json!({"PASSWORD": "<known after apply>"})],
        "SecurityGroupIngress" | "SecurityGroupEgress" => vec![
            json!([]),
            json!([{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]),
        ],
        _ => return None,
    })
}

/// An unknown property given the values its type allows.
fn with_type(key: &str, v: Node) -> Node {
    match candidates(key) {
        Some(c) if is_unknown(&v) => typed(v, &c),
        _ => v,
    }
}

/// A mapping node of the given entries that are present; `None` when none is.
fn obj(pos: Pos, entries: Vec<(&str, Option<Node>)>) -> Option<Node> {
    let entries: Vec<(String, Pos, Node)> = entries
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_string(), v.pos, with_type(k, v))))
        .collect();
    (!entries.is_empty()).then_some(Node {
        pos,
        value: NodeValue::Map(entries),
    })
}

fn seq(pos: Pos, items: Vec<Node>) -> Node {
    Node {
        pos,
        value: NodeValue::Seq(items),
    }
}

struct Props {
    pos: Pos,
    entries: Vec<(String, Pos, Node)>,
}

impl Props {
    fn new(r: &PlanResource) -> Self {
        Self {
            pos: r.pos,
            entries: Vec::new(),
        }
    }
    fn put(&mut self, k: &str, v: Option<Node>) -> &mut Self {
        if let Some(v) = v {
            let v = with_type(k, v);
            self.entries.push((k.to_string(), v.pos, v));
        }
        self
    }
    fn attr(&mut self, r: &PlanResource, k: &str, from: &str) -> &mut Self {
        self.put(k, attr(&r.attrs, from).cloned())
    }
    fn tags(&mut self, r: &PlanResource) -> &mut Self {
        let all = attr(&r.attrs, "tags_all").filter(|t| matches!(t.value, NodeValue::Map(_)));
        self.put("Tags", all.or_else(|| attr(&r.attrs, "tags")).cloned())
    }
    fn node(&mut self) -> Node {
        Node {
            pos: self.pos,
            value: NodeValue::Map(std::mem::take(&mut self.entries)),
        }
    }
}

impl Out {
    fn add(&mut self, r: &PlanResource, logical_id: String, type_name: &str, props: Node) {
        self.resources.push(Resource {
            logical_id,
            type_name: type_name.to_string(),
            properties: Some(props),
            condition: None,
            metadata: None,
            pos: r.pos,
        });
    }

    /// Merges `props` into the bucket `r`'s `bucket` attribute names.
    fn merge_into_bucket(&mut self, r: &PlanResource, props: Vec<(&str, Option<Node>)>) {
        let Some(target) = attr(&r.attrs, "bucket").cloned() else {
            return;
        };
        let props: Vec<(String, Pos, Node)> = props
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v.pos, with_type(k, v))))
            .collect();
        if props.is_empty() {
            return;
        }
        self.merges.push(Merge {
            from: r.address.clone(),
            pos: r.pos,
            target,
            target_type: "AWS::S3::Bucket",
            name_key: "BucketName",
            props,
        });
    }
}

/// A reference to `r` itself, for the resources split off it (an inline policy).
fn self_ref(r: &PlanResource) -> Node {
    unknown(&r.address, Some(&r.address), r.pos)
}

// ---- conversions ----

fn simple(r: &PlanResource, o: &mut Out, cfn_type: &str, fields: &[(&str, &str)]) {
    let mut p = Props::new(r);
    for (k, from) in fields {
        p.attr(r, k, from);
    }
    p.tags(r);
    o.add(r, r.address.clone(), cfn_type, p.node());
}

fn tagged(r: &PlanResource, o: &mut Out, cfn_type: &str) {
    simple(r, o, cfn_type, &[]);
}

/// A canned ACL as CloudFormation names it.
fn canned_acl(acl: &str) -> Option<String> {
    Some(
        match acl {
            "private" => "Private",
            "public-read" => "PublicRead",
            "public-read-write" => "PublicReadWrite",
            "authenticated-read" => "AuthenticatedRead",
            "log-delivery-write" => "LogDeliveryWrite",
            "aws-exec-read" => "AwsExecRead",
            "bucket-owner-read" => "BucketOwnerRead",
            "bucket-owner-full-control" => "BucketOwnerFullControl",
            _ => return None,
        }
        .to_string(),
    )
}

fn encryption(b: &Node) -> Option<Node> {
    let rules: Vec<Node> = blocks(b, "rule")
        .into_iter()
        .filter_map(|rule| {
            let d = block(rule, "apply_server_side_encryption_by_default");
            obj(
                rule.pos,
                vec![
                    (
                        "ServerSideEncryptionByDefault",
                        d.and_then(|d| {
                            obj(
                                d.pos,
                                vec![
                                    ("SSEAlgorithm", field(d, "sse_algorithm")),
                                    ("KMSMasterKeyID", field(d, "kms_master_key_id")),
                                ],
                            )
                        }),
                    ),
                    ("BucketKeyEnabled", field(rule, "bucket_key_enabled")),
                ],
            )
        })
        .collect();
    (!rules.is_empty()).then(|| {
        obj(
            b.pos,
            vec![("ServerSideEncryptionConfiguration", Some(seq(b.pos, rules)))],
        )
        .expect("one entry")
    })
}

fn s3_bucket(r: &PlanResource, o: &mut Out) {
    let a = &r.attrs;
    let mut p = Props::new(r);
    p.attr(r, "BucketName", "bucket").tags(r);
    // The provider's inline settings (deprecated since provider 4, still read).
    p.put(
        "AccessControl",
        attr(a, "acl").cloned().map(|n| map_text(n, canned_acl)),
    );
    if let Some(v) = block(a, "versioning") {
        let status = field(v, "enabled").map(|e| match e.value {
            NodeValue::Bool(true) => text(e.pos, "Enabled"),
            NodeValue::Bool(false) => text(e.pos, "Off"),
            _ => e,
        });
        p.put(
            "VersioningConfiguration",
            obj(v.pos, vec![("Status", status)]),
        );
    }
    if let Some(l) = block(a, "logging") {
        p.put(
            "LoggingConfiguration",
            obj(
                l.pos,
                vec![
                    ("DestinationBucketName", field(l, "target_bucket")),
                    ("LogFilePrefix", field(l, "target_prefix")),
                ],
            ),
        );
    }
    if let Some(e) = block(a, "server_side_encryption_configuration") {
        p.put("BucketEncryption", encryption(e));
    }
    o.add(r, r.address.clone(), "AWS::S3::Bucket", p.node());
    if let Some(policy) = attr(a, "policy").filter(|p| p.as_str() != Some("")) {
        let props = obj(
            policy.pos,
            vec![
                ("Bucket", Some(self_ref(r))),
                ("PolicyDocument", Some(policy.clone())),
            ],
        )
        .expect("entries");
        o.add(
            r,
            format!("{} (policy)", r.address),
            "AWS::S3::BucketPolicy",
            props,
        );
    }
}

fn s3_bucket_acl(r: &PlanResource, o: &mut Out) {
    let a = &r.attrs;
    let acl = attr(a, "acl")
        .cloned()
        .map(|n| map_text(n, canned_acl))
        .or_else(|| {
            // Explicit grants: the canned ACL they amount to, as far as the rules care.
            let policy = block(a, "access_control_policy")?;
            let mut read = false;
            let mut write = false;
            let mut authenticated = false;
            for g in blocks(policy, "grant") {
                let grantee = block(g, "grantee");
                let uri = grantee
                    .and_then(|x| attr(x, "uri"))
                    .and_then(Node::as_str)
                    .unwrap_or("");
                let perm = attr(g, "permission").and_then(Node::as_str).unwrap_or("");
                if uri.ends_with("/global/AllUsers") {
                    read |= matches!(perm, "READ" | "FULL_CONTROL");
                    write |= matches!(perm, "WRITE" | "FULL_CONTROL");
                } else if uri.ends_with("/global/AuthenticatedUsers") {
                    authenticated = true;
                }
            }
            let canned = match (read, write, authenticated) {
                (_, true, _) => "PublicReadWrite",
                (true, false, _) => "PublicRead",
                (false, false, true) => "AuthenticatedRead",
                _ => "Private",
            };
            Some(text(policy.pos, canned))
        });
    o.merge_into_bucket(r, vec![("AccessControl", acl)]);
}

fn s3_public_access_block(r: &PlanResource, o: &mut Out) {
    let a = &r.attrs;
    let pab = obj(
        r.pos,
        vec![
            ("BlockPublicAcls", attr(a, "block_public_acls").cloned()),
            ("BlockPublicPolicy", attr(a, "block_public_policy").cloned()),
            ("IgnorePublicAcls", attr(a, "ignore_public_acls").cloned()),
            (
                "RestrictPublicBuckets",
                attr(a, "restrict_public_buckets").cloned(),
            ),
        ],
    )
    // All four unset: every setting off, which is what the resource then applies.
    .or_else(|| Some(empty_map(r.pos)));
    o.merge_into_bucket(r, vec![("PublicAccessBlockConfiguration", pab)]);
}

fn s3_encryption(r: &PlanResource, o: &mut Out) {
    o.merge_into_bucket(r, vec![("BucketEncryption", encryption(&r.attrs))]);
}

fn s3_versioning(r: &PlanResource, o: &mut Out) {
    let status = block(&r.attrs, "versioning_configuration")
        .and_then(|v| field(v, "status"))
        .map(|s| map_text(s, |t| (t == "Disabled").then(|| "Off".to_string())));
    let v = status.map(|s| obj(s.pos, vec![("Status", Some(s))]).expect("one entry"));
    o.merge_into_bucket(r, vec![("VersioningConfiguration", v)]);
}

fn s3_logging(r: &PlanResource, o: &mut Out) {
    let a = &r.attrs;
    let l = obj(
        r.pos,
        vec![
            ("DestinationBucketName", attr(a, "target_bucket").cloned()),
            ("LogFilePrefix", attr(a, "target_prefix").cloned()),
        ],
    );
    o.merge_into_bucket(r, vec![("LoggingConfiguration", l)]);
}

fn s3_account_public_access_block(r: &PlanResource, o: &mut Out) {
    // Recorded with the configuration AWS Config gives the account's settings.
    simple(
        r,
        o,
        "AWS::S3::AccountPublicAccessBlock",
        &[
            ("blockPublicAcls", "block_public_acls"),
            ("blockPublicPolicy", "block_public_policy"),
            ("ignorePublicAcls", "ignore_public_acls"),
            ("restrictPublicBuckets", "restrict_public_buckets"),
        ],
    );
}

/// A resource-policy resource: the target (a name, or an ARN/URL whose last part is
/// the name) and the policy text.
fn policy_resource(
    r: &PlanResource,
    o: &mut Out,
    cfn_type: &str,
    target_key: &str,
    target_attr: &str,
    list_sep: Option<char>,
) {
    let target = attr(&r.attrs, target_attr).cloned();
    let target = match list_sep {
        Some(sep) => target.map(|t| {
            let pos = t.pos;
            seq(pos, vec![last_part(t, sep)])
        }),
        None => target,
    };
    let mut p = Props::new(r);
    p.put(target_key, target)
        .attr(r, "PolicyDocument", "policy");
    o.add(r, r.address.clone(), cfn_type, p.node());
}

fn protocol(n: Node) -> Node {
    map_text(n, |p| (p == "all").then(|| "-1".to_string()))
}

/// A provider ingress/egress rule → CloudFormation rules, one per CIDR (a rule with no
/// CIDR, between groups, is kept without one).
fn sg_rules(rule: &Node, proto_key: &str) -> Vec<Node> {
    let base = |peer: Option<(&str, Node)>| {
        let mut entries = vec![
            ("IpProtocol", field(rule, proto_key).map(protocol)),
            ("FromPort", field(rule, "from_port")),
            ("ToPort", field(rule, "to_port")),
        ];
        if let Some((k, v)) = peer {
            entries.push((k, Some(with_type(k, v))));
        }
        obj(rule.pos, entries).unwrap_or_else(|| empty_map(rule.pos))
    };
    if is_unknown(rule) {
        return vec![base(Some(("CidrIp", rule.clone())))];
    }
    let mut out = Vec::new();
    for (key, cfn) in [("cidr_blocks", "CidrIp"), ("ipv6_cidr_blocks", "CidrIpv6")] {
        match attr(rule, key) {
            Some(n) if is_unknown(n) => out.push(base(Some((cfn, n.clone())))),
            Some(Node {
                value: NodeValue::Seq(l),
                ..
            }) => out.extend(l.iter().map(|c| base(Some((cfn, c.clone()))))),
            _ => {}
        }
    }
    if out.is_empty() {
        out.push(base(None));
    }
    out
}

fn security_group(r: &PlanResource, o: &mut Out) {
    let a = &r.attrs;
    let mut p = Props::new(r);
    p.attr(r, "GroupName", "name")
        .attr(r, "GroupDescription", "description")
        .attr(r, "VpcId", "vpc_id")
        .tags(r);
    for (key, cfn) in [
        ("ingress", "SecurityGroupIngress"),
        ("egress", "SecurityGroupEgress"),
    ] {
        if let Some(list) = attr(a, key).filter(|l| is_unknown(l)) {
            p.put(cfn, Some(list.clone()));
        } else if let Some(list) = attr(a, key) {
            let rules = blocks(a, key)
                .into_iter()
                .flat_map(|b| sg_rules(b, "protocol"))
                .collect();
            p.put(cfn, Some(seq(list.pos, rules)));
        }
    }
    o.add(r, r.address.clone(), "AWS::EC2::SecurityGroup", p.node());
}

/// The VPC's default group, which `aws_default_security_group` adopts and manages.
fn default_security_group(r: &PlanResource, o: &mut Out) {
    let mut adopted = r.clone();
    if let NodeValue::Map(m) = &mut adopted.attrs.value {
        m.retain(|(k, _, _)| k != "name");
        m.push(("name".into(), r.pos, text(r.pos, "default")));
    }
    security_group(&adopted, o);
}

fn security_group_rule(r: &PlanResource, o: &mut Out) {
    let a = &r.attrs;
    let cfn_type = match attr(a, "type").and_then(Node::as_str) {
        Some("egress") => "AWS::EC2::SecurityGroupEgress",
        _ => "AWS::EC2::SecurityGroupIngress",
    };
    for (i, rule) in sg_rules(a, "protocol").into_iter().enumerate() {
        let mut props = rule;
        if let (NodeValue::Map(m), Some(g)) = (&mut props.value, attr(a, "security_group_id")) {
            m.push(("GroupId".into(), g.pos, g.clone()));
        }
        let id = if i == 0 {
            r.address.clone()
        } else {
            format!("{} (CIDR {})", r.address, i + 1)
        };
        o.add(r, id, cfn_type, props);
    }
}

fn vpc_security_group_rule(r: &PlanResource, o: &mut Out, cfn_type: &str) {
    let mut p = Props::new(r);
    p.put(
        "IpProtocol",
        attr(&r.attrs, "ip_protocol").cloned().map(protocol),
    )
    .attr(r, "FromPort", "from_port")
    .attr(r, "ToPort", "to_port")
    .attr(r, "CidrIp", "cidr_ipv4")
    .attr(r, "CidrIpv6", "cidr_ipv6")
    .attr(r, "GroupId", "security_group_id");
    o.add(r, r.address.clone(), cfn_type, p.node());
}

fn ebs_volume(r: &PlanResource, o: &mut Out) {
    simple(
        r,
        o,
        "AWS::EC2::Volume",
        &[
            ("Encrypted", "encrypted"),
            ("KmsKeyId", "kms_key_id"),
            ("Size", "size"),
            ("VolumeType", "type"),
            ("AvailabilityZone", "availability_zone"),
        ],
    );
}

fn volume_attachment(r: &PlanResource, o: &mut Out) {
    simple(
        r,
        o,
        "AWS::EC2::VolumeAttachment",
        &[
            ("VolumeId", "volume_id"),
            ("InstanceId", "instance_id"),
            ("Device", "device_name"),
        ],
    );
}

fn metadata_options(b: &Node) -> Option<Node> {
    obj(
        b.pos,
        vec![
            ("HttpTokens", field(b, "http_tokens")),
            ("HttpEndpoint", field(b, "http_endpoint")),
        ],
    )
}

fn instance(r: &PlanResource, o: &mut Out) {
    let a = &r.attrs;
    let mut p = Props::new(r);
    p.attr(r, "ImageId", "ami")
        .attr(r, "InstanceType", "instance_type")
        .attr(r, "SubnetId", "subnet_id")
        .tags(r);
    p.put(
        "MetadataOptions",
        block(a, "metadata_options").and_then(metadata_options),
    );
    if let Some(lt) = block(a, "launch_template") {
        p.put(
            "LaunchTemplate",
            obj(
                lt.pos,
                vec![
                    ("LaunchTemplateId", field(lt, "id")),
                    ("LaunchTemplateName", field(lt, "name")),
                ],
            ),
        );
    }
    if let Some(public) = attr(a, "associate_public_ip_address") {
        let nic = obj(
            public.pos,
            vec![
                ("AssociatePublicIpAddress", Some(public.clone())),
                ("DeviceIndex", Some(text(public.pos, "0"))),
                ("SubnetId", attr(a, "subnet_id").cloned()),
            ],
        )
        .expect("entries");
        p.put("NetworkInterfaces", Some(seq(public.pos, vec![nic])));
    }
    o.add(r, r.address.clone(), "AWS::EC2::Instance", p.node());
}

fn launch_template(r: &PlanResource, o: &mut Out) {
    let a = &r.attrs;
    let nics: Vec<Node> = blocks(a, "network_interfaces")
        .into_iter()
        .filter_map(|n| {
            obj(
                n.pos,
                vec![(
                    "AssociatePublicIpAddress",
                    field(n, "associate_public_ip_address").filter(|v| v.as_str() != Some("")),
                )],
            )
        })
        .collect();
    let data = obj(
        r.pos,
        vec![
            ("ImageId", attr(a, "image_id").cloned()),
            ("InstanceType", attr(a, "instance_type").cloned()),
            (
                "MetadataOptions",
                block(a, "metadata_options").and_then(metadata_options),
            ),
            (
                "NetworkInterfaces",
                (!nics.is_empty()).then(|| seq(r.pos, nics)),
            ),
        ],
    );
    let mut p = Props::new(r);
    p.attr(r, "LaunchTemplateName", "name")
        .put("LaunchTemplateData", data)
        .tags(r);
    o.add(r, r.address.clone(), "AWS::EC2::LaunchTemplate", p.node());
}

fn subnet(r: &PlanResource, o: &mut Out) {
    simple(
        r,
        o,
        "AWS::EC2::Subnet",
        &[
            ("MapPublicIpOnLaunch", "map_public_ip_on_launch"),
            ("VpcId", "vpc_id"),
            ("CidrBlock", "cidr_block"),
        ],
    );
}

fn lambda_function(r: &PlanResource, o: &mut Out) {
    let a = &r.attrs;
    let mut p = Props::new(r);
    p.attr(r, "FunctionName", "function_name")
        .attr(r, "Runtime", "runtime")
        .attr(r, "Handler", "handler")
        .attr(r, "Role", "role")
        .attr(r, "Timeout", "timeout")
        .attr(r, "MemorySize", "memory_size")
        .attr(r, "PackageType", "package_type")
        .attr(r, "ImageUri", "image_uri")
        .tags(r);
    if let Some(env) = block(a, "environment") {
        p.put(
            "Environment",
            obj(env.pos, vec![("Variables", field(env, "variables"))]),
        );
    }
    o.add(r, r.address.clone(), "AWS::Lambda::Function", p.node());
}

fn lambda_permission(r: &PlanResource, o: &mut Out) {
    let mut p = Props::new(r);
    p.put(
        "FunctionName",
        attr(&r.attrs, "function_name").cloned().map(|n| {
            // A function ARN names the function after `function:` (a version or alias
            // may follow).
            map_text(n, |s| {
                s.split_once(":function:")
                    .map(|(_, rest)| rest.split(':').next().unwrap_or(rest).to_string())
            })
        }),
    )
    .attr(r, "Action", "action")
    .attr(r, "Principal", "principal")
    .attr(r, "SourceAccount", "source_account")
    .attr(r, "SourceArn", "source_arn")
    .attr(r, "PrincipalOrgID", "principal_org_id")
    .attr(r, "FunctionUrlAuthType", "function_url_auth_type");
    o.add(r, r.address.clone(), "AWS::Lambda::Permission", p.node());
}

fn db_instance(r: &PlanResource, o: &mut Out) {
    let mut p = Props::new(r);
    p.attr(r, "DBInstanceIdentifier", "identifier")
        .attr(r, "Engine", "engine")
        .attr(r, "DBInstanceClass", "instance_class")
        .attr(r, "MultiAZ", "multi_az")
        .attr(r, "StorageEncrypted", "storage_encrypted")
        .attr(r, "KmsKeyId", "kms_key_id")
        .attr(r, "PubliclyAccessible", "publicly_accessible")
        .attr(r, "BackupRetentionPeriod", "backup_retention_period")
        .attr(r, "PreferredBackupWindow", "backup_window")
        .attr(r, "DBSubnetGroupName", "db_subnet_group_name")
        .attr(r, "SourceDBInstanceIdentifier", "replicate_source_db")
        .attr(r, "DBSnapshotIdentifier", "snapshot_identifier")
        .attr(r, "DBClusterIdentifier", "cluster_identifier")
        .tags(r);
    o.add(r, r.address.clone(), "AWS::RDS::DBInstance", p.node());
}

fn dynamodb_table(r: &PlanResource, o: &mut Out) {
    let mut p = Props::new(r);
    p.attr(r, "TableName", "name").tags(r);
    if let Some(b) = block(&r.attrs, "point_in_time_recovery") {
        p.put(
            "PointInTimeRecoverySpecification",
            obj(
                b.pos,
                vec![("PointInTimeRecoveryEnabled", field(b, "enabled"))],
            ),
        );
    }
    o.add(r, r.address.clone(), "AWS::DynamoDB::Table", p.node());
}

/// A topic or queue with its inline `policy` split off as the policy resource
/// CloudFormation would have.
fn with_inline_policy(
    r: &PlanResource,
    o: &mut Out,
    cfn_type: &str,
    fields: &[(&str, &str)],
    policy_type: &str,
    targets_key: &str,
) {
    simple(r, o, cfn_type, fields);
    if let Some(policy) = attr(&r.attrs, "policy").filter(|p| p.as_str() != Some("")) {
        let props = obj(
            policy.pos,
            vec![
                (targets_key, Some(seq(policy.pos, vec![self_ref(r)]))),
                ("PolicyDocument", Some(policy.clone())),
            ],
        )
        .expect("entries");
        o.add(r, format!("{} (policy)", r.address), policy_type, props);
    }
}

fn sns_topic(r: &PlanResource, o: &mut Out) {
    with_inline_policy(
        r,
        o,
        "AWS::SNS::Topic",
        &[
            ("TopicName", "name"),
            ("KmsMasterKeyId", "kms_master_key_id"),
        ],
        "AWS::SNS::TopicPolicy",
        "Topics",
    );
}

fn sqs_queue(r: &PlanResource, o: &mut Out) {
    with_inline_policy(
        r,
        o,
        "AWS::SQS::Queue",
        &[
            ("QueueName", "name"),
            ("KmsMasterKeyId", "kms_master_key_id"),
            ("SqsManagedSseEnabled", "sqs_managed_sse_enabled"),
        ],
        "AWS::SQS::QueuePolicy",
        "Queues",
    );
}
