//! What RDS rules share.

use crate::views::RdsInstance;

/// Aurora, DocumentDB and Neptune instances belong to clusters, which manage
/// availability, backups and encryption at the cluster level.
pub(crate) fn is_cluster_engine(db: &RdsInstance) -> bool {
    let e = db.engine_lower();
    e.starts_with("aurora") || e == "docdb" || e == "neptune"
}
