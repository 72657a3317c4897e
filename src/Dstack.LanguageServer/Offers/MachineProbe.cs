using Dstack.Runtime.Backends.Local;
using Dstack.Runtime.Planning;
using Dstack.Runtime.State;

namespace Dstack.LanguageServer.Offers;

/// <summary>
/// This machine's resources, detected once and then kept: detection may run <c>nvidia-smi</c>, too slow for every
/// code lens request. A value older than <see cref="MaxAge"/> is still answered at once, while a new detection runs in
/// the background for the next request; only the very first request waits for one.
/// </summary>
public sealed class MachineProbe(Func<MachineResources> detect, TimeProvider time, TimeSpan maxAge)
{
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private MachineResources? _machine;
    private DateTimeOffset _detectedAt;
    private Task _refreshing = Task.CompletedTask;
    private Task<MachineResources>? _first;

    /// <summary>How old a detection may be before a request starts a new one.</summary>
    public TimeSpan MaxAge { get; } = maxAge;

    /// <summary>The background detection in progress, or a completed task: tests wait on it rather than on time.</summary>
    public Task Refreshing
    {
        get
        {
            lock (_gate)
            {
                return _refreshing;
            }
        }
    }

    /// <summary>
    /// The machine this process runs on, with the disk of the dstack state folder; its detection starts at once, in the
    /// background, so that it is usually done before the first code lens is asked for.
    /// </summary>
    public static MachineProbe ThisMachine() =>
        new MachineProbe(() => LocalMachine.Detect(DstackHome.FromEnvironment().Root), TimeProvider.System, DefaultMaxAge).Start();

    /// <summary>Starts the first detection in the background (once); <see cref="Current"/> then waits for it if it must.</summary>
    public MachineProbe Start()
    {
        lock (_gate)
        {
            _first ??= Task.Run(detect);
        }

        return this;
    }

    /// <summary>
    /// The latest detection. Only while there has been none yet does it wait: for the one started by <see cref="Start"/>,
    /// else for one it starts, shared by every caller, so the machine is detected once. Requests run off the read loop,
    /// so the wait holds up only the requests that need the machine. A failed first detection is tried again next time.
    /// </summary>
    public MachineResources Current()
    {
        Task<MachineResources> first;
        lock (_gate)
        {
            if (_machine is not null)
            {
                if (time.GetUtcNow() - _detectedAt >= MaxAge && _refreshing.IsCompleted)
                {
                    _refreshing = Task.Run(Refresh);
                }

                return _machine;
            }

            first = _first ??= Task.Run(detect);
        }

        MachineResources detected;
        try
        {
            detected = first.GetAwaiter().GetResult();
        }
        catch
        {
            lock (_gate)
            {
                if (ReferenceEquals(_first, first))
                {
                    _first = null;
                }
            }

            throw;
        }

        lock (_gate)
        {
            if (_machine is null)
            {
                _machine = detected;
                _detectedAt = time.GetUtcNow();
            }

            return _machine;
        }
    }

    private void Refresh()
    {
        MachineResources? fresh = null;
        try
        {
            fresh = detect();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Keep the last answer; the next try waits a whole MaxAge, so a broken nvidia-smi is not run on every request.
        }

        lock (_gate)
        {
            _machine = fresh ?? _machine;
            _detectedAt = time.GetUtcNow();
        }
    }
}
