using System.Diagnostics;
using System.Runtime.Versioning;
using Dstack.Runtime.DevEnvironments;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.DevEnvironments;

/// <summary>
/// sftp and scp into a dev environment whose sessions run in a container, for real: a loopback sshd with the session
/// script of a running busybox container (which has no sftp-server): the machine's server is copied into
/// <c>/.dstack/sftp</c> there and serves from the container's working folder; an image's own server is used as it is;
/// where no server can be had the session ends with one line saying why.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ContainerSftpTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly string _folder = Path.Combine("/tmp", "dcs-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<string> _containers = [];

    public ContainerSftpTests()
    {
        Directory.CreateDirectory(_folder);
        Key = Path.Combine(_folder, "client_key");
        Assert.Equal(0, Run("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-f", Key).Code);
    }

    private string Key { get; }

    /// <summary>A name of this test's own, for files that must not show up on this machine.</summary>
    private string Unique => Path.GetFileName(_folder);

    public void Dispose()
    {
        foreach (var container in _containers)
        {
            Run("docker", "rm", "-f", container);
        }

        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A running busybox container (host network, working folder /workflow), removed at the end.</summary>
    private string StartContainer(params string[] options)
    {
        var name = $"{Unique}-{_containers.Count}";
        var run = Run("docker", ["run", "-d", "--network", "host", "--name", name, "-w", "/workflow", .. options, SshDockerFactAttribute.Image, "sleep", "600"]);
        Assert.True(run.Code == 0, run.Error);
        _containers.Add(name);
        return name;
    }

    private (LoopbackSshServer Server, string Config) StartServer(string? container)
    {
        var server = LoopbackSshServer.Start(
            Path.Combine(_folder, "server-" + (container ?? "machine")),
            File.ReadAllText(Key + ".pub"),
            "/workflow",
            new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")! },
            container: container);
        var config = new SshClientConfig(new DstackHome(Path.Combine(_folder, "home")), Path.Combine(_folder, "user"), includeInUserConfig: false);
        config.AddRun("dev", server.LoginAs("dev", Key), null);
        return (server, config.Path);
    }

    private static (int Code, string Output, string Error) Run(string program, params string[] arguments)
    {
        var run = ProgramOutput.Run(program, arguments, null, Limit);
        Assert.False(run.TimedOut, $"{program} {string.Join(' ', arguments)} ran past {Limit}");
        return (run.ExitCode, run.Output, run.Error);
    }

    private (int Code, string Output, string Error) Sftp(string config, params string[] commands)
    {
        var batch = Path.Combine(_folder, "batch-" + Guid.NewGuid().ToString("N")[..6]);
        File.WriteAllText(batch, string.Join('\n', commands) + "\n");
        return Run("sftp", "-F", config, "-o", "BatchMode=yes", "-b", batch, "dev");
    }

    private string InContainer(string container, string command)
    {
        var run = Run("docker", "exec", container, "/bin/sh", "-c", command);
        Assert.True(run.Code == 0, $"{command}: {run.Error}");
        return run.Output;
    }

    [Fact]
    public void Sftp_TheSubsystem_ReachesTheForcedScriptWithTheSubsystemsCommandAsTheOriginalCommand()
    {
        // What the session script tells an sftp session by: OpenSSH's sshd (9.2 on Debian 12) runs the forced command
        // for a subsystem too, with SSH_ORIGINAL_COMMAND set to the Subsystem line's command.
        var (server, config) = StartServer(null);
        using var _ = server;
        var seen = Path.Combine(_folder, "seen");
        File.WriteAllText(Path.Combine(server.Folder, "session.sh"), $"printf '%s' \"$SSH_ORIGINAL_COMMAND\" > {seen}\nexec {ContainerSftp.SubsystemCommand}\n");

        var (code, output, error) = Sftp(config, "pwd");

        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("Remote working directory: ", output, StringComparison.Ordinal);
        Assert.Equal(ContainerSftp.SubsystemCommand, File.ReadAllText(seen));
        Assert.Contains($"\nSubsystem sftp {ContainerSftp.SubsystemCommand}\n", File.ReadAllText(Path.Combine(server.Folder, "sshd_config")), StringComparison.Ordinal);
    }

    [SshDockerFact]
    public void Sftp_BusyboxHasNoServer_TheMachinesIsCopiedThere_AndServesFromTheWorkingFolder()
    {
        var container = StartContainer();
        var (server, config) = StartServer(container);
        using var _ = server;
        Assert.Equal("none\n", InContainer(container, $"for p in {string.Join(' ', ContainerSftp.ServerPaths)}; do [ -e $p ] && exit 0; done; echo none"));

        var (code, output, error) = Sftp(config, "pwd");

        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("Remote working directory: /workflow\n", output, StringComparison.Ordinal);
        var copied = InContainer(container, $"ls {ContainerSftp.CopyFolder}/").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("sftp-server", copied);
        Assert.Contains("ld.so", copied);
        Assert.Contains("libc.so.6", copied);
    }

    [SshDockerFact]
    public void Scp_ToAnAbsoluteAndARelativePath_LandsInTheContainer_NotOnTheMachine()
    {
        var container = StartContainer();
        var (server, config) = StartServer(container);
        using var _ = server;
        var file = Path.Combine(_folder, "hello.txt");
        File.WriteAllText(file, "hello from scp\n");
        var absolute = $"/tmp/{Unique}.txt";

        var toAbsolute = Run("scp", "-F", config, "-o", "BatchMode=yes", file, $"dev:{absolute}");
        var toRelative = Run("scp", "-F", config, "-o", "BatchMode=yes", file, "dev:relative.txt");

        Assert.True(toAbsolute.Code == 0, toAbsolute.Error);
        Assert.True(toRelative.Code == 0, toRelative.Error);
        Assert.Equal("hello from scp\nhello from scp\n", InContainer(container, $"cat {absolute} /workflow/relative.txt"));
        Assert.False(File.Exists(absolute), $"{absolute} is on this machine");
        Assert.False(File.Exists(Path.Combine(Environment.GetEnvironmentVariable("HOME")!, "relative.txt")), "relative.txt is in this machine's home");

        // And back: scp from the container.
        var back = Path.Combine(_folder, "back.txt");
        var from = Run("scp", "-F", config, "-o", "BatchMode=yes", "dev:relative.txt", back);
        Assert.True(from.Code == 0, from.Error);
        Assert.Equal("hello from scp\n", File.ReadAllText(back));
    }

    [SshDockerFact]
    public void Sftp_AsTheContainersUser_NotRoot_TheCopyServesAndWritesAsThatUser()
    {
        // busybox's nobody (65534): the copy, made while sessions run with umask 077, must still be readable by it.
        var container = StartContainer("--user", "65534:65534");
        var (server, config) = StartServer(container);
        using var _ = server;
        var file = Path.Combine(_folder, "mine.txt");
        File.WriteAllText(file, "nobody's\n");

        var (code, output, error) = Sftp(config, "pwd", $"put {file} /tmp/{Unique}.txt");

        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("Remote working directory: /workflow\n", output, StringComparison.Ordinal);
        Assert.Equal("65534 nobody's\n", InContainer(container, $"printf '%s ' $(stat -c %u /tmp/{Unique}.txt); cat /tmp/{Unique}.txt"));
    }

    [SshDockerFact]
    public async Task Sftp_TwoFirstSessionsAtOnce_BothWork_AndOneCopyIsKept()
    {
        var container = StartContainer();
        var (server, config) = StartServer(container);
        using var _ = server;

        var sessions = await Task.WhenAll(Task.Run(() => Sftp(config, "pwd")), Task.Run(() => Sftp(config, "pwd")));

        foreach (var (code, output, error) in sessions)
        {
            Assert.True(code == 0, $"exit {code}: {error}");
            Assert.Contains("Remote working directory: /workflow\n", output, StringComparison.Ordinal);
        }

        // The link and the one copy it names: the other session's copy is gone.
        var entries = InContainer(container, $"ls -a {Path.GetDirectoryName(ContainerSftp.CopyFolder)}").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, entries.Length);
        var second = Sftp(config, "pwd");
        Assert.True(second.Code == 0, second.Error);
    }

    [SshDockerFact]
    public void Sftp_AnImageWithItsOwnServer_RunsThatOne_AndCopiesNothing()
    {
        var container = StartContainer();

        // The image's "own" server at Alpine's path: a script that says it ran, then serves with a copy made by hand.
        var real = ContainerSftp.ServerPaths.First(File.Exists);
        var staging = Path.Combine(_folder, "opt");
        Directory.CreateDirectory(staging);
        File.Copy(real, Path.Combine(staging, "sftp-server"));
        foreach (var line in Run("ldd", real).Output.Split('\n'))
        {
            var words = line.Trim().Split(' ');
            if (words.Length >= 3 && words[1] == "=>")
            {
                File.Copy(words[2], Path.Combine(staging, words[0]));
            }
            else if (words[0].StartsWith('/'))
            {
                File.Copy(words[0], Path.Combine(staging, "ld.so"));
            }
        }

        File.WriteAllText(Path.Combine(staging, "own"), "#!/bin/sh\necho \"$(id -u) $PWD\" > /tmp/own-ran\nexec /opt/sftp/ld.so --library-path /opt/sftp /opt/sftp/sftp-server\n");
        Assert.Equal(0, Run("chmod", "-R", "a+rx", staging).Code);
        InContainer(container, "mkdir -p /opt /usr/lib/ssh");
        Assert.Equal(0, Run("docker", "cp", staging, $"{container}:/opt/sftp").Code);
        InContainer(container, "mv /opt/sftp/own /usr/lib/ssh/sftp-server");
        var (server, config) = StartServer(container);
        using var _ = server;

        var (code, output, error) = Sftp(config, "pwd");

        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("Remote working directory: /workflow\n", output, StringComparison.Ordinal);
        Assert.Equal("0 /workflow\n", InContainer(container, "cat /tmp/own-ran"));
        Assert.Equal("no copy\n", InContainer(container, $"[ -e {ContainerSftp.CopyFolder} ] || echo no copy"));
    }

    [SshDockerFact]
    public void Sftp_NoServerAndNoCopyPossible_EndsAtOnceSayingWhyToTheClient()
    {
        // A read-only root: docker cp cannot write /.dstack.
        var container = StartContainer("--read-only");
        var (server, config) = StartServer(container);
        using var _ = server;
        var clock = Stopwatch.StartNew();

        var (code, _, error) = Sftp(config, "pwd");
        var scp = Run("scp", "-F", config, "-o", "BatchMode=yes", Key + ".pub", "dev:/tmp/x.pub");

        Assert.NotEqual(0, code);
        Assert.NotEqual(0, scp.Code);
        Assert.True(clock.Elapsed < Limit, $"took {clock.Elapsed}");

        // sshd drops a subsystem's stderr: the reason comes back as the server's answer, which sftp prints.
        var lines = error.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Contains("dstack: ", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 1, error);
        Assert.StartsWith($"realpath .: dstack: no sftp server in the dev environment's container {container}: the image has none (looked at /usr/lib/openssh/sftp-server, ", lines[0], StringComparison.Ordinal);
        Assert.True(lines[0].Contains("could not be copied into /.dstack/sftp there (docker cp into it failed: Error response from daemon: ", StringComparison.Ordinal), lines[0]);
        Assert.EndsWith("install OpenSSH's sftp server in the image (Debian/Ubuntu: openssh-sftp-server; Alpine: openssh-sftp-server)", lines[0], StringComparison.Ordinal);

        // scp prints only the status ("dest open \"/tmp/x.pub\": Failure"), not the server's message.
        Assert.Contains("Failure", scp.Error, StringComparison.Ordinal);
    }
}
