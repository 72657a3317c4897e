using System.Runtime.CompilerServices;

namespace Dstack.Cli.Tests;

/// <summary>
/// Before any test: the AWS SDK's credential chain, whose last source is the instance metadata service at a
/// link-local address, is told never to ask it. Tests reach only loopback and their own network namespaces, and the
/// dstack processes they start inherit the setting (scripts/test.sh sets it too).
/// </summary>
internal static class NoInstanceMetadata
{
    [ModuleInitializer]
    internal static void Disable() => Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
}
