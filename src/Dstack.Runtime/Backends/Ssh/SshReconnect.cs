using System.Diagnostics;
using System.Globalization;

namespace Dstack.Runtime.Backends.Ssh;

/// <summary>
/// How long a host may stay unreachable during a run before its jobs count as lost: every command that finds the
/// connection gone waits a second and tries again, until the host has not answered anyone for
/// <see cref="Window"/> (2 minutes, or <c>DSTACK_SSH_RECONNECT_SECONDS</c>). Shared by a host's streams and waits, so
/// they give up together.
/// </summary>
public sealed class SshReconnect(TimeSpan window)
{
    /// <summary>The environment variable that sets the window in seconds.</summary>
    public const string WindowVariable = "DSTACK_SSH_RECONNECT_SECONDS";

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private Stopwatch? _failingFor;

    public TimeSpan Window { get; } = window;

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
        lock (_gate)
        {
            _failingFor ??= Stopwatch.StartNew();
            if (IsLost || _failingFor.Elapsed > Window)
            {
                IsLost = true;
                return false;
            }
        }

        await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
