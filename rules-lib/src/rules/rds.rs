//! What RDS rules share.

use crate::item::ConfigurationItem;

use super::config_str;

/// The engine, lower case (`mysql`, `aurora-postgresql`, `docdb`, `neptune`).
pub(crate) fn engine(item: &ConfigurationItem) -> String {
    config_str(item, "engine")
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Aurora, DocumentDB and Neptune instances belong to clusters, which manage
/// availability, backups and encryption at the cluster level.
pub(crate) fn is_cluster_engine(item: &ConfigurationItem) -> bool {
    let e = engine(item);
    e.starts_with("aurora") || e == "docdb" || e == "neptune"
}

/// Whether the instance is a read replica.
pub(crate) fn is_read_replica(item: &ConfigurationItem) -> bool {
    config_str(item, "readReplicaSourceDBInstanceIdentifier").is_some_and(|s| !s.is_empty())
}
