using Dstack.LanguageServer.Commands;
using Dstack.LanguageServer.Offers;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.Lenses;

/// <summary>
/// The lenses of a run configuration, on its <c>type:</c> line: <c>▶ Run</c>, <c>✓ Validate</c>, and what the backends
/// offer for it (or how many errors stand in the way). A profiles or workflows file, a file without <c>type:</c>, or
/// one whose type is not task, dev-environment or service has none: there is nothing to run.
/// </summary>
public static class RunLenses
{
    public const string RunTitle = "▶ Run";
    public const string ValidateTitle = "✓ Validate";

    /// <summary>The lenses of <paramref name="document"/>, whose file is at <paramref name="filePath"/> (null when it is not a file: no profile applies).</summary>
    public static IReadOnlyList<RunLens> For(ConfigurationDocument document, string? filePath, EditorOffers offers)
    {
        if (TypeLine(document) is not { } span)
        {
            return [];
        }

        var errors = document.Diagnostics.Count(d => d.IsError);
        var summary = errors > 0 || document.RunConfiguration is not { } configuration
            ? OfferSummary.FixErrorsFirst(Math.Max(1, errors))
            : offers.Summarize(configuration, filePath).Text;
        return
        [
            new RunLens(span, RunTitle, DstackCommands.Run),
            new RunLens(span, ValidateTitle, DstackCommands.Validate),
            new RunLens(span, summary, DstackCommands.ShowOffers),
        ];
    }

    /// <summary>The <c>type: task</c> entry of a run configuration (key to value), or null when there is none to run.</summary>
    public static SourceSpan? TypeLine(ConfigurationDocument document)
    {
        if (document.Kind != ConfigurationKind.Run || document.Root is not YamlMapping root ||
            root.Find("type") is not { Value: YamlScalar { Kind: ScalarKind.String } value } entry ||
            !ModelDescriptor.RunConfigurationTypes.ContainsKey(value.Value))
        {
            return null;
        }

        var key = entry.Key.Span;
        var end = value.Span.EndLine == key.StartLine ? value.Span : key;
        return new SourceSpan(key.StartLine, key.StartColumn, end.EndLine, end.EndColumn, key.Start, end.End);
    }
}
