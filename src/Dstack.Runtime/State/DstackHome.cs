namespace Dstack.Runtime.State;

/// <summary>
/// The folder that holds dstack's state: <c>$DSTACK_HOME</c>, or <c>~/.dstack</c>. Inside: <c>state.db</c>,
/// <c>runs/&lt;run&gt;/logs/</c>, <c>runs/&lt;run&gt;/code/</c> while a run is active, <c>cache/</c>, <c>artifacts/&lt;run&gt;/</c>, <c>config.yml</c> and <c>ssh/</c>.
/// </summary>
public sealed record DstackHome(string Root)
{
    public string StateDatabase => Path.Combine(Root, "state.db");

    public string RunsFolder => Path.Combine(Root, "runs");

    public string CacheFolder => Path.Combine(Root, "cache");

    /// <summary><c>config.yml</c>: the user's settings, such as the SSH hosts of <c>dstack pool add-ssh</c>.</summary>
    public string ConfigFile => Path.Combine(Root, "config.yml");

    /// <summary>The OpenSSH client's files: <c>known_hosts</c> and the ControlMaster sockets.</summary>
    public string SshFolder => Path.Combine(Root, "ssh");

    /// <summary>The host keys of the SSH hosts, recorded on first contact; a changed key is refused.</summary>
    public string KnownHostsFile => Path.Combine(SshFolder, "known_hosts");

    /// <summary>
    /// <c>ssh/instances/&lt;instance-id&gt;</c>: the files of one cloud instance (its own known_hosts), removed when it is
    /// terminated; an id that is not one plain path segment is an <see cref="UnsafePathException"/>.
    /// </summary>
    public string InstanceSshFolder(string instanceId) => ContainedPath.Child(Path.Combine(SshFolder, "instances"), instanceId);

    /// <summary>The host keys of one cloud instance: a new instance at a reused address has new keys, accepted on first contact.</summary>
    public string InstanceKnownHostsFile(string instanceId) => Path.Combine(InstanceSshFolder(instanceId), "known_hosts");

    /// <summary><c>artifacts/</c>: the saved artifacts of pipelines' runs, a folder per run.</summary>
    public string ArtifactsRoot => Path.Combine(Root, "artifacts");

    /// <summary>The bearer token of this user's services (<c>auth: true</c>), 0600.</summary>
    public string ServiceTokenFile => Path.Combine(Root, "service-token");

    /// <summary><c>artifacts/&lt;run&gt;</c>; a name that is not one plain path segment is an <see cref="UnsafePathException"/>.</summary>
    public string ArtifactsFolder(string runName) => ContainedPath.Child(ArtifactsRoot, runName);

    /// <summary><c>cache/workflows/</c>: workflows' <c>cache:</c> paths kept between runs.</summary>
    public string WorkflowCachesFolder => Path.Combine(CacheFolder, "workflows");

    public string BuildsFolder => Path.Combine(CacheFolder, "builds");

    /// <summary><c>runs/&lt;run&gt;</c>; a name that is not one plain path segment is an <see cref="UnsafePathException"/>.</summary>
    public string RunFolder(string runName) => ContainedPath.Child(RunsFolder, runName);

    public string LogsFolder(string runName) => Path.Combine(RunFolder(runName), "logs");

    public string LogFile(string runName, int jobNum) => Path.Combine(LogsFolder(runName), $"job-{jobNum}.log");

    public string ControllerLog(string runName) => Path.Combine(RunFolder(runName), "controller.log");

    /// <summary>The working copies of a run's jobs; removed when the run ends.</summary>
    public string CodeFolder(string runName) => Path.Combine(RunFolder(runName), "code");

    /// <summary>$DSTACK_HOME when set (and not empty), else <c>~/.dstack</c>.</summary>
    public static DstackHome FromEnvironment(IReadOnlyDictionary<string, string>? environment = null)
    {
        var configured = environment is null ? System.Environment.GetEnvironmentVariable("DSTACK_HOME") : environment.GetValueOrDefault("DSTACK_HOME");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new DstackHome(Path.GetFullPath(configured));
        }

        return new DstackHome(Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".dstack"));
    }
}
