using System.Diagnostics;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Containers;

/// <summary>A job's image made ready on its host's engine before the job starts, with the pull's progress as run events.</summary>
public static class JobImage
{
    /// <summary>At most this often a pull's progress becomes an event (each one is written to the state store).</summary>
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(500);

    /// <summary>The credentials of the spec's <c>registry_auth</c>; null without.</summary>
    public static RegistryCredentials? CredentialsOf(RunSpec spec) =>
        spec.RegistryUsername is { } user ? new RegistryCredentials(user, spec.RegistryPassword ?? string.Empty) : null;

    /// <summary>
    /// Pulls <paramref name="image"/> on <paramref name="engine"/> when it is missing there, reporting
    /// <see cref="PullingProgress"/> for job <paramref name="rank"/>; returns the image's id.
    /// </summary>
    /// <exception cref="ContainerStartException">It cannot be pulled; the message says why and what to do.</exception>
    public static async Task<string> PrepareAsync(ContainerEngine engine, RunSpec spec, string image, int rank, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        // The first report with sizes is sent at once (TimeSpan.MinValue here would overflow the subtraction below).
        var last = -ReportEvery;
        var pulled = false;
        ImagePullProgress? latest = null;
        var reporter = new SyncProgress<ImagePullProgress>(p =>
        {
            latest = p;
            if (!pulled)
            {
                pulled = true;
                progress?.Report(new PullingProgress(rank, image, engine.HostName));
            }

            if (clock.Elapsed - last >= ReportEvery && p.TotalBytes > 0)
            {
                last = clock.Elapsed;
                progress?.Report(new PullingProgress(rank, image, engine.HostName, p.Bytes, p.TotalBytes, p.LayersDone, p.Layers));
            }
        });
        var id = await engine.EnsureImageAsync(image, CredentialsOf(spec), reporter, cancellationToken).ConfigureAwait(false);
        if (latest is { } done)
        {
            progress?.Report(new PullingProgress(rank, image, engine.HostName, Math.Max(done.Bytes, done.TotalBytes), done.TotalBytes, done.Layers, done.Layers));
        }

        return id;
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread, in order (<see cref="Progress{T}"/> posts to the thread pool).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
