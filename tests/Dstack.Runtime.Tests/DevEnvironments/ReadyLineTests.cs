using Dstack.Runtime.DevEnvironments;

namespace Dstack.Runtime.Tests.DevEnvironments;

/// <summary>The ready line a dev environment's job prints, and the session count read from /proc/net/tcp's text.</summary>
[Trait("Category", "Fast")]
public sealed class ReadyLineTests
{
    [Theory]
    [InlineData("dstack: the dev environment is ready in /w/code/job-0; stop it with dstack stop dev\n", "/w/code/job-0")]
    [InlineData("dstack: the dev environment is ready in /a; b/c; stop it with dstack stop dev", "/a; b/c")]
    [InlineData("dstack: the dev environment is ready in /; stop it with dstack stop x\r\n", "/")]
    [InlineData("echo dstack: the dev environment is ready in /w; stop it with dstack stop dev", null)]
    [InlineData("dstack: the dev environment is ready in ; stop it with dstack stop dev", null)]
    [InlineData("hello", null)]
    public void FolderOf_ReadsTheFolderOfTheReadyLineOnly(string line, string? expected) =>
        Assert.Equal(expected, ReadyLine.FolderOf(line));

    [Fact]
    public void Command_PrintedByAShell_IsReadBack()
    {
        // What the job's shell prints for $PWD and $DSTACK_RUN_NAME.
        var printed = ReadyLine.Command.Replace("echo \"", string.Empty, StringComparison.Ordinal).TrimEnd('"')
            .Replace("$PWD", "/home/me/work", StringComparison.Ordinal).Replace("$DSTACK_RUN_NAME", "dev", StringComparison.Ordinal);

        Assert.Equal("/home/me/work", ReadyLine.FolderOf(printed));
    }

    [Fact]
    public void SessionCount_CountsEstablishedConnectionsWhoseLocalEndIsThePort()
    {
        // Port 0x9C40 = 40000: two established server ends, one client end (its remote is the port), one listener,
        // one in TIME_WAIT (06), one on another address.
        const string table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:9C40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
               1: 0100007F:9C40 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1
               2: 0100007F:D431 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1
               3: 0100007F:9C40 0100007F:D432 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0 20 4 30 10 -1
               4: 0100007F:9C40 0100007F:D433 06 00000000:00000000 03:00000000 00000000     0        0 0 3 0
               5: 0200007F:9C40 0100007F:D434 01 00000000:00000000 00:00000000 00000000     0        0 5 1 0 20 4 30 10 -1
            """;

        Assert.Equal(2, SessionCount.Parse(table, 40000));
        Assert.Equal(0, SessionCount.Parse(table, 40001));
        Assert.Equal(0, SessionCount.Parse(string.Empty, 40000));
    }
}
