//! Template resources → the configuration items AWS Config would record for them.
//!
//! One entry of [`TABLE`] per CloudFormation type turns the resource's resolved
//! properties, with its related resources folded in ([`Related`]: a bucket policy into
//! its bucket, ingress rules into their group, attachments into their volume, permissions
//! into their function), into the Config shape the rules already read. Rules never learn
//! that an item came from a template.
//!
//! **Rule of thumb**: the item is the one AWS Config would record right after the stack
//! is created with these properties, with today's service defaults applied where the
//! template says nothing:
//! - S3 buckets: default encryption SSE-S3 (AES256, on for every new bucket since
//!   January 2023); all four Block Public Access settings on unless
//!   `PublicAccessBlockConfiguration` is given (then an unset flag is off); versioning
//!   off; no logging.
//! - Security groups: AWS adds the allow-all egress rule when `SecurityGroupEgress` is
//!   not given; a group made by CloudFormation is never a VPC's `default` group.
//! - EBS volumes: unencrypted unless `Encrypted: true`. The account's "EBS encryption by
//!   default" setting is not visible in a template: a template is judged on what it
//!   declares (document this choice where it matters to you).
//! - EC2 instances: `InstanceType` m1.small when unset (CloudFormation's default);
//!   metadata options come from the instance's `MetadataOptions`, else its launch
//!   template's, and without either `HttpTokens` depends on the AMI and the account's
//!   defaults, so it is unknown; a public
//!   IP comes from `AssociatePublicIpAddress`, else from the subnet's
//!   `MapPublicIpOnLaunch` (a default subnet maps public IPs; a template subnet does not
//!   unless it says so; a subnet given by parameter or import is unknown).
//! - Lambda functions: timeout 3 s, memory 128 MB, package type Zip unless
//!   `PackageType: Image`/`Code.ImageUri`; `AWS::Lambda::Permission`s become the
//!   function's resource policy, as Lambda writes it (account principals as root ARNs,
//!   `SourceAccount`/`SourceArn`/`PrincipalOrgID` as conditions, function URLs with
//!   `AuthType: NONE` as a public statement).
//! - RDS instances: backup retention 1 day, Multi-AZ off, storage unencrypted unless
//!   `StorageEncrypted` (or a source snapshot/cluster decides), publicly accessible when
//!   no `DBSubnetGroupName` is given (the default VPC) unless `PubliclyAccessible` says.
//! - DynamoDB tables: point-in-time recovery off unless specified.
//! - Resource types without a table here are recorded generically (their properties as
//!   configuration, their `Tags` as tags), which is what `required-tags` needs.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::item::{ConfigurationItem, ItemStatus};

/// How a related resource belongs to the one being translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelKind {
    /// `AWS::S3::BucketPolicy` of a bucket.
    BucketPolicy,
    /// `AWS::SQS::QueuePolicy` of a queue.
    QueuePolicy,
    /// `AWS::SNS::TopicPolicy` of a topic.
    TopicPolicy,
    /// `AWS::EC2::SecurityGroupIngress` of a group.
    Ingress,
    /// `AWS::EC2::SecurityGroupEgress` of a group.
    Egress,
    /// `AWS::EC2::VolumeAttachment` of a volume.
    VolumeAttachment,
    /// An instance whose `Volumes` attach the volume.
    InstanceVolume,
    /// `AWS::Lambda::Permission` of a function.
    LambdaPermission,
    /// The launch template an instance launches from.
    LaunchTemplate,
    /// The subnet an instance launches into.
    Subnet,
    /// An Elastic IP (`AWS::EC2::EIP` or `EIPAssociation`) associated with an instance.
    ElasticIp,
}

/// A resource that attaches itself to another (a policy to a bucket, say): the
/// properties that name the target and the target's types. `*` steps into list items.
pub(crate) struct Attacher {
    pub cfn_type: &'static str,
    pub kind: RelKind,
    pub target_paths: &'static [&'static str],
    pub target_types: &'static [&'static str],
    /// `true`: the target is the resource translated and this one folds into it;
    /// `false`: this resource is translated and the target folds into it.
    pub folds_into_target: bool,
}

const LAMBDA_TYPES: &[&str] = &["AWS::Lambda::Function", "AWS::Serverless::Function"];

