using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Runs.Environment;

/// <summary>
/// Works out the job's user environment from the configuration's <c>env</c> and the CLI's <c>-e</c> entries
/// (reference §5):
/// <list type="bullet">
/// <item><c>-e KEY=VALUE</c> overrides a configured variable or adds one; the last <c>-e</c> for a name wins.</item>
/// <item><c>-e KEY</c> takes KEY from the process environment, else from <c>.env</c>.</item>
/// <item>A required variable (<c>- KEY</c>, <c>KEY: null</c>) is filled from <c>-e</c>, then the process environment,
/// then <c>.env</c>. A configured value is never replaced by the process environment or <c>.env</c>, only by <c>-e</c>.</item>
/// <item>Every variable that nothing fills is named in one <see cref="DiagnosticCodes.RequiredEnvMissing"/> error,
/// so the user fixes them all at once; malformed <c>-e</c> values are <see cref="DiagnosticCodes.InvalidOption"/> errors.</item>
/// </list>
/// <c>.env</c> only fills names the configuration or <c>-e</c> asks for; the rest of it does not reach the job.
/// </summary>
public static class EnvironmentResolver
{
    /// <summary>Values shorter than this are not treated as secrets: masking <c>1</c> everywhere would ruin the logs.</summary>
    public const int MinimumSecretLength = 4;

    private static readonly string[] SecretNameParts = ["TOKEN", "KEY", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH"];

    /// <inheritdoc cref="Resolve(EnvVariables, IReadOnlyList{string}, IReadOnlyDictionary{string, string}, DotEnvFile?, string, SourceMap?)"/>
    public static EnvironmentResolution Resolve(
        EnvVariables configured,
        IReadOnlyList<string> cliEntries,
        IReadOnlyDictionary<string, string> processEnvironment,
        DotEnvFile? dotEnv,
        string configurationPath) =>
        Resolve(configured, cliEntries, processEnvironment, dotEnv, configurationPath, sourceMap: null);

    /// <summary>Resolves the environment; see the type's remarks for the rules.</summary>
    /// <param name="configured">The configuration's <c>env</c>.</param>
    /// <param name="cliEntries">The values of the <c>-e</c>/<c>--env</c> options, in order: <c>KEY=VALUE</c> or <c>KEY</c>.</param>
    /// <param name="processEnvironment">The environment of the process that runs the CLI (or the build).</param>
    /// <param name="dotEnv">The run folder's <c>.env</c>, when there is one.</param>
    /// <param name="configurationPath">The configuration file, which the missing-variables error points at.</param>
    /// <param name="sourceMap">When given, the missing-variables error points at the first missing variable's entry instead of the file start.</param>
    public static EnvironmentResolution Resolve(
        EnvVariables configured,
        IReadOnlyList<string> cliEntries,
        IReadOnlyDictionary<string, string> processEnvironment,
        DotEnvFile? dotEnv,
        string configurationPath,
        SourceMap? sourceMap)
    {
        var diagnostics = new List<Diagnostic>(dotEnv?.Diagnostics ?? []);
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        var dotEnvValues = dotEnv?.Values ?? new Dictionary<string, string>();

        // Anything in .env may be a token, and the job can read .env from its working copy, so all of it is masked.
        foreach (var value in dotEnvValues.Values)
        {
            AddSecret(secrets, value);
        }

        var overrides = ParseCliEntries(cliEntries, diagnostics);
        var variables = new List<KeyValuePair<string, string>>();
        var missing = new List<string>();
        SourceSpan? missingSpan = null;

        string? FromOutside(string name)
        {
            var found = processEnvironment.TryGetValue(name, out var value) || dotEnvValues.TryGetValue(name, out value);
            if (found)
            {
                AddSecret(secrets, value!);
            }

            return found ? value : null;
        }

        void Add(string name, string value)
        {
            variables.Add(new(name, value));
            if (LooksSecret(name))
            {
                AddSecret(secrets, value);
            }
        }

        foreach (var variable in configured)
        {
            string? value;
            if (overrides.TryGetValue(variable.Name, out var entry))
            {
                value = entry.Value is null ? FromOutside(variable.Name) : entry.Value;
            }
            else
            {
                value = variable.Value ?? FromOutside(variable.Name);
            }

            if (value is null)
            {
                missing.Add(variable.Name);
                missingSpan ??= sourceMap?.NodeOf(variable)?.Span;
                continue;
            }

            Add(variable.Name, value);
        }

        foreach (var (name, entry) in overrides.Where(o => configured.Find(o.Key) is null).OrderBy(o => o.Value.Order))
        {
            var value = entry.Value is null ? FromOutside(name) : entry.Value;
            if (value is null)
            {
                missing.Add(name);
                continue;
            }

            Add(name, value);
        }

        if (missing.Count > 0)
        {
            diagnostics.Add(new Diagnostic(
                DiagnosticCodes.RequiredEnvMissing,
                DiagnosticSeverity.Error,
                MissingMessage(missing),
                missingSpan ?? SourceSpan.FileStart,
                configurationPath));
        }

        return new EnvironmentResolution(variables, diagnostics, secrets);
    }

    /// <summary>True when a variable's name says its value is a credential (TOKEN, KEY, SECRET, PASSWORD, ...).</summary>
    public static bool LooksSecret(string name) =>
        SecretNameParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase));

    private static Dictionary<string, (string? Value, int Order)> ParseCliEntries(IReadOnlyList<string> entries, List<Diagnostic> diagnostics)
    {
        var overrides = new Dictionary<string, (string? Value, int Order)>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? entry : entry[..equals];
            string? problem = null;
            if (entry.Length == 0)
            {
                problem = "`-e` needs NAME=value, or NAME to take the value from your environment, but got an empty value";
            }
            else if (name.Length == 0)
            {
                problem = $"`-e {entry}` has no variable name before `=`: write -e NAME{entry}";
            }
            else if (!VariableName.IsValid(name))
            {
                problem = $"`-e {entry}`: `{name}` is not a variable name ({VariableName.Rule}): write -e {VariableName.Suggest(name)}{(equals < 0 ? string.Empty : entry[equals..])}";
            }

            if (problem is not null)
            {
                diagnostics.Add(new Diagnostic(DiagnosticCodes.InvalidOption, DiagnosticSeverity.Error, problem, SourceSpan.FileStart, null));
                continue;
            }

            var order = overrides.TryGetValue(name, out var earlier) ? earlier.Order : i;
            overrides[name] = (equals < 0 ? null : entry[(equals + 1)..], order);
        }

        return overrides;
    }

    private static string MissingMessage(List<string> missing)
    {
        var flags = string.Join(' ', missing.Select(n => $"-e {n}=..."));
        return missing.Count == 1
            ? $"Environment variable {missing[0]} is not set: pass {flags}, export it, or add it to .env"
            : $"Environment variables {string.Join(", ", missing)} are not set: pass {flags}, export them, or add them to .env";
    }

    private static string AddSecret(HashSet<string> secrets, string value)
    {
        if (value.Length >= MinimumSecretLength)
        {
            secrets.Add(value);
        }

        return value;
    }
}
