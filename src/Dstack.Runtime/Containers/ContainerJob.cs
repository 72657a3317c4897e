using System.IO.Pipelines;
using Dstack.Runtime.Processes;

namespace Dstack.Runtime.Containers;

/// <summary>
/// A job running in a container, followed through the engine's API wherever the engine is (this machine, or a host over
/// SSH): its output from the engine's log (resumed where it stopped after a dropped link), its end from the engine's
/// wait, a stop's signal sent to the container's init (which passes it to the job), and a kill that removes the
/// container with its anonymous volumes. The container outlives a dropped link and this process; it is found again by
/// its name and its job label (<see cref="ContainerLaunch.JobLabel"/>).
/// </summary>
public sealed class ContainerJob : IJobProcess
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How many times in a row the log is reopened without a message coming before it is given up.</summary>
    private const int MaxBarrenResumes = 5;

    private readonly ContainerEngine _engine;
    private readonly Pipe _stdout = new();
    private readonly Pipe _stderr = new();
    private readonly CancellationTokenSource _disposed = new();
    private volatile bool _removed;

    private ContainerJob(ContainerEngine engine, string id, string name, int pid)
    {
        _engine = engine;
        Id = id;
        Name = name;
        Pid = pid;
        Stdout = _stdout.Reader.AsStream();
        Stderr = _stderr.Reader.AsStream();
        Exited = RunAsync(_disposed.Token);
    }

    /// <summary>The container's id.</summary>
    public string Id { get; }

    /// <summary>The container's name, <c>dstack-RUN-RANK</c>.</summary>
    public string Name { get; }

    /// <summary>0: the container's processes are the engine's (a stop goes through the engine, never a process id).</summary>
    public int Pid { get; }

    public Stream Stdout { get; }

    public Stream Stderr { get; }

    public Task<int> Exited { get; }

    public string? LostReason { get; private set; }

    /// <summary>
    /// Creates and starts <paramref name="request"/>'s container (see <see cref="CreateAsync"/> for a name in use).
    /// </summary>
    /// <exception cref="ContainerStartException">The engine refused: the message says why and what to do.</exception>
    public static async Task<ContainerJob> StartAsync(ContainerEngine engine, ContainerRequest request, CancellationToken cancellationToken)
    {
        var api = engine.Api;
        string id;
        try
        {
            id = await CreateAsync(engine, request, cancellationToken).ConfigureAwait(false);
            try
            {
                await api.StartAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e is not DockerEngineUnreachableException)
            {
                await api.RemoveAsync(id, CancellationToken.None).ConfigureAwait(false);
                throw new ContainerStartException($"the container for image \"{request.Image}\" could not start on {engine.HostName}: {e.Message}{StartHint(e.Message, request)}");
            }

            // The container's init on its host, for `dstack ps`; not asked for (one request less before the job runs).
            return new ContainerJob(engine, id, request.Name, 0);
        }
        catch (DockerEngineUnreachableException e)
        {
            throw new ContainerStartException($"image: \"{request.Image}\" needs the Docker engine on {engine.HostName}, and {e.Message}");
        }
        catch (DockerApiException e)
        {
            throw new ContainerStartException($"the container {request.Name} for image \"{request.Image}\" could not be started on {engine.HostName}: the Docker engine answered {ContainerEngine.Refusal(e)}");
        }
    }

    /// <summary>
    /// Creates the container. When the name is taken by a container carrying this job's label (an earlier attempt of
    /// this job that was not removed), that one is removed and the create tried once more; one of another run is left
    /// alone and named in the error.
    /// </summary>
    private static async Task<string> CreateAsync(ContainerEngine engine, ContainerRequest request, CancellationToken cancellationToken)
    {
        var api = engine.Api;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await api.CreateContainerAsync(request.Name, request.ToCreateBody(), cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e.Status == 409)
            {
                var stale = attempt == 0 && request.Labels.TryGetValue(ContainerLaunch.JobLabel, out var token)
                    ? await api.FindAsync(request.Name, $"{ContainerLaunch.JobLabel}={token}", cancellationToken).ConfigureAwait(false)
                    : [];
                if (stale.Count == 0)
                {
                    throw new ContainerStartException($"a container named {request.Name} already exists on {engine.HostName} and is not this job's; remove it (docker rm -f {request.Name}) or give the run another name (-n)");
                }

                foreach (var leftover in stale)
                {
                    await api.RemoveAsync(leftover, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (DockerApiException e) when (e.Status is 400 or 404 or 500 && e is not DockerEngineUnreachableException)
            {
                throw new ContainerStartException($"the container for image \"{request.Image}\" could not be created on {engine.HostName}: {e.Message}");
            }
        }
    }

    /// <summary>
    /// From outside the job's controller: removes the container named <paramref name="name"/> that carries the job's
    /// <paramref name="token"/> (another state folder's container of the same name is left alone); true when none is left.
    /// </summary>
    public static bool RemoveLeftover(ContainerEngine engine, string name, string token)
    {
        using var limit = new CancellationTokenSource(CallTimeout);
        try
        {
            return Task.Run(async () =>
            {
                var removed = true;
                foreach (var id in await engine.Api.FindAsync(name, $"{ContainerLaunch.JobLabel}={token}", limit.Token).ConfigureAwait(false))
                {
                    removed &= await engine.Api.RemoveAsync(id, limit.Token).ConfigureAwait(false);
                }

                return removed;
            }).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is DockerApiException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    /// <summary>A stop's signal goes to the container's init, which passes it on; a kill removes the container.</summary>
    public bool SignalGroup(int signal)
    {
        if (signal == Signals.Kill)
        {
            _removed = true;
            return Call(c => _engine.Api.RemoveAsync(Id, c));
        }

        return Call(c => _engine.Api.KillAsync(Id, signal, c));
    }

    public bool IsGroupAlive => LostReason is null && Call(async c => await _engine.Api.StateAsync(Id, c).ConfigureAwait(false) is { Running: true });

    /// <summary>Removes the container (and its anonymous volumes) if it is still there; best effort.</summary>
    public void Remove()
    {
        if (LostReason is null)
        {
            Call(c => _engine.Api.RemoveAsync(Id, c));
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
    }

    private bool Call(Func<CancellationToken, Task<bool>> call)
    {
        using var limit = new CancellationTokenSource(CallTimeout);
        try
        {
            return Task.Run(() => call(limit.Token)).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is DockerApiException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    private async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var logs = Task.Run(() => FollowLogsAsync(cancellationToken), CancellationToken.None);
        int code;
        try
        {
            code = await WaitAsync(cancellationToken).ConfigureAwait(false);
            if (LostReason is null)
            {
                // The log follows until the container stops; what it had not sent yet comes now.
                await Task.WhenAny(logs, Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None)).ConfigureAwait(false);
            }
        }
        finally
        {
            await _stdout.Writer.CompleteAsync().ConfigureAwait(false);
            await _stderr.Writer.CompleteAsync().ConfigureAwait(false);
        }

        return code;
    }

    private async Task<int> WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await _engine.Api.WaitAsync(Id, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e.Status == 404 && e is not DockerEngineUnreachableException)
            {
                if (_removed)
                {
                    return 128 + Signals.Kill;
                }

                LostReason = $"the container {Name} was removed on {_engine.HostName} while the job ran (docker rm from outside, or the engine's data was reset)";
                return 128 + Signals.Kill;
            }
            catch (Exception e) when (e is DockerEngineUnreachableException or IOException or HttpRequestException)
            {
                if (!await _engine.RecoverAsync($"the Docker engine on {_engine.HostName} stopped answering ({e.Message})", cancellationToken).ConfigureAwait(false))
                {
                    LostReason = _engine.LostReason;
                    return Ssh.SshFailure.SshError;
                }
            }
        }
    }

    /// <summary>
    /// Copies the container's output into <see cref="Stdout"/> and <see cref="Stderr"/>, resuming after the last message
    /// seen when the stream breaks: at once while the engine still answers (a stream that breaks again and again without
    /// a message is given up), else once the engine's host is back.
    /// </summary>
    private async Task FollowLogsAsync(CancellationToken cancellationToken)
    {
        string? last = null;
        var seenAtLast = 0;
        var barren = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var stream = await _engine.Api.LogsAsync(Id, follow: true, last is null ? null : LogFrames.Since(last), cancellationToken).ConfigureAwait(false);
                var skip = seenAtLast;
                while (await LogFrames.ReadAsync(stream, cancellationToken).ConfigureAwait(false) is { } frame)
                {
                    barren = 0;
                    if (last is not null && frame.Timestamp == last && skip > 0)
                    {
                        skip--;
                        continue;
                    }

                    if (frame.Timestamp == last)
                    {
                        seenAtLast++;
                    }
                    else if (frame.Timestamp.Length > 0)
                    {
                        last = frame.Timestamp;
                        seenAtLast = 1;
                    }

                    var writer = frame.Stream == 2 ? _stderr.Writer : _stdout.Writer;
                    await writer.WriteAsync(frame.Payload, cancellationToken).ConfigureAwait(false);
                }

                return;
            }
            catch (DockerApiException e) when (e.Status == 404 && e is not DockerEngineUnreachableException)
            {
                return;
            }
            catch (Exception e) when (e is DockerEngineUnreachableException or IOException or HttpRequestException or InvalidDataException)
            {
                // Exited is null until the constructor has it: a stream that fails at once must not end the copy.
                if (Exited is { IsCompleted: true } || ++barren > MaxBarrenResumes)
                {
                    return;
                }

                if (!await _engine.Api.PingAsync(PingTimeout, cancellationToken).ConfigureAwait(false)
                    && !await _engine.RecoverAsync($"the Docker engine on {_engine.HostName} stopped answering ({e.Message})", cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static string StartHint(string said, ContainerRequest request)
    {
        if (said.Contains("unable to find user", StringComparison.OrdinalIgnoreCase) || said.Contains("no matching entries in passwd", StringComparison.OrdinalIgnoreCase))
        {
            return $"; user: \"{request.User}\" is not a user of the image: write a uid (and gid), such as 1000:1000, or a name the image has";
        }

        if (said.Contains("executable file not found", StringComparison.OrdinalIgnoreCase) || said.Contains("no such file or directory", StringComparison.OrdinalIgnoreCase))
        {
            return request.Entrypoint.Count > 0
                ? $"; the image has no {request.Entrypoint[0]}: check entrypoint"
                : "; the image has no /bin/sh to run the commands: use an image with a shell, or set entrypoint";
        }

        if (said.Contains("could not select device driver", StringComparison.OrdinalIgnoreCase))
        {
            return "; the host's Docker has no NVIDIA runtime: install the NVIDIA Container Toolkit there, or run without GPUs";
        }

        return string.Empty;
    }
}
