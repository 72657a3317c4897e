using Dstack.Runtime.DevEnvironments;

namespace Dstack.Runtime.Tests.DevEnvironments;

/// <summary>
/// The session script's sftp part, as text: only with a container, keyed on the command the config's Subsystem names,
/// the container and folder quoted, the copy run by its own loader from <see cref="ContainerSftp.CopyFolder"/>.
/// </summary>
[Trait("Category", "Fast")]
public sealed class ContainerSftpLinesTests
{
    [Fact]
    public void SessionScript_WithAContainer_TakesTheSubsystemsCommandFirst_WithoutOne_HasNoSftpPart()
    {
        var boxed = DevEnvironmentSshd.SessionScript("/r/environment", "/workflow", "dstack-dev-0");
        var bare = DevEnvironmentSshd.SessionScript("/r/environment", "/home/me/code");

        var sftp = boxed.IndexOf($"if [ \"${{SSH_ORIGINAL_COMMAND:-}}\" = {ContainerSftp.SubsystemCommand} ]; then", StringComparison.Ordinal);
        Assert.True(sftp > 0, boxed);
        Assert.True(sftp < boxed.IndexOf("if [ -n \"${SSH_ORIGINAL_COMMAND:-}\" ]", StringComparison.Ordinal), "the sftp part comes before a command is run in the container's shell");
        Assert.DoesNotContain("sftp", bare, StringComparison.Ordinal);
        Assert.Contains($"\nSubsystem sftp {ContainerSftp.SubsystemCommand}\n", DevEnvironmentSshd.Config("/r", null, "me"), StringComparison.Ordinal);
    }

    [Fact]
    public void SessionLines_QuoteTheContainerAndFolder_AndRunTheCopyByItsLoaderWithItsLibraries()
    {
        var lines = ContainerSftp.SessionLines("dstack-dev-0", "/workflow/it's here");

        Assert.Contains("c=dstack-dev-0; w='/workflow/it'\\''s here'\n", lines, StringComparison.Ordinal);
        Assert.Contains("exec docker exec -i -w \"$w\" \"$c\" \"$found\"", lines, StringComparison.Ordinal);
        Assert.Contains("exec \"$d/ld.so\" --library-path \"$d\" \"$d/sftp-server\"", lines, StringComparison.Ordinal);
        Assert.Contains("d=/.dstack/sftp;", lines, StringComparison.Ordinal);
        foreach (var path in ContainerSftp.ServerPaths)
        {
            Assert.Contains(path, lines, StringComparison.Ordinal);
        }

        // The copy is put in place by one link made once (ln -sn fails when it is there), never written over.
        Assert.Contains("ln -sn \"$0\" sftp 2>/dev/null || rm -rf \"$0\"", lines, StringComparison.Ordinal);
        Assert.Contains("docker cp \"$st/.\" \"$c:/\"", lines, StringComparison.Ordinal);
    }
}
