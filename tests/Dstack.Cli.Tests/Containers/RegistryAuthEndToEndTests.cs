using System.Text;
using Dstack.Cli.Tests.Runs;
using Dstack.Runtime.Processes;

namespace Dstack.Cli.Tests.Containers;

/// <summary>
/// <c>registry_auth</c> through the real program against a real registry with basic auth on loopback
/// (<see cref="LoopbackRegistry"/>): the private image is pulled with the credentials (and its progress shown as
/// <c>pulling</c> events), the password is nowhere to be read, and each way a pull fails is said before the job starts.
/// </summary>
[Collection(RunCollection.Name)]
public sealed class RegistryAuthEndToEndTests : IClassFixture<LoopbackRegistry>, IDisposable
{
    private readonly LoopbackRegistry _registry;
    private readonly DstackSandbox _sandbox = new();
    private readonly string _name = "reg-" + Guid.NewGuid().ToString("N")[..8];

    public RegistryAuthEndToEndTests(LoopbackRegistry registry)
    {
        _registry = registry;
        if (RegistryFactAttribute.UnavailableReason is null)
        {
            _registry.RemoveLocalImage(); // so that every run really pulls
        }
    }

    public void Dispose()
    {
        _sandbox.Dispose();
        ProgramOutput.Run("docker", ["rm", "--force", Container], null, TimeSpan.FromSeconds(30));
    }

    private string Container => $"dstack-{_name}-0";

    [RegistryFact]
    public async Task Run_PrivateImageWithRegistryAuth_PullsWithProgressAndRuns_PasswordReadableNowhere()
    {
        WriteTask(_registry.Image, withAuth: true);
        _sandbox.Environment["REG_PW"] = _registry.Password;

        // Every process's command line is read while the run goes on (the pull, the container, the controller).
        var process = _sandbox.Start("run", "-y");
        var seenIn = new List<string>();
        var exited = process.WaitAsync(TimeSpan.FromSeconds(90));
        while (!exited.IsCompleted)
        {
            seenIn.AddRange(CommandLinesWith(_registry.Password));
            await Task.WhenAny(exited, Task.Delay(20));
        }

        var run = await exited;
        Assert.True(run.Code == 0, $"{run}\nregistry log:\n{_registry.Log}");
        Assert.Contains("pulled-and-running", run.Output, StringComparison.Ordinal);
        Assert.True(_registry.HasLocalImage(), $"{_registry.Image} is not on the engine after the run");
        Assert.Empty(seenIn.Distinct());
        Assert.DoesNotContain(_registry.Password, run.ToString(), StringComparison.Ordinal);

        var logs = await _sandbox.RunAsync("logs", _name);
        Assert.Contains("pulled-and-running", logs.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(_registry.Password, logs.ToString(), StringComparison.Ordinal);
        var record = await _sandbox.RunRecordAsync(_name);
        Assert.DoesNotContain(_registry.Password, record.GetRawText(), StringComparison.Ordinal);
        Assert.Empty(HomeFilesWith(_registry.Password)); // state.db (and its WAL), the run's log files

        var pulls = record.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "pulling").ToList();
        Assert.True(pulls.Any(e => e.GetProperty("total").GetInt64() > 0), $"no pulling event with the bytes to download: {record}");
        Assert.True(
            pulls.Any(e => e.GetProperty("layers").GetInt32() > 0 && e.GetProperty("layers_done").GetInt32() == e.GetProperty("layers").GetInt32()),
            $"no pulling event with all layers done: {record}");
        Assert.All(pulls, e => Assert.Equal(_registry.Image, e.GetProperty("image").GetString()));
    }

    [RegistryFact]
    public async Task Run_PrivateImageOnAnSshHost_IsPulledByTheHostsEngineThroughTheForward_WithTheCredentials()
    {
        // The "host" is this machine's sshd on 127.0.0.1; its engine (this machine's) is reached through the SSH forward.
        using var sshd = new Dstack.Runtime.Tests.Ssh.LoopbackSshd();
        _sandbox.UseSshHost(sshd);
        WriteTask(_registry.Image, withAuth: true);
        _sandbox.Environment["REG_PW"] = _registry.Password;

        var run = await _sandbox.Start("run", "-b", "ssh", "-y").WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(run.Code == 0, $"{run}\nregistry log:\n{_registry.Log}");
        Assert.Contains("pulled-and-running", run.Output, StringComparison.Ordinal);
        Assert.Contains($"pulling {_registry.Image} on lo", run.Error, StringComparison.Ordinal);
        Assert.True(_registry.HasLocalImage(), $"{_registry.Image} is not on the host's engine after the run");
        Assert.DoesNotContain(_registry.Password, run.ToString(), StringComparison.Ordinal);
        var record = await _sandbox.RunRecordAsync(_name);
        Assert.Contains(record.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "pulling" && e.GetProperty("host").GetString() == "lo");
    }

    [RegistryFact]
    public async Task Run_WrongPasswordOnAnSshHost_FailsBeforeTheJob_NamingTheHost()
    {
        using var sshd = new Dstack.Runtime.Tests.Ssh.LoopbackSshd();
        _sandbox.UseSshHost(sshd);
        WriteTask(_registry.Image, withAuth: true);
        _sandbox.Environment["REG_PW"] = "not-the-password";

        var run = await _sandbox.Start("run", "-b", "ssh", "-y").WaitAsync(TimeSpan.FromSeconds(90));

        AssertFailedBeforeTheJob(run, _registry.Image);
        AssertSays(run, "on lo:");
        AssertSays(run, "refused the credentials of registry_auth");
    }

