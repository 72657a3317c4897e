using Dstack.Runtime.Tests.Aws.Fake;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// One fake EC2 whose instances are the hosts of one <see cref="NetnsHosts"/>, shared by the test classes of
/// <see cref="AwsEndToEndCollection"/> (each instance gets its own host; the classes run one after the other).
/// </summary>
public sealed class AwsEndToEndFixture : IAsyncLifetime
{
    /// <summary>How many instances the collection's tests may launch in all (one per test).</summary>
    public const int HostCount = 3;

    private NetnsHosts? _hosts;

    public NetnsHosts Hosts => _hosts ?? throw new InvalidOperationException("the fixture is not started");

    public FakeEc2 Fake { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (NetnsHosts.UnavailableReason() is not null)
        {
            return;
        }

        _hosts = new NetnsHosts(HostCount);
        Fake = await FakeEc2.StartAsync(new NetnsMachines(_hosts));
        Fake.PendingDescribes = 0;
    }

    public async Task DisposeAsync()
    {
        if (Fake is not null)
        {
            await Fake.DisposeAsync();
        }

        _hosts?.Dispose();
    }
}

/// <summary>The AWS end-to-end classes that share one <see cref="AwsEndToEndFixture"/>: one fake cloud for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class AwsEndToEndCollection : ICollectionFixture<AwsEndToEndFixture>
{
    public const string Name = "AWS end-to-end (one fake EC2)";
}
