using Dstack.Runtime.Ssh;
using Dstack.Runtime.Forwarding;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Ssh;

[Trait("Category", "Fast")]
public sealed class SshCommandTests
{
    private static readonly DstackHome Home = new("/h");

    [Fact]
    public void Arguments_SetBatchModeHostKeysAndConnectionSharingUnderDstackHome()
    {
        var arguments = new SshCommand(Home, new SshHost("a", "u", "h")).Arguments("sh -s");

        Assert.Equal(
            ["-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o", "StrictHostKeyChecking=accept-new", "-o", "UserKnownHostsFile=/h/ssh/known_hosts", "-o", "HashKnownHosts=no",
             "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3", "-o", "ControlMaster=auto", "-o", "ControlPath=/h/ssh/cm-%C", "-o", "ControlPersist=60s", "--", "u@h", "sh -s"],
            arguments);
    }

    [Fact]
    public void Arguments_PassPortKeyAndJumpHostOnlyWhenGiven()
    {
        var arguments = string.Join(' ', new SshCommand(Home, new SshHost("a", "u", "h", 2222, "/k/id", "me@jump:22")).Arguments("true"));

        Assert.Contains("-p 2222 -i /k/id -o IdentitiesOnly=yes -J me@jump:22 -- u@h true", arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void Arguments_ADeepDstackHome_GoesWithoutConnectionSharing()
    {
        var deep = new DstackHome("/" + new string('d', 90));

        var arguments = new SshCommand(deep, new SshHost("a", "u", "h")).Arguments("true");

        Assert.DoesNotContain("ControlMaster=auto", arguments);
        Assert.Contains("BatchMode=yes", arguments);
    }

    [Fact]
    public void Options_WithoutSharing_LeaveOutOnlyTheControlOptions()
    {
        var command = new SshCommand(Home, new SshHost("a", "u", "h", 2222));

        var options = command.Options(shareConnection: false);

        Assert.Equal(
            ["-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o", "StrictHostKeyChecking=accept-new", "-o", "UserKnownHostsFile=/h/ssh/known_hosts", "-o", "HashKnownHosts=no",
             "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3", "-p", "2222"],
            options);
    }

    [Fact]
    public void TunnelArguments_OwnMasterSocketAndOneForwardPerPort()
    {
        var arguments = SshTunnel.Arguments(Home, new SshHost("a", "u", "h", 2222), "/h/ssh/t-1.sock", "127.0.0.1",
            [new ResolvedPort(8080, 80, true), new ResolvedPort(9000, 9000, true)]);

        Assert.DoesNotContain(arguments, a => a.StartsWith("ControlPath=", StringComparison.Ordinal));
        Assert.EndsWith(
            "-o ServerAliveInterval=5 -o ServerAliveCountMax=3 -p 2222 -M -S /h/ssh/t-1.sock -o ControlPersist=no -o ExitOnForwardFailure=yes -N " +
            "-L 127.0.0.1:8080:127.0.0.1:80 -L 127.0.0.1:9000:127.0.0.1:9000 -- u@h",
            string.Join(' ', arguments),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("::1", "[::1]:8080:127.0.0.1:80")]
    [InlineData("[::]", "[::]:8080:127.0.0.1:80")]
    [InlineData("localhost", "localhost:8080:127.0.0.1:80")]
    public void TunnelArguments_IPv6ListenHost_IsBracketed(string listenHost, string forward)
    {
        var arguments = SshTunnel.Arguments(Home, new SshHost("a", "u", "h"), "/s", listenHost, [new ResolvedPort(8080, 80, true)]);

        Assert.Contains(forward, arguments);
    }

    [Fact]
    public void TunnelSocketPath_IsShortStableAndPerRun()
    {
        var path = SshTunnel.SocketPath(Home, "my-run");

        Assert.Matches("^/h/ssh/t-[0-9a-f]{12}\\.sock$", path);
        Assert.Equal(path, SshTunnel.SocketPath(Home, "my-run"));
        Assert.NotEqual(path, SshTunnel.SocketPath(Home, "my-run-2"));
    }

    [Theory]
    [InlineData("ubuntu@10.0.0.5", "ubuntu", "10.0.0.5")]
    [InlineData("me@corp@box", "me@corp", "box")]
    public void ParseDestination_UserAtHost_SplitsAtTheLastAt(string text, string user, string host)
    {
        Assert.Equal((user, host), SshHost.ParseDestination(text, out _));
    }

    [Theory]
    [InlineData("box", "is not USER@HOST")]
    [InlineData("@box", "is not USER@HOST")]
    [InlineData("u@", "is not USER@HOST")]
    [InlineData("u@-oProxyCommand=x", "cannot start with '-'")]
    public void ParseDestination_Malformed_SaysWhatToWrite(string text, string words)
    {
        Assert.Null(SshHost.ParseDestination(text, out var problem));
        Assert.Contains(words, problem, StringComparison.Ordinal);
    }
}
