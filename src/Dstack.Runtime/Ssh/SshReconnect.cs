using System.Diagnostics;
using System.Globalization;

namespace Dstack.Runtime.Ssh;

/// <summary>
/// How long a host may stay unreachable during a run before its jobs count as lost: every command that finds the
/// connection gone waits a second and tries again, until the host has not answered anyone for
/// <see cref="Window"/> (2 minutes, or <c>DSTACK_SSH_RECONNECT_SECONDS</c>). Shared by a host's streams and waits, so
/// they give up together. A machine whose provider can say it is gone (a cloud instance taken back) is given up at
/// once when <see cref="Gone"/> says so, asked at most every <see cref="GoneCheckInterval"/> while it does not answer.
/// </summary>
public sealed class SshReconnect(TimeSpan window)
{
    /// <summary>The environment variable that sets the window in seconds.</summary>
    public const string WindowVariable = "DSTACK_SSH_RECONNECT_SECONDS";

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private Stopwatch? _failingFor;
    private Stopwatch? _sinceGoneAsked;

    public TimeSpan Window { get; } = window;

    /// <summary>
    /// Whether the machine is gone for good (its provider took it back), asked while it does not answer; null for a
    /// machine only its answers can tell about (an SSH host). A question that fails counts as "not known to be gone".
    /// </summary>
    public Func<CancellationToken, Task<bool>>? Gone { get; init; }

    /// <summary>How often <see cref="Gone"/> is asked while the machine does not answer.</summary>
    public TimeSpan GoneCheckInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>True once the host has been unreachable for longer than the window.</summary>
    public bool IsLost { get; private set; }

    /// <summary>The window from <c>DSTACK_SSH_RECONNECT_SECONDS</c> when it holds a positive number, else 2 minutes.</summary>
    public static SshReconnect FromEnvironment(IReadOnlyDictionary<string, string>? environment = null)
    {
        var text = environment is null ? System.Environment.GetEnvironmentVariable(WindowVariable) : environment.GetValueOrDefault(WindowVariable);
        return new SshReconnect(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && double.IsFinite(seconds)
            ? TimeSpan.FromSeconds(seconds)
            : DefaultWindow);
    }

    /// <summary>The host answered.</summary>
    public void Succeeded()
    {
        lock (_gate)
        {
            _failingFor = null;
        }
    }

    /// <summary>Called after a failed attempt: waits before the next one and returns true, or false when the host is lost.</summary>
    public async Task<bool> WaitBeforeRetryAsync(CancellationToken cancellationToken = default)
    {
        bool ask;
        lock (_gate)
        {
            _failingFor ??= Stopwatch.StartNew();
            if (IsLost || _failingFor.Elapsed > Window)
            {
                IsLost = true;
                return false;
            }

            ask = Gone is not null && (_sinceGoneAsked is null || _sinceGoneAsked.Elapsed >= GoneCheckInterval);
            if (ask)
            {
                _sinceGoneAsked = Stopwatch.StartNew();
            }
        }

        if (ask && await IsGoneAsync(cancellationToken).ConfigureAwait(false))
        {
            lock (_gate)
            {
                IsLost = true;
            }

            return false;
        }

        await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> IsGoneAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Gone!(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The provider's API may be as unreachable as the machine: the window decides then.
            return false;
        }
    }
}
