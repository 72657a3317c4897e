using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Runs;

/// <summary>The job token is the same however the state folder is spelled, and differs by run and rank.</summary>
[Trait("Category", "Fast")]
public sealed class JobTokenTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dstack-token-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static RunRecord Run(long id, string name) =>
        new(id, name, RunStatus.Running, "x.dstack.yml", "/repo", "{}", DateTimeOffset.UnixEpoch, null, null, null, null, StopRequest.None, 1);

    [Fact]
    public void For_StateFolderWithATrailingSlashOrThroughALink_IsTheSameToken()
    {
        var home = Path.Combine(_root, "home");
        Directory.CreateDirectory(home);
        var link = Path.Combine(_root, "link");
        File.CreateSymbolicLink(link, home);
        var run = Run(7, "train");

        var plain = JobToken.For(new DstackHome(home), run, 0);

        Assert.Equal(plain, JobToken.For(new DstackHome(home + "/"), run, 0));
        Assert.Equal(plain, JobToken.For(new DstackHome(link), run, 0));
        Assert.StartsWith("train-", plain, StringComparison.Ordinal);
    }

    [Fact]
    public void For_OtherRankRunOrStateFolder_IsAnotherToken()
    {
        var home = new DstackHome(_root);
        var tokens = new[]
        {
            JobToken.For(home, Run(7, "train"), 0),
            JobToken.For(home, Run(7, "train"), 1),
            JobToken.For(home, Run(8, "train"), 0),
            JobToken.For(new DstackHome(Path.Combine(_root, "other")), Run(7, "train"), 0),
        };

        Assert.Equal(tokens.Length, tokens.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void TryDeleteCode_NameAnOlderVersionRecordedThatIsNoRunName_DeletesNothingAndDoesNotThrow()
    {
        var home = new DstackHome(Path.Combine(_root, "home"));
        Directory.CreateDirectory(home.RunsFolder);
        File.WriteAllText(Path.Combine(home.Root, "state.db"), "keep");

        RunController.TryDeleteCode(home, "..");
        RunController.TryDeleteCode(home, "a/b");

        Assert.Equal("keep", File.ReadAllText(Path.Combine(home.Root, "state.db")));
        Assert.True(Directory.Exists(home.RunsFolder));
    }
}
