using System.Text.Json;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The environment values and secrets of a run, which the front end hands to the runner through the runner's
/// standard input (<see cref="RunnerProcess"/>) instead of the state store.
/// </summary>
public sealed record RunnerSecrets(IReadOnlyDictionary<string, string> Env, IReadOnlyList<string> Secrets)
{
    public static RunnerSecrets Of(RunSpec spec) => new(
        spec.Env.Where(e => e.Value is not null).GroupBy(e => e.Name).ToDictionary(g => g.Key, g => g.Last().Value!, StringComparer.Ordinal),
        spec.Secrets);

    public string ToJson() => JsonSerializer.Serialize(new RunnerSecretsPayload(Env, Secrets), RunJsonContext.Default.RunnerSecretsPayload);

    public static RunnerSecrets FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return new RunnerSecrets(new Dictionary<string, string>(), []);
        }

        var payload = JsonSerializer.Deserialize(json, RunJsonContext.Default.RunnerSecretsPayload) ?? throw new JsonException("empty runner secrets");
        return new RunnerSecrets(payload.Env, payload.Secrets);
    }

    /// <summary>The stored spec with its values put back.</summary>
    public RunSpec Apply(RunSpec stored) => stored with
    {
        Env = [.. stored.Env.Select(e => e with { Value = Env.TryGetValue(e.Name, out var value) ? value : e.Value ?? string.Empty })],
        Secrets = Secrets,
    };
}
