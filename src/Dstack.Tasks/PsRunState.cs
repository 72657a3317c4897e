using System.Text.Json;

namespace Dstack.Tasks;

/// <summary>One run as <c>dstack ps -a --json</c> shows it, reduced to what DstackRun waits on.</summary>
/// <param name="Name">The run's name.</param>
/// <param name="Status">Its status word: submitted, provisioning, running, done, failed, terminated, aborted.</param>
/// <param name="Reason">Why it ended; null while it runs.</param>
/// <param name="ServiceUrl">The service's published URL; null until its first replica answers, and after the end.</param>
public sealed record PsRunState(string Name, string Status, string? Reason, string? ServiceUrl)
{
    /// <summary>True once the run has ended (done, failed, terminated, aborted): it will never become ready.</summary>
    public bool HasEnded => Status is "done" or "failed" or "terminated" or "aborted";

    /// <summary>The run named <paramref name="name"/> in the output of <c>dstack ps -a --json</c>; null when absent.</summary>
    /// <exception cref="JsonException">The text is not the JSON <c>dstack ps --json</c> prints.</exception>
    public static PsRunState? Find(string json, string name)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("runs", out var runs)
            || runs.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("no \"runs\" array");
        }

        foreach (var run in runs.EnumerateArray())
        {
            if (run.ValueKind == JsonValueKind.Object && Text(run, "name") == name)
            {
                return new PsRunState(name, Text(run, "status") ?? "", Text(run, "reason"), Text(run, "service_url"));
            }
        }

        return null;
    }

    private static string? Text(JsonElement run, string property) =>
        run.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
