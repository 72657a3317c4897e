using Dstack.Runtime.Services;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Services;

/// <summary>The user's service token file: made once, private from its creation, refused when others can read it or it holds no token.</summary>
[Trait("Category", "Fast")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServiceTokenTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dstack-token-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void GetOrCreate_MakesAPrivateRandomToken_Once_AndReadsItBack()
    {
        var home = new DstackHome(Path.Combine(_root, "home"));

        var first = ServiceToken.GetOrCreate(home);
        var again = ServiceToken.GetOrCreate(home);

        Assert.Equal(first, again);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", first);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(home.ServiceTokenFile));
        Assert.NotEqual(first, ServiceToken.GetOrCreate(new DstackHome(Path.Combine(_root, "other"))));
        Assert.Single(Directory.GetFiles(home.Root));
    }

    [Fact]
    public void AFileOthersCanRead_IsRefused_WithTheChmodToRun()
    {
        var home = new DstackHome(_root);
        ServiceToken.GetOrCreate(home);
        File.SetUnixFileMode(home.ServiceTokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var e = Assert.Throws<IOException>(() => ServiceToken.GetOrCreate(home));

        Assert.Contains($"run `chmod 600 {home.ServiceTokenFile}`", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("has spaces in it and more text")]
    public void AFileWithoutAToken_IsRefused_NotReplaced(string text)
    {
        var home = new DstackHome(_root);
        File.WriteAllText(home.ServiceTokenFile, text);
        File.SetUnixFileMode(home.ServiceTokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var e = Assert.Throws<IOException>(() => ServiceToken.GetOrCreate(home));

        Assert.Contains("holds no service token", e.Message, StringComparison.Ordinal);
        Assert.Equal(text, File.ReadAllText(home.ServiceTokenFile));
    }

    [Fact]
    public void ManyMakingItAtOnce_AllGetTheSameToken()
    {
        // Repeated: the race between makers is lost only now and then.
        for (var round = 0; round < 50; round++)
        {
            var home = new DstackHome(Path.Combine(_root, $"race-{round}"));
            var tokens = new string[8];
            using var start = new Barrier(tokens.Length);
            Parallel.For(0, tokens.Length, new ParallelOptions { MaxDegreeOfParallelism = tokens.Length }, i =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                tokens[i] = ServiceToken.GetOrCreate(home);
            });

            Assert.Single(tokens.Distinct());
            Assert.Equal(tokens[0], File.ReadAllText(home.ServiceTokenFile).Trim());
            Assert.Single(Directory.GetFiles(home.Root));
        }
    }
}