pub(crate) static ATTACHERS: &[Attacher] = &[
    Attacher {
        cfn_type: "AWS::S3::BucketPolicy",
        kind: RelKind::BucketPolicy,
        target_paths: &["Bucket"],
        target_types: &["AWS::S3::Bucket"],
        folds_into_target: true,
    },
    Attacher {
        cfn_type: "AWS::SQS::QueuePolicy",
        kind: RelKind::QueuePolicy,
        target_paths: &["Queues.*"],
        target_types: &["AWS::SQS::Queue"],
        folds_into_target: true,
    },
    Attacher {
        cfn_type: "AWS::SNS::TopicPolicy",
        kind: RelKind::TopicPolicy,
        target_paths: &["Topics.*"],
        target_types: &["AWS::SNS::Topic"],
        folds_into_target: true,
    },
    Attacher {
        cfn_type: "AWS::EC2::SecurityGroupIngress",
        kind: RelKind::Ingress,
        target_paths: &["GroupId", "GroupName"],
        target_types: &["AWS::EC2::SecurityGroup"],
        folds_into_target: true,
    },
    Attacher {
        cfn_type: "AWS::EC2::SecurityGroupEgress",
        kind: RelKind::Egress,
        target_paths: &["GroupId"],
        target_types: &["AWS::EC2::SecurityGroup"],
        folds_into_target: true,
    },
    Attacher {
        cfn_type: "AWS::EC2::VolumeAttachment",
        kind: RelKind::VolumeAttachment,
        target_paths: &["VolumeId"],
        target_types: &["AWS::EC2::Volume"],
        folds_into_target: true,
    },
    Attacher {
        cfn_type: "AWS::EC2::Instance",
        kind: RelKind::InstanceVolume,
        target_paths: &["Volumes.*.VolumeId"],
        target_types: &["AWS::EC2::Volume"],
        folds_into_target: true,
    },
    Attacher {
        cfn_type: "AWS::Lambda::Permission",
        kind: RelKind::LambdaPermission,
        target_paths: &["FunctionName"],
        target_types: LAMBDA_TYPES,
        folds_into_target: true,
    },
    Attacher {
        cfn_type: "AWS::EC2::Instance",
        kind: RelKind::LaunchTemplate,
        target_paths: &[
            "LaunchTemplate.LaunchTemplateId",
            "LaunchTemplate.LaunchTemplateName",
        ],
        target_types: &["AWS::EC2::LaunchTemplate"],
        folds_into_target: false,
    },
    Attacher {
        cfn_type: "AWS::EC2::EIP",
        kind: RelKind::ElasticIp,
        target_paths: &["InstanceId"],
        target_types: &["AWS::EC2::Instance"],
        folds_into_target: true,
    },
    Attacher {
        cfn_type: "AWS::EC2::EIPAssociation",
        kind: RelKind::ElasticIp,
        target_paths: &["InstanceId"],
        target_types: &["AWS::EC2::Instance"],
        folds_into_target: true,
    },
    Attacher {
        cfn_type: "AWS::EC2::Instance",
        kind: RelKind::Subnet,
        target_paths: &["SubnetId", "NetworkInterfaces.*.SubnetId"],
        target_types: &["AWS::EC2::Subnet"],
        folds_into_target: false,
    },
];

/// A related resource, its properties resolved and made concrete.
#[derive(Debug, Clone)]
pub struct Related<'a> {
    /// How it relates.
    pub kind: RelKind,
    /// Its logical ID.
    pub logical_id: &'a str,
    /// Its properties.
    pub props: Value,
}

/// A translation of one CloudFormation type.
pub struct Translation {
    /// The CloudFormation type.
    pub cfn_type: &'static str,
    /// The AWS Config resource type it is recorded as.
    pub config_type: &'static str,
    build: fn(&Input<'_>, &mut Built),
}

/// What a translation reads.
pub struct Input<'a> {
    /// The logical ID (the item's resource id).
    pub logical_id: &'a str,
    /// The resource's properties, concrete.
    pub props: &'a Value,
    /// Related resources, concrete.
    pub related: &'a [Related<'a>],
}

impl Input<'_> {
    fn get(&self, path: &str) -> Option<&Value> {
        get(self.props, path)
    }
    fn related(&self, kind: RelKind) -> impl Iterator<Item = &Related<'_>> {
        self.related.iter().filter(move |r| r.kind == kind)
    }
}

/// What a translation produces.
#[derive(Default)]
pub struct Built {
    configuration: Map<String, Value>,
    supplementary: BTreeMap<String, Value>,
    name: Option<String>,
}

impl Built {
    fn set(&mut self, key: &str, v: impl Into<Value>) {
        self.configuration.insert(key.into(), v.into());
    }
    fn set_opt(&mut self, key: &str, v: Option<&Value>) {
        if let Some(v) = v.filter(|v| !v.is_null()) {
            self.configuration.insert(key.into(), v.clone());
        }
    }
    fn supp(&mut self, key: &str, v: Value) {
        self.supplementary.insert(key.into(), v);
    }
}

/// The translations, by CloudFormation type.
pub static TABLE: &[Translation] = &[
    Translation {
        cfn_type: "AWS::S3::Bucket",
        config_type: "AWS::S3::Bucket",
        build: s3_bucket,
    },
    Translation {
        cfn_type: "AWS::EC2::SecurityGroup",
        config_type: "AWS::EC2::SecurityGroup",
        build: security_group,
    },
    Translation {
        cfn_type: "AWS::EC2::Volume",
        config_type: "AWS::EC2::Volume",
        build: volume,
    },
    Translation {
        cfn_type: "AWS::EC2::Instance",
        config_type: "AWS::EC2::Instance",
        build: instance,
    },
    Translation {
        cfn_type: "AWS::Lambda::Function",
        config_type: "AWS::Lambda::Function",
        build: lambda_function,
    },
    Translation {
        cfn_type: "AWS::Serverless::Function",
        config_type: "AWS::Lambda::Function",
        build: lambda_function,
    },
    Translation {
        cfn_type: "AWS::RDS::DBInstance",
        config_type: "AWS::RDS::DBInstance",
        build: db_instance,
    },
    Translation {
        cfn_type: "AWS::IAM::ManagedPolicy",
        config_type: "AWS::IAM::Policy",
        build: managed_policy,
    },
    Translation {
        cfn_type: "AWS::DynamoDB::Table",
        config_type: "AWS::DynamoDB::Table",
        build: dynamodb_table,
    },
    Translation {
        cfn_type: "AWS::Serverless::SimpleTable",
        config_type: "AWS::DynamoDB::Table",
        build: dynamodb_table,
    },
    Translation {
        cfn_type: "AWS::CloudTrail::Trail",
        config_type: "AWS::CloudTrail::Trail",
        build: trail,
    },
    Translation {
        cfn_type: "AWS::SNS::Topic",
        config_type: "AWS::SNS::Topic",
        build: sns_topic,
    },
    Translation {
        cfn_type: "AWS::SQS::Queue",
        config_type: "AWS::SQS::Queue",
        build: sqs_queue,
    },
    Translation {
        cfn_type: "AWS::KMS::Key",
        config_type: "AWS::KMS::Key",
        build: kms_key,
    },
];

