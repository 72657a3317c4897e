using Dstack.Cli.Tests.Runs;

namespace Dstack.Cli.Tests.Containers;

/// <summary>
/// An image of this class's own that declares a <c>VOLUME</c> (the local busybox image plus <c>/scratch</c>), so each
/// container of it gets an anonymous volume that must not outlive it. Made once per class, on first use (no engine: never),
/// from the local image without a registry (<c>docker commit --change</c>), and removed at the end.
/// </summary>
public sealed class VolumeImageFixture : IDisposable
{
    private readonly Lock _gate = new();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];
    private string? _image;

    /// <summary>The image's name, made the first time it is asked for.</summary>
    public string Image
    {
        get
        {
            lock (_gate)
            {
                if (_image is null)
                {
                    var source = $"dstack-test-volume-src-{_suffix}";
                    var name = $"localhost/dstack-test-volume:{_suffix}";
                    var created = EngineState.Docker("create", "--name", source, DockerFactAttribute.Image);
                    Assert.True(created.ExitCode == 0, created.Error);
                    try
                    {
                        var committed = EngineState.Docker("commit", "--change", "VOLUME [\"/scratch\"]", source, name);
                        Assert.True(committed.ExitCode == 0, committed.Error);
                    }
                    finally
                    {
                        EngineState.Docker("rm", "--force", source);
                    }

                    _image = name;
                }

                return _image;
            }
        }
    }

    public void Dispose()
    {
        if (_image is not null)
        {
            EngineState.Docker("rmi", "--force", _image);
        }
    }
}