    [RegistryFact]
    public async Task Run_InATerminal_ShowsThePullAsABarWithItsLayers()
    {
        WriteTask(_registry.Image, withAuth: true);
        _sandbox.Environment["REG_PW"] = _registry.Password;

        var run = await PseudoTerminal.Start(_sandbox, [], "run", "-y").WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(run.Code == 0, run.ToString());
        // The terminal is redrawn a few times a second: a quick pull may skip a frame, so any count of the 2 layers will do.
        Assert.Matches($@"pulling {System.Text.RegularExpressions.Regex.Escape(_registry.Image)} \([0-2]/2 layers\)", run.Output);
        Assert.DoesNotContain(_registry.Password, run.Output, StringComparison.Ordinal);
    }

    [RegistryFact]
    public async Task Run_WrongPassword_FailsBeforeTheJob_NamingTheImageAndTheRegistry()
    {
        WriteTask(_registry.Image, withAuth: true);
        _sandbox.Environment["REG_PW"] = "not-" + _registry.Password;

        var run = await _sandbox.RunAsync("run", "-y");

        AssertFailedBeforeTheJob(run, _registry.Image);
        AssertSays(run, $"could not be pulled from {_registry.Address}");
        AssertSays(run, $"{_registry.Address} refused the credentials of registry_auth (user \"{LoopbackRegistry.Username}\")");
        Assert.DoesNotContain("not-" + _registry.Password, run.ToString(), StringComparison.Ordinal);
        var logs = await _sandbox.RunAsync("logs", _name);
        Assert.Contains("refused the credentials of registry_auth", logs.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("not-" + _registry.Password, logs.ToString(), StringComparison.Ordinal);
        Assert.Empty(HomeFilesWith("not-" + _registry.Password));
    }

    [RegistryFact]
    public async Task Run_NoRegistryAuth_SaysTheRegistryWantsCredentials()
    {
        WriteTask(_registry.Image, withAuth: false);

        var run = await _sandbox.RunAsync("run", "-y");

        AssertFailedBeforeTheJob(run, _registry.Image);
        AssertSays(run, $"{_registry.Address} wants credentials for \"private/busybox\": add registry_auth");
    }

    [RegistryFact]
    public async Task Run_UnknownTag_SaysTheRegistryHasNoSuchImage()
    {
        var image = $"{_registry.Address}/private/busybox:no-such-tag";
        WriteTask(image, withAuth: true);
        _sandbox.Environment["REG_PW"] = _registry.Password;

        var run = await _sandbox.RunAsync("run", "-y");

        AssertFailedBeforeTheJob(run, image);
        AssertSays(run, $"{_registry.Address} has no image \"private/busybox\" with the tag \"no-such-tag\"");
    }

    [RegistryFact]
    public async Task Run_RegistryOnAClosedPort_SaysTheEngineCannotReachIt()
    {
        var closed = $"127.0.0.1:{Loopback.FreePort()}";
        var image = $"{closed}/private/busybox:1.35";
        WriteTask(image, withAuth: true);
        _sandbox.Environment["REG_PW"] = _registry.Password;

        var run = await _sandbox.RunAsync("run", "-y");

        AssertFailedBeforeTheJob(run, image);
        AssertSays(run, $"the engine on this machine cannot reach {closed}:");
        AssertSays(run, "connection refused");
    }

    private void WriteTask(string image, bool withAuth)
    {
        var auth = withAuth ? $"env:\n  - REG_PW\nregistry_auth:\n  username: {LoopbackRegistry.Username}\n  password: ${{{{ env.REG_PW }}}}\n" : string.Empty;
        _sandbox.Write(".dstack.yml", $"type: task\nname: {_name}\nimage: {image}\n{auth}commands:\n  - echo pulled-and-running\n  - sleep 1\n");
    }

    /// <summary>The run failed with DSTK3032 naming the image, and no job ran: no output of its own, no container made.</summary>
    private void AssertFailedBeforeTheJob(DstackResult run, string image)
    {
        Assert.True(run.Code != 0, run.ToString());
        AssertSays(run, "DSTK3032");
        AssertSays(run, $"image: \"{image}\" could not be pulled");
        Assert.DoesNotContain("pulled-and-running", run.Output, StringComparison.Ordinal);
        var listing = ProgramOutput.Run("docker", ["ps", "-a", "-q", "--filter", $"name=^{Container}$"], null, TimeSpan.FromSeconds(30));
        Assert.True(listing.ExitCode == 0 && listing.Output.Trim().Length == 0, $"a container {Container} was made: {listing.Output}{listing.Error}");
    }

    /// <summary>The run's error output holds <paramref name="text"/>; the whole output is shown when not.</summary>
    private static void AssertSays(DstackResult run, string text) =>
        Assert.True(run.Error.Contains(text, StringComparison.Ordinal), $"'{text}' is not in the run's error output:\n{run}");

    /// <summary>The pids whose <c>/proc/PID/cmdline</c> holds <paramref name="secret"/>, with the line.</summary>
    private static IEnumerable<string> CommandLinesWith(string secret)
    {
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            string line;
            try
            {
                line = File.ReadAllText(Path.Combine(folder, "cmdline"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (line.Contains(secret, StringComparison.Ordinal))
            {
                yield return $"{Path.GetFileName(folder)}: {line.Replace('\0', ' ')}";
            }
        }
    }

    /// <summary>The files under $DSTACK_HOME whose bytes hold <paramref name="secret"/> (as UTF-8 or UTF-16).</summary>
    private IEnumerable<string> HomeFilesWith(string secret)
    {
        var patterns = new[] { Encoding.UTF8.GetBytes(secret), Encoding.Unicode.GetBytes(secret) };
        foreach (var file in Directory.EnumerateFiles(_sandbox.Home, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (IOException)
            {
                continue;
            }

            if (patterns.Any(p => bytes.AsSpan().IndexOf(p) >= 0))
            {
                yield return file;
            }
        }
    }
}
