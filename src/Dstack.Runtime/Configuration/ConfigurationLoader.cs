using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Configuration.Rules;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Configuration;

/// <summary>
/// Reads a dstack file from disk or text and checks it: YAML, then the model, then the rules that look at several
/// properties. The one entry point shared by the CLI, MSBuild and the language server. Never throws for bad input.
/// </summary>
public static class ConfigurationLoader
{
    /// <summary>Reads and checks a file; <paramref name="displayPath"/> is how diagnostics name it (default: <paramref name="path"/>).</summary>
    public static ConfigurationDocument LoadFile(string path, string? displayPath = null)
    {
        var shown = displayPath ?? path;
        var diagnostics = new DiagnosticBag(shown);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var code = e is FileNotFoundException or DirectoryNotFoundException ? DiagnosticCodes.FileNotFound : DiagnosticCodes.FileUnreadable;
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "the file does not exist; check the path" : $"the file cannot be read: {e.Message}";
            diagnostics.Error(code, SourceSpan.FileStart, reason);
            return new ConfigurationDocument(shown, null, KindOf(path, null), null, null, new SourceMap(), diagnostics.ToSortedList());
        }

        var text = SourceDecoder.Decode(bytes, diagnostics);
        return text is null
            ? new ConfigurationDocument(shown, null, KindOf(path, null), null, null, new SourceMap(), diagnostics.ToSortedList())
            : Load(shown, text, diagnostics);
    }

    /// <summary>Checks text held in memory (an editor buffer); <paramref name="path"/> decides the kind of file.</summary>
    public static ConfigurationDocument LoadText(string path, string text) => Load(path, text, new DiagnosticBag(path));

    /// <summary>The kind of file, from its path (<c>.dstack/profiles.yml</c>, <c>.dstack/workflows/*.yaml</c>) or its top-level key.</summary>
    public static ConfigurationKind KindOf(string path, YamlNode? root)
    {
        var normalized = path.Replace('\\', '/');
        var name = System.IO.Path.GetFileName(normalized);
        if (name is "profiles.yml" or "profiles.yaml" && normalized.Contains(".dstack/", StringComparison.Ordinal))
        {
            return ConfigurationKind.Profiles;
        }

        if (normalized.Contains(".dstack/workflows/", StringComparison.Ordinal))
        {
            return ConfigurationKind.Workflows;
        }

        if (root is YamlMapping mapping && mapping.Find("type") is null)
        {
            if (mapping.Find("profiles") is not null)
            {
                return ConfigurationKind.Profiles;
            }

            if (mapping.Find("workflows") is not null)
            {
                return ConfigurationKind.Workflows;
            }
        }

        return ConfigurationKind.Run;
    }

    private static ConfigurationDocument Load(string path, string text, DiagnosticBag diagnostics)
    {
        var sourceMap = new SourceMap();
        YamlNode? root = null;
        object? model = null;
        var kind = KindOf(path, null);
        try
        {
            root = YamlTreeReader.Read(text, diagnostics);
            kind = KindOf(path, root);
            if (root is null)
            {
                if (!diagnostics.HasErrors)
                {
                    diagnostics.Error(DiagnosticCodes.EmptyDocument, SourceSpan.FileStart, $"the file is empty; {EmptyHint(kind)}");
                }
            }
            else if (root is not YamlMapping)
            {
                diagnostics.Error(DiagnosticCodes.TopLevelNotMapping, root.Span, $"the top level is {root.Describe()}, but it must be a mapping of properties; {EmptyHint(kind)}");
            }
            else
            {
                var binder = new ModelBinder(diagnostics, sourceMap);
                model = kind switch
                {
                    ConfigurationKind.Profiles => binder.BindObject(typeof(ProfilesFile), root, string.Empty),
                    ConfigurationKind.Workflows => binder.BindObject(typeof(WorkflowsFile), root, string.Empty),
                    _ => BindRunConfiguration(binder, (YamlMapping)root, diagnostics),
                };
                if (model is not null)
                {
                    ConfigurationRules.Check(model, sourceMap, diagnostics);
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug of ours must not hide the user's file: report it where the file starts, keep going.
            diagnostics.Error(DiagnosticCodes.InternalError, SourceSpan.FileStart, $"internal error while checking the file ({e.GetType().Name}: {e.Message}); please report it with the file");
        }

        return new ConfigurationDocument(path, text, kind, root, model, sourceMap, diagnostics.ToSortedList());
    }

    private static RunConfiguration? BindRunConfiguration(ModelBinder binder, YamlMapping root, DiagnosticBag diagnostics)
    {
        var allowed = string.Join(", ", ModelDescriptor.RunConfigurationTypes.Keys.Select(k => $"'{k}'"));
        var typeEntry = root.Find("type");
        if (typeEntry is null)
        {
            diagnostics.Error(
                DiagnosticCodes.InvalidConfigurationType,
                new SourceSpan(root.Span.StartLine, root.Span.StartColumn, root.Span.StartLine, root.Span.StartColumn, root.Span.Start, root.Span.Start),
                $"Discriminator 'type' is missing in value; add `type: task` (or dev-environment, service) as the first line");
            return null;
        }

        if (typeEntry.Value is not YamlScalar { Kind: ScalarKind.String } typeValue ||
            !ModelDescriptor.RunConfigurationTypes.TryGetValue(typeValue.Value, out var type))
        {
            var value = (typeEntry.Value as YamlScalar)?.Value ?? typeEntry.Value.Describe();
            if (value is "fleet" or "gateway" or "volume")
            {
                diagnostics.Warning(
                    DiagnosticCodes.InvalidConfigurationType,
                    typeEntry.Value.Span,
                    $"`type: {value}` configurations are managed by `dstack apply` on a dstack server; this project does not check or run them yet");
                return null;
            }

            var guess = DidYouMean.Find(value, ModelDescriptor.RunConfigurationTypes.Keys);
            diagnostics.Error(
                DiagnosticCodes.InvalidConfigurationType,
                typeEntry.Value.Span,
                $"No match for discriminator 'type' and value '{value}' (allowed values: {allowed}){(guess is null ? string.Empty : $"; did you mean `{guess}`?")}",
                guess is not null && typeEntry.Value is YamlScalar scalar && scalar.TrySpanOf(0, scalar.Value.Length, out var span) ? new Suggestion(span, guess) : null);
            return null;
        }

        return (RunConfiguration?)binder.BindObject(type, root, string.Empty);
    }

    private static string EmptyHint(ConfigurationKind kind) => kind switch
    {
        ConfigurationKind.Profiles => "start with `profiles:` and a list of profiles",
        ConfigurationKind.Workflows => "start with `workflows:` and a list of workflows",
        _ => "start with `type: task` and add `commands:`",
    };
}
