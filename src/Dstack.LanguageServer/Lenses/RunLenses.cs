using Dstack.LanguageServer.Commands;
using Dstack.LanguageServer.Offers;
using Dstack.LanguageServer.Runs;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.Lenses;

/// <summary>
/// The lenses of a run configuration, on its <c>type:</c> line: <c>▶ Run</c> (<c>▶ Run service</c>, <c>▶ Run dev
/// environment</c>), <c>✓ Validate</c>, and what the backends offer for it (or how many errors stand in the way).
/// While a run of the file is reachable, after them: a service's URL (<c>🌐 http://127.0.0.1:PORT/</c>, opened in the
/// browser), a dev environment's <c>Open in VS Code</c> (or Cursor) and <c>ssh RUN</c>. A profiles or workflows file,
/// a file without <c>type:</c>, or one whose type is not task, dev-environment or service has none: there is nothing
/// to run.
/// </summary>
public static class RunLenses
{
    public const string RunTitle = "▶ Run";
    public const string RunServiceTitle = "▶ Run service";
    public const string RunDevEnvironmentTitle = "▶ Run dev environment";
    public const string ValidateTitle = "✓ Validate";
    public const string ServiceUrlPrefix = "🌐 ";

    /// <summary>
    /// The lenses of <paramref name="document"/>, whose file is at <paramref name="filePath"/> (null when it is not a
    /// file: no profile applies); <paramref name="live"/> is where its active run is reached, null when none is.
    /// </summary>
    public static IReadOnlyList<RunLens> For(ConfigurationDocument document, string? filePath, EditorOffers offers, LiveEndpoints? live = null)
    {
        if (TypeLine(document) is not { } span)
        {
            return [];
        }

        var errors = document.Diagnostics.Count(d => d.IsError);
        var summary = errors > 0 || document.RunConfiguration is not { } configuration
            ? OfferSummary.FixErrorsFirst(Math.Max(1, errors))
            : offers.Summarize(configuration, filePath).Text;
        var type = TypeOf(document);
        List<RunLens> lenses =
        [
            new RunLens(span, type switch { "service" => RunServiceTitle, "dev-environment" => RunDevEnvironmentTitle, _ => RunTitle }, DstackCommands.Run),
            new RunLens(span, ValidateTitle, DstackCommands.Validate),
            new RunLens(span, summary, DstackCommands.ShowOffers),
        ];
        if (type == "service" && live?.ServiceUrl is { } url)
        {
            lenses.Add(new RunLens(span, ServiceUrlPrefix + url, DstackCommands.OpenUrl, Target: url));
        }

        if (type == "dev-environment" && live is not null)
        {
            if (live.IdeUrl is { } link)
            {
                lenses.Add(new RunLens(span, OpenIdeTitle(link), DstackCommands.OpenUrl, Target: link));
            }

            if (live.SshHost is { } host)
            {
                lenses.Add(new RunLens(span, "ssh " + host, DstackCommands.Ssh, Target: host));
            }
        }

        return lenses;
    }

    /// <summary><c>Open in VS Code</c> for a <c>vscode://</c> link, <c>Open in Cursor</c> for <c>cursor://</c>, else <c>Open in IDE</c>.</summary>
    public static string OpenIdeTitle(string link) =>
        link.StartsWith("vscode:", StringComparison.OrdinalIgnoreCase) ? "Open in VS Code"
        : link.StartsWith("cursor:", StringComparison.OrdinalIgnoreCase) ? "Open in Cursor"
        : "Open in IDE";

    private static string? TypeOf(ConfigurationDocument document) =>
        document.Root is YamlMapping root && root.Find("type") is { Value: YamlScalar value } ? value.Value : null;

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
