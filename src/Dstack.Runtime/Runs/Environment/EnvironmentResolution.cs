using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Runs.Environment;

/// <summary>The job's user environment, as <see cref="EnvironmentResolver.Resolve(Configuration.Model.EnvVariables, IReadOnlyList{string}, IReadOnlyDictionary{string, string}, DotEnvFile?, string)"/> worked it out.</summary>
/// <param name="Variables">The variables to set, in configuration order, then names that only <c>-e</c> added.</param>
/// <param name="Diagnostics">Errors: missing required variables, malformed <c>-e</c> values, and the <c>.env</c> file's own.</param>
/// <param name="SecretValues">Values that must never be printed; give them to a <see cref="SecretMasker"/>.</param>
public sealed record EnvironmentResolution(
    IReadOnlyList<KeyValuePair<string, string>> Variables,
    IReadOnlyList<Diagnostic> Diagnostics,
    IReadOnlySet<string> SecretValues)
{
    /// <summary>True when no diagnostic is an error, so the job can start.</summary>
    public bool IsValid => !Diagnostics.Any(d => d.IsError);
}
