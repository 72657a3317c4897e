using System.Diagnostics;
using System.Net;
using Dstack.Cli.Tests.Runs;
using Dstack.Runtime.Processes;

namespace Dstack.Cli.Tests.Containers;

/// <summary>
/// Debian's reference registry (<c>docker-registry</c>) on 127.0.0.1 at a free port, with basic auth from an
/// <c>htpasswd</c> (bcrypt) file and its storage in a temporary folder, holding one private image,
/// <see cref="Image"/>: the busybox image with a layer of random bytes of its own, so that a pull really downloads
/// something. Plain HTTP: the engine treats 127.0.0.0/8 registries as insecure ones. Stopped and deleted, with the
/// image on the engine, at the end. Does nothing where <see cref="RegistryFactAttribute"/> skips.
/// </summary>
public sealed class LoopbackRegistry : IAsyncLifetime
{
    public const string Username = "dstack-tester";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder = new();
    private Process? _registry;

    /// <summary>A password no other test uses, so that finding it anywhere means this fixture's leaked.</summary>
    public string Password { get; } = "pw-" + Guid.NewGuid().ToString("N");

    public int Port { get; private set; }

    /// <summary><c>127.0.0.1:PORT</c>.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The private image: <c>127.0.0.1:PORT/private/busybox:1.35</c>.</summary>
    public string Image => $"{Address}/private/busybox:1.35";

    /// <summary>The registry's own log (what it was asked and answered), for failure messages.</summary>
    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : string.Empty;

    private string LogPath => Path.Combine(_folder.Path, "registry.log");

    public async Task InitializeAsync()
    {
        if (RegistryFactAttribute.UnavailableReason is not null)
        {
            return;
        }

        var htpasswd = Run("htpasswd", ["-B", "-i", "-n", Username], Password);
        _folder.Write("htpasswd", htpasswd);
        Port = Loopback.FreePort();
        var config = _folder.Write("config.yml", $"""
            version: 0.1
            log:
              level: info
            storage:
              filesystem:
                rootdirectory: {Path.Combine(_folder.Path, "storage")}
            http:
              addr: {Address}
            auth:
              htpasswd:
                realm: dstack-tests
                path: {Path.Combine(_folder.Path, "htpasswd")}
            """);

        // The registry's output goes to a file (through the shell) so that nothing has to drain its pipes.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec docker-registry serve \"$1\" >\"$2\" 2>&1");
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(config);
        start.ArgumentList.Add(LogPath);
        _registry = Process.Start(start)!;
        await WaitUntilAnsweringAsync();

        // The image: busybox and 3 MB of random bytes, pushed with a login kept in a folder of this fixture.
        var context = Path.Combine(_folder.Path, "image");
        Directory.CreateDirectory(context);
        await File.WriteAllBytesAsync(Path.Combine(context, "blob.bin"), RandomBytes(3 * 1024 * 1024));
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), $"FROM {DockerFactAttribute.Image}\nCOPY blob.bin /blob.bin\n");
        var dockerConfig = Path.Combine(_folder.Path, "docker-config");
        Directory.CreateDirectory(dockerConfig);
        Run("docker", ["build", "-q", "--force-rm", "-t", Image, context], null);
        Run("docker", ["--config", dockerConfig, "login", "-u", Username, "--password-stdin", Address], Password);
        Run("docker", ["--config", dockerConfig, "push", Image], null);
        RemoveLocalImage();
    }

    /// <summary>Removes <see cref="Image"/> from the engine (this fixture's tag only), so that the next run pulls it.</summary>
    public void RemoveLocalImage() => ProgramOutput.Run("docker", ["rmi", Image], null, Limit);

    /// <summary>Whether the engine has <see cref="Image"/>.</summary>
    public bool HasLocalImage() => ProgramOutput.Run("docker", ["image", "inspect", Image], null, Limit).ExitCode == 0;

    public Task DisposeAsync()
    {
        if (Port != 0)
        {
            RemoveLocalImage();
        }

        if (_registry is { } registry)
        {
            if (!registry.HasExited)
            {
                registry.Kill();
                registry.WaitForExit(10_000);
            }

            registry.Dispose();
        }

        _folder.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The full path of <paramref name="program"/> on PATH; null when it is not there.</summary>
    public static string? FindProgram(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Runs a setup step; fails the fixture with its output when it fails.</summary>
    private string Run(string program, string[] arguments, string? input)
    {
        var run = ProgramOutput.Run(program, arguments, input, Limit);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed with exit code {run.ExitCode}: {run.Error}{run.Output}\nregistry log:\n{Log}");
        }

        return run.Output;
    }

    /// <summary>Waits (bounded) for the registry's <c>GET /v2/</c> to answer 401 (it wants credentials: auth is on).</summary>
    private async Task WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://{Address}/v2/"));
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    return;
                }

                throw new InvalidOperationException($"the registry at {Address} answered /v2/ with {(int)response.StatusCode}, not 401: is auth off?\n{Log}");
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !_registry!.HasExited)
            {
                await Task.Delay(50);
            }
            catch (HttpRequestException e)
            {
                throw new InvalidOperationException($"the registry did not answer on {Address}: {e.Message}\n{Log}", e);
            }
        }
    }
}
