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

    /// <summary>The machine this process runs on, with the disk of the dstack state folder.</summary>
    public static MachineProbe ThisMachine() =>
        new(() => LocalMachine.Detect(DstackHome.FromEnvironment().Root), TimeProvider.System, DefaultMaxAge);

    /// <summary>The latest detection; detects (and waits) only when there has been none yet.</summary>
    public MachineResources Current()
    {
        lock (_gate)
        {
            if (_machine is null)
            {
                // The first request waits, and holds the others back, so the machine is detected once.
                _machine = detect();
                _detectedAt = time.GetUtcNow();
            }
            else if (time.GetUtcNow() - _detectedAt >= MaxAge && _refreshing.IsCompleted)
            {
                _refreshing = Task.Run(Refresh);
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
