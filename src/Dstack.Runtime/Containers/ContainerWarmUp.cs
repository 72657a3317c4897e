namespace Dstack.Runtime.Containers;

/// <summary>
/// Runs the container code paths once while the controller waits for its run (the front end still plans), so a run
/// with an image does not pay their first-call compilation on its critical path: one ping of this machine's engine (only
/// when its socket is there), a request body and a log timestamp. Never throws; bounded to one second.
/// </summary>
public static class ContainerWarmUp
{
    public static async Task RunAsync(IReadOnlyDictionary<string, string> environment)
    {
        try
        {
            var host = environment.GetValueOrDefault("DOCKER_HOST");
            var socket = string.IsNullOrEmpty(host) ? DockerEngine.DefaultSocket : host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : null;
            _ = new ContainerRequest { Image = "warm-up", Name = "warm-up", Env = [new("A", "B")], Gpus = [0] }.ToCreateBody().ToJsonString();
            _ = LogFrames.Since("2026-01-01T00:00:00.000000000Z");
            if (socket is not null && File.Exists(socket))
            {
                using var api = DockerApi.ForSocket(socket);
                await api.PingAsync(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or DockerApiException)
        {
            // A warm-up only: the run itself reports what is wrong with the engine.
        }
    }
}
