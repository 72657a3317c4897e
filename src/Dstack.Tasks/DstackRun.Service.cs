using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Dstack.Tasks;

/// <summary>
/// A <c>type: service</c> configuration: submitted detached (unless <see cref="Detach"/> is <c>false</c>), then
/// waited on until its endpoint answers, and its URL returned as <see cref="ServiceUrl"/>.
/// </summary>
public sealed partial class DstackRun
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CliLimit = TimeSpan.FromMinutes(1);

    private readonly ManualResetEventSlim _wake = new();

    /// <summary><c>DstackServiceReadyTimeout</c>: seconds to wait, after submitting a service, for its URL.</summary>
    public int ServiceReadyTimeout { get; set; } = 300;

    /// <summary>The service's URL (<c>http://127.0.0.1:PORT/</c>) with metadata <c>RunName</c>; null for anything but a ready service.</summary>
    [Output]
    public ITaskItem? ServiceUrl { get; private set; }

    /// <summary>True when this execution runs a service and waits for it: a service configuration, submitted detached.</summary>
    internal bool WaitsForService { get; private set; }

    /// <summary>
    /// Whether <c>dstack run</c> gets <c>-d</c>: <c>DstackDetach=true</c>, or a service without an explicit
    /// <c>DstackDetach=false</c>. A plan (<see cref="DryRun"/>) never detaches.
    /// </summary>
    public static bool ShouldDetach(string? detach, bool isService, bool dryRun)
    {
        if (dryRun)
        {
            return false;
        }

        var setting = detach?.Trim() ?? "";
        return setting.Length == 0 ? isService : string.Equals(setting, "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Polls <c>dstack ps -a --json</c> until the submitted service has a URL, it ends, the time runs out, or the build is cancelled.</summary>
    private bool WaitForService()
    {
        var name = SubmittedRunName;
        var limit = TimeSpan.FromSeconds(Math.Max(0, ServiceReadyTimeout));
        Log.LogMessage(MessageImportance.High, "Waiting for the service {0} to answer (up to {1} s, DstackServiceReadyTimeout).", name, ServiceReadyTimeout.ToString(CultureInfo.InvariantCulture));
        var watch = Stopwatch.StartNew();
        PsRunState? last = null;
        while (true)
        {
            if (_cancelled)
            {
                StopService(name);
                Log.LogMessage(MessageImportance.High, "The build was cancelled: the service {0} was stopped.", name);
                return false;
            }

            var (exitCode, output, error) = CliQuery.Run(DstackCliPath, ["ps", "-a", "--json"], ProjectDirectory, CliLimit);
            if (exitCode != 0)
            {
                Log.LogError(null, DstackToolTask.SetupErrorCode, null, null, 0, 0, 0, 0,
                    "dstack ps --json exited with code {0} while waiting for the service {1}: {2}", exitCode, name, error.Trim());
                return false;
            }

            try
            {
                last = PsRunState.Find(output, name) ?? last;
            }
            catch (JsonException e)
            {
                Log.LogError(null, DstackToolTask.SetupErrorCode, null, null, 0, 0, 0, 0,
                    "dstack ps --json printed something that is not its JSON while waiting for the service {0}: {1}", name, e.Message);
                return false;
            }

            if (last is { ServiceUrl: { Length: > 0 } url, HasEnded: false })
            {
                var item = new TaskItem(url);
                item.SetMetadata("RunName", name);
                ServiceUrl = item;
                Log.LogMessage(MessageImportance.High, "The service {0} answers at {1} (DstackServiceUrl). Stop it with: dotnet build -t:DstackStop (or dstack stop {0}).", name, url);
                return true;
            }

            if (last is { HasEnded: true })
            {
                Log.LogError(null, DstackToolTask.ServiceNotReadyErrorCode, null, _configuration, 0, 0, 0, 0,
                    "the service {0} ended before it answered: status {1}{2}; dstack logs {0} shows its output",
                    name, last.Status, string.IsNullOrEmpty(last.Reason) ? "" : $", reason {last.Reason}");
                return false;
            }

            if (watch.Elapsed >= limit)
            {
                StopService(name);
                Log.LogError(null, DstackToolTask.ServiceNotReadyErrorCode, null, _configuration, 0, 0, 0, 0,
                    "the service {0} did not answer within {1} s (status {2}), so it was stopped; raise DstackServiceReadyTimeout, or see dstack logs {0}",
                    name, ServiceReadyTimeout.ToString(CultureInfo.InvariantCulture), last?.Status ?? "unknown: dstack ps does not list it");
                return false;
            }

            _wake.Wait(PollInterval);
        }
    }

    /// <summary>Stops a run this task submitted detached and gave up on, so that a failed or cancelled build leaves nothing running.</summary>
    private void StopService(string name)
    {
        var (exitCode, output, error) = CliQuery.Run(DstackCliPath, ["stop", name, "-y"], ProjectDirectory, CliLimit);
        if (exitCode != 0)
        {
            Log.LogWarning(null, null, null, _configuration, 0, 0, 0, 0,
                "dstack stop {0} exited with code {1}: {2}; stop it yourself with dstack stop {0}", name, exitCode, (error + output).Trim());
        }
    }
}
