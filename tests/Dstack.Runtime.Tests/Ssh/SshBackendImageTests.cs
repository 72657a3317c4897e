using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Offers;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// <c>image:</c> on SSH hosts: the probe's Docker line, a host offered only when its login user can use an engine
/// (else left out with the reason and the fix), and the cloud-init user data that installs Docker on an instance.
/// </summary>
[Trait("Category", "Fast")]
public sealed class SshBackendImageTests
{
    private static readonly SshHost WithEngine = new("gpu-1", "ubuntu", "10.0.0.1", null, null);
    private static readonly SshHost WithoutEngine = new("gpu-2", "ubuntu", "10.0.0.2", null, null);

    private static string Output(string? docker) =>
        $"dstack-cpus 4\ndstack-mem MemTotal: 16384000 kB\ndstack-disk-kb 104857600\n{(docker is null ? string.Empty : $"dstack-docker {docker}\n")}dstack-end\n";

    [Theory]
    [InlineData("yes", true)]
    [InlineData("no", false)]
    [InlineData(null, false)]
    public void HasDockerEngine_ReadsTheProbesLine(string? docker, bool expected)
    {
        var output = Output(docker);

        Assert.NotNull(SshHostProbe.Parse(output));
        Assert.Equal(expected, SshHostProbe.HasDockerEngine(output));
        Assert.Equal(expected, new SshProbeResult(WithEngine, SshHostProbe.Parse(output), null, output).HasDockerEngine);
    }

    [Fact]
    public void HasDockerEngine_FailedProbe_IsFalse()
    {
        Assert.False(new SshProbeResult(WithEngine, null, null, Output("yes")).HasDockerEngine);
    }

    [Fact]
    public void Script_ChecksThatTheSocketIsThereAndWritable()
    {
        Assert.Contains("[ -S /var/run/docker.sock ] && [ -w /var/run/docker.sock ]", SshHostProbe.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void GetOffers_Image_OffersOnlyTheHostWithAnEngine_AndNamesWhyTheOtherIsLeftOut()
    {
        var backend = Backend();

        var offers = backend.GetOffers(new Requirements { Image = "python:3.12" }, OfferContext.Empty);

        var fitting = offers.Candidates.Where(c => c.Fits).Select(c => c.Offer.Instance).ToList();
        Assert.Equal(["gpu-1"], fitting);
        var left = Assert.Single(offers.Candidates, c => c.Offer.Instance == "gpu-2");
        Assert.Equal(
            ["image: gpu-2 has no Docker engine the user ubuntu can use (/var/run/docker.sock is missing or not writable): install docker.io there and add the user to the docker group, or remove image:"],
            left.Unmet);
        Assert.DoesNotContain(offers.Problems, p => p.Severity == Diagnostics.DiagnosticSeverity.Error);
    }

    [Fact]
    public void GetOffers_NoImage_OffersBothHosts()
    {
        var offers = Backend().GetOffers(new Requirements(), OfferContext.Empty);

        Assert.Equal(["gpu-1", "gpu-2"], offers.Candidates.Where(c => c.Fits).Select(c => c.Offer.Instance));
    }

    [Fact]
    public void GetOffers_ImageAndNoHostWithAnEngine_IsAnErrorWithTheReason()
    {
        var backend = new SshBackend(new DstackHome("/nonexistent/dstack"), new Pool([WithoutEngine], _ => "no"));

        var offers = backend.GetOffers(new Requirements { Image = "python:3.12" }, OfferContext.Empty);

        var error = Assert.Single(offers.Problems, p => p.Severity == Diagnostics.DiagnosticSeverity.Error);
        Assert.Contains("gpu-2: image: gpu-2 has no Docker engine the user ubuntu can use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UserData_Containers_InstallsDockerWhenMissing_AndLetsTheUserUseIt()
    {
        var plain = Dstack.Runtime.Backends.CloudInit.UserData("ubuntu", containers: false);
        var containers = Dstack.Runtime.Backends.CloudInit.UserData("ubuntu", containers: true);

        Assert.DoesNotContain("docker", plain, StringComparison.Ordinal);
        Assert.StartsWith(plain, containers, StringComparison.Ordinal);
        Assert.Contains("command -v docker >/dev/null 2>&1 || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io)", containers, StringComparison.Ordinal);
        Assert.Contains("  - [usermod, -aG, docker, ubuntu]\n", containers, StringComparison.Ordinal);
        Assert.Contains("  - [systemctl, enable, --now, docker]\n", containers, StringComparison.Ordinal);
    }

    private static SshBackend Backend() =>
        new(new DstackHome("/nonexistent/dstack"), new Pool([WithEngine, WithoutEngine], h => h == WithEngine ? "yes" : "no"));

    private sealed class Pool(IReadOnlyList<SshHost> hosts, Func<SshHost, string> docker) : ISshPool
    {
        public IReadOnlyList<SshHost> Hosts { get; } = hosts;

        public IReadOnlyList<SshProbeResult?> Probe(IReadOnlyList<SshHost> hosts) =>
            [.. hosts.Select(h => new SshProbeResult(h, SshHostProbe.Parse(Output(docker(h))), null, Output(docker(h))))];
    }
}
