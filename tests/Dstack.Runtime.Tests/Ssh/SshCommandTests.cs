using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Ssh;

public sealed class SshCommandTests
{
    private static readonly DstackHome Home = new("/h");

    [Fact]
    public void Arguments_SetBatchModeHostKeysAndConnectionSharingUnderDstackHome()
    {
        var arguments = new SshCommand(Home, new SshHost("a", "u", "h")).Arguments("sh -s");

        Assert.Equal(
            ["-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o", "StrictHostKeyChecking=accept-new", "-o", "UserKnownHostsFile=/h/ssh/known_hosts", "-o", "HashKnownHosts=no",
             "-o", "ControlMaster=auto", "-o", "ControlPath=/h/ssh/cm-%C", "-o", "ControlPersist=60s", "--", "u@h", "sh -s"],
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
