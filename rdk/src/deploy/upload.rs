//! Uploads to the code bucket: only objects that are not there yet (the keys are
//! content hashes, so an existing key holds the same bytes), with a progress bar on a
//! terminal.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::Client;

use crate::commands::CliError;

fn s3_error<E, R>(what: &str, bucket: &str, e: aws_sdk_s3::error::SdkError<E, R>) -> CliError
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let detail = match e.as_service_error() {
        Some(s) => format!(
            "{}: {}",
            s.code().unwrap_or("error"),
            s.message().unwrap_or("no message")
        ),
        None => super::stack::aws_smithy_error_chain(&e),
    };
    CliError::failed(format!(
        "S3 {what} on bucket {bucket} failed: {detail}; check the bucket's region and the caller's s3:ListBucket (on the bucket), s3:GetObject and s3:PutObject permissions"
    ))
}

/// Checks that the bucket exists and is reachable.
pub async fn check_bucket(s3: &Client, bucket: &str) -> Result<(), CliError> {
    match s3.head_bucket().bucket(bucket).send().await {
        Ok(_) => Ok(()),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Err(CliError::input(format!(
            "--code-bucket {bucket}: no such bucket; create it in the deploy region first (aws s3 mb s3://{bucket}) with default encryption and public access blocked"
        ))),
        Err(e) => Err(s3_error("HeadBucket", bucket, e)),
    }
}

/// Whether the object is there.
pub async fn exists(s3: &Client, bucket: &str, key: &str) -> Result<bool, CliError> {
    match s3.head_object().bucket(bucket).key(key).send().await {
        Ok(_) => Ok(true),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(false),
        Err(e) => Err(s3_error("HeadObject", bucket, e)),
    }
}

/// Puts one object.
pub async fn put(
    s3: &Client,
    bucket: &str,
    key: &str,
    bytes: Vec<u8>,
    content_type: &str,
) -> Result<(), CliError> {
    s3.put_object()
        .bucket(bucket)
        .key(key)
        .content_type(content_type)
        .body(ByteStream::from(bytes))
        .send()
        .await
        .map_err(|e| s3_error("PutObject", bucket, e))?;
    Ok(())
}

/// A progress bar over `bytes` on stderr (hidden when stderr is not a terminal).
pub fn progress(bytes: u64, files: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(bytes),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "  uploading {msg} [{bar:30}] {bytes}/{total_bytes}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(format!("{files} packages"));
    bar
}
