using System.Runtime.CompilerServices;

namespace Dstack.Runtime.Tests;

/// <summary>
/// Before any test: the AWS SDK's credential chain, whose last source is the instance metadata service at a
/// link-local address, is told never to ask it, and Azure.Identity's default chain (whose managed identity asks the same
/// address) is narrowed to its environment credential. Tests reach only loopback and their own network namespaces, and
/// the dstack processes they start inherit the settings (scripts/test.sh sets them too).
/// </summary>
internal static class NoInstanceMetadata
{
    [ModuleInitializer]
    internal static void Disable()
    {
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Environment.SetEnvironmentVariable("AZURE_TOKEN_CREDENTIALS", "EnvironmentCredential");
    }
}
