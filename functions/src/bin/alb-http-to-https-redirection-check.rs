//! The `alb-http-to-https-redirection-check` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::AlbHttpToHttpsRedirectionCheck);
