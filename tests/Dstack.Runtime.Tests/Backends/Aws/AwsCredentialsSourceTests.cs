using Amazon.Runtime;
using Dstack.Runtime.Backends.Aws;

namespace Dstack.Runtime.Tests.Backends.Aws;

/// <summary>How a credentials failure of the aws backend is put into words: the source, the SDK's reason and the one beneath it.</summary>
[Trait("Category", "Fast")]
public sealed class AwsCredentialsSourceTests
{
    [Fact]
    public void Describe_WithAwsProfile_NamesTheProfileAndTheVariable() =>
        Assert.Equal("profile runner (AWS_PROFILE)", AwsCredentialsSource.Describe(name => name == "AWS_PROFILE" ? "runner" : null));

    [Fact]
    public void Describe_WithoutAwsProfile_NamesTheDefaultChain() =>
        Assert.StartsWith("the AWS SDK's default chain", AwsCredentialsSource.Describe(_ => null), StringComparison.Ordinal);

    [Fact]
    public void Explain_AssumeRoleRefused_KeepsTheInnerReason_AndSaysWhatToDo()
    {
        var refused = new AmazonClientException("Error calling AssumeRole for role arn:aws:iam::1:role/r", new InvalidOperationException("User is not authorized to perform: sts:AssumeRole."));

        var message = AwsCredentialsSource.Explain(refused, defaultChain: true, name => name == "AWS_PROFILE" ? "runner" : null);

        Assert.Contains("profile runner (AWS_PROFILE)", message, StringComparison.Ordinal);
        Assert.Contains("Error calling AssumeRole for role arn:aws:iam::1:role/r: User is not authorized to perform: sts:AssumeRole", message, StringComparison.Ordinal);
        Assert.Contains("aws sso login", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_ConfiguredAccessKey_PointsAtConfigYml() =>
        Assert.StartsWith("the access key in config.yml could not be used (bad key)", AwsCredentialsSource.Explain(new AmazonClientException("bad key"), defaultChain: false), StringComparison.Ordinal);
}