/// The translation of a CloudFormation type, if it has its own.
pub fn translation(cfn_type: &str) -> Option<&'static Translation> {
    TABLE.iter().find(|t| t.cfn_type == cfn_type)
}

/// The AWS Config type a CloudFormation type is recorded as (the same name unless a
/// table entry says otherwise).
pub fn config_type(cfn_type: &str) -> &str {
    translation(cfn_type).map_or(cfn_type, |t| t.config_type)
}

/// Builds the configuration item for a resource.
pub fn translate(cfn_type: &str, input: &Input<'_>) -> ConfigurationItem {
    let mut built = Built::default();
    let config_type = match translation(cfn_type) {
        Some(t) => {
            (t.build)(input, &mut built);
            t.config_type
        }
        None => {
            if let Value::Object(o) = input.props {
                built.configuration = o.clone();
            }
            cfn_type
        }
    };
    ConfigurationItem {
        version: Some("1.3".into()),
        account_id: None,
        capture_time: None,
        status: ItemStatus::ResourceDiscovered,
        state_id: None,
        md5_hash: None,
        arn: None,
        resource_type: config_type.to_string(),
        resource_id: input.logical_id.to_string(),
        resource_name: built.name.clone(),
        region: None,
        availability_zone: None,
        resource_creation_time: None,
        tags: tags(input.get("Tags")),
        related_events: Vec::new(),
        relationships: Vec::new(),
        configuration: Value::Object(built.configuration).into(),
        supplementary_configuration: built.supplementary,
        views: Default::default(),
    }
}

/// `a.b.c` inside a value (no `*`).
pub fn get<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = v;
    for k in path.split('.') {
        cur = match cur {
            Value::Object(o) => o.get(k)?,
            Value::Array(a) => a.get(k.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    (!cur.is_null()).then_some(cur)
}

/// Every value at a path where `*` steps into each list item.
pub(crate) fn get_all<'v>(v: &'v Value, path: &str) -> Vec<&'v Value> {
    let mut cur = vec![v];
    for k in path.split('.') {
        let mut next = Vec::new();
        for c in cur {
            match (k, c) {
                ("*", Value::Array(a)) => next.extend(a.iter()),
                (_, Value::Object(o)) => next.extend(o.get(k)),
                _ => {}
            }
        }
        cur = next;
    }
    cur.into_iter().filter(|v| !v.is_null()).collect()
}

