using Dstack.Runtime.Backends;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Backends;

/// <summary>The state folder's SSH key pair for cloud instances: made once with ssh-keygen, private, shared by concurrent callers.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ProjectKeyTests : IDisposable
{
    private readonly DstackHome _home = new(Path.Combine(Path.GetTempPath(), "dstack-key-" + Guid.NewGuid().ToString("N")[..8]));

    public void Dispose()
    {
        if (Directory.Exists(_home.Root))
        {
            Directory.Delete(_home.Root, recursive: true);
        }
    }

    [Fact]
    public void Of_NewHome_MakesAPrivateEd25519Key_AndTheSameOneAfterwards()
    {
        var first = ProjectKey.Of(_home);
        var again = ProjectKey.Of(_home);

        Assert.Equal(first, again);
        Assert.StartsWith("ssh-ed25519 AAAA", first.PublicKey, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.PrivateKeyFile));
        Assert.Equal(first.PublicKey, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(first.PublicKeyBase64)));
        Assert.Matches("^dstack-[0-9a-f]{12}$", first.Name);
        Assert.Equal(["project_key", "project_key.lock", "project_key.pub"], Directory.GetFiles(_home.SshFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Of_ManyCallersAtOnce_AllGetTheOneKey()
    {
        var keys = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => ProjectKey.Of(_home))));

        Assert.Single(keys.Distinct());
        Assert.Equal(3, Directory.GetFiles(_home.SshFolder).Length);
    }

    [Fact]
    public void Of_TwoHomes_DifferentKeysAndNames()
    {
        var other = new DstackHome(_home.Root + "-other");
        try
        {
            Assert.NotEqual(ProjectKey.Of(_home).Name, ProjectKey.Of(other).Name);
        }
        finally
        {
            Directory.Delete(other.Root, recursive: true);
        }
    }
}
