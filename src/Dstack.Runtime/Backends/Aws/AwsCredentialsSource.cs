using Amazon.Runtime;

namespace Dstack.Runtime.Backends.Aws;

/// <summary>
/// Where <c>creds: {type: default}</c> takes its credentials from, in words: the AWS SDK's own chain, which reads
/// AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, then the profile named by AWS_PROFILE (or <c>default</c>) in
/// ~/.aws/credentials and ~/.aws/config (plain keys, <c>role_arn</c> + <c>source_profile</c> through STS,
/// <c>sso_session</c> through the SSO portal, <c>credential_process</c>), then the instance's metadata. dstack's AWS
/// config has no <c>profile</c> setting, so the profile is chosen with AWS_PROFILE, as for the AWS CLI.
/// </summary>
public static class AwsCredentialsSource
{
    /// <summary>The profile the chain reads, as a user would name it: <c>profile runner (AWS_PROFILE)</c>.</summary>
    public static string Describe(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return environment("AWS_PROFILE") is { Length: > 0 } profile
            ? $"profile {profile} (AWS_PROFILE)"
            : "the AWS SDK's default chain (environment, profile default, instance metadata)";
    }

    /// <summary>
    /// Why the credentials could not be had, with the SDK's reason and the one beneath it (STS's or the SSO portal's
    /// refusal: <c>Error calling AssumeRole for role …: not authorized</c>), and what to do. The SDK's messages name
    /// roles, profiles and files, never secrets.
    /// </summary>
    public static string Explain(AmazonClientException exception, bool defaultChain = true, Func<string, string?>? environment = null)
    {
        var reason = exception.Message.TrimEnd('.');
        if (exception.InnerException is { Message.Length: > 0 } inner && !reason.Contains(inner.Message, StringComparison.Ordinal))
        {
            reason += ": " + inner.Message.TrimEnd('.');
        }

        return defaultChain
            ? $"the AWS credentials of {Describe(environment)} could not be found or used ({reason}); check that profile in ~/.aws/config (for SSO, run aws sso login first), choose another with AWS_PROFILE, or set `creds: {{type: access_key, ...}}` in config.yml"
            : $"the access key in config.yml could not be used ({reason}); check creds.access_key and creds.secret_key, or use `creds: {{type: default}}` with an AWS profile";
    }
}
