using System.Runtime.Versioning;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.DevEnvironments;

/// <summary>
/// A dev environment's <c>Host RUN</c> entry in the generated SSH config (a loopback login with its own known_hosts),
/// and the rule that an attached CLI removes only the entry it wrote itself, never the controller's.
/// </summary>
[UnsupportedOSPlatform("windows")]
[Trait("Category", "Fast")]
public sealed class SshEntryTests : IDisposable
{
    private readonly string _folder = Path.Combine("/tmp", "dse-" + Guid.NewGuid().ToString("N")[..8]);

    public SshEntryTests() => Directory.CreateDirectory(_folder);

    private SshClientConfig Config => new(new DstackHome(Path.Combine(_folder, "home")), Path.Combine(_folder, "user"), includeInUserConfig: false);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SshHost Loopback(int port) =>
        new("dev", "me", "127.0.0.1", port, "/h/ssh/id_ed25519") { KnownHostsFile = "/h/runs/dev/ssh-server/known_hosts" };

    [Fact]
    public void Entry_LoopbackLogin_NamesPortKeyAndTheServersKnownHosts()
    {
        var entry = Config.Entry("dev", Loopback(41234), null);

        Assert.Equal(
            "Host dev\n    HostName 127.0.0.1\n    User me\n    Port 41234\n    IdentityFile /h/ssh/id_ed25519\n    IdentitiesOnly yes\n" +
            "    UserKnownHostsFile /h/runs/dev/ssh-server/known_hosts\n    StrictHostKeyChecking accept-new\n    HashKnownHosts no\n",
            entry);
    }

    [Fact]
    public void Entry_ThroughAMachine_ProxiesThroughItsLoginWithItsKeyKnownHostsAndJumpHost()
    {
        var machine = new SshHost("gpu box", "ubuntu", "10.0.0.5", 2222, "/keys/pool key", "bastion@jump") { KnownHostsFile = "/h/hosts%1" };
        var entry = Config.Entry("dev", Loopback(41234) with { User = "ubuntu", IdentityFile = "/keys/pool key", Through = machine }, null);

        Assert.Contains("    HostName 127.0.0.1\n    User ubuntu\n    Port 41234\n", entry, StringComparison.Ordinal);
        Assert.Contains(
            "    ProxyCommand ssh -o BatchMode=yes -o ConnectTimeout=10 -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=/h/hosts%%1 " +
            "-o HashKnownHosts=no -o ServerAliveInterval=5 -o ServerAliveCountMax=3 -p 2222 -i '/keys/pool key' -o IdentitiesOnly=yes -J bastion@jump -W %h:%p -- ubuntu@10.0.0.5\n",
            entry,
            StringComparison.Ordinal);

        // The server's own key is the one checked: nothing asks to trust it.
        Assert.Contains("    UserKnownHostsFile /h/runs/dev/ssh-server/known_hosts\n", entry, StringComparison.Ordinal);
        Assert.DoesNotContain("ControlPath", entry, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoveRunIfUnchanged_EntryReplacedByAnother_IsKept()
    {
        var config = Config;
        var tunnels = config.Entry("dev", Loopback(1000), "/tmp/socket");
        config.AddRun("dev", Loopback(1000), "/tmp/socket");
        config.AddRun("dev", Loopback(2000), null);

        Assert.False(config.RemoveRunIfUnchanged("dev", tunnels));
        Assert.Contains("Port 2000", File.ReadAllText(config.Path), StringComparison.Ordinal);
        Assert.Equal(["dev"], config.RunNames());
    }

    [Fact]
    public void RemoveRunIfUnchanged_EntryAsWritten_IsRemovedAndOthersKept()
    {
        var config = Config;
        var mine = config.Entry("dev", Loopback(1000), null);
        config.AddRun("dev", Loopback(1000), null);
        config.AddRun("other", Loopback(3000) with { Name = "other" }, null);

        Assert.True(config.RemoveRunIfUnchanged("dev", mine));
        Assert.Equal(["other"], config.RunNames());
    }
}
