using System.Text.Json;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The environment values and secrets of a run, which the front end hands to the controller through the controller's
/// standard input (<see cref="ControllerProcess"/>) instead of the state store.
/// </summary>
public sealed record ControllerSecrets(IReadOnlyDictionary<string, string> Env, IReadOnlyList<string> Secrets, string? RegistryPassword = null)
{
    public static ControllerSecrets Of(RunSpec spec) => new(
        spec.Env.Where(e => e.Value is not null).GroupBy(e => e.Name).ToDictionary(g => g.Key, g => g.Last().Value!, StringComparer.Ordinal),
        spec.Secrets,
        spec.RegistryPassword);

    public string ToJson() => JsonSerializer.Serialize(new ControllerSecretsPayload(Env, Secrets, RegistryPassword), RunJsonContext.Default.ControllerSecretsPayload);

    public static ControllerSecrets FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return new ControllerSecrets(new Dictionary<string, string>(), []);
        }

        var payload = JsonSerializer.Deserialize(json, RunJsonContext.Default.ControllerSecretsPayload) ?? throw new JsonException("empty controller secrets");
        return new ControllerSecrets(payload.Env, payload.Secrets, payload.RegistryPassword);
    }

    /// <summary>The stored spec with its values put back.</summary>
    public RunSpec Apply(RunSpec stored) => stored with
    {
        Env = [.. stored.Env.Select(e => e with { Value = Env.TryGetValue(e.Name, out var value) ? value : e.Value ?? string.Empty })],
        Secrets = Secrets,
        RegistryPassword = RegistryPassword ?? stored.RegistryPassword,
    };
}