/// A CloudFormation boolean: `true`, or the text `"true"` in any case.
pub fn cfn_bool(v: Option<&Value>) -> Option<bool> {
    match v? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A CloudFormation integer: a number, or its text.
pub fn cfn_int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `Tags` as a list of `{Key, Value}` or a mapping (SAM).
fn tags(v: Option<&Value>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    match v {
        Some(Value::Array(list)) => {
            for t in list {
                if let (Some(k), Some(v)) = (text(t.get("Key")), text(t.get("Value"))) {
                    out.insert(k, v);
                }
            }
        }
        Some(Value::Object(m)) => {
            for (k, v) in m {
                if let Some(v) = text(Some(v)) {
                    out.insert(k.clone(), v);
                }
            }
        }
        _ => {}
    }
    out
}

/// A policy document property as the policy JSON text Config records.
fn policy_text(v: Option<&Value>) -> Option<Value> {
    match v? {
        Value::String(s) => Some(Value::String(s.clone())),
        other @ Value::Object(_) => Some(Value::String(other.to_string())),
        _ => None,
    }
}

fn s3_bucket(i: &Input<'_>, b: &mut Built) {
    let name =
        text(i.get("BucketName")).unwrap_or_else(|| format!("<{} bucket name>", i.logical_id));
    b.name = Some(name.clone());
    b.set("name", name);
    // Canned ACL → grants, as S3 records them.
    let owner = json!({"grantee": {"id": "<owner>"}, "permission": "FullControl"});
    let mut grants = vec![owner];
    let group = |g: &str, p: &str| json!({"grantee": g, "permission": p});
    match text(i.get("AccessControl")).as_deref() {
        Some("PublicRead") => grants.push(group("AllUsers", "Read")),
        Some("PublicReadWrite") => {
            grants.push(group("AllUsers", "Read"));
            grants.push(group("AllUsers", "Write"));
        }
        Some("AuthenticatedRead") => grants.push(group("AuthenticatedUsers", "Read")),
        Some("LogDeliveryWrite") => {
            grants.push(group("LogDelivery", "Write"));
            grants.push(group("LogDelivery", "ReadAcp"));
        }
        _ => {}
    }
    b.supp(
        "AccessControlList",
        json!({"grantList": grants, "owner": {"id": "<owner>"}}),
    );
    let pab = match i.get("PublicAccessBlockConfiguration") {
        Some(p) => {
            let f = |k: &str| cfn_bool(p.get(k)).unwrap_or(false);
            json!({"blockPublicAcls": f("BlockPublicAcls"), "ignorePublicAcls": f("IgnorePublicAcls"),
                   "blockPublicPolicy": f("BlockPublicPolicy"), "restrictPublicBuckets": f("RestrictPublicBuckets")})
        }
        None => {
            json!({"blockPublicAcls": true, "ignorePublicAcls": true, "blockPublicPolicy": true, "restrictPublicBuckets": true})
        }
    };
    b.supp("PublicAccessBlockConfiguration", pab);
    let rules: Vec<Value> = get_all(
        i.props,
        "BucketEncryption.ServerSideEncryptionConfiguration.*",
    )
    .into_iter()
    .map(|r| {
        let d = r.get("ServerSideEncryptionByDefault");
        json!({"applyServerSideEncryptionByDefault": {
                        "sseAlgorithm": d.and_then(|d| text(d.get("SSEAlgorithm"))),
                        "kmsMasterKeyID": d.and_then(|d| text(d.get("KMSMasterKeyID")))},
                   "bucketKeyEnabled": cfn_bool(r.get("BucketKeyEnabled")).unwrap_or(false)})
    })
    .collect();
    let rules = if rules.is_empty() {
        vec![
            json!({"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}, "bucketKeyEnabled": false}),
        ]
    } else {
        rules
    };
    b.supp("ServerSideEncryptionConfiguration", json!({"rules": rules}));
    let status = text(i.get("VersioningConfiguration.Status")).unwrap_or_else(|| "Off".into());
    b.supp(
        "BucketVersioningConfiguration",
        json!({"status": status, "isMfaDeleteEnabled": null}),
    );
    if let Some(l) = i.get("LoggingConfiguration") {
        // Without DestinationBucketName, S3 logs to the bucket itself.
        let dest = text(l.get("DestinationBucketName"))
            .unwrap_or_else(|| b.name.clone().unwrap_or_default());
        b.supp(
            "BucketLoggingConfiguration",
            json!({"destinationBucketName": dest, "logFilePrefix": text(l.get("LogFilePrefix"))}),
        );
    } else {
        b.supp(
            "BucketLoggingConfiguration",
            json!({"destinationBucketName": null, "logFilePrefix": null}),
        );
    }
    if let Some(p) = i
        .related(RelKind::BucketPolicy)
        .find_map(|r| policy_text(r.props.get("PolicyDocument")))
    {
        b.supp("BucketPolicy", json!({"policyText": p}));
    }
}

/// A CloudFormation ingress/egress rule → Config's `ipPermissions` entry (both
/// directions name their peer `CidrIp`/`CidrIpv6`).
fn permission(r: &Value) -> Value {
    let mut p = Map::new();
    let proto = text(r.get("IpProtocol")).unwrap_or_else(|| "-1".into());
    p.insert("ipProtocol".into(), Value::String(proto));
    if let Some(f) = cfn_int(r.get("FromPort")) {
        p.insert("fromPort".into(), f.into());
    }
    if let Some(t) = cfn_int(r.get("ToPort")) {
        p.insert("toPort".into(), t.into());
    }
    let (v4, v6) = ("CidrIp", "CidrIpv6");
    p.insert(
        "ipv4Ranges".into(),
        Value::Array(
            text(r.get(v4))
                .map(|c| json!({"cidrIp": c}))
                .into_iter()
                .collect(),
        ),
    );
    p.insert(
        "ipv6Ranges".into(),
        Value::Array(
            text(r.get(v6))
                .map(|c| json!({"cidrIpv6": c}))
                .into_iter()
                .collect(),
        ),
    );
    let group = r
        .get("SourceSecurityGroupId")
        .or_else(|| r.get("DestinationSecurityGroupId"))
        .or_else(|| r.get("SourceSecurityGroupName"));
    p.insert(
        "userIdGroupPairs".into(),
        Value::Array(
            text(group)
                .map(|g| json!({"groupId": g}))
                .into_iter()
                .collect(),
        ),
    );
    let pl = r
        .get("SourcePrefixListId")
        .or_else(|| r.get("DestinationPrefixListId"));
    p.insert(
        "prefixListIds".into(),
        Value::Array(
            text(pl)
                .map(|g| json!({"prefixListId": g}))
                .into_iter()
                .collect(),
        ),
    );
    Value::Object(p)
}

fn security_group(i: &Input<'_>, b: &mut Built) {
    let name = text(i.get("GroupName")).unwrap_or_else(|| format!("<{} group name>", i.logical_id));
    b.name = Some(name.clone());
    b.set("groupName", name);
    b.set("groupId", format!("<{} group id>", i.logical_id));
    b.set_opt("description", i.get("GroupDescription"));
    b.set_opt("vpcId", i.get("VpcId"));
    let mut ingress: Vec<Value> = get_all(i.props, "SecurityGroupIngress.*")
        .into_iter()
        .map(permission)
        .collect();
    ingress.extend(i.related(RelKind::Ingress).map(|r| permission(&r.props)));
    let mut egress: Vec<Value> = get_all(i.props, "SecurityGroupEgress.*")
        .into_iter()
        .map(permission)
        .collect();
    egress.extend(i.related(RelKind::Egress).map(|r| permission(&r.props)));
    if i.get("SecurityGroupEgress").is_none() && egress.is_empty() {
        egress.push(json!({"ipProtocol": "-1", "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipv6Ranges": [], "userIdGroupPairs": [], "prefixListIds": []}));
    }
    b.set("ipPermissions", ingress);
    b.set("ipPermissionsEgress", egress);
}

fn volume(i: &Input<'_>, b: &mut Built) {
    b.set("volumeId", format!("<{} volume id>", i.logical_id));
    b.set("encrypted", cfn_bool(i.get("Encrypted")).unwrap_or(false));
    b.set_opt("kmsKeyId", i.get("KmsKeyId"));
    b.set_opt("size", i.get("Size"));
    b.set_opt("volumeType", i.get("VolumeType"));
    b.set_opt("availabilityZone", i.get("AvailabilityZone"));
    let mut attachments: Vec<Value> = i
        .related(RelKind::VolumeAttachment)
        .map(|r| json!({"instanceId": text(r.props.get("InstanceId")), "device": text(r.props.get("Device")), "state": "attached"}))
        .collect();
    attachments.extend(
        i.related(RelKind::InstanceVolume)
            .map(|r| json!({"instanceId": format!("<{}>", r.logical_id), "state": "attached"})),
    );
    b.set(
        "state",
        if attachments.is_empty() {
            "available"
        } else {
            "in-use"
        },
    );
    b.set("attachments", attachments);
}

/// Key of the synthetic property that holds whether an instance gets a public IP when
/// the template does not say (see [`super::judge`]).
pub const PUBLIC_IP_ON_LAUNCH: &str = "\u{1}publicIpOnLaunch";
/// Key of the synthetic property that holds `HttpTokens` when no launch template says.
pub const DEFAULT_HTTP_TOKENS: &str = "\u{1}defaultHttpTokens";

fn instance(i: &Input<'_>, b: &mut Built) {
    b.set("instanceId", format!("<{} instance id>", i.logical_id));
    let lt = i.related(RelKind::LaunchTemplate).next();
    let from_lt = |k: &str| lt.and_then(|r| get(&r.props, &format!("LaunchTemplateData.{k}")));
    let instance_type = text(i.get("InstanceType")).or_else(|| text(from_lt("InstanceType")));
    b.set(
        "instanceType",
        instance_type.unwrap_or_else(|| "m1.small".into()),
    );
    b.set_opt("imageId", i.get("ImageId").or_else(|| from_lt("ImageId")));
    b.set_opt("subnetId", i.get("SubnetId"));
    // The instance's own MetadataOptions win over its launch template's.
    let meta = i
        .get("MetadataOptions")
        .filter(|m| m.get("HttpTokens").is_some())
        .or_else(|| lt.and_then(|r| get(&r.props, "LaunchTemplateData.MetadataOptions")));
    let tokens = meta
        .and_then(|m| text(m.get("HttpTokens")))
        .or_else(|| text(i.get(DEFAULT_HTTP_TOKENS)));
    let endpoint = meta
        .and_then(|m| text(m.get("HttpEndpoint")))
        .unwrap_or_else(|| "enabled".into());
    b.set(
        "metadataOptions",
        json!({"httpTokens": tokens, "httpEndpoint": endpoint}),
    );
    let mut nic_values = get_all(i.props, "NetworkInterfaces.*.AssociatePublicIpAddress");
    if nic_values.is_empty() {
        nic_values.extend(lt.into_iter().flat_map(|r| {
            get_all(
                &r.props,
                "LaunchTemplateData.NetworkInterfaces.*.AssociatePublicIpAddress",
            )
        }));
    }
    let nic_public: Vec<bool> = nic_values
        .into_iter()
        .filter_map(|v| cfn_bool(Some(v)))
        .collect();
    let public = if !nic_public.is_empty() {
        nic_public.iter().any(|b| *b)
    } else {
        cfn_bool(i.get(PUBLIC_IP_ON_LAUNCH)).unwrap_or(false)
    };
    if i.related(RelKind::ElasticIp).next().is_some() {
        b.set("publicIpAddress", "<Elastic IP address>");
    } else if public {
        b.set(
            "publicIpAddress",
            "<public IPv4 address assigned at launch>",
        );
    }
    b.set("networkInterfaces", Value::Array(Vec::new()));
}

fn lambda_function(i: &Input<'_>, b: &mut Built) {
    let name =
        text(i.get("FunctionName")).unwrap_or_else(|| format!("<{} function name>", i.logical_id));
    b.name = Some(name.clone());
    b.set("functionName", name.clone());
    b.set_opt("runtime", i.get("Runtime"));
    b.set_opt("handler", i.get("Handler"));
    b.set(
        "role",
        text(i.get("Role"))
            .unwrap_or_else(|| format!("<{} execution role created by SAM>", i.logical_id)),
    );
    b.set("timeout", cfn_int(i.get("Timeout")).unwrap_or(3));
    b.set("memorySize", cfn_int(i.get("MemorySize")).unwrap_or(128));
    let image = text(i.get("PackageType")).as_deref() == Some("Image")
        || i.get("Code.ImageUri").is_some()
        || i.get("ImageUri").is_some();
    b.set("packageType", if image { "Image" } else { "Zip" });
    if let Some(vars) = i.get("Environment.Variables") {
        b.set("environment", json!({"variables": vars}));
    }
    let arn = format!("arn:aws:lambda:<region>:<account>:function:{name}");
    let mut statements: Vec<Value> = i
        .related(RelKind::LambdaPermission)
        .map(|r| permission_statement(r, &arn))
        .collect();
    // SAM: FunctionUrlConfig with AuthType NONE makes a public function URL.
    if i.get("FunctionUrlConfig.AuthType").and_then(Value::as_str) == Some("NONE") {
        statements.push(json!({"Sid": "FunctionURLAllowPublicAccess", "Effect": "Allow", "Principal": "*",
            "Action": "lambda:InvokeFunctionUrl", "Resource": arn, "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}}));
    }
    if !statements.is_empty() {
        b.supp(
            "Policy",
            Value::String(
                json!({"Version": "2012-10-17", "Id": "default", "Statement": statements})
                    .to_string(),
            ),
        );
    }
}

/// An `AWS::Lambda::Permission` as the statement Lambda adds to the function policy.
fn permission_statement(r: &Related<'_>, arn: &str) -> Value {
    let p = &r.props;
    let principal_text = text(p.get("Principal")).unwrap_or_default();
    let principal = if principal_text == "*" {
        json!("*")
    } else if principal_text.ends_with(".amazonaws.com")
        || principal_text.ends_with(".amazonaws.com.cn")
    {
        json!({"Service": principal_text})
    } else if principal_text.len() == 12 && principal_text.chars().all(|c| c.is_ascii_digit()) {
        json!({"AWS": format!("arn:aws:iam::{principal_text}:root")})
    } else {
        json!({"AWS": principal_text})
    };
    let mut cond = Map::new();
    if let Some(a) = text(p.get("SourceAccount")) {
        cond.insert("StringEquals".into(), json!({"AWS:SourceAccount": a}));
    }
    if let Some(s) = text(p.get("SourceArn")) {
        cond.insert("ArnLike".into(), json!({"AWS:SourceArn": s}));
    }
    if let Some(o) = text(p.get("PrincipalOrgID")) {
        let e = cond.entry("StringEquals").or_insert_with(|| json!({}));
        e["aws:PrincipalOrgID"] = json!(o);
    }
    if let Some(t) = text(p.get("FunctionUrlAuthType")) {
        let e = cond.entry("StringEquals").or_insert_with(|| json!({}));
        e["lambda:FunctionUrlAuthType"] = json!(t);
    }
    let mut s = json!({"Sid": r.logical_id, "Effect": "Allow", "Principal": principal,
        "Action": text(p.get("Action")).unwrap_or_else(|| "lambda:InvokeFunction".into()), "Resource": arn});
    if !cond.is_empty() {
        s["Condition"] = Value::Object(cond);
    }
    s
}

fn db_instance(i: &Input<'_>, b: &mut Built) {
    let id = text(i.get("DBInstanceIdentifier"))
        .unwrap_or_else(|| format!("<{} instance id>", i.logical_id));
    b.name = Some(id.clone());
    b.set("dBInstanceIdentifier", id);
    let engine = text(i.get("Engine")).unwrap_or_default();
    b.set("engine", engine.clone());
    b.set_opt("dBInstanceClass", i.get("DBInstanceClass"));
    let in_cluster = i.get("DBClusterIdentifier").is_some();
    b.set("multiAZ", cfn_bool(i.get("MultiAZ")).unwrap_or(false));
    b.set(
        "storageEncrypted",
        cfn_bool(i.get("StorageEncrypted")).unwrap_or(false),
    );
    b.set_opt("kmsKeyId", i.get("KmsKeyId"));
    let public = cfn_bool(i.get("PubliclyAccessible"))
        .unwrap_or_else(|| i.get("DBSubnetGroupName").is_none());
    b.set("publiclyAccessible", public);
    if !in_cluster {
        b.set(
            "backupRetentionPeriod",
            cfn_int(i.get("BackupRetentionPeriod")).unwrap_or(1),
        );
    }
    b.set_opt("preferredBackupWindow", i.get("PreferredBackupWindow"));
    b.set_opt(
        "readReplicaSourceDBInstanceIdentifier",
        i.get("SourceDBInstanceIdentifier"),
    );
    b.set_opt("dBClusterIdentifier", i.get("DBClusterIdentifier"));
}

fn managed_policy(i: &Input<'_>, b: &mut Built) {
    let name = text(i.get("ManagedPolicyName"))
        .unwrap_or_else(|| format!("<{} policy name>", i.logical_id));
    b.name = Some(name.clone());
    b.set("policyName", name.clone());
    b.set(
        "arn",
        format!(
            "arn:aws:iam::<account>:policy{}{name}",
            text(i.get("Path")).unwrap_or_else(|| "/".into())
        ),
    );
    b.set("defaultVersionId", "v1");
    let doc = i.get("PolicyDocument").cloned().unwrap_or(Value::Null);
    b.set(
        "policyVersionList",
        json!([{"document": doc, "versionId": "v1", "isDefaultVersion": true}]),
    );
}

fn dynamodb_table(i: &Input<'_>, b: &mut Built) {
    let name = text(i.get("TableName")).unwrap_or_else(|| format!("<{} table name>", i.logical_id));
    b.name = Some(name.clone());
    b.set("tableName", name);
    let pitr = cfn_bool(i.get("PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled"))
        .unwrap_or(false);
    b.supp(
        "ContinuousBackupsDescription",
        json!({"continuousBackupsStatus": "ENABLED", "pointInTimeRecoveryDescription": {"pointInTimeRecoveryStatus": if pitr { "ENABLED" } else { "DISABLED" }}}),
    );
}

fn trail(i: &Input<'_>, b: &mut Built) {
    let name = text(i.get("TrailName")).unwrap_or_else(|| format!("<{} trail name>", i.logical_id));
    b.name = Some(name.clone());
    b.set("name", name);
    b.set_opt("kmsKeyId", i.get("KMSKeyId"));
    b.set(
        "isMultiRegionTrail",
        cfn_bool(i.get("IsMultiRegionTrail")).unwrap_or(false),
    );
    b.set(
        "logFileValidationEnabled",
        cfn_bool(i.get("EnableLogFileValidation")).unwrap_or(false),
    );
    b.set_opt("s3BucketName", i.get("S3BucketName"));
    b.set_opt(
        "cloudWatchLogsLogGroupArn",
        i.get("CloudWatchLogsLogGroupArn"),
    );
}

fn sns_topic(i: &Input<'_>, b: &mut Built) {
    let name = text(i.get("TopicName")).unwrap_or_else(|| format!("<{} topic name>", i.logical_id));
    b.name = Some(name.clone());
    b.set("TopicArn", format!("arn:aws:sns:<region>:<account>:{name}"));
    b.set_opt("KmsMasterKeyId", i.get("KmsMasterKeyId"));
    if let Some(p) = i
        .related(RelKind::TopicPolicy)
        .find_map(|r| policy_text(r.props.get("PolicyDocument")))
    {
        b.set("Policy", p);
    }
}

fn sqs_queue(i: &Input<'_>, b: &mut Built) {
    let name = text(i.get("QueueName")).unwrap_or_else(|| format!("<{} queue name>", i.logical_id));
    b.name = Some(name.clone());
    b.set("QueueArn", format!("arn:aws:sqs:<region>:<account>:{name}"));
    b.set_opt("KmsMasterKeyId", i.get("KmsMasterKeyId"));
    b.set(
        "SqsManagedSseEnabled",
        cfn_bool(i.get("SqsManagedSseEnabled"))
            .unwrap_or(i.get("KmsMasterKeyId").is_none())
            .to_string(),
    );
    if let Some(p) = i
        .related(RelKind::QueuePolicy)
        .find_map(|r| policy_text(r.props.get("PolicyDocument")))
    {
        b.set("Policy", p);
    }
}

fn kms_key(i: &Input<'_>, b: &mut Built) {
    b.set("keyId", format!("<{} key id>", i.logical_id));
    b.set("keyManager", "CUSTOMER");
    b.set(
        "keyState",
        if cfn_bool(i.get("Enabled")) == Some(false) {
            "Disabled"
        } else {
            "Enabled"
        },
    );
    b.set(
        "keySpec",
        text(i.get("KeySpec")).unwrap_or_else(|| "SYMMETRIC_DEFAULT".into()),
    );
    b.set(
        "keyRotationEnabled",
        cfn_bool(i.get("EnableKeyRotation")).unwrap_or(false),
    );
    if let Some(p) = policy_text(i.get("KeyPolicy")) {
        b.supp("Policy", p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;
    use crate::Params;

    fn item(cfn_type: &str, props: Value, related: &[Related<'_>]) -> ConfigurationItem {
        translate(
            cfn_type,
            &Input {
                logical_id: "R",
                props: &props,
                related,
            },
        )
    }

    fn verdict(rule: &str, item: &ConfigurationItem) -> &'static str {
        let r = rules::find(rule).unwrap();
        let e = crate::engine::evaluate_item(r, item, &Params::default(), crate::Timestamp::now())
            .unwrap();
        e.compliance_type.as_str()
    }

    #[test]
    fn a_bucket_without_settings_gets_todays_defaults() {
        let i = item("AWS::S3::Bucket", json!({}), &[]);
        assert_eq!(
            verdict("s3-bucket-server-side-encryption-enabled", &i),
            "COMPLIANT"
        );
        assert_eq!(verdict("s3-bucket-public-read-prohibited", &i), "COMPLIANT");
        assert_eq!(verdict("s3-bucket-versioning-enabled", &i), "NON_COMPLIANT");
        assert_eq!(verdict("s3-bucket-logging-enabled", &i), "NON_COMPLIANT");
        assert_eq!(
            i.supplementary("PublicAccessBlockConfiguration").unwrap()["ignorePublicAcls"],
            true
        );
    }

    #[test]
    fn a_public_canned_acl_becomes_a_grant_to_all_users() {
        let open = json!({"AccessControl": "PublicReadWrite", "PublicAccessBlockConfiguration": {"BlockPublicAcls": false}});
        let i = item("AWS::S3::Bucket", open, &[]);
        assert_eq!(
            verdict("s3-bucket-public-read-prohibited", &i),
            "NON_COMPLIANT"
        );
        assert_eq!(
            verdict("s3-bucket-public-write-prohibited", &i),
            "NON_COMPLIANT"
        );
    }

    #[test]
    fn a_bucket_policy_folds_into_its_bucket() {
        let policy = json!({"PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}});
        let rel = [Related {
            kind: RelKind::BucketPolicy,
            logical_id: "P",
            props: policy,
        }];
        let i = item(
            "AWS::S3::Bucket",
            json!({"PublicAccessBlockConfiguration": {}}),
            &rel,
        );
        assert_eq!(
            verdict("s3-bucket-public-read-prohibited", &i),
            "NON_COMPLIANT"
        );
        assert_eq!(
            verdict("resource-policy-no-public-access", &i),
            "NON_COMPLIANT"
        );
    }

    #[test]
    fn ingress_resources_fold_into_their_group_and_egress_defaults_open() {
        let rel = [Related {
            kind: RelKind::Ingress,
            logical_id: "In",
            props: json!({"IpProtocol": "tcp", "FromPort": "22", "ToPort": 22, "CidrIp": "0.0.0.0/0"}),
        }];
        let i = item(
            "AWS::EC2::SecurityGroup",
            json!({"GroupDescription": "x"}),
            &rel,
        );
        assert_eq!(verdict("restricted-ssh", &i), "NON_COMPLIANT");
        assert_eq!(
            verdict("vpc-default-security-group-closed", &i),
            "NOT_APPLICABLE"
        );
        assert_eq!(
            i.configuration["ipPermissionsEgress"][0]["ipv4Ranges"][0]["cidrIp"],
            "0.0.0.0/0"
        );
    }

    #[test]
    fn attachments_make_a_volume_in_use() {
        let unattached = item("AWS::EC2::Volume", json!({"Encrypted": "false"}), &[]);
        assert_eq!(verdict("encrypted-volumes", &unattached), "NOT_APPLICABLE");
        let rel = [Related {
            kind: RelKind::VolumeAttachment,
            logical_id: "A",
            props: json!({"InstanceId": "i-1", "Device": "/dev/sdf"}),
        }];
        let attached = item("AWS::EC2::Volume", json!({"Encrypted": "false"}), &rel);
        assert_eq!(verdict("encrypted-volumes", &attached), "NON_COMPLIANT");
    }

    #[test]
    fn lambda_permissions_become_the_function_policy() {
        let rel = [Related {
            kind: RelKind::LambdaPermission,
            logical_id: "Perm",
            props: json!({"Principal": "s3.amazonaws.com", "Action": "lambda:InvokeFunction", "FunctionName": "f"}),
        }];
        let i = item(
            "AWS::Lambda::Function",
            json!({"Runtime": "python3.12"}),
            &rel,
        );
        assert_eq!(
            verdict("lambda-function-public-access-prohibited", &i),
            "NON_COMPLIANT"
        );
        let pinned = [Related {
            kind: RelKind::LambdaPermission,
            logical_id: "Perm",
            props: json!({"Principal": "s3.amazonaws.com", "SourceAccount": "123456789012", "FunctionName": "f"}),
        }];
        let i = item(
            "AWS::Lambda::Function",
            json!({"Runtime": "python3.12"}),
            &pinned,
        );
        assert_eq!(
            verdict("lambda-function-public-access-prohibited", &i),
            "COMPLIANT"
        );
    }

    #[test]
    fn rds_defaults_follow_cloudformation() {
        let i = item("AWS::RDS::DBInstance", json!({"Engine": "mysql"}), &[]);
        assert_eq!(
            verdict("rds-instance-public-access-check", &i),
            "NON_COMPLIANT"
        );
        assert_eq!(verdict("db-instance-backup-enabled", &i), "COMPLIANT");
        assert_eq!(verdict("rds-storage-encrypted", &i), "NON_COMPLIANT");
        let private = item(
            "AWS::RDS::DBInstance",
            json!({"Engine": "mysql", "DBSubnetGroupName": "g", "BackupRetentionPeriod": "0"}),
            &[],
        );
        assert_eq!(
            verdict("rds-instance-public-access-check", &private),
            "COMPLIANT"
        );
        assert_eq!(
            verdict("db-instance-backup-enabled", &private),
            "NON_COMPLIANT"
        );
    }

    #[test]
    fn managed_policies_are_config_iam_policies() {
        let admin = json!({"PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}});
        let i = item("AWS::IAM::ManagedPolicy", admin, &[]);
        assert_eq!(i.resource_type, "AWS::IAM::Policy");
        assert_eq!(
            verdict("iam-policy-no-statements-with-admin-access", &i),
            "NON_COMPLIANT"
        );
    }

    #[test]
    fn other_types_keep_their_properties_and_tags() {
        let i = item(
            "AWS::CodeBuild::Project",
            json!({"Tags": [{"Key": "team", "Value": "a"}]}),
            &[],
        );
        assert_eq!(i.tags.get("team").map(String::as_str), Some("a"));
        assert_eq!(i.resource_type, "AWS::CodeBuild::Project");
    }
}
