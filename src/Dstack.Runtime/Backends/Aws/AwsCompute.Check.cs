using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;

namespace Dstack.Runtime.Backends.Aws;

/// <summary><c>dstack backend check</c>'s call: whether EC2 answers and takes the credentials, and why not in words.</summary>
public sealed partial class AwsCompute
{
    /// <summary>How long <see cref="CheckCredentialsAsync"/> waits for EC2.</summary>
    public TimeSpan CheckLimit { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The credentials in words, never their secret: <c>access key ****ABCD of config.yml</c> (the key id's last four
    /// characters), or the AWS SDK's own chain.
    /// </summary>
    public string CredentialsInWords => settings.AccessKey is { } key
        ? $"access key ****{(key.AccessKeyId.Length > 4 ? key.AccessKeyId[^4..] : string.Empty)} of config.yml"
        : "the AWS SDK's default credentials: AWS_PROFILE, ~/.aws/credentials, the environment or an instance role";

    /// <summary>
    /// One cheap call (DescribeRegions) that proves the credentials: null when they work, else the check's status
    /// (<c>refused</c>, <c>unreachable</c>) and the reason in words, naming the credentials and what to do.
    /// </summary>
    public async Task<(string Status, string Details)?> CheckCredentialsAsync(string region, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(CheckLimit);
        try
        {
            var regions = await Client(region).DescribeRegionsAsync(new DescribeRegionsRequest(), limit.Token).ConfigureAwait(false);
            return regions.Regions is { Count: > 0 } ? null : ("refused", "EC2 answered with no region");
        }
        catch (AmazonEC2Exception e)
        {
            return ("refused", e.ErrorCode == "AuthFailure"
                ? $"AuthFailure: AWS refused the credentials ({CredentialsInWords}); check creds in config.yml (the access_key and secret_key of one key), and that the key is active in IAM"
                : Explain(e, "ec2:DescribeRegions"));
        }
        catch (Exception e) when (e is HttpRequestException or IOException or AmazonServiceException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var endpoint = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_EC2") is { Length: > 0 } url ? url : $"its {region} endpoint";
            var why = e is OperationCanceledException ? $"no answer within {CheckLimit.TotalSeconds:0} s" : e.Message;
            return ("unreachable", $"EC2 could not be reached at {endpoint} ({why}); check the network, a proxy (HTTPS_PROXY), or AWS_ENDPOINT_URL_EC2");
        }
        catch (AmazonClientException e)
        {
            return ("refused", AwsCredentialsSource.Explain(e, defaultChain: settings.AccessKey is null));
        }
    }
}
